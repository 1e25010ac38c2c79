/**
 * `stageline(settings)`: builds one stage. The same function runs under `pulumi up`
 * (infra/index.ts), under the offline plan (tools/plan.ts) and under the tests, so what the plan
 * shows is what a deploy creates.
 */
import * as pulumi from "@pulumi/pulumi";
import { ServiceSettings, StageSettings } from "./settings";
import { contractOutputs, ContractInputs, readStacks, RELEASE_OBJECT_KEY } from "./stacks";
import { Environment } from "../components/environment";
import { DatabaseTier } from "../components/databaseTier";
import { AppService, AppServiceArgs, isFargate } from "../components/appService";
import { StageDashboard } from "../components/stageDashboard";
import { RotationRestart } from "../components/rotationRestart";
import { DeliveryPipeline } from "../components/deliveryPipeline";
import { GitHubRepos } from "../components/githubRepos";
import { SecureBucket } from "../components/secureBucket";
import { ReleaseHandoff } from "../components/pipeline/handoff";
import { Tags } from "../components/types";

/** The stack outputs of every stage (prod adds the cross-stack contract). */
export type StageOutputs = Record<string, pulumi.Input<unknown>>;

export function stageTags(s: StageSettings): Tags {
    return { ...s.tags, project: s.project, stage: s.stage, stack: s.stack, "managed-by": "pulumi" };
}

/** Stages whose data outlives any deploy: their components protect and retain data (components/dataGuard.ts). */
export function holdsProductionData(s: Pick<StageSettings, "stage">): boolean {
    return s.stage === "prod";
}

/** Stages whose user uploads (and the copies taken before each release) outlive the stack. */
export function keepsUploads(s: Pick<StageSettings, "stage">): boolean {
    return s.stage === "prod" || s.stage === "staging";
}

/**
 * A service's flat stack-file settings as `AppService` takes them: what every runtime shares, and
 * the runtime with only its own keys (the config has checked each runtime's keys).
 */
export function serviceArgsOf(svc: ServiceSettings): Pick<AppServiceArgs, "service" | "runtime"> {
    const { runtime, cpu, memory, user, readOnlyRootFilesystem, initialImageTag, instanceType, amiParameterName, initialAmiId, rootVolumeGb, parentImageParameter, ...service } = svc;
    return {
        service,
        runtime:
            runtime === "ec2"
                ? { kind: "ec2", instanceType, amiParameterName, initialAmiId, rootVolumeGb, parentImageParameter }
                : { kind: "fargate", cpu, memory, user, readOnlyRootFilesystem, initialImageTag },
    };
}

export function stageline(s: StageSettings): StageOutputs {
    const tags = stageTags(s);
    const keepData = holdsProductionData(s);
    const name = s.stage;
    // Every StackReference of the stage (none in prod): infra/stacks.ts.
    const read = readStacks(s);

    const env = new Environment(name, {
        stage: s.stage,
        region: s.region,
        network: s.network,
        edge: s.edge,
        alerts: s.alerts,
        tags,
        keepData,
    });

    const db = new DatabaseTier(name, {
        stage: s.stage,
        database: s.database,
        env: env.refs,
        tags,
        prodDatabase: read.prodDatabase,
    });

    const uploads = s.uploads.enabled
        ? new SecureBucket(`${name}-uploads`, {
              purpose: "user uploads",
              kmsKeyArn: env.refs.kmsKeyArn,
              versioned: true,
              retainOnDelete: keepsUploads(s),
              tags,
          })
        : undefined;

    const services = s.services.map(
        (svc) =>
            new AppService(`${name}-${svc.name}`, {
                stage: s.stage,
                ...serviceArgsOf(svc),
                env: env.refs,
                database: db.connection,
                uploadsBucketArn: uploads?.arn,
                maintenance: s.maintenance,
                tags,
                keepData,
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
            services: containers.map((svc) => ({ name: svc.serviceName, ecsServiceName: svc.runtime.ecsServiceName })),
            tags,
        });
    }

    // Prod owns the release hand-off staging writes into; its pipeline promotes from it.
    const promotes = s.pipeline.enabled && services.length > 0 && s.pipeline.trigger === "promote";
    const handoff = promotes
        ? new ReleaseHandoff(`${name}-release-handoff`, { stage: s.stage, publisherStage: "staging", accountId: env.refs.accountId, objectKey: RELEASE_OBJECT_KEY, keepReleasesDays: Math.max(s.pipeline.artifactRetentionDays, 90), tags })
        : undefined;

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
              keepData,
              keepUploads: keepsUploads(s),
              promoteFrom: handoff ? handoff.location : undefined,
              publishTo: read.releaseHandoff,
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
              org: read.githubOrg,
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
        ...(github ? { deployRoleArn: github.deployRoleArn } : {}),
    };

    // What other stacks read from this one (prod): infra/stacks.ts's contracts.
    const database: ContractInputs | undefined = db.exports
        ? {
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
          }
        : undefined;
    Object.assign(outputs, contractOutputs({ database, releaseHandoff: handoff?.location, githubOrg: github?.org }));
    return outputs;
}
