/**
 * The typed, validated settings of one stage. `infra/config/` builds a `StageSettings` from a
 * stack's config (stack YAML + stage defaults); components receive the parts they need and never
 * read `pulumi.Config` themselves.
 */

import type { Stage } from "../lib/stage";
export { STAGES, Stage } from "../lib/stage";
// The shapes each component accepts are declared by the component (components own their args);
// the config produces values of them, under the settings names the config code uses.
import type { NetworkArgs as NetworkSettings, EdgeArgs as EdgeSettings, AlertArgs as AlertSettings } from "../components/environment";
import type { DatabaseArgs as DatabaseSettings } from "../components/databaseTier";
import type { ServiceRuntime } from "../components/service";
import type { PipelineArgs as PipelineSettings } from "../components/deliveryPipeline";
import type { GitHubArgs as GitHubSettings } from "../components/githubRepos";
export type { NatLayout, NetworkArgs as NetworkSettings, EdgeArgs as EdgeSettings, AlertArgs as AlertSettings } from "../components/environment";
export type { OwnedDatabaseArgs as OwnedDatabaseSettings, SharedDatabaseArgs as SharedDatabaseSettings, DatabaseArgs as DatabaseSettings } from "../components/databaseTier";
export type { ServiceRuntime } from "../components/service";
export type { LoadTestArgs as LoadTestSettings } from "../components/pipeline/loadTest";
export type { PipelineTrigger, PipelineArgs as PipelineSettings } from "../components/deliveryPipeline";
export type { RepositoryKind, RepositoryArgs as RepositorySettings, GitHubArgs as GitHubSettings } from "../components/githubRepos";

export type { DatabaseEngine } from "../lib/engineVersionRules";

/**
 * A service as the stack file states it (one flat map per service); infra/program.ts maps it onto
 * `AppService`'s args: the common part and the runtime's own (components/service.ts).
 */
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
