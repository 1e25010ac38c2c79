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
    readonly serviceName: string;
    readonly outputs: Record<string, pulumi.Input<unknown>>;
    constructor(name: string, args: AppServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("stageline:app:AppService", name, {}, opts);
        this.serviceName = args.service.name;
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
