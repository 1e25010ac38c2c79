/**
 * What an `AppService` takes (components/appService.ts): the service whichever runtime runs it
 * (`ServiceArgs`) and the runtime with its own settings, a discriminated union
 * (`runtime: { kind: "fargate", ... } | { kind: "ec2", ... }`). The runtimes' builders
 * (appService.ts for Fargate, ec2Runtime.ts for EC2) import this module, never each other.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Stage } from "../lib/stage";
import { DatabaseConnection, EnvironmentRefs, Tags } from "./types";

/** A service, the same on either runtime: its port, routing, scaling, environment and alarms. */
export interface ServiceArgs {
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
    readonly desiredCount: number;
    readonly minCount: number;
    readonly maxCount: number;
    /** Target CPU utilisation (%) for autoscaling. */
    readonly cpuTarget: number;
    /** Target ALB requests per target per minute for autoscaling. */
    readonly requestsPerTarget: number;
    /** Plain (non-secret) environment variables. */
    readonly environment: Readonly<Record<string, string>>;
    readonly logRetentionDays: number;
    /** Alarm threshold: p95 target response time in seconds. */
    readonly latencyP95Seconds: number;
    /** Alarm threshold: 5xx responses per minute. */
    readonly errors5xxPerMinute: number;
}

/** Containers on ECS Fargate. */
export interface FargateRuntimeArgs {
    readonly kind: "fargate";
    /** Fargate CPU units. */
    readonly cpu: number;
    /** Fargate memory in MiB. */
    readonly memory: number;
    readonly readOnlyRootFilesystem: boolean;
    /** The container's user (uid[:gid]); never root. */
    readonly user: string;
    /** The image tag the first deploy uses; later deploys belong to the pipeline. */
    readonly initialImageTag: string;
}

/** EC2 instances from a custom AMI built by EC2 Image Builder (docs/ec2.md). */
export interface Ec2RuntimeArgs {
    readonly kind: "ec2";
    /** EC2 instance type of the service's instances. */
    readonly instanceType: string;
    /**
     * SSM parameter holding the AMI id instances launch from: created by the stack
     * with `initialAmiId`, then written by the stage's image pipeline. `/stageline/<stage>/<service>/ami-id`.
     */
    readonly amiParameterName: string;
    /** The AMI the first instances launch from, before the image pipeline has built one (required: the component refuses an EC2 service without it). */
    readonly initialAmiId?: string;
    /** Size of each instance's (and the image build's) encrypted gp3 root volume, GiB. */
    readonly rootVolumeGb: number;
    /** Public SSM parameter of the parent image the image recipe builds on (Amazon Linux 2023). */
    readonly parentImageParameter: string;
}

/** Where a service runs, with that runtime's settings. */
export type ServiceRuntimeArgs = FargateRuntimeArgs | Ec2RuntimeArgs;

/** Where a service runs. */
export type ServiceRuntime = ServiceRuntimeArgs["kind"];

export interface AppServiceArgs {
    /** The stage the service belongs to. @default none (required) */
    readonly stage: Stage;
    /** What the service is, whichever runtime runs it: port, routing, scaling, alarms. @default none (required) */
    readonly service: ServiceArgs;
    /** Where it runs: Fargate tasks or EC2 instances, with that runtime's own settings. @default none (required) */
    readonly runtime: ServiceRuntimeArgs;
    /** The stage's network, load balancer, cluster, key and alarm topic. @default none (required) */
    readonly env: EnvironmentRefs;
    /** The database the service connects to (owned or prod's, the same shape). @default none (required) */
    readonly database: DatabaseConnection;
    /** The uploads bucket the task may read and write. @default none: the task role has no policy */
    readonly uploadsBucketArn?: pulumi.Input<string>;
    /** Answer the service's listener rule with a fixed 503 maintenance page instead of forwarding. @default none (required) */
    readonly maintenance: boolean;
    /** Tags on every resource. @default none (required) */
    readonly tags: Tags;
    /**
     * The stage holds data that outlives any deploy (the program passes true for prod): data
     * resources are protected and retained, logs retained (components/dataGuard.ts).
     */
    readonly keepData: boolean;
    /** Protect and retain the ECR repository (images are release artifacts). @default keepData */
    readonly retainImages?: boolean;
    /** Tagged images the repository keeps; older ones expire. @default 50 */
    readonly keepTaggedImages?: number;
    /** Days before an untagged image expires. @default 7 */
    readonly untaggedImageDays?: number;
    /** Seconds the load balancer waits for in-flight requests of a stopping task. @default 30 */
    readonly deregistrationDelaySeconds?: number;
    /** Seconds ECS (or the Auto Scaling group) ignores failing health checks of a new task (instance). @default 60 (Fargate), 180 (EC2) */
    readonly healthCheckGracePeriodSeconds?: number;
    /** HTML body of the maintenance response (≤ 1024 bytes). @default a short page naming the stage */
    readonly maintenanceMessage?: string;
}

/** What each builder of an AppService gets: its name, args, parent and tags. */
export interface ServiceCtx {
    readonly name: string;
    readonly args: AppServiceArgs;
    readonly parent: pulumi.Resource;
    readonly tags: Tags;
}
