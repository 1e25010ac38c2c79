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
    DeliveryPipeline: ["pipeline", "database", "uploads"],
    GitHubRepos: ["github"],
    SecureBucket: ["uploads"],
};

/** Compares two planned stacks. */
export function compareStacks(a: PlannedStack, b: PlannedStack): Comparison {
    const diffs: Difference[] = [];
    const fa = flattenSettings(a.source.settings);
    const fb = flattenSettings(b.source.settings);
    const declaredIn = (p: string) => [a, b].filter((x) => declared(x.source, p)).map((x) => x.source.stack);

    const settingDiffs: Difference[] = [];
    for (const key of [...new Set([...fa.keys(), ...fb.keys()])]) {
        const va = fa.get(key) ?? "(none)";
        const vb = fb.get(key) ?? "(none)";
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
        const parentDecl = declaredKeys.find((k) => section(k) === section(d.key) && k !== d.key);
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
        const byUrn = new Map(p.plan.resources.map((r) => [r.urn, r]));
        for (const r of p.plan.resources) {
            byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
            let top = r;
            while (top.parent && byUrn.has(top.parent)) top = byUrn.get(top.parent)!;
            for (const sec of COMPONENT_SECTIONS[top.type.split(":").pop() ?? ""] ?? [sectionOf(r.type) ?? "other"]) {
                bySection.set(`${r.type}|${sec}`, (bySection.get(`${r.type}|${sec}`) ?? 0) + 1);
            }
        }
        return { byType, bySection };
    };
    const ca = count(a);
    const cb = count(b);
    const expectedSections = new Map<string, string>();
    for (const d of settingDiffs) if (d.verdict === "expected" && !expectedSections.has(section(d.key))) expectedSections.set(section(d.key), d.key);
    for (const type of [...new Set([...ca.byType.keys(), ...cb.byType.keys()])].sort()) {
        const na = ca.byType.get(type) ?? 0;
        const nb = cb.byType.get(type) ?? 0;
        if (na === nb) continue;
        const sections = [...new Set([...ca.bySection.keys(), ...cb.bySection.keys()])]
            .filter((k) => k.startsWith(`${type}|`) && (ca.bySection.get(k) ?? 0) !== (cb.bySection.get(k) ?? 0))
            .map((k) => k.split("|")[1]);
        const own = sectionOf(type);
        const candidates = [...(own ? [own] : []), ...sections];
        const cause = candidates.map((sec) => expectedSections.get(sec)).find((k): k is string => !!k);
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
