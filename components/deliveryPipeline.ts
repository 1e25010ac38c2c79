// STUB: replaced by the DeliveryPipeline implementation (issue 6).
import * as pulumi from "@pulumi/pulumi";
import { PipelineSettings, Stage } from "../infra/settings";
import { AppService } from "./appService";
import { DatabaseConnection, EnvironmentRefs, Tags } from "./types";

export interface DeliveryPipelineArgs {
    readonly stage: Stage;
    readonly pipeline: PipelineSettings;
    readonly env: EnvironmentRefs;
    readonly services: readonly AppService[];
    readonly database: DatabaseConnection;
    readonly uploadsBucketName?: pulumi.Output<string>;
    readonly uploadsBucketArn?: pulumi.Output<string>;
    readonly tags: Tags;
}

export class DeliveryPipeline extends pulumi.ComponentResource {
    readonly pipelineName: pulumi.Output<string>;
    constructor(name: string, args: DeliveryPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
        super("stageline:delivery:DeliveryPipeline", name, {}, opts);
        void args;
        this.pipelineName = pulumi.output(name);
        this.registerOutputs({});
    }
}
