// STUB: replaced by the DatabaseTier implementation (issue 4).
import * as pulumi from "@pulumi/pulumi";
import { DatabaseSettings, Stage } from "../infra/settings";
import { DatabaseConnection, EnvironmentRefs, Tags } from "./types";

export interface DatabaseTierArgs {
    readonly stage: Stage;
    readonly database: DatabaseSettings;
    readonly env: EnvironmentRefs;
    readonly tags: Tags;
}

export class DatabaseTier extends pulumi.ComponentResource {
    readonly connection: DatabaseConnection;
    /** Set when this stage owns its database: the values prod exports for staging. */
    readonly exports?: true;
    constructor(name: string, args: DatabaseTierArgs, opts?: pulumi.ComponentResourceOptions) {
        super("stageline:stage:DatabaseTier", name, {}, opts);
        const o = <T>(v: T) => pulumi.output(v);
        this.connection = { address: o("db"), port: o(5432), name: o("app"), secretArn: o("arn:secret"), securityGroupId: o("sg-db"), instanceId: o("db"), instanceArn: o("arn:db"), engine: "postgres", shared: args.database.mode === "shared" };
        if (args.database.mode === "owned") this.exports = true;
        this.registerOutputs({});
    }
}
