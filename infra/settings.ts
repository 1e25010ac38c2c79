/**
 * The typed, validated settings of one stage. `infra/config.ts` builds a `StageSettings` from a
 * stack's config (stack YAML + stage defaults); components receive the parts they need and never
 * read `pulumi.Config` themselves.
 */

/** The four stages of the delivery platform. */
export const STAGES = ["dev", "test", "staging", "prod"] as const;
export type Stage = (typeof STAGES)[number];

/** How NAT gateways are laid out. */
export type NatLayout = "single" | "perAz";

export interface NetworkSettings {
    /** The VPC's IPv4 block, a /16 to /20. */
    readonly cidr: string;
    /** Availability Zones the stage's workloads (tasks, NAT) run in. */
    readonly azCount: number;
    /**
     * AZs that get subnets: the first `max(azCount, 2)` letters of the region unless configured.
     * Always at least two, since an ALB and an RDS subnet group need two AZs, even in dev.
     */
    readonly availabilityZones: readonly string[];
    /** One NAT gateway per workload AZ (`perAz`) or one for the whole stage (`single`). */
    readonly natGateways: NatLayout;
    /** Days VPC flow logs are kept in CloudWatch. */
    readonly flowLogRetentionDays: number;
}

export interface EdgeSettings {
    /** Apex domain of the platform, e.g. `example.com`. */
    readonly domain: string;
    /** Route 53 public hosted zone id of `domain` (needed for TLS certificates and public records). */
    readonly hostedZoneId?: string;
    /** The stage's host name under `domain` (`test` → `test.example.com`). */
    readonly recordName: string;
    /** The full host name the stage serves, `recordName.domain`. */
    readonly hostname: string;
    /** Internet-facing load balancer (false: internal, reachable only inside the VPC). */
    readonly public: boolean;
    /** HTTPS listener with an ACM certificate and an HTTP → HTTPS redirect. */
    readonly tls: boolean;
    /** A WAFv2 web ACL with AWS managed rules on the load balancer. */
    readonly waf: boolean;
    /** Requests per 5 minutes from one IP before WAF blocks it. */
    readonly wafRateLimit: number;
    /** Days ALB access logs are kept in S3. */
    readonly accessLogRetentionDays: number;
}

export type DatabaseEngine = "postgres" | "mysql";

export interface OwnedDatabaseSettings {
    readonly mode: "owned";
    readonly engine: DatabaseEngine;
    /** The major version (`16`, `8.0`) with automatic minor upgrades, the full one (`16.4`) without. */
    readonly engineVersion: string;
    /** RDS applies minor engine upgrades in the maintenance window (infra/engineVersionRules.ts). */
    readonly autoMinorVersionUpgrade: boolean;
    readonly instanceClass: string;
    readonly allocatedStorageGb: number;
    readonly maxAllocatedStorageGb: number;
    readonly multiAz: boolean;
    readonly backupRetentionDays: number;
    readonly deletionProtection: boolean;
    readonly performanceInsights: boolean;
    /** Enhanced monitoring interval in seconds; 0 turns it off. */
    readonly monitoringIntervalSeconds: number;
    readonly databaseName: string;
    readonly masterUsername: string;
    /** Reject connections without TLS (parameter group). */
    readonly forceTls: boolean;
    /** An AWS Backup plan for the database. */
    readonly awsBackup: boolean;
}

export interface SharedDatabaseSettings {
    readonly mode: "shared";
    /** Fully qualified stack whose database this stage uses, e.g. `acme/stageline/prod`. */
    readonly prodStack: string;
    /**
     * Prod's subnet AZs, in prod's order: one database route table each gets a return route.
     * Known at plan time so each route is a named resource (`<stage>-prod-db-route-<az>`).
     * @default the first three AZs of the region (prod's default layout)
     */
    readonly prodAvailabilityZones: readonly string[];
    /** Prod database's engine (the contract does not carry it). @default "postgres" */
    readonly prodEngine: DatabaseEngine;
}

export type DatabaseSettings = OwnedDatabaseSettings | SharedDatabaseSettings;

export interface ServiceSettings {
    /** Service name, unique in the stage; names its ECR repository, task family and rules. */
    readonly name: string;
    /** Container port. */
    readonly port: number;
    readonly healthCheckPath: string;
    /** Listener rule path patterns (at least one of pathPatterns / hostHeaders). */
    readonly pathPatterns: readonly string[];
    readonly hostHeaders: readonly string[];
    /** Listener rule priority, unique in the stage. */
    readonly priority: number;
    /** Fargate CPU units. */
    readonly cpu: number;
    /** Fargate memory in MiB. */
    readonly memory: number;
    readonly desiredCount: number;
    readonly minCount: number;
    readonly maxCount: number;
    /** Target CPU utilisation (%) for autoscaling. */
    readonly cpuTarget: number;
    /** Target ALB requests per target per minute for autoscaling. */
    readonly requestsPerTarget: number;
    /** Plain (non-secret) environment variables. */
    readonly environment: Readonly<Record<string, string>>;
    readonly readOnlyRootFilesystem: boolean;
    /** The container's user (uid[:gid]); never root. */
    readonly user: string;
    /** The image tag the first deploy uses; later deploys belong to the pipeline. */
    readonly initialImageTag: string;
    readonly logRetentionDays: number;
    /** Alarm threshold: p95 target response time in seconds. */
    readonly latencyP95Seconds: number;
    /** Alarm threshold: 5xx responses per minute. */
    readonly errors5xxPerMinute: number;
    /**
     * Where the service runs: containers on ECS Fargate, or EC2 instances from a custom AMI built
     * by EC2 Image Builder (docs/ec2.md). `cpu`, `memory`, `user`, `readOnlyRootFilesystem` and
     * `initialImageTag` apply to Fargate only; the `instanceType` … `parentImageParameter` keys to EC2 only.
     */
    readonly runtime: ServiceRuntime;
    /** EC2 instance type of the service's instances (ec2 runtime). */
    readonly instanceType: string;
    /**
     * SSM parameter holding the AMI id instances launch from (ec2 runtime): created by the stack
     * with `initialAmiId`, then written by the stage's image pipeline. `/stageline/<stage>/<service>/ami-id`.
     */
    readonly amiParameterName: string;
    /** The AMI the first instances launch from, before the image pipeline has built one (ec2 runtime; required there). */
    readonly initialAmiId?: string;
    /** Size of each instance's (and the image build's) encrypted gp3 root volume, GiB (ec2 runtime). */
    readonly rootVolumeGb: number;
    /** Public SSM parameter of the parent image the image recipe builds on (Amazon Linux 2023). */
    readonly parentImageParameter: string;
}

/** Where a service runs. */
export type ServiceRuntime = "fargate" | "ec2";

export type PipelineTrigger = "push" | "tag" | "promote";

export interface PipelineSettings {
    readonly enabled: boolean;
    /** ARN of the CodeConnections (CodeStar) connection authorised for GitHub. */
    readonly connectionArn?: string;
    /** The application repository, `owner/name`. */
    readonly repository: string;
    /** The branch this stage deploys from (dev → dev, test → qa, staging → main). */
    readonly branch: string;
    /** `push`: every push to the branch; `tag`: release tags only; `promote`: prod, no build. */
    readonly trigger: PipelineTrigger;
    /** Git tag glob for `tag` triggers, e.g. `release-*`. */
    readonly tagPattern: string;
    /** EventBridge schedule expression that starts the pipeline, or none. */
    readonly schedule?: string;
    /** A manual approval before deploy. */
    readonly approval: boolean;
    /** E-mail addresses notified for approvals. */
    readonly approverEmails: readonly string[];
    /** A database snapshot (and uploads backup) before deploy. */
    readonly snapshotBeforeDeploy: boolean;
    /** A sign-off approval after the smoke test; rejecting it rolls the stage back. */
    readonly signOff: boolean;
    readonly buildComputeType: string;
    readonly buildTimeoutMinutes: number;
    readonly logRetentionDays: number;
    readonly artifactRetentionDays: number;
    /**
     * Pre-release snapshots kept: after each snapshot, the pipeline deletes its own older ones
     * (name prefix `<stage>-pre-release-` and tag purpose=pre-release), never others. @default 10
     */
    readonly snapshotsToKeep: number;
    /** The load test after deploy and smoke test, before sign-off (staging; docs/pipeline.md "Load test"). */
    readonly loadTest: LoadTestSettings;
}

/** Thresholds of the LoadTest step (scripts/loadtest.js); every target must meet each one. */
export interface LoadTestSettings {
    /** Run the step (it needs signOff: a breach rolls the stage back like a rejected sign-off). */
    readonly enabled: boolean;
    /** Seconds of load for the whole run, shared by the targets one after another. */
    readonly durationSeconds: number;
    /** Concurrent connections (at most ratePerSecond). */
    readonly connections: number;
    /** Requests per second over all connections; the run sends at most ratePerSecond × durationSeconds. */
    readonly ratePerSecond: number;
    /** Highest allowed 95th-percentile latency, milliseconds. */
    readonly p95Ms: number;
    /** Highest allowed 99th-percentile latency, milliseconds. */
    readonly p99Ms: number;
    /** Highest allowed share of failed requests (non-2xx, connection errors, timeouts), 0..1. */
    readonly maxErrorRate: number;
}

export type RepositoryKind = "software" | "image" | "infrastructure" | "devops" | "mobile";

export interface RepositorySettings {
    readonly name: string;
    readonly description: string;
    readonly kind: RepositoryKind;
    /** Whether the repository deploys through stage branches (dev/qa/main). */
    readonly deploys: boolean;
    readonly visibility: "private" | "internal" | "public";
}

export interface GitHubSettings {
    /** Manage GitHub at all from this stack. */
    readonly enabled: boolean;
    /** The GitHub organisation. */
    readonly owner: string;
    /** Whether this stack owns org-wide objects (repositories, rulesets, labels, OIDC provider). */
    readonly manageOrgResources: boolean;
    /** The infrastructure repository (this one), holding the per-stage Environments. */
    readonly infraRepository: string;
    readonly repositories: readonly RepositorySettings[];
    /** Approving reviews a pull request needs. */
    readonly requiredApprovals: number;
    /** GitHub user logins who approve deployments of this stage. */
    readonly reviewers: readonly string[];
    /** Team slugs who approve deployments of this stage. */
    readonly reviewerTeams: readonly string[];
    /**
     * Status checks required on the infrastructure repository's protected branches (dev, qa,
     * main): the offline plan and the per-stack previews. Other repositories run other CI.
     */
    readonly requiredChecks: readonly string[];
    /**
     * The infrastructure repository's branch allowed to deploy this stage (the branch policy of
     * its GitHub Environment): one of the managed branches `dev`, `qa`, `main`.
     * Defaults: dev → dev, test → qa, staging → main, prod → main.
     */
    readonly deployBranch: string;
    /** The organisation's GitHub plan: what its Environments can enforce in private repositories (infra/githubRules.ts). */
    readonly plan?: "free" | "team" | "enterprise";
    /**
     * The GitHub App the org-owning stack's `pulumi up` authenticates as: the one bypass actor of
     * the rulesets, so stageline can update the files it commits to protected branches.
     */
    readonly automationAppId?: number;
}

export interface AlertSettings {
    /** E-mail subscribed to the stage's alarm topic, if any. */
    readonly email?: string;
}

export interface UploadsSettings {
    /** An S3 bucket for user uploads, backed up before every release. */
    readonly enabled: boolean;
}

export interface StageSettings {
    /** Pulumi project name. */
    readonly project: string;
    /** Pulumi stack name (`prod`, `prod-eu`, ...). */
    readonly stack: string;
    /** The stage this stack is. */
    readonly stage: Stage;
    /** AWS region. */
    readonly region: string;
    /**
     * The prod stack this stack reads (`org/project/stack`; infra/stacks.ts): set in staging, test
     * and dev when they read prod, never in prod (prod reads no stack).
     */
    readonly prodStack?: string;
    readonly network: NetworkSettings;
    readonly edge: EdgeSettings;
    readonly database: DatabaseSettings;
    readonly services: readonly ServiceSettings[];
    readonly pipeline: PipelineSettings;
    readonly github: GitHubSettings;
    readonly alerts: AlertSettings;
    readonly uploads: UploadsSettings;
    /** Put every service behind a fixed 503 maintenance response, deleting nothing. */
    readonly maintenance: boolean;
    /** Tags on every AWS resource (besides stage/project tags). */
    readonly tags: Readonly<Record<string, string>>;
}
