/**
 * Stack config → validated `StageSettings`.
 *
 * One path for every caller: `pulumi up` (infra/index.ts reads `pulumi.runtime.allConfig()`),
 * the offline plan and the tests (they read `Pulumi.<stack>.yaml` with `readStackFile`). Both
 * produce the same flat map of `namespace:key` → string that Pulumi itself hands a program, and
 * `loadSettings` turns it into settings or one `ConfigError` listing every problem.
 */
import * as path from "path";
import { z } from "zod";
import { ConfigError, ConfigProblem, renderGiven } from "./errors";
import {
    DatabaseSettings,
    OwnedDatabaseSettings,
    GitHubSettings,
    NetworkSettings,
    PipelineSettings,
    RepositorySettings,
    ServiceSettings,
    Stage,
    STAGES,
    StageSettings,
    EdgeSettings,
} from "./settings";
import { cidrOverlaps, parseCidr } from "../lib/cidr";
import { loadTestProblems, loadTestShape, resolveLoadTest } from "./loadTestConfig";
import { engineVersionProblem } from "../lib/engineVersionRules";
import { hostnameProblems, serviceNameProblems } from "./nameRules";
import { resolveProdStack } from "./stacks";
import { githubRuleProblems, GITHUB_PLANS } from "./githubRules";
import { foreignKeyProblems, projectSecretShapeProblems, secretAdvice } from "./secrets";
import { limitProblems, stageNameProblems } from "./limits";
import { parseStackFileText } from "./stackFile";

export const NS = "stageline";

/** Raw config as Pulumi hands it to a program: `ns:key` → string (objects as JSON). */
export type RawConfig = Record<string, string>;

// ---------------------------------------------------------------------------------------------
// Shapes: every field optional here; defaults come from the stage table below.
// ---------------------------------------------------------------------------------------------

const int = (min: number, max: number, what = "") => {
    const msg = `an integer from ${min} to ${max}${what}`;
    return z.number({ error: msg }).int({ error: msg }).min(min, { error: msg }).max(max, { error: msg });
};
const bool = () => z.boolean({ error: "true or false" });
const str = (allowed: string, re?: RegExp) => {
    const s = z.string({ error: allowed }).min(1, { error: allowed });
    return re ? s.regex(re, { error: allowed }) : s;
};
const oneOf = <T extends string>(values: readonly [T, ...T[]]) =>
    z.enum(values, { error: `one of ${values.map((v) => `"${v}"`).join(", ")}` });
const list = <T extends z.ZodType>(item: T, what: string) => z.array(item, { error: `a list of ${what}` });

const DOMAIN_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const LABEL_RE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const NAME_RE = /^[a-z][a-z0-9-]{0,27}[a-z0-9]$/;
const EMAIL_RE = /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i;
const STACK_REF_RE = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const CONNECTION_ARN_RE = /^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]{36}$/;
const REGION_RE = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

const networkShape = z.strictObject({
    cidr: str("an IPv4 CIDR block from /16 to /20, e.g. 10.40.0.0/16"),
    azCount: int(1, 6),
    availabilityZones: list(str("an Availability Zone name such as eu-west-1a"), "Availability Zone names"),
    natGateways: oneOf(["single", "perAz"]),
    flowLogRetentionDays: int(1, 3653),
});

const edgeShape = z.strictObject({
    domain: str("a lower-case DNS domain such as example.com", DOMAIN_RE),
    hostedZoneId: str("a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ", /^Z[A-Z0-9]{1,31}$/),
    recordName: str("a lower-case DNS label such as test", LABEL_RE),
    public: bool(),
    tls: bool(),
    waf: bool(),
    wafRateLimit: int(100, 2_000_000_000),
    accessLogRetentionDays: int(1, 3653),
});

const databaseShape = z.strictObject({
    mode: oneOf(["owned", "shared"]),
    prodStack: str("a fully qualified stack name org/project/stack, e.g. acme/stageline/prod", STACK_REF_RE),
    engine: oneOf(["postgres", "mysql"]),
    engineVersion: str("an engine version such as 16 (major only) or 16.4", /^\d+(\.\d+){0,2}$/),
    autoMinorVersionUpgrade: bool(),
    instanceClass: str("an RDS instance class such as db.t4g.micro", /^db\.[a-z0-9]+\.[a-z0-9]+$/),
    allocatedStorageGb: int(20, 65536),
    maxAllocatedStorageGb: int(20, 65536),
    multiAz: bool(),
    backupRetentionDays: int(7, 35, " (at least a week of backups)"),
    deletionProtection: bool(),
    performanceInsights: bool(),
    monitoringIntervalSeconds: z.union([z.literal(0), z.literal(1), z.literal(5), z.literal(10), z.literal(15), z.literal(30), z.literal(60)], {
        error: "one of 0, 1, 5, 10, 15, 30, 60",
    }),
    databaseName: str("a database name: a letter, then letters, digits or _ (up to 63)", /^[A-Za-z][A-Za-z0-9_]{0,62}$/),
    masterUsername: str("a user name: a letter, then letters, digits or _ (up to 16), not admin/postgres/rdsadmin", /^(?!(admin|postgres|rdsadmin|root)$)[A-Za-z][A-Za-z0-9_]{0,15}$/),
    forceTls: bool(),
    awsBackup: bool(),
    prodAvailabilityZones: list(str("an Availability Zone name such as eu-west-1a"), "Availability Zone names"),
    prodEngine: oneOf(["postgres", "mysql"]),
});

const serviceShape = z.strictObject({
    name: str("a lower-case name of 2-29 letters, digits and dashes, starting with a letter", NAME_RE),
    port: int(1, 65535),
    healthCheckPath: str("a path starting with /", /^\/[^\s]*$/),
    pathPatterns: list(str("a path pattern starting with /", /^\/[^\s]*$/), "path patterns"),
    hostHeaders: list(str("a host name", /^[a-z0-9*.-]+$/), "host names"),
    priority: int(1, 50000),
    cpu: z.union([z.literal(256), z.literal(512), z.literal(1024), z.literal(2048), z.literal(4096)], {
        error: "one of 256, 512, 1024, 2048, 4096 (Fargate CPU units)",
    }),
    memory: int(512, 30720),
    desiredCount: int(0, 100),
    minCount: int(0, 100),
    maxCount: int(1, 100),
    cpuTarget: int(10, 90),
    requestsPerTarget: int(1, 100000),
    environment: z.record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/), z.string(), {
        error: "a map of UPPER_CASE names to strings",
    }),
    readOnlyRootFilesystem: bool(),
    user: str("a non-root uid[:gid] such as 1000:1000", /^(?!0(:|$))\d+(:\d+)?$/),
    initialImageTag: str("an image tag", /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/),
    logRetentionDays: int(1, 3653),
    latencyP95Seconds: z.number({ error: "a number of seconds from 0.05 to 60" }).min(0.05, { error: "a number of seconds from 0.05 to 60" }).max(60, { error: "a number of seconds from 0.05 to 60" }),
    errors5xxPerMinute: int(1, 100000),
    runtime: oneOf(["fargate", "ec2"]),
    instanceType: str("an EC2 instance type such as t3.small", /^[a-z][a-z0-9-]*\.[a-z0-9]+$/),
    amiParameterName: str("an SSM parameter name such as /stageline/test/legacy/ami-id", /^\/(?!aws\/|ssm\/)[A-Za-z0-9_.\-\/]{1,1010}$/),
    initialAmiId: str("an AMI id such as ami-0123456789abcdef0", /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/),
    rootVolumeGb: int(8, 16384),
    parentImageParameter: str("a public SSM parameter path such as /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", /^\/aws\/service\/[A-Za-z0-9_.\-\/]+$/),
});

const pipelineShape = z.strictObject({
    enabled: bool(),
    connectionArn: str("a CodeConnections ARN such as arn:aws:codeconnections:eu-west-1:123456789012:connection/<uuid>", CONNECTION_ARN_RE),
    repository: str("a GitHub repository owner/name", /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/),
    branch: str("a branch name", /^[A-Za-z0-9._/-]+$/),
    trigger: oneOf(["push", "tag", "promote"]),
    tagPattern: str("a git tag glob such as release-*", /^[A-Za-z0-9._*/-]+$/),
    schedule: z.union([z.null(), str("an EventBridge schedule such as cron(0 6 1,15 * ? *)", /^(cron|rate)\(.+\)$/)], {
        error: "an EventBridge schedule such as cron(0 6 1,15 * ? *), or null",
    }),
    approval: bool(),
    approverEmails: list(str("an e-mail address", EMAIL_RE), "e-mail addresses"),
    snapshotBeforeDeploy: bool(),
    signOff: bool(),
    promoteFromStack: str("a fully qualified stack name org/project/stack", STACK_REF_RE),
    buildComputeType: oneOf(["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE"]),
    buildTimeoutMinutes: int(5, 480),
    logRetentionDays: int(1, 3653),
    artifactRetentionDays: int(1, 3650),
    // Pre-release snapshots kept (the newest N this pipeline made); older ones are deleted. RDS allows
    // 100 manual snapshots per Region by default, shared by the account.
    snapshotsToKeep: int(1, 50, " (RDS allows 100 manual snapshots per Region, shared by the account)"),
    loadTest: loadTestShape.partial(),
});

const repositoryShape = z.strictObject({
    name: str("a repository name of letters, digits, . _ -", /^[A-Za-z0-9_.-]{1,100}$/),
    description: z.string({ error: "a string" }),
    kind: oneOf(["software", "image", "infrastructure", "devops", "mobile"]),
    deploys: bool(),
    visibility: oneOf(["private", "internal", "public"]),
});

const githubShape = z.strictObject({
    enabled: bool(),
    owner: str("a GitHub organisation name", /^[A-Za-z0-9-]{1,39}$/),
    manageOrgResources: bool(),
    infraRepository: str("a repository name", /^[A-Za-z0-9_.-]{1,100}$/),
    repositories: list(repositoryShape, "repositories"),
    requiredApprovals: int(0, 6),
    reviewers: list(str("a GitHub user login", /^[A-Za-z0-9-]{1,39}$/), "GitHub user logins"),
    reviewerTeams: list(str("a GitHub team slug", /^[a-z0-9_-]{1,100}$/), "GitHub team slugs"),
    requiredChecks: list(str("a status check name"), "status check names"),
    deployBranch: str("a branch name", /^[A-Za-z0-9._/-]+$/),
    plan: oneOf(GITHUB_PLANS as unknown as ["free", "team", "enterprise"]),
    automationAppId: int(1, 2147483647, " (a GitHub App id)"),
});

/** The object-shaped sections, for tools and tests that walk every key. */
export const SECTION_SHAPES = {
    network: networkShape,
    edge: edgeShape,
    database: databaseShape,
    services: serviceShape,
    pipeline: pipelineShape,
    github: githubShape,
} as const;

/** Every top-level key under `stageline:`, with its shape. */
const TOP_LEVEL = {
    stage: oneOf(STAGES as unknown as [Stage, ...Stage[]]),
    /** The prod stack a non-prod stack reads (infra/stacks.ts). */
    prodStack: str("a fully qualified stack name org/project/stack, e.g. acme/stageline/prod", STACK_REF_RE),
    network: networkShape.partial(),
    edge: edgeShape.partial(),
    database: databaseShape.partial(),
    services: list(serviceShape.partial(), "services"),
    pipeline: pipelineShape.partial(),
    github: githubShape.partial().extend({ repositories: list(repositoryShape.partial(), "repositories").optional() }),
    alerts: z.strictObject({ email: str("an e-mail address", EMAIL_RE) }).partial(),
    uploads: z.strictObject({ enabled: bool() }).partial(),
    maintenance: bool(),
    tags: z.record(z.string().regex(/^[A-Za-z0-9 _.:/=+@-]{1,128}$/), z.string().max(256), {
        error: "a map of tag names to strings",
    }),
} as const;

type Shapes = { [K in keyof typeof TOP_LEVEL]?: z.infer<(typeof TOP_LEVEL)[K]> };

export const CONFIG_KEYS = Object.keys(TOP_LEVEL) as (keyof typeof TOP_LEVEL)[];

// ---------------------------------------------------------------------------------------------
// The stage table: every default lives here, once.
// ---------------------------------------------------------------------------------------------

interface StageDefaults {
    network: Omit<NetworkSettings, "availabilityZones">;
    edge: Omit<EdgeSettings, "domain" | "hostedZoneId" | "hostname">;
    database: OwnedDatabaseSettings | { mode: "shared" };
    service: Omit<ServiceSettings, "name" | "priority" | "amiParameterName" | "initialAmiId">;
    pipeline: Omit<PipelineSettings, "connectionArn" | "repository" | "schedule" | "promoteFromStack"> & { schedule?: string };
    github: Omit<GitHubSettings, "owner" | "repositories">;
}

const PROD_DB: OwnedDatabaseSettings = {
    mode: "owned" as const,
    engine: "postgres" as const,
    engineVersion: "16",
    autoMinorVersionUpgrade: true,
    instanceClass: "db.m6g.large",
    allocatedStorageGb: 100,
    maxAllocatedStorageGb: 500,
    multiAz: true,
    backupRetentionDays: 14,
    deletionProtection: true,
    performanceInsights: true,
    monitoringIntervalSeconds: 60,
    databaseName: "app",
    masterUsername: "app_admin",
    forceTls: true,
    awsBackup: true,
};

const BASE_SERVICE: StageDefaults["service"] = {
    port: 8080,
    healthCheckPath: "/health",
    pathPatterns: [],
    hostHeaders: [],
    cpu: 256,
    memory: 512,
    desiredCount: 1,
    minCount: 1,
    maxCount: 2,
    cpuTarget: 60,
    requestsPerTarget: 1000,
    environment: {},
    readOnlyRootFilesystem: true,
    user: "1000:1000",
    initialImageTag: "bootstrap",
    logRetentionDays: 30,
    latencyP95Seconds: 1,
    errors5xxPerMinute: 10,
    runtime: "fargate",
    instanceType: "t3.small",
    rootVolumeGb: 20,
    parentImageParameter: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
};

const BASE_PIPELINE: StageDefaults["pipeline"] = {
    enabled: true,
    branch: "dev",
    trigger: "push",
    tagPattern: "release-*",
    approval: false,
    approverEmails: [],
    snapshotBeforeDeploy: false,
    signOff: false,
    buildComputeType: "BUILD_GENERAL1_SMALL",
    buildTimeoutMinutes: 30,
    logRetentionDays: 30,
    artifactRetentionDays: 30,
    snapshotsToKeep: 10,
    // Sized for staging (docs/pipeline.md "Load test"): 20/s for 60 s is 1,200 requests, under 80 % of the WAF's 2,000 per 5 minutes.
    loadTest: { enabled: false, durationSeconds: 60, connections: 10, ratePerSecond: 20, p95Ms: 1000, p99Ms: 2000, maxErrorRate: 0.01 },
};

const BASE_GITHUB: StageDefaults["github"] = {
    enabled: true,
    manageOrgResources: false,
    infraRepository: "infrastructure",
    requiredApprovals: 1,
    reviewers: [],
    reviewerTeams: [],
    requiredChecks: ["plan", "preview (dev)", "preview (test)", "preview (staging)", "preview (prod)"],
    deployBranch: "dev",
};

/** The branches GitHubRepos creates and protects in every repository that deploys. */
export const MANAGED_BRANCHES = ["dev", "qa", "main"] as const;

export const STAGE_DEFAULTS: Record<Stage, StageDefaults> = {
    dev: {
        network: { cidr: "10.10.0.0/16", azCount: 1, natGateways: "single", flowLogRetentionDays: 14 },
        edge: { recordName: "dev", public: false, tls: false, waf: false, wafRateLimit: 2000, accessLogRetentionDays: 14 },
        database: {
            ...PROD_DB,
            instanceClass: "db.t4g.micro",
            allocatedStorageGb: 20,
            maxAllocatedStorageGb: 50,
            multiAz: false,
            backupRetentionDays: 7,
            deletionProtection: false,
            performanceInsights: false,
            monitoringIntervalSeconds: 0,
            awsBackup: false,
        },
        service: { ...BASE_SERVICE, logRetentionDays: 14 },
        pipeline: { ...BASE_PIPELINE, branch: "dev", trigger: "push", logRetentionDays: 14, artifactRetentionDays: 14 },
        github: { ...BASE_GITHUB },
    },
    test: {
        network: { cidr: "10.20.0.0/16", azCount: 2, natGateways: "single", flowLogRetentionDays: 30 },
        edge: { recordName: "test", public: true, tls: true, waf: true, wafRateLimit: 2000, accessLogRetentionDays: 30 },
        database: {
            ...PROD_DB,
            instanceClass: "db.t4g.small",
            allocatedStorageGb: 20,
            maxAllocatedStorageGb: 100,
            multiAz: false,
            backupRetentionDays: 7,
            deletionProtection: false,
            performanceInsights: false,
            monitoringIntervalSeconds: 0,
            awsBackup: false,
        },
        service: { ...BASE_SERVICE, maxCount: 3 },
        pipeline: { ...BASE_PIPELINE, branch: "qa", trigger: "push" },
        github: { ...BASE_GITHUB, deployBranch: "qa" },
    },
    staging: {
        network: { cidr: "10.30.0.0/16", azCount: 3, natGateways: "perAz", flowLogRetentionDays: 90 },
        edge: { recordName: "staging", public: true, tls: true, waf: true, wafRateLimit: 2000, accessLogRetentionDays: 90 },
        database: { mode: "shared" },
        service: { ...BASE_SERVICE, cpu: 512, memory: 1024, desiredCount: 2, minCount: 2, maxCount: 4, logRetentionDays: 90 },
        pipeline: {
            ...BASE_PIPELINE,
            branch: "main",
            trigger: "tag",
            schedule: "cron(0 6 1,15 * ? *)",
            approval: true,
            snapshotBeforeDeploy: true,
            signOff: true,
            logRetentionDays: 90,
            artifactRetentionDays: 90,
            loadTest: { ...BASE_PIPELINE.loadTest, enabled: true },
        },
        github: { ...BASE_GITHUB, deployBranch: "main" },
    },
    prod: {
        network: { cidr: "10.40.0.0/16", azCount: 3, natGateways: "perAz", flowLogRetentionDays: 365 },
        edge: { recordName: "www", public: true, tls: true, waf: true, wafRateLimit: 2000, accessLogRetentionDays: 365 },
        database: { ...PROD_DB },
        service: { ...BASE_SERVICE, cpu: 512, memory: 1024, desiredCount: 2, minCount: 2, maxCount: 10, logRetentionDays: 365 },
        pipeline: {
            ...BASE_PIPELINE,
            branch: "main",
            trigger: "promote",
            approval: true,
            snapshotBeforeDeploy: true,
            signOff: true,
            logRetentionDays: 365,
            artifactRetentionDays: 365,
        },
        github: { ...BASE_GITHUB, manageOrgResources: true, deployBranch: "main" },
    },
};

/** The repositories our users asked for, used when a stack lists none. */
export const DEFAULT_REPOSITORIES: readonly RepositorySettings[] = [
    { name: "app", description: "The application (software)", kind: "software", deploys: true, visibility: "private" },
    { name: "app-image", description: "The AMI recipe (EC2 Image Builder)", kind: "image", deploys: true, visibility: "private" },
    { name: "infrastructure", description: "stageline: this Pulumi program", kind: "infrastructure", deploys: true, visibility: "private" },
    { name: "devops-infrastructure", description: "CI/CD and tooling infrastructure", kind: "devops", deploys: true, visibility: "private" },
    { name: "ios-development", description: "iOS app, development", kind: "mobile", deploys: false, visibility: "private" },
    { name: "ios-staging", description: "iOS app, staging", kind: "mobile", deploys: false, visibility: "private" },
    { name: "ios-production", description: "iOS app, production", kind: "mobile", deploys: false, visibility: "private" },
    { name: "android-development", description: "Android app, development", kind: "mobile", deploys: false, visibility: "private" },
    { name: "android-staging", description: "Android app, staging", kind: "mobile", deploys: false, visibility: "private" },
    { name: "android-production", description: "Android app, production", kind: "mobile", deploys: false, visibility: "private" },
];

export { FARGATE_MEMORY, fargateMemoryAllowed } from "../lib/awsLimits";
import { fargateMemoryAllowed, fargateMemoryText } from "../lib/awsLimits";

// ---------------------------------------------------------------------------------------------
// Reading config
// ---------------------------------------------------------------------------------------------

/** Secure values in a stack file that the offline plan cannot decrypt stand in as this. */
export const SECRET_PLACEHOLDER = "[secret]";

export interface StackFile {
    /** Stack name, from the file name `Pulumi.<stack>.yaml` unless given. */
    stack: string;
    /** Flat `ns:key` → string map, as Pulumi hands it to a program. */
    config: RawConfig;
    /** Keys whose value was `secure:` in the file. */
    secretKeys: string[];
}

/** Reads `Pulumi.<stack>.yaml` into the flat map Pulumi gives a program. */
export function readStackFile(file: string, stack?: string): StackFile {
    const base = path.basename(file);
    const m = /^Pulumi\.(.+)\.ya?ml$/.exec(base);
    const name = stack ?? (m ? m[1] : base.replace(/\.ya?ml$/, ""));
    const doc = parseStackFileText(file, name);
    const cfg = ((doc as { config?: unknown } | null)?.config ?? {}) as Record<string, unknown>;
    if (typeof cfg !== "object" || Array.isArray(cfg)) {
        throw new ConfigError(name, [{ key: `${file}: config`, given: renderGiven(cfg), allowed: "a map of config keys" }]);
    }
    const config: RawConfig = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(cfg)) {
        const full = key.includes(":") ? key : `${NS}:${key}`;
        if (value && typeof value === "object" && !Array.isArray(value) && "secure" in (value as object)) {
            config[full] = SECRET_PLACEHOLDER;
            secretKeys.push(full);
        } else {
            config[full] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    return { stack: name, config, secretKeys };
}

/** Pulumi's scalar top-level values arrive as strings; structured ones as JSON. */
function decode(value: string): unknown {
    const t = value.trim();
    if (/^[[{]/.test(t) || /^(true|false|null)$/.test(t) || /^-?\d+(\.\d+)?$/.test(t)) {
        try {
            return JSON.parse(t);
        } catch {
            return value;
        }
    }
    return value;
}

/** Words that mark a config key as holding a secret. */
const SECRET_KEY_RE = /(password|passwd|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|credential)/i;

/** The schema below `schema` at `path` (list indexes and map keys step into elements), unwrapping optionals. */
function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
    let node: z.ZodType | undefined = schema;
    for (const p of path) {
        while (node && ["optional", "nullable", "default"].includes(node.def.type)) node = (node.def as unknown as { innerType: z.ZodType }).innerType;
        const def = node?.def as unknown as { type: string; shape?: Record<string, z.ZodType>; element?: z.ZodType; valueType?: z.ZodType } | undefined;
        if (!def) return undefined;
        if (def.type === "object") node = def.shape?.[String(p)];
        else if (def.type === "array") node = def.element;
        else if (def.type === "record") node = def.valueType;
        else return undefined;
    }
    while (node && ["optional", "nullable", "default"].includes(node.def.type)) node = (node.def as unknown as { innerType: z.ZodType }).innerType;
    return node;
}

/**
 * A map's bad entries (a name that is not allowed, a value that is not a string) become ONE issue
 * for the map, listing the entries: one message per key the user wrote, never one per entry, and
 * an odd name (" ", "!") is quoted rather than glued onto the key path.
 */
function collapseMapIssues(schema: z.ZodType, issues: readonly z.core.$ZodIssue[], root: unknown): z.core.$ZodIssue[] {
    const out: z.core.$ZodIssue[] = [];
    const maps = new Map<string, { issue: z.core.$ZodIssue; entries: string[] }>();
    for (const issue of issues) {
        const parent = issue.path.slice(0, -1);
        const isMapEntry = issue.path.length > 0 && schemaAt(schema, parent)?.def.type === "record";
        if (!isMapEntry) {
            out.push(issue);
            continue;
        }
        const id = JSON.stringify(parent);
        const entry = String(issue.path[issue.path.length - 1]);
        let m = maps.get(id);
        if (!m) {
            // The map's own "allowed" text (its schema's error), not zod's text for one entry.
            const error = (schemaAt(schema, parent)?.def as { error?: unknown } | undefined)?.error;
            const own = typeof error === "function" ? (error as (i: unknown) => unknown)(issue) : undefined;
            const message = typeof own === "string" ? own : issue.message;
            m = { issue: { ...issue, code: "custom", path: parent, message, input: undefined } as z.core.$ZodIssue, entries: [] };
            maps.set(id, m);
            out.push(m.issue);
        }
        m.entries.push(issue.code === "invalid_key" ? `the name ${JSON.stringify(entry)}` : `${entry}'s value`);
    }
    for (const m of maps.values()) {
        const map = m.issue.path.reduce<unknown>((n, p) => (n && typeof n === "object" ? (n as Record<PropertyKey, unknown>)[p as string] : undefined), root);
        const bad = `${m.entries.slice(0, 5).join(", ")}${m.entries.length > 5 ? ", …" : ""}`;
        // Said in words (not quoted as a value): `… environment is 3 bad entries of 4 (the name " ", …)`.
        Object.assign(m.issue, { params: { given: `${m.entries.length} bad ${m.entries.length === 1 ? "entry" : "entries"} of ${Object.keys(map ?? {}).length} (${bad})` } });
    }
    return out;
}

function keyPath(parts: readonly PropertyKey[], root: unknown): string {
    let out = "";
    let node: unknown = root;
    for (const p of parts) {
        if (typeof p === "number") {
            const item = Array.isArray(node) ? node[p] : undefined;
            const raw = item && typeof item === "object" ? (item as { name?: unknown }).name : undefined;
            // Name the item by its name when that name is itself valid, else by its position.
            const name = typeof raw === "string" && NAME_RE.test(raw) ? raw : undefined;
            out += name ? `[${name}]` : `[${p}]`;
        } else {
            out += `.${String(p)}`;
        }
        node = node && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[p as string] : undefined;
    }
    return out;
}

/** Finds plain (non-secure) values under keys that look like secrets, at any depth. */
function findPlainSecrets(key: string, value: unknown, out: ConfigProblem[]): void {
    const last = key.split(/[.:]/).pop() ?? key;
    // A container variable named like a secret is judged by the service rule (its advice differs).
    if (/^stageline:services\[[^\]]+\]\.environment\./.test(key)) return;
    if (SECRET_KEY_RE.test(last) && (typeof value === "string" || typeof value === "number") && String(value) !== SECRET_PLACEHOLDER) {
        // No stageline key reads a secret (a secure one is refused again as unknown): the advice
        // is to remove it, and where a provider needs a credential, its own secure key.
        out.push({ key, given: "a plain-text value", allowed: secretAdvice(key, "a credential") });
        return;
    }
    if (value && typeof value === "object") {
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
            findPlainSecrets(Array.isArray(value) ? `${key}[${k}]` : `${key}.${k}`, v, out);
        }
    }
}

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
