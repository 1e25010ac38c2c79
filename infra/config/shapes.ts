/** The stack file's shapes: every key, its type and what is allowed, every field optional (defaults: ./defaults.ts). */
import { z } from "zod";
import { STAGES } from "../settings";
import { loadTestShape } from "../loadTestConfig";
import { GITHUB_PLANS } from "../githubRules";

export const NS = "stageline";

/** Raw config as Pulumi hands it to a program: `ns:key` → string (objects as JSON). */
export type RawConfig = Record<string, string>;

// ---------------------------------------------------------------------------------------------
// Shapes: every field optional here; defaults come from the stage table below.
// ---------------------------------------------------------------------------------------------

export const int = (min: number, max: number, what = "") => {
    const msg = `an integer from ${min} to ${max}${what}`;
    return z.number({ error: msg }).int({ error: msg }).min(min, { error: msg }).max(max, { error: msg });
};
export const bool = () => z.boolean({ error: "true or false" });
export const str = (allowed: string, re?: RegExp) => {
    const s = z.string({ error: allowed }).min(1, { error: allowed });
    return re ? s.regex(re, { error: allowed }) : s;
};
export const oneOf = <T extends string>(values: readonly [T, ...T[]]) =>
    z.enum(values, { error: `one of ${values.map((v) => `"${v}"`).join(", ")}` });
export const list = <T extends z.ZodType>(item: T, what: string) => z.array(item, { error: `a list of ${what}` });

export const DOMAIN_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
export const LABEL_RE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const NAME_RE = /^[a-z][a-z0-9-]{0,27}[a-z0-9]$/;
export const EMAIL_RE = /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i;
export const STACK_REF_RE = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
export const CONNECTION_ARN_RE = /^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]{36}$/;
export const REGION_RE = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

export const networkShape = z.strictObject({
    cidr: str("an IPv4 CIDR block from /16 to /20, e.g. 10.40.0.0/16"),
    azCount: int(1, 6),
    availabilityZones: list(str("an Availability Zone name such as eu-west-1a"), "Availability Zone names"),
    natGateways: oneOf(["single", "perAz"]),
    flowLogRetentionDays: int(1, 3653),
});

export const edgeShape = z.strictObject({
    domain: str("a lower-case DNS domain such as example.com", DOMAIN_RE),
    hostedZoneId: str("a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ", /^Z[A-Z0-9]{1,31}$/),
    recordName: str("a lower-case DNS label such as test", LABEL_RE),
    public: bool(),
    tls: bool(),
    waf: bool(),
    wafRateLimit: int(100, 2_000_000_000),
    accessLogRetentionDays: int(1, 3653),
});

export const databaseShape = z.strictObject({
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

export const serviceShape = z.strictObject({
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

export const pipelineShape = z.strictObject({
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

export const repositoryShape = z.strictObject({
    name: str("a repository name of letters, digits, . _ -", /^[A-Za-z0-9_.-]{1,100}$/),
    description: z.string({ error: "a string" }),
    kind: oneOf(["software", "image", "infrastructure", "devops", "mobile"]),
    deploys: bool(),
    visibility: oneOf(["private", "internal", "public"]),
});

export const githubShape = z.strictObject({
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
    plan: oneOf(GITHUB_PLANS),
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
export const TOP_LEVEL = {
    stage: oneOf(STAGES),
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

export type Shapes = { [K in keyof typeof TOP_LEVEL]?: z.infer<(typeof TOP_LEVEL)[K]> };

export const CONFIG_KEYS = Object.keys(TOP_LEVEL) as (keyof typeof TOP_LEVEL)[];
