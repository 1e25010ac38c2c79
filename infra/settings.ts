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
import type { Ec2RuntimeArgs, FargateRuntimeArgs, ServiceArgs, ServiceRuntime } from "../components/service";
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
 * `AppService`'s args: the common part and the runtime's own (components/service.ts). The fields
 * are the component's, so the two cannot drift: `cpu`, `memory`, `user`, `readOnlyRootFilesystem`
 * and `initialImageTag` apply to Fargate only; `instanceType` … `parentImageParameter` to EC2 only.
 */
export interface ServiceSettings extends ServiceArgs, Omit<FargateRuntimeArgs, "kind">, Omit<Ec2RuntimeArgs, "kind"> {
    /**
     * Where the service runs: containers on ECS Fargate, or EC2 instances from a custom AMI built
     * by EC2 Image Builder (docs/ec2.md).
     */
    readonly runtime: ServiceRuntime;
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
