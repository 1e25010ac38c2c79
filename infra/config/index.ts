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
import { DatabaseSettings, OwnedDatabaseSettings, GitHubSettings, NetworkSettings, PipelineSettings, RepositorySettings, ServiceSettings, Stage, STAGES, StageSettings, EdgeSettings } from "../settings";
import { cidrOverlaps, parseCidr } from "../../lib/cidr";
import { loadTestProblems, loadTestShape, resolveLoadTest } from "../loadTestConfig";
import { hostnameProblems, serviceNameProblems } from "../nameRules";
import { resolveProdStack } from "../stacks";
import { githubRuleProblems } from "../githubRules";
import { engineVersionProblem } from "../../lib/engineVersionRules";
import { foreignKeyProblems, projectSecretShapeProblems, secretAdvice } from "../secrets";
import { limitProblems, stageNameProblems } from "../limits";
import { CONFIG_KEYS, NS, REGION_RE, RawConfig, Shapes, TOP_LEVEL, databaseShape, edgeShape, githubShape, networkShape, pipelineShape, repositoryShape, serviceShape } from "./shapes";
import { DEFAULT_REPOSITORIES, MANAGED_BRANCHES, PROD_DB, STAGE_DEFAULTS } from "./defaults";
import { readStackFile } from "./stackFile";
import { collapseMapIssues, decode, findPlainSecrets, keyPath, SECRET_KEY_RE } from "./issues";

// What callers have always imported from infra/config.
export { NS, SECTION_SHAPES, CONFIG_KEYS } from "./shapes";
export type { RawConfig } from "./shapes";
export { MANAGED_BRANCHES, STAGE_DEFAULTS, DEFAULT_REPOSITORIES } from "./defaults";
export { SECRET_PLACEHOLDER, readStackFile } from "./stackFile";
export type { StackFile } from "./stackFile";
export { FARGATE_MEMORY, fargateMemoryAllowed } from "../../lib/awsLimits";
import { fargateMemoryAllowed, fargateMemoryText } from "../../lib/awsLimits";

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
        if ((STAGES as readonly string[]).includes(stack)) stage = stack as Stage;
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
    const d = STAGE_DEFAULTS[stage];
    const k = (s: string) => `${NS}:${s}`;

    // Network.
    const n = c.network ?? {};
    const azCount = n.azCount ?? d.network.azCount;
    const subnetAzCount = Math.max(azCount, 2);
    const letters = "abcdefghij";
    const availabilityZones = n.availabilityZones ?? Array.from({ length: subnetAzCount }, (_, i) => `${region}${letters[i]}`);
    const network: NetworkSettings = {
        cidr: n.cidr ?? d.network.cidr,
        azCount,
        availabilityZones,
        natGateways: n.natGateways ?? d.network.natGateways,
        flowLogRetentionDays: n.flowLogRetentionDays ?? d.network.flowLogRetentionDays,
    };
    const parsed = parseCidr(network.cidr);
    if (!parsed || parsed.prefix < 16 || parsed.prefix > 20) {
        problems.push({ key: k("network.cidr"), given: renderGiven(network.cidr), allowed: "an IPv4 CIDR block from /16 to /20 on its network boundary, e.g. 10.40.0.0/16" });
    }
    if (stage === "prod" && azCount < 2) {
        problems.push({ key: k("network.azCount"), given: String(azCount), allowed: "an integer from 2 to 6 (prod serves traffic from at least two Availability Zones)" });
    }
    if (stage === "prod" && network.natGateways !== "perAz") {
        problems.push({ key: k("network.natGateways"), given: renderGiven(network.natGateways), allowed: `"perAz" in prod (one NAT gateway must not be a single point of failure for every AZ)` });
    }
    if (n.availabilityZones !== undefined) {
        const bad = availabilityZones.filter((az) => !az.startsWith(region) || !/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/.test(az));
        const dupes = availabilityZones.filter((az, i) => availabilityZones.indexOf(az) !== i);
        if (availabilityZones.length !== subnetAzCount || bad.length > 0 || dupes.length > 0) {
            problems.push({
                key: k("network.availabilityZones"),
                given: renderGiven(availabilityZones),
                allowed: `exactly ${subnetAzCount} distinct Availability Zones of ${region || "the region"} (max(azCount, 2): load balancers and database subnet groups need two)`,
            });
        }
    }

    // Edge.
    const e = c.edge ?? {};
    const domain = e.domain;
    if (domain === undefined) problems.push({ key: k("edge.domain"), given: "(missing)", allowed: "a lower-case DNS domain such as example.com" });
    const recordName = e.recordName ?? d.edge.recordName;
    const edge: EdgeSettings = {
        domain: domain ?? "",
        hostedZoneId: e.hostedZoneId,
        recordName,
        hostname: `${recordName}.${domain ?? ""}`,
        public: e.public ?? d.edge.public,
        tls: e.tls ?? d.edge.tls,
        waf: e.waf ?? d.edge.waf,
        wafRateLimit: e.wafRateLimit ?? d.edge.wafRateLimit,
        accessLogRetentionDays: e.accessLogRetentionDays ?? d.edge.accessLogRetentionDays,
    };
    if (stage === "dev" && edge.public) {
        problems.push({ key: k("edge.public"), given: "true", allowed: "false in dev (developers' sandbox has no external access)" });
    }
    if (edge.public && !edge.tls) {
        problems.push({ key: k("edge.tls"), given: "false", allowed: "true when edge.public is true (internet-facing load balancers serve HTTPS only)" });
    }
    if (edge.public && !edge.waf) {
        problems.push({ key: k("edge.waf"), given: "false", allowed: "true when edge.public is true (every internet-facing load balancer has a WAF)" });
    }
    if ((edge.tls || edge.public) && edge.hostedZoneId === undefined) {
        problems.push({ key: k("edge.hostedZoneId"), given: "(missing)", allowed: "the Route 53 hosted zone id of edge.domain (needed for the certificate and the public record)" });
    }

    // Database.
    const db = c.database ?? {};
    const mode = db.mode ?? d.database.mode;
    let database: DatabaseSettings;
    if (mode === "shared") {
        if (stage !== "staging") {
            problems.push({ key: k("database.mode"), given: `"shared"`, allowed: `"owned" in ${stage} (only staging uses production's database)` });
        }
        const sharedKeys = ["mode", "prodStack", "prodAvailabilityZones", "prodEngine"];
        const ownedKeys = Object.keys(db).filter((x) => !sharedKeys.includes(x));
        for (const x of ownedKeys) {
            problems.push({ key: k(`database.${x}`), given: "set", allowed: `nothing in shared mode (staging creates no database; prod's settings apply)` });
        }
        const prodAzs = db.prodAvailabilityZones ?? ["a", "b", "c"].map((l) => `${region}${l}`);
        const badAzs = prodAzs.filter((az, i) => !az.startsWith(region) || !/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/.test(az) || prodAzs.indexOf(az) !== i);
        if (prodAzs.length < 2 || prodAzs.length > 6 || badAzs.length > 0) {
            problems.push({ key: k("database.prodAvailabilityZones"), given: renderGiven(prodAzs), allowed: `2 to 6 distinct Availability Zones of ${region || "the region"}: prod's subnet AZs, in prod's order` });
        }
        database = { mode: "shared", prodStack: db.prodStack ?? "", prodAvailabilityZones: prodAzs, prodEngine: db.prodEngine ?? "postgres" };
    } else {
        if (stage === "staging") {
            problems.push({ key: k("database.mode"), given: `"owned"`, allowed: `"shared" in staging (staging uses production's database and creates none)` });
        }
        const o: OwnedDatabaseSettings = d.database.mode === "owned" ? d.database : PROD_DB;
        const owned: OwnedDatabaseSettings = {
            mode: "owned",
            engine: db.engine ?? o.engine,
            engineVersion: db.engineVersion ?? (db.engine === "mysql" && o.engine !== "mysql" ? "8.0" : o.engineVersion),
            autoMinorVersionUpgrade: db.autoMinorVersionUpgrade ?? o.autoMinorVersionUpgrade,
            instanceClass: db.instanceClass ?? o.instanceClass,
            allocatedStorageGb: db.allocatedStorageGb ?? o.allocatedStorageGb,
            maxAllocatedStorageGb: db.maxAllocatedStorageGb ?? Math.max(o.maxAllocatedStorageGb, db.allocatedStorageGb ?? 0),
            multiAz: db.multiAz ?? o.multiAz,
            backupRetentionDays: db.backupRetentionDays ?? o.backupRetentionDays,
            deletionProtection: db.deletionProtection ?? o.deletionProtection,
            performanceInsights: db.performanceInsights ?? o.performanceInsights,
            monitoringIntervalSeconds: db.monitoringIntervalSeconds ?? o.monitoringIntervalSeconds,
            databaseName: db.databaseName ?? o.databaseName,
            masterUsername: db.masterUsername ?? o.masterUsername,
            forceTls: db.forceTls ?? o.forceTls,
            awsBackup: db.awsBackup ?? o.awsBackup,
        };
        database = owned;
        const database_ = owned;
        for (const x of ["prodStack", "prodAvailabilityZones", "prodEngine"] as const) {
            if (db[x] !== undefined) problems.push({ key: k(`database.${x}`), given: renderGiven(db[x]), allowed: `nothing in owned mode (only a shared database reads another stack)` });
        }
        if (stage === "prod") {
            if (!database_.multiAz) problems.push({ key: k("database.multiAz"), given: "false", allowed: "true in prod (production's database is Multi-AZ)" });
            if (!database_.deletionProtection) problems.push({ key: k("database.deletionProtection"), given: "false", allowed: "true in prod (production data is never lost by a deploy)" });
            if (database_.backupRetentionDays < 14) problems.push({ key: k("database.backupRetentionDays"), given: String(database_.backupRetentionDays), allowed: "an integer from 14 to 35 in prod" });
            if (!database_.forceTls) problems.push({ key: k("database.forceTls"), given: "false", allowed: "true in prod" });
        }
        const versionProblem = engineVersionProblem(database_.engine, database_.engineVersion, database_.autoMinorVersionUpgrade);
        if (versionProblem) problems.push({ key: k("database.engineVersion"), given: renderGiven(database_.engineVersion), allowed: versionProblem });
        if (database_.maxAllocatedStorageGb < database_.allocatedStorageGb) {
            problems.push({ key: k("database.maxAllocatedStorageGb"), given: String(database_.maxAllocatedStorageGb), allowed: `at least database.allocatedStorageGb (${database_.allocatedStorageGb})` });
        }
    }

    // Services.
    const rawServices = c.services ?? [{ name: "web", pathPatterns: ["/*"] }];
    const services: ServiceSettings[] = rawServices.map((s, i) => {
        const name = s.name ?? "";
        const label = name ? `services[${name}]` : `services[${i}]`;
        if (s.name === undefined) problems.push({ key: k(`${label}.name`), given: "(missing)", allowed: "a lower-case name of 2-29 letters, digits and dashes, starting with a letter" });
        const sv: ServiceSettings = {
            ...d.service,
            ...definedOnly(s),
            name,
            priority: s.priority ?? 100 + i * 10,
            pathPatterns: s.pathPatterns ?? (s.hostHeaders === undefined ? (rawServices.length === 1 ? ["/*"] : [`/${name}/*`]) : []),
            hostHeaders: s.hostHeaders ?? [],
            environment: s.environment ?? {},
            amiParameterName: s.amiParameterName ?? `/stageline/${stage}/${name}/ami-id`,
        };
        if (sv.pathPatterns.length === 0 && sv.hostHeaders.length === 0) {
            problems.push({ key: k(`${label}.pathPatterns`), given: "an empty list", allowed: "at least one path pattern or host header, so the load balancer can route to the service" });
        }
        if (sv.runtime === "fargate" && !fargateMemoryAllowed(sv.cpu, sv.memory)) {
            problems.push({ key: k(`${label}.memory`), given: String(sv.memory), allowed: fargateMemoryText(sv.cpu) });
        }
        if (sv.minCount > sv.maxCount) problems.push({ key: k(`${label}.minCount`), given: String(sv.minCount), allowed: `at most maxCount (${sv.maxCount})` });
        if (sv.desiredCount < sv.minCount || sv.desiredCount > sv.maxCount) {
            problems.push({ key: k(`${label}.desiredCount`), given: String(sv.desiredCount), allowed: `from minCount (${sv.minCount}) to maxCount (${sv.maxCount})` });
        }
        if (stage === "prod" && sv.minCount < 2) {
            const what = sv.runtime === "ec2" ? "instances in an Auto Scaling group over at least two AZs" : "tasks, spread across AZs";
            problems.push({ key: k(`${label}.minCount`), given: String(sv.minCount), allowed: `2 or more in prod (at least two ${what})` });
        }
        if (stage !== "prod" && sv.minCount >= 2 && network.azCount < 2) {
            // AppService refuses it too (two or more tasks need workload subnets in two AZs): said here, once, with the key.
            const what = sv.runtime === "ec2" ? "instances" : "tasks";
            problems.push({ key: k(`${label}.minCount`), given: String(sv.minCount), allowed: `1 while network.azCount is 1 (${sv.minCount} ${what} could not spread across AZs; raise network.azCount to 2 to run ${sv.minCount})` });
        }
        if (sv.runtime === "ec2" && sv.initialAmiId === undefined) {
            problems.push({ key: k(`${label}.initialAmiId`), given: "(missing)", allowed: "the AMI id the first instances launch from (an ec2 service needs one until its image pipeline has built an AMI), e.g. ami-0123456789abcdef0" });
        }
        for (const envKey of Object.keys(sv.environment)) {
            if (SECRET_KEY_RE.test(envKey)) {
                problems.push({ key: k(`${label}.environment.${envKey}`), given: "a plain-text value", allowed: secretAdvice(k(`${label}.environment.${envKey}`), "a credential") });
            }
        }
        return sv;
    });
    const seen = new Map<string, number>();
    for (const s of services) seen.set(s.name, (seen.get(s.name) ?? 0) + 1);
    for (const [name, count] of seen) {
        if (name && count > 1) problems.push({ key: k(`services[${name}].name`), given: `"${name}" ${count} times`, allowed: "a name unique in the stage" });
    }
    const prio = new Map<number, string[]>();
    for (const s of services) prio.set(s.priority, [...(prio.get(s.priority) ?? []), s.name]);
    for (const [p, names] of prio) {
        if (names.length > 1) problems.push({ key: k(`services[${names[1]}].priority`), given: String(p), allowed: `a listener priority unique in the stage (${names.join(" and ")} share it)` });
    }
    // A catch-all rule (path /* on any host) evaluated before another service's rule shadows it.
    const namesUnique = new Set(services.map((s) => s.name)).size === services.length;
    for (const all of services.filter((s) => namesUnique && s.hostHeaders.length === 0 && s.pathPatterns.includes("/*"))) {
        const shadowed = services.filter((o) => o !== all && o.priority > all.priority).map((o) => o.name);
        if (shadowed.length > 0) {
            problems.push({ key: k(`services[${all.name}].priority`), given: String(all.priority), allowed: `a number above every other service's priority: its path "/*" catches every request first, so ${shadowed.join(", ")} would never be reached` });
        }
    }
    if (services.length === 0) problems.push({ key: k("services"), given: "an empty list", allowed: "at least one service" });
    // Names built from config must fit AWS's limits (lib/names.ts).
    problems.push(...serviceNameProblems(NS, stage, services.map((s) => s.name)));
    if (edge.domain) problems.push(...hostnameProblems(NS, edge.hostname, edge.tls));

    // Pipeline.
    const p = c.pipeline ?? {};
    const pipeline: PipelineSettings = {
        ...d.pipeline,
        ...definedOnly(p),
        repository: p.repository ?? `${c.github?.owner ?? "acme"}/app`,
        schedule: p.schedule === null ? undefined : (p.schedule ?? d.pipeline.schedule),
        approverEmails: p.approverEmails ?? d.pipeline.approverEmails,
        loadTest: resolveLoadTest(d.pipeline.loadTest, p.loadTest),
    } as PipelineSettings;
    problems.push(...loadTestProblems(stage, pipeline, edge));
    if (pipeline.enabled && pipeline.trigger !== "promote" && pipeline.connectionArn === undefined) {
        problems.push({ key: k("pipeline.connectionArn"), given: "(missing)", allowed: "the ARN of an authorised CodeConnections GitHub connection (see README: one-time setup), or pipeline.enabled: false" });
    }
    delete (pipeline as { promoteFromStack?: string }).promoteFromStack; // refused below (resolveProdStack)
    if (stage === "prod" && pipeline.enabled && pipeline.trigger !== "promote") {
        problems.push({ key: k("pipeline.trigger"), given: renderGiven(pipeline.trigger), allowed: `"promote" in prod (prod deploys the image staging approved; it never rebuilds)` });
    }
    if ((stage === "staging" || stage === "prod") && pipeline.enabled && !pipeline.approval) {
        problems.push({ key: k("pipeline.approval"), given: "false", allowed: `true in ${stage} (a person approves every release)` });
    }
    if ((stage === "staging" || stage === "prod") && pipeline.enabled && !pipeline.snapshotBeforeDeploy) {
        problems.push({ key: k("pipeline.snapshotBeforeDeploy"), given: "false", allowed: `true in ${stage} (a release that can touch production's database takes a snapshot first)` });
    }

    // GitHub.
    const g = c.github ?? {};
    const repos: RepositorySettings[] = (g.repositories ?? DEFAULT_REPOSITORIES).map((r, i) => ({
        name: r.name ?? "",
        description: r.description ?? "",
        kind: r.kind ?? "software",
        deploys: r.deploys ?? (r.kind === undefined || r.kind !== "mobile"),
        visibility: r.visibility ?? "private",
        ...(r.name === undefined ? (problems.push({ key: k(`github.repositories[${i}].name`), given: "(missing)", allowed: "a repository name" }), {}) : {}),
    }));
    const github: GitHubSettings = {
        ...d.github,
        ...definedOnly(g),
        owner: g.owner ?? "",
        repositories: repos,
    } as GitHubSettings;
    if (github.enabled && g.owner === undefined) {
        problems.push({ key: k("github.owner"), given: "(missing)", allowed: "the GitHub organisation name, or github.enabled: false" });
    }
    const repoCount = new Map<string, number>();
    for (const r of repos) repoCount.set(r.name.toLowerCase(), (repoCount.get(r.name.toLowerCase()) ?? 0) + 1);
    for (const [name, count] of repoCount) {
        if (name && count > 1) problems.push({ key: k(`github.repositories[${name}].name`), given: `"${name}" ${count} times`, allowed: "a repository name unique in the organisation (GitHub ignores case)" });
    }
    if (github.enabled && !repos.some((r) => r.name === github.infraRepository)) {
        problems.push({ key: k("github.infraRepository"), given: renderGiven(github.infraRepository), allowed: `one of the configured repositories (${repos.map((r) => r.name).join(", ")})` });
    }
    if (stage === "prod" && github.requiredApprovals < 1) {
        problems.push({ key: k("github.requiredApprovals"), given: String(github.requiredApprovals), allowed: "an integer from 1 to 6 in prod (merges only through reviewed pull requests)" });
    }
    if (!(MANAGED_BRANCHES as readonly string[]).includes(github.deployBranch)) {
        problems.push({ key: k("github.deployBranch"), given: renderGiven(github.deployBranch), allowed: `one of the managed branches ${MANAGED_BRANCHES.map((b) => `"${b}"`).join(", ")}` });
    } else if (stage === "prod" && github.deployBranch !== "main") {
        problems.push({ key: k("github.deployBranch"), given: renderGiven(github.deployBranch), allowed: `"main" in prod (only reviewed, released code deploys production)` });
    }
    if (github.enabled && (stage === "staging" || stage === "prod") && github.reviewers.length + github.reviewerTeams.length === 0) {
        problems.push({ key: k("github.reviewers"), given: "an empty list", allowed: `at least one reviewer or reviewer team in ${stage} (deployments need an approval)` });
    }

    problems.push(...githubRuleProblems(stage, github, k));

    // Which stack this one reads (one-pass deploy order: infra/stacks.ts).
    const prodStack = resolveProdStack({ stage, database, pipeline, github }, { prodStack: c.prodStack, databaseProdStack: db.prodStack, promoteFromStack: p.promoteFromStack }, k, problems);
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

/** Copies only the keys whose value is defined, so `{ ...defaults, ...definedOnly(x) }` keeps defaults. */
function definedOnly<T extends object>(o: T): Partial<T> {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
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
