/**
 * `stageline(settings)`: builds one stage. The same function runs under `pulumi up`
 * (infra/index.ts), under the offline plan (tools/plan.ts) and under the tests, so what the plan
 * shows is what a deploy creates.
 */
import * as pulumi from "@pulumi/pulumi";
import { ServiceRuntime, StageSettings } from "./settings";
import { PROD_CONTRACT_KEYS, ProdDatabaseContract } from "./contract";
import { Environment } from "../components/environment";
import { DatabaseTier } from "../components/databaseTier";
import { AppService, StageDashboard, isFargate } from "../components/appService";
import { RotationRestart } from "../components/rotationRestart";
import { DeliveryPipeline } from "../components/deliveryPipeline";
import { GitHubRepos } from "../components/githubRepos";
import { SecureBucket } from "../components/secureBucket";
import { Tags } from "../components/types";

/** The stack outputs of every stage (prod adds the cross-stack contract). */
export type StageOutputs = Record<string, pulumi.Input<unknown>>;

export function stageTags(s: StageSettings): Tags {
    return { ...s.tags, project: s.project, stage: s.stage, stack: s.stack, "managed-by": "pulumi" };
}

export function stageline(s: StageSettings): StageOutputs {
    const tags = stageTags(s);
    const name = s.stage;

    const env = new Environment(name, {
        stage: s.stage,
        region: s.region,
        network: s.network,
        edge: s.edge,
        alerts: s.alerts,
        tags,
    });

    const db = new DatabaseTier(name, {
        stage: s.stage,
        database: s.database,
        env: env.refs,
        tags,
    });

    const uploads = s.uploads.enabled
        ? new SecureBucket(`${name}-uploads`, {
              purpose: "user uploads",
              kmsKeyArn: env.refs.kmsKeyArn,
              versioned: true,
              retainOnDelete: s.stage === "prod" || s.stage === "staging",
              tags,
          })
        : undefined;

    const services = s.services.map(
        (svc) =>
            new AppService<ServiceRuntime>(`${name}-${svc.name}`, {
                stage: s.stage,
                service: svc,
                env: env.refs,
                database: db.connection,
                uploadsBucketArn: uploads?.arn,
                maintenance: s.maintenance,
                tags,
            }),
    );

    new StageDashboard(name, { stage: s.stage, env: env.refs, services, tags });

    // The database secret rotates (RDS: every 7 days); ECS tasks read it only at start. Each stack
    // whose tasks read it (staging: prod's secret) redeploys them on rotation: docs/database.md.
    const containers = services.filter(isFargate);
    if (containers.length > 0) {
        new RotationRestart(name, {
            stage: s.stage,
            secretArn: db.connection.secretArn,
            region: s.region,
            accountId: env.refs.accountId,
            clusterName: env.refs.clusterName,
            services: containers.map((svc) => ({ name: svc.serviceName, ecsServiceName: svc.ecsServiceName! })),
            tags,
        });
    }

    const pipeline = s.pipeline.enabled && services.length > 0
        ? new DeliveryPipeline(name, {
              stage: s.stage,
              pipeline: s.pipeline,
              env: env.refs,
              // Both runtimes: containers deploy through ECS, EC2 services bake an AMI and refresh (docs/ec2.md).
              services,
              database: db.connection,
              uploadsBucketName: uploads?.bucket,
              uploadsBucketArn: uploads?.arn,
              tags,
          })
        : undefined;

    const github = s.github.enabled
        ? new GitHubRepos(name, {
              stage: s.stage,
              github: s.github,
              region: s.region,
              accountId: env.refs.accountId,
              // Staging's deploy also adds its routes and database rule to prod's network.
              peerStages: s.database.mode === "shared" ? ["prod"] : [],
              hostname: s.edge.hostname,
              tags,
          })
        : undefined;

    const outputs: StageOutputs = {
        stage: s.stage,
        region: s.region,
        url: env.refs.url,
        hostname: env.refs.hostname,
        vpcId: env.refs.vpcId,
        vpcCidr: env.refs.vpcCidr,
        publicSubnetIds: env.refs.publicSubnetIds,
        privateSubnetIds: env.refs.privateSubnetIds,
        isolatedSubnetIds: env.refs.isolatedSubnetIds,
        privateRouteTableIds: env.refs.privateRouteTableIds,
        databaseRouteTableIds: env.refs.isolatedRouteTableIds,
        albDnsName: env.refs.albDnsName,
        listenerArn: env.refs.listenerArn,
        clusterArn: env.refs.clusterArn,
        alarmTopicArn: env.refs.alarmTopicArn,
        // Where this stage's services connect (prod's database in staging): host and credentials ARN.
        databaseAddress: db.connection.address,
        databaseSecretArn: db.connection.secretArn,
        databaseShared: db.connection.shared,
        services: Object.fromEntries(services.map((svc) => [svc.serviceName, svc.outputs])),
        ...(pipeline ? { pipelineName: pipeline.pipelineName } : {}),
        // Where this stage publishes signed-off releases; the promoting stage (prod) reads it.
        ...(pipeline?.release ? { release: pipeline.release } : {}),
        ...(github ? { deployRoleArn: github.deployRoleArn } : {}),
    };

    if (db.exports) {
        // Owned database: export the contract keys staging reads (prod), or the same for others.
        const c: { [K in keyof ProdDatabaseContract]: pulumi.Input<ProdDatabaseContract[K]> } = {
            vpcId: env.refs.vpcId,
            vpcCidr: env.refs.vpcCidr,
            databaseRouteTableIds: pulumi.all(env.refs.isolatedRouteTableIds),
            privateRouteTableIds: pulumi.all(env.refs.privateRouteTableIds),
            dbAddress: db.connection.address,
            dbPort: db.connection.port,
            dbName: db.connection.name,
            dbSecretArn: db.connection.secretArn,
            dbSecretKmsKeyArn: db.connection.secretKmsKeyArn,
            dbSecurityGroupId: db.connection.securityGroupId,
            dbInstanceId: db.connection.instanceId,
            dbInstanceArn: db.connection.instanceArn,
            region: s.region,
        };
        for (const key of PROD_CONTRACT_KEYS) outputs[key] = c[key];
    }
    return outputs;
}
