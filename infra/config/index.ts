/**
 * Stack config → validated `StageSettings`.
 *
 * One path for every caller: `pulumi up` (infra/index.ts reads `pulumi.runtime.allConfig()`),
 * the offline plan and the tests (they read `Pulumi.<stack>.yaml` with `readStackFile`). Both
 * produce the same flat map of `namespace:key` → string that Pulumi itself hands a program, and
 * `loadSettings` turns it into settings or one `ConfigError` listing every problem.
 *
 * The folder: `shapes.ts` (what a stack file may say), `defaults.ts` (the stage table),
 * `stackFile.ts` (reading one), `issues.ts` (raw values and schema issues → problems), and here
 * the loading and the cross-key rules.
 */
import { z } from "zod";
import { ConfigError, ConfigProblem, renderGiven } from "../errors";
import { Stage, STAGES, StageSettings } from "../settings";
import { isStage } from "../../lib/stage";
import { cidrOverlaps } from "../../lib/cidr";
import { loadTestShape } from "../loadTestConfig";
import { resolveProdStack } from "../stacks";
import { foreignKeyProblems, projectSecretShapeProblems } from "../secrets";
import { limitProblems, stageNameProblems } from "../limits";
import { CONFIG_KEYS, NS, REGION_RE, RawConfig, Shapes, TOP_LEVEL, databaseShape, edgeShape, githubShape, networkShape, pipelineShape, repositoryShape, serviceShape } from "./shapes";
import { STAGE_DEFAULTS } from "./defaults";
import { readStackFile } from "./stackFile";
import { SectionContext } from "./sections/context";
import { resolveNetwork } from "./sections/network";
import { resolveEdge } from "./sections/edge";
import { resolveDatabase } from "./sections/database";
import { resolveServices } from "./sections/services";
import { resolvePipeline } from "./sections/pipeline";
import { resolveGitHub } from "./sections/github";
import { collapseMapIssues, decode, findPlainSecrets, keyPath } from "./issues";

// What callers have always imported from infra/config.
export { NS, SECTION_SHAPES, CONFIG_KEYS } from "./shapes";
export type { RawConfig } from "./shapes";
export { MANAGED_BRANCHES, STAGE_DEFAULTS, DEFAULT_REPOSITORIES } from "./defaults";
export { SECRET_PLACEHOLDER, readStackFile } from "./stackFile";
export type { StackFile } from "./stackFile";
export { FARGATE_MEMORY, fargateMemoryAllowed } from "../../lib/awsLimits";

export interface LoadOptions {
    /** Pulumi project name. @default "stageline" */
    project?: string;
    /** Keys that Pulumi marks secret (their values are not checked for plain secrets). */
    secretKeys?: readonly string[];
}

/**
 * Validates a stack's raw config and applies the stage defaults.
 * Throws one `ConfigError` naming the stack and every bad key; creates nothing.
 */
export function loadSettings(stack: string, raw: RawConfig, opts: LoadOptions = {}): StageSettings {
    const problems: ConfigProblem[] = [];
    const secretKeys = new Set(opts.secretKeys ?? []);
    const values: Record<string, unknown> = {};

    for (const [full, text] of Object.entries(raw)) {
        const [ns, ...rest] = full.split(":");
        const key = rest.join(":");
        if (ns !== NS) {
            problems.push(...foreignKeyProblems(full, decode(text), secretKeys.has(full)));
            continue;
        }
        const value = decode(text);
        const before = problems.length;
        if (!secretKeys.has(full)) problems.push(...projectSecretShapeProblems(full, value));
        if (!secretKeys.has(full)) findPlainSecrets(full, value, problems);
        // One error per key: a plain secret under an unknown key is reported as the secret.
        if (!(key in TOP_LEVEL) && problems.length === before) {
            problems.push({ key: full, given: renderGiven(value), allowed: `one of the keys ${CONFIG_KEYS.map((k) => `${NS}:${k}`).join(", ")}` });
            continue;
        }
        if (!(key in TOP_LEVEL)) continue;
        values[key] = value;
    }

    // Shapes. A value that fails its shape is reported and then removed, so the rest of its
    // section still gets checked, and rules never complain about a key already reported.
    const shaped: Shapes = {};
    const reported = new Set<string>();
    for (const key of CONFIG_KEYS) {
        if (!(key in values)) continue;
        let value = structuredClone(values[key]);
        for (let attempt = 0; attempt < 4; attempt++) {
            const result = (TOP_LEVEL[key] as z.ZodType).safeParse(value, { reportInput: true });
            if (result.success) {
                (shaped as Record<string, unknown>)[key] = result.data;
                break;
            }
            const removals: PropertyKey[][] = [];
            for (const issue of collapseMapIssues(TOP_LEVEL[key] as z.ZodType, result.error.issues, values[key])) {
                const at = `${NS}:${key}${keyPath(issue.path, values[key])}`;
                if (issue.code === "unrecognized_keys") {
                    const allowedKeys = allowedKeysAt(key, issue.path);
                    for (const k of issue.keys) {
                        problems.push({ key: `${at}.${k}`, given: "set", allowed: `no such key; known keys here: ${allowedKeys.join(", ")}` });
                        removals.push([...issue.path, k]);
                    }
                } else {
                    const words = (issue as { params?: { given?: string } }).params?.given;
                    problems.push({ key: at, given: words ?? renderGiven((issue as { input?: unknown }).input), allowed: issue.message });
                    reported.add(at);
                    removals.push([...issue.path]);
                }
            }
            if (removals.some((r) => r.length === 0)) value = undefined;
            // Last list items first, so removing one does not shift the next.
            for (const r of removals.sort(comparePathsDescending)) value = removeAt(value, r);
            if (value === undefined) break;
        }
    }

    // Region and stage.
    const region = raw["aws:region"];
    if (region === undefined || !REGION_RE.test(region)) {
        problems.push({ key: "aws:region", given: renderGiven(region), allowed: "an AWS region such as eu-west-1" });
    }
    let stage: Stage | undefined = shaped.stage;
    if (stage === undefined && !("stage" in values)) {
        if (isStage(stack)) stage = stack;
        else problems.push({ key: `${NS}:stage`, given: "(missing)", allowed: `one of ${STAGES.map((s) => `"${s}"`).join(", ")} (required when the stack name "${stack}" is not a stage name)` });
    }
    if (stage === undefined) throw new ConfigError(stack, problems);
    problems.push(...stageNameProblems(stack, stage, "stage" in values));

    const ruleProblems: ConfigProblem[] = [];
    const settings = resolve(stack, stage, region ?? "", shaped, opts.project ?? "stageline", ruleProblems);
    ruleProblems.unshift(...limitProblems(settings, shaped));
    const wasReported = (key: string) => reported.has(key) || [...reported].some((r) => r.startsWith(`${key}[`));
    const trusted = (p: ConfigProblem) => !wasReported(p.key) && ![...(p.dependsOn ?? []), ...ruleInputs(p.key)].some(wasReported);
    problems.push(...ruleProblems.filter(trusted).map(({ dependsOn: _, ...p }) => p));
    // One problem per key: the first found (a plain secret before its unknown-key report).
    const unique = problems.filter((p, i) => problems.findIndex((q) => q.key === p.key) === i);
    if (unique.length > 0) throw new ConfigError(stack, unique);
    return settings;
}

function comparePathsDescending(a: readonly PropertyKey[], b: readonly PropertyKey[]): number {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
        if (a[i] === b[i]) continue;
        if (typeof a[i] === "number" && typeof b[i] === "number") return (b[i] as number) - (a[i] as number);
        return String(b[i]).localeCompare(String(a[i]));
    }
    return b.length - a.length;
}

/** A copy of `value` without the property (or list item) at path `p`. */
function removeAt(value: unknown, p: readonly PropertyKey[]): unknown {
    if (p.length === 0 || value === null || typeof value !== "object") return value;
    const [head, ...rest] = p;
    if (Array.isArray(value)) {
        if (rest.length === 0) return value.filter((_, i) => i !== head);
        return value.map((item, i) => (i === head ? removeAt(item, rest) : item));
    }
    const copy: Record<PropertyKey, unknown> = { ...(value as Record<PropertyKey, unknown>) };
    if (rest.length === 0) delete copy[head as string];
    else copy[head as string] = removeAt(copy[head as string], rest);
    return copy;
}

function allowedKeysAt(top: keyof typeof TOP_LEVEL, p: readonly PropertyKey[]): string[] {
    const shapes: Record<string, z.ZodObject> = {
        network: networkShape,
        edge: edgeShape,
        database: databaseShape,
        services: serviceShape,
        pipeline: p.includes("loadTest") ? loadTestShape : pipelineShape,
        github: p.includes("repositories") ? repositoryShape : githubShape,
        alerts: z.object({ email: z.string() }),
        uploads: z.object({ enabled: z.boolean() }),
    };
    const s = shapes[top];
    return s ? Object.keys(s.shape) : [];
}

/**
 * The other keys a cross-key rule about `key` reads. When one of those was malformed (and so
 * replaced by its default), the rule's verdict is dropped rather than blamed on `key`.
 */
const RULE_INPUTS: Record<string, string[]> = {
    "network.availabilityZones": ["network.azCount"],
    "edge.tls": ["edge.public"],
    "edge.waf": ["edge.public"],
    "edge.hostedZoneId": ["edge.public", "edge.tls"],
    "database.maxAllocatedStorageGb": ["database.allocatedStorageGb"],
    "database.engineVersion": ["database.engine", "database.autoMinorVersionUpgrade"],
    "pipeline.connectionArn": ["pipeline.enabled", "pipeline.trigger"],
    prodStack: ["database.mode", "database.prodStack", "pipeline.enabled", "pipeline.signOff", "pipeline.trigger", "github.enabled", "github.manageOrgResources"],
    "github.manageOrgResources": ["github.enabled"],
    "pipeline.trigger": ["pipeline.enabled"],
    "pipeline.approval": ["pipeline.enabled"],
    "pipeline.snapshotBeforeDeploy": ["pipeline.enabled"],
    "github.owner": ["github.enabled"],
    "github.infraRepository": ["github.enabled", "github.repositories"],
    "github.reviewers": ["github.enabled", "github.reviewerTeams"],
    "github.plan": ["github.enabled", "github.repositories", "github.infraRepository", "github.reviewers", "github.reviewerTeams"],
    "github.automationAppId": ["github.enabled", "github.manageOrgResources", "github.repositories"],
};
const SERVICE_RULE_INPUTS: Record<string, string[]> = {
    memory: ["cpu", "runtime"],
    minCount: ["maxCount", "runtime"],
    initialAmiId: ["runtime"],
    desiredCount: ["minCount", "maxCount"],
    pathPatterns: ["hostHeaders"],
};

function ruleInputs(fullKey: string): string[] {
    const key = fullKey.slice(NS.length + 1);
    const svc = /^(services\[[^\]]+\])\.(\w+)$/.exec(key);
    if (svc) return (SERVICE_RULE_INPUTS[svc[2]] ?? []).map((f) => `${NS}:${svc[1]}.${f}`);
    return (RULE_INPUTS[key] ?? []).map((k) => `${NS}:${k}`);
}

/** Applies defaults (with `??`) and checks the rules that tie keys and stages together. */
function resolve(stack: string, stage: Stage, region: string, c: Shapes, project: string, problems: ConfigProblem[]): StageSettings {
    const k = (s: string) => `${NS}:${s}`;
    // Each section's values and rules: infra/config/sections/.
    const ctx: SectionContext = { stage, region, c, d: STAGE_DEFAULTS[stage], k, problems };
    const network = resolveNetwork(ctx);
    const edge = resolveEdge(ctx);
    let database = resolveDatabase(ctx);
    const services = resolveServices(ctx, network, edge);
    const pipeline = resolvePipeline(ctx, edge);
    const github = resolveGitHub(ctx);

    // Which stack this one reads (one-pass deploy order: infra/stacks.ts).
    const prodStack = resolveProdStack({ stage, database, pipeline, github }, { prodStack: c.prodStack, databaseProdStack: c.database?.prodStack, promoteFromStack: c.pipeline?.promoteFromStack }, k, problems);
    if (database.mode === "shared") database = { ...database, prodStack: prodStack ?? "" };

    return {
        project,
        stack,
        stage,
        region,
        ...(prodStack !== undefined ? { prodStack } : {}),
        network,
        edge,
        database,
        services,
        pipeline,
        github,
        alerts: { email: c.alerts?.email },
        uploads: { enabled: c.uploads?.enabled ?? false },
        maintenance: c.maintenance ?? false,
        tags: c.tags ?? {},
    };
}

/** Checks that the VPC blocks of several stacks do not overlap (staging peers with prod). */
export function checkCidrOverlaps(stacks: readonly { stack: string; cidr: string }[]): string[] {
    const out: string[] = [];
    for (let i = 0; i < stacks.length; i++) {
        for (let j = i + 1; j < stacks.length; j++) {
            if (cidrOverlaps(stacks[i].cidr, stacks[j].cidr)) {
                out.push(`stacks "${stacks[i].stack}" (${stacks[i].cidr}) and "${stacks[j].stack}" (${stacks[j].cidr}) overlap`);
            }
        }
    }
    return out;
}

/** Reads and validates a stack file in one step (the plan and tests use this). */
export function loadStackFile(file: string, stack?: string, opts: LoadOptions = {}): StageSettings {
    const f = readStackFile(file, stack);
    return loadSettings(f.stack, f.config, { ...opts, secretKeys: [...(opts.secretKeys ?? []), ...f.secretKeys] });
}
