/**
 * `--compare a b`: how two stacks differ in shape — resource types and counts, AZs, sizes and
 * settings. A difference the stack files declare (a key set in either YAML, or one that follows
 * from such a key) is "expected"; anything else (a stage default, a component's own choice)
 * stands out as "unexpected", which is what "staging mirrors prod" needs to catch.
 */
import { StageSettings } from "../../infra/settings";
import { redact } from "./redact";
import { PlannedStack, StackSource } from "./stacks";
import { shortType } from "./tree";

export type Verdict = "expected" | "unexpected";

export interface Difference {
    /** `resources`, `azs`, `sizes` or `settings`. */
    kind: "resources" | "azs" | "sizes" | "settings";
    /** A settings path (`database.instanceClass`) or a resource type. */
    key: string;
    a: string;
    b: string;
    verdict: Verdict;
    /** Why it is expected or not, in words. */
    reason: string;
}

export interface Comparison {
    a: string;
    b: string;
    differences: Difference[];
}

/** Settings as `path → printable value`; list items with a `name` keyed by it (`services[web].cpu`). */
export function flattenSettings(s: StageSettings): Map<string, string> {
    const out = new Map<string, string>();
    const walk = (v: unknown, p: string) => {
        if (Array.isArray(v)) {
            if (v.length && v.every((x) => x && typeof x === "object" && typeof (x as { name?: unknown }).name === "string")) {
                for (const x of v) walk(x, `${p}[${(x as { name: string }).name}]`);
                out.set(`${p}[]`, v.map((x) => (x as { name: string }).name).join(", "));
            } else out.set(p, JSON.stringify(v));
        } else if (v && typeof v === "object") {
            for (const [k, x] of Object.entries(v)) walk(x, p ? `${p}.${k}` : k);
        } else if (v !== undefined) out.set(p, typeof v === "string" ? JSON.stringify(v) : String(v));
    };
    const { project, stack, ...rest } = s;
    void project;
    void stack;
    walk(redact(rest), "");
    return out;
}

/** Whether a settings path is set in a stack's YAML (not a stage default). */
export function declared(src: StackSource, settingsPath: string): boolean {
    const m = /^([^.[]+)(.*)$/.exec(settingsPath);
    if (!m) return false;
    const [, top, rest] = m;
    const raw = top === "region" ? src.config["aws:region"] : src.config[`stageline:${top}`];
    if (raw === undefined) return false;
    let node: unknown;
    try {
        node = /^\s*[[{]/.test(raw) ? JSON.parse(raw) : raw;
    } catch {
        node = raw;
    }
    const parts = rest.match(/\.[^.[]+|\[[^\]]*\]/g) ?? [];
    for (const part of parts) {
        if (part === "[]") return node !== undefined;
        if (part.startsWith("[")) {
            const name = part.slice(1, -1);
            node = Array.isArray(node) ? node.find((x) => x && typeof x === "object" && (x as { name?: unknown }).name === name) : undefined;
        } else {
            node = node && typeof node === "object" ? (node as Record<string, unknown>)[part.slice(1)] : undefined;
        }
        if (node === undefined) return false;
    }
    return true;
}

/** Settings paths whose value follows from others (`edge.hostname` from `edge.recordName`). */
const DERIVED: Record<string, string[]> = {
    "edge.hostname": ["edge.recordName", "edge.domain"],
    "network.availabilityZones": ["network.azCount", "region"],
};

const SIZE_RE = /(instanceClass|allocatedStorageGb|maxAllocatedStorageGb|\.cpu$|\.memory$|desiredCount|minCount|maxCount|buildComputeType)/;

/** The settings section a resource type belongs to, to explain a count difference. */
function sectionOf(type: string): string | undefined {
    const rules: [RegExp, string][] = [
        [/^aws:(rds|secretsmanager|backup)\/|DatabaseTier/, "database"],
        [/^aws:ec2\/(vpc|subnet|natGateway|eip|route|routeTable|routeTableAssociation|internetGateway|flowLog|vpcEndpoint|vpcPeering)/i, "network"],
        [/^aws:(ecs|ecr|appautoscaling)\/|^aws:lb\/(listenerRule|targetGroup)|AppService/, "services"],
        [/^aws:(codepipeline|codebuild|codestarconnections|codeconnections|scheduler)\/|^aws:cloudwatch\/event|DeliveryPipeline/, "pipeline"],
        [/^aws:(wafv2|acm|route53)\/|^aws:lb\/(loadBalancer|listener):/, "edge"],
        [/^github:|GitHubRepos/, "github"],
        // The program's StackReferences (infra/stacks.ts) follow from naming the prod stack.
        [/^pulumi:pulumi:StackReference$/, "prodStack"],
        [/^aws:sns\//, "alerts"],
        [/^aws:s3\//, "uploads"],
    ];
    return rules.find(([re]) => re.test(type))?.[1];
}

/** Config sections that shape each of our components' resources. */
const COMPONENT_SECTIONS: Record<string, string[]> = {
    Environment: ["network", "edge", "alerts"],
    DatabaseTier: ["database"],
    AppService: ["services", "database", "uploads", "maintenance"],
    StageDashboard: ["services", "database"],
    // Its steps follow the services (one bake and refresh per EC2 service, ECS deploys per container).
    DeliveryPipeline: ["pipeline", "services", "database", "uploads"],
    GitHubRepos: ["github"],
    // The release hand-off prod owns exists because its pipeline promotes (pipeline.trigger).
    ReleaseHandoff: ["pipeline"],
    SecureBucket: ["uploads"],
};

/** Service settings only one runtime reads (`services[x].<key>`); the other runtime ignores them. */
export const RUNTIME_ONLY_KEYS: Record<"fargate" | "ec2", readonly string[]> = {
    fargate: ["cpu", "memory", "user", "readOnlyRootFilesystem", "initialImageTag"],
    ec2: ["instanceType", "amiParameterName", "initialAmiId", "rootVolumeGb", "parentImageParameter"],
};

/** Whether `services[x].<key>` means anything for service x of these settings (false: not read). */
export function serviceKeyApplies(s: StageSettings, settingsPath: string): boolean {
    const m = /^services\[([^\]]+)\]\.([^.[]+)/.exec(settingsPath);
    if (!m) return true;
    const svc = s.services.find((x) => x.name === m[1]);
    if (!svc) return true;
    const other = svc.runtime === "ec2" ? "fargate" : "ec2";
    return !RUNTIME_ONLY_KEYS[other].includes(m[2]);
}

/** The service an AppService component (`<stage>-<service>`) of a plan belongs to. */
function serviceOfComponent(p: PlannedStack, componentName: string): string | undefined {
    return p.source.settings.services.find((x) => componentName === `${p.source.settings.stage}-${x.name}`)?.name;
}

/** Compares two planned stacks. */
export function compareStacks(a: PlannedStack, b: PlannedStack): Comparison {
    const diffs: Difference[] = [];
    const fa = flattenSettings(a.source.settings);
    const fb = flattenSettings(b.source.settings);
    const declaredIn = (p: string) => [a, b].filter((x) => declared(x.source, p)).map((x) => x.source.stack);

    const settingDiffs: Difference[] = [];
    for (const key of [...new Set([...fa.keys(), ...fb.keys()])]) {
        // A key the service's runtime does not read (an EC2 service's cpu) is no difference.
        const va = (serviceKeyApplies(a.source.settings, key) ? fa.get(key) : undefined) ?? "(none)";
        const vb = (serviceKeyApplies(b.source.settings, key) ? fb.get(key) : undefined) ?? "(none)";
        if (va === vb) continue;
        settingDiffs.push({ kind: SIZE_RE.test(key) ? "sizes" : key.startsWith("network.") && /azCount|availabilityZones/.test(key) ? "azs" : "settings", key, a: va, b: vb, verdict: "unexpected", reason: "" });
    }
    // Explicit declarations first, then what follows from them.
    for (const d of settingDiffs) {
        const by = declaredIn(d.key);
        if (by.length) Object.assign(d, { verdict: "expected", reason: `declared in ${by.join(" and ")}` });
    }
    const declaredKeys = settingDiffs.filter((d) => d.verdict === "expected").map((d) => d.key);
    const section = (k: string) => k.split(/[.[]/)[0];
    for (const d of settingDiffs.filter((x) => x.verdict === "unexpected")) {
        const sources = DERIVED[d.key] ?? [];
        const differing = sources.filter((k) => declaredKeys.includes(k));
        const from = differing.length ? differing : sources.filter((k) => declaredIn(k).length);
        if (from.length) {
            Object.assign(d, { verdict: "expected", reason: `follows from ${from.join(", ")}` });
            continue;
        }
        // A key present on one side only (an owned database's fields vs a shared one).
        // A new service's defaults follow from its own declaration (its runtime first), not a sibling's.
        const svc = /^services\[[^\]]+\]\./.exec(d.key)?.[0];
        const ownDecl = svc ? (declaredKeys.find((k) => k === `${svc}runtime`) ?? declaredKeys.find((k) => k.startsWith(svc) && k !== d.key)) : undefined;
        const parentDecl = ownDecl ?? declaredKeys.find((k) => section(k) === section(d.key) && k !== d.key);
        if ((d.a === "(none)" || d.b === "(none)") && parentDecl) {
            Object.assign(d, { verdict: "expected", reason: `follows from ${parentDecl}` });
            continue;
        }
        d.reason = "not declared in either file (a stage default)";
    }
    diffs.push(...settingDiffs);

    // Resource types and counts. A count difference is explained by a declared difference in a
    // config section of the component that holds the extra resources (its top-level ancestor).
    const count = (p: PlannedStack) => {
        const byType = new Map<string, number>();
        const bySection = new Map<string, number>();
        const byService = new Map<string, number>();
        const byUrn = new Map(p.plan.resources.map((r) => [r.urn, r]));
        for (const r of p.plan.resources) {
            byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
            let top = r;
            while (top.parent && byUrn.has(top.parent)) top = byUrn.get(top.parent)!;
            const svc = top.type.endsWith(":AppService") ? serviceOfComponent(p, top.name) : undefined;
            if (svc !== undefined) byService.set(`${r.type}|${svc}`, (byService.get(`${r.type}|${svc}`) ?? 0) + 1);
            for (const sec of COMPONENT_SECTIONS[top.type.split(":").pop() ?? ""] ?? [sectionOf(r.type) ?? "other"]) {
                bySection.set(`${r.type}|${sec}`, (bySection.get(`${r.type}|${sec}`) ?? 0) + 1);
            }
        }
        return { byType, bySection, byService };
    };
    const ca = count(a);
    const cb = count(b);
    const expectedSections = new Map<string, string>();
    const expectedKeys = settingDiffs.filter((d) => d.verdict === "expected").map((d) => d.key);
    // A changed runtime explains that runtime's resources before any other service key does.
    const runtimeKey = expectedKeys.find((k) => /^services\[[^\]]+\]\.runtime$/.test(k));
    if (runtimeKey) expectedSections.set("services", runtimeKey);
    for (const k of expectedKeys) if (!expectedSections.has(section(k))) expectedSections.set(section(k), k);
    for (const type of [...new Set([...ca.byType.keys(), ...cb.byType.keys()])].sort()) {
        const na = ca.byType.get(type) ?? 0;
        const nb = cb.byType.get(type) ?? 0;
        if (na === nb) continue;
        const sections = [...new Set([...ca.bySection.keys(), ...cb.bySection.keys()])]
            .filter((k) => k.startsWith(`${type}|`) && (ca.bySection.get(k) ?? 0) !== (cb.bySection.get(k) ?? 0))
            .map((k) => k.split("|")[1]);
        const own = sectionOf(type);
        const candidates = [...(own ? [own] : []), ...sections];
        // Resources of one service: its runtime when that differs, else another declared key of it.
        const services = [...new Set([...ca.byService.keys(), ...cb.byService.keys()])]
            .filter((k) => k.startsWith(`${type}|`) && (ca.byService.get(k) ?? 0) !== (cb.byService.get(k) ?? 0))
            .map((k) => k.split("|")[1]);
        const serviceCause = services
            .map((svc) => expectedKeys.find((k) => k === `services[${svc}].runtime`) ?? expectedKeys.find((k) => k.startsWith(`services[${svc}].`)))
            .find((k): k is string => !!k);
        const cause = serviceCause ?? candidates.map((sec) => expectedSections.get(sec)).find((k): k is string => !!k);
        diffs.push({
            kind: "resources",
            key: type,
            a: String(na),
            b: String(nb),
            verdict: cause ? "expected" : "unexpected",
            reason: cause ? `follows from ${cause}` : `no declared difference in ${[...new Set(candidates)].join("/") || "its config section"}`,
        });
    }
    return { a: a.source.stack, b: b.source.stack, differences: diffs };
}

const KIND_TITLE: Record<Difference["kind"], string> = { resources: "resource types and counts", azs: "availability zones", sizes: "sizes", settings: "settings" };

/** The comparison as text: unexpected differences marked `!`, expected ones `~`. */
export function renderComparison(c: Comparison, a: PlannedStack, b: PlannedStack): string[] {
    const lines: string[] = [];
    lines.push(`compare ${c.a} ↔ ${c.b}`);
    lines.push(`  ${c.a}: ${a.plan.resources.length} resources, AZs ${a.source.settings.network.availabilityZones.join(" ")} (workloads in ${a.source.settings.network.azCount})`);
    lines.push(`  ${c.b}: ${b.plan.resources.length} resources, AZs ${b.source.settings.network.availabilityZones.join(" ")} (workloads in ${b.source.settings.network.azCount})`);
    for (const kind of ["resources", "azs", "sizes", "settings"] as const) {
        const ds = c.differences.filter((d) => d.kind === kind);
        lines.push("", `${KIND_TITLE[kind]}: ${ds.length ? `${ds.length} different` : "same"}`);
        const key = (d: Difference) => (kind === "resources" ? shortType(d.key) : d.key);
        const w = Math.max(0, ...ds.map((d) => key(d).length));
        const cut = (v: string) => (v.length > 40 ? `${v.slice(0, 37)}...` : v);
        const wa = Math.max(c.a.length, ...ds.map((d) => cut(d.a).length));
        for (const d of [...ds].sort((x, y) => (x.verdict === y.verdict ? 0 : x.verdict === "unexpected" ? -1 : 1))) {
            lines.push(`  ${d.verdict === "unexpected" ? "!" : "~"} ${key(d).padEnd(w)}  ${cut(d.a).padEnd(wa)}  ${cut(d.b)}   ${d.verdict.toUpperCase()}: ${d.reason}`);
        }
    }
    const u = c.differences.filter((d) => d.verdict === "unexpected").length;
    lines.push("", `compare: ${c.differences.length} differences, ${c.differences.length - u} expected, ${u} unexpected`);
    return lines;
}
