// STUB: replaced by the AppService implementation (issue 5).
import * as pulumi from "@pulumi/pulumi";
import { ServiceSettings, Stage } from "../infra/settings";
import { DatabaseConnection, EnvironmentRefs, Tags } from "./types";

export interface AppServiceArgs {
    readonly stage: Stage;
    readonly service: ServiceSettings;
    readonly env: EnvironmentRefs;
    readonly database: DatabaseConnection;
    readonly uploadsBucketArn?: pulumi.Input<string>;
    readonly maintenance: boolean;
    readonly tags: Tags;
}

export class AppService extends pulumi.ComponentResource {
    /** The service's config name (`web`). */
    readonly serviceName: string;
    /** The service's settings, as validated. */
    readonly settings: ServiceSettings;
    readonly repositoryName: pulumi.Output<string>;
    readonly repositoryArn: pulumi.Output<string>;
    readonly repositoryUrl: pulumi.Output<string>;
    /** Physical ECS service name and ARN. */
    readonly ecsServiceName: pulumi.Output<string>;
    readonly ecsServiceArn: pulumi.Output<string>;
    readonly clusterName: pulumi.Output<string>;
    /** Container name inside the task definition (what imagedefinitions.json names). */
    readonly containerName: string;
    /** Task definition family. */
    readonly taskFamily: string;
    readonly taskRoleArn: pulumi.Output<string>;
    readonly executionRoleArn: pulumi.Output<string>;
    /** Full URL of the service's health check through the stage's load balancer. */
    readonly healthCheckUrl: string;
    /** What the stack exports for this service. */
    readonly outputs: Record<string, pulumi.Input<unknown>>;
    constructor(name: string, args: AppServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("stageline:app:AppService", name, {}, opts);
        const o = (v: string) => pulumi.output(v);
        this.serviceName = args.service.name;
        this.settings = args.service;
        this.repositoryName = o(name);
        this.repositoryArn = o(`arn:aws:ecr:eu-west-1:123456789012:repository/${name}`);
        this.repositoryUrl = o(`123456789012.dkr.ecr.eu-west-1.amazonaws.com/${name}`);
        this.ecsServiceName = o(name);
        this.ecsServiceArn = o(`arn:aws:ecs:eu-west-1:123456789012:service/${name}`);
        this.clusterName = args.env.clusterName;
        this.containerName = args.service.name;
        this.taskFamily = name;
        this.taskRoleArn = o(`arn:aws:iam::123456789012:role/${name}-task`);
        this.executionRoleArn = o(`arn:aws:iam::123456789012:role/${name}-execution`);
        this.healthCheckUrl = `${args.env.url}${args.service.healthCheckPath}`;
        this.outputs = {};
        this.registerOutputs({});
    }
}

export interface StageDashboardArgs {
    readonly stage: Stage;
    readonly env: EnvironmentRefs;
    readonly services: readonly AppService[];
    readonly tags: Tags;
}

export class StageDashboard extends pulumi.ComponentResource {
    constructor(name: string, args: StageDashboardArgs, opts?: pulumi.ComponentResourceOptions) {
        super("stageline:app:StageDashboard", name, {}, opts);
        void args;
        this.registerOutputs({});
    }
}
