/**
 * The EC2 runtime of an `AppService` (`runtime: "ec2"`): instances from a custom AMI in an Auto
 * Scaling group behind the same target group, listener rule, alarms and dashboard as a Fargate
 * service. AppService calls `createEc2Runtime` and keeps the class thin.
 *
 * AMI ownership: the stack creates the service's SSM parameter with `initialAmiId` and then
 * ignores its value; the stage's `ImagePipeline` writes each new AMI id there. The launch template
 * launches from `resolve:ssm:<parameter>`, so a rolling instance refresh (started by the delivery
 * pipeline) brings up instances from the new AMI without `pulumi up`. The group keeps 100 % of
 * its capacity healthy during a refresh (up to 200 % while new instances warm up): zero downtime.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Ec2RuntimeArgs, ServiceArgs, ServiceCtx } from "./service";
import { ImagePipeline } from "./imagePipeline";
import { grantUploads } from "./uploadsAccess";
import { serviceTrustPolicy, policyDocument } from "./iam";

/** Metrics the group publishes (GroupInServiceInstances feeds the capacity alarm). */
export const GROUP_METRICS: aws.types.enums.autoscaling.Metric[] = ["GroupInServiceInstances", "GroupDesiredCapacity", "GroupMinSize", "GroupMaxSize", "GroupPendingInstances", "GroupTerminatingInstances", "GroupTotalInstances"];

/** Where the instance's user data writes the non-secret settings the application reads. */
export const APP_ENV_FILE = "/etc/stageline/app.env";

/** What the EC2 runtime gives the service: its Auto Scaling group, AMI parameter and image pipeline. */
export interface Ec2Runtime {
    readonly kind: "ec2";
    /** The Auto Scaling group's name and ARN (what an instance refresh names). */
    readonly autoScalingGroupName: pulumi.Output<string>;
    readonly autoScalingGroupArn: pulumi.Output<string>;
    readonly launchTemplateId: pulumi.Output<string>;
    /** The SSM parameter with the AMI id instances launch from (written by the image pipeline). */
    readonly amiParameterName: pulumi.Output<string>;
    readonly amiParameterArn: pulumi.Output<string>;
    /** The stage's image pipeline for this service, and where it reads the release package. */
    readonly imagePipelineArn: pulumi.Output<string>;
    /** The Image Builder recipe of the service's AMIs (scopes what its bake may read). */
    readonly imageRecipeName: pulumi.Output<string>;
    readonly packageBucketName: pulumi.Output<string>;
    readonly packageBucketArn: pulumi.Output<string>;
    readonly packageKey: string;
    readonly instanceRoleArn: pulumi.Output<string>;
}

/** Problems specific to the EC2 runtime, as sentences. Pure: tested directly. */
export function validateEc2Service(label: string, s: Ec2RuntimeArgs): string[] {
    const problems: string[] = [];
    if (s.initialAmiId === undefined) problems.push(`${label} runs on EC2 but has no initialAmiId for its first instances`);
    if (!s.amiParameterName.startsWith("/")) problems.push(`${label} has AMI parameter ${s.amiParameterName}; allowed: a path starting with /`);
    if (!Number.isInteger(s.rootVolumeGb) || s.rootVolumeGb < 8) problems.push(`${label} has a root volume of ${s.rootVolumeGb} GiB; allowed: an integer of 8 or more`);
    return problems;
}

/**
 * Minimal user data: writes the non-secret settings (database host, port, name, the secret's
 * ARN, plain environment) to `APP_ENV_FILE` for the AMI's systemd unit; the application reads
 * the credentials itself from Secrets Manager with the instance role. Never a secret value.
 */
export function userData(p: { service: ServiceArgs; dbHost: string; dbPort: number; dbName: string; secretArn: string; region: string }): string {
    const env = { ...p.service.environment, DB_HOST: p.dbHost, DB_PORT: String(p.dbPort), DB_NAME: p.dbName, DB_SECRET_ARN: p.secretArn, AWS_REGION: p.region, PORT: String(p.service.port) };
    const lines = Object.entries(env)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
    const script = ["#!/bin/bash", "set -euo pipefail", `install -d -m 0750 ${APP_ENV_FILE.replace(/\/[^/]+$/, "")}`, `cat > ${APP_ENV_FILE} <<'EOF'`, ...lines, "EOF", `chmod 0640 ${APP_ENV_FILE}`, ""].join("\n");
    return Buffer.from(script, "utf8").toString("base64");
}

export function createEc2Runtime(ctx: ServiceCtx, ec2: Ec2RuntimeArgs, targetGroup: aws.lb.TargetGroup, logGroup: aws.cloudwatch.LogGroup): Ec2Runtime {
    const amiParameter = createAmiParameter(ctx, ec2);
    const images = new ImagePipeline(
        ctx.name,
        { stage: ctx.args.stage, service: ctx.args.service, runtime: ec2, env: ctx.args.env, amiParameterName: amiParameter.name, tags: ctx.args.tags, keepData: ctx.args.keepData },
        { parent: ctx.parent },
    );
    const instanceRole = createInstanceRole(ctx, logGroup);
    const launchTemplate = createLaunchTemplate(ctx, ec2, amiParameter, instanceRole);
    const group = createGroup(ctx, launchTemplate, targetGroup);
    createGroupScaling(ctx, group, targetGroup);
    return {
        kind: "ec2",
        autoScalingGroupName: group.name,
        autoScalingGroupArn: group.arn,
        launchTemplateId: launchTemplate.id,
        amiParameterName: amiParameter.name,
        amiParameterArn: amiParameter.arn,
        imagePipelineArn: images.pipelineArn,
        imageRecipeName: images.recipeName,
        packageBucketName: images.packageBucketName,
        packageBucketArn: images.packageBucketArn,
        packageKey: images.packageKey,
        instanceRoleArn: instanceRole.arn,
    };
}

function createAmiParameter(ctx: ServiceCtx, s: Ec2RuntimeArgs): aws.ssm.Parameter {
    return new aws.ssm.Parameter(
        `${ctx.name}-ami-id`,
        {
            name: s.amiParameterName,
            description: `AMI the ${ctx.name} instances launch from; written by its image pipeline`,
            type: "String",
            // EC2 checks the value is an AMI this account can launch before accepting it.
            dataType: "aws:ec2:image",
            value: s.initialAmiId ?? "",
            tags: ctx.tags,
        },
        // The image pipeline owns the value after the first deploy; `pulumi up` never rolls it back.
        { parent: ctx.parent, ignoreChanges: ["value"] },
    );
}

function createInstanceRole(ctx: ServiceCtx, logGroup: aws.cloudwatch.LogGroup): aws.iam.Role {
    const { name, args, parent } = ctx;
    const role = new aws.iam.Role(
        `${name}-instance`,
        {
            description: `${name} instances: Session Manager, its own logs and metrics, its database secret`,
            assumeRolePolicy: serviceTrustPolicy("ec2.amazonaws.com", { sourceAccount: args.env.accountId }),
            tags: ctx.tags,
        },
        { parent },
    );
    // Session Manager instead of SSH: no key pairs, no inbound port.
    new aws.iam.RolePolicyAttachment(`${name}-instance-ssm`, { role: role.name, policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" }, { parent });
    new aws.iam.RolePolicy(
        `${name}-instance`,
        {
            role: role.id,
            policy: policyDocument([
                // The CloudWatch agent, scoped to the service's own log group (not the broad managed policy).
                { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource: pulumi.interpolate`${logGroup.arn}:*` },
                // PutMetricData has no resource-level form; the namespace condition scopes it.
                { Sid: "AgentMetrics", Effect: "Allow", Action: ["cloudwatch:PutMetricData"], Resource: "*", Condition: { StringEquals: { "cloudwatch:namespace": "CWAgent" } } },
                { Sid: "ReadDatabaseSecret", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: args.database.secretArn },
                {
                    Sid: "DecryptDatabaseSecret",
                    Effect: "Allow",
                    Action: ["kms:Decrypt"],
                    Resource: args.database.secretKmsKeyArn,
                    Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${args.env.region}.amazonaws.com` } },
                },
            ]),
        },
        { parent },
    );
    if (args.uploadsBucketArn !== undefined) grantUploads(`${name}-instance-uploads`, role, args.uploadsBucketArn, args.env.kmsKeyArn, parent);
    return role;
}

function createLaunchTemplate(ctx: ServiceCtx, ec2: Ec2RuntimeArgs, amiParameter: aws.ssm.Parameter, role: aws.iam.Role): aws.ec2.LaunchTemplate {
    const { name, args, parent } = ctx;
    const s = args.service;
    const profile = new aws.iam.InstanceProfile(`${name}-instance`, { role: role.name, tags: ctx.tags }, { parent });
    // Auto Scaling launches the instances: its service-linked role needs the stage key for the
    // encrypted volumes (the key policy delegates to IAM, so a grant is enough).
    new aws.kms.Grant(
        `${name}-volumes`,
        {
            keyId: args.env.kmsKeyArn,
            granteePrincipal: pulumi.interpolate`arn:aws:iam::${args.env.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
            operations: ["Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKeyWithoutPlaintext", "DescribeKey", "CreateGrant"],
        },
        { parent },
    );
    const db = args.database;
    return new aws.ec2.LaunchTemplate(
        `${name}-lt`,
        {
            description: `${name}: instances from the AMI in ${ec2.amiParameterName}`,
            // Resolved at every launch: the image pipeline's latest AMI, without a template change.
            imageId: pulumi.interpolate`resolve:ssm:${amiParameter.name}`,
            instanceType: ec2.instanceType,
            iamInstanceProfile: { arn: profile.arn },
            // IMDSv2 only, and not reachable from containers or forwarded hops.
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
            networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false", securityGroups: [args.env.appSecurityGroupId], deleteOnTermination: "true" }],
            blockDeviceMappings: [
                {
                    deviceName: "/dev/xvda",
                    ebs: { volumeSize: ec2.rootVolumeGb, volumeType: "gp3", encrypted: "true", kmsKeyId: args.env.kmsKeyArn, deleteOnTermination: "true" },
                },
            ],
            monitoring: { enabled: true },
            userData: pulumi
                .all([db.address, db.port, db.name, db.secretArn])
                .apply(([dbHost, dbPort, dbName, secretArn]) => userData({ service: s, dbHost, dbPort, dbName, secretArn, region: args.env.region })),
            updateDefaultVersion: true,
            tagSpecifications: [
                { resourceType: "instance", tags: { ...ctx.tags, Name: name } },
                { resourceType: "volume", tags: { ...ctx.tags, Name: name } },
            ],
            tags: ctx.tags,
        },
        { parent },
    );
}

function createGroup(ctx: ServiceCtx, launchTemplate: aws.ec2.LaunchTemplate, targetGroup: aws.lb.TargetGroup): aws.autoscaling.Group {
    const { name, args, parent } = ctx;
    const s = args.service;
    const warmup = args.healthCheckGracePeriodSeconds ?? 180;
    return new aws.autoscaling.Group(
        name,
        {
            // The workload AZs' private subnets (≥ 2 wherever minCount ≥ 2; prod always).
            vpcZoneIdentifiers: args.env.workloadSubnetIds,
            minSize: s.minCount,
            maxSize: s.maxCount,
            desiredCapacity: s.desiredCount,
            launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply((v) => String(v)) },
            targetGroupArns: [targetGroup.arn],
            // Replace an instance the load balancer finds unhealthy, not only one EC2 finds broken.
            healthCheckType: "ELB",
            healthCheckGracePeriod: warmup,
            defaultInstanceWarmup: warmup,
            // Rolling and zero-downtime: new instances start and turn healthy before old ones stop.
            instanceRefresh: {
                strategy: "Rolling",
                preferences: {
                    minHealthyPercentage: 100,
                    maxHealthyPercentage: 200,
                    instanceWarmup: String(warmup),
                    // AWS cannot roll back a refresh whose launch template resolves its AMI from an
                    // SSM parameter (RollbackInstanceRefresh docs): rollback writes the previous AMI
                    // back and refreshes again (pipeline stage rollback, scripts/rollback.sh --ec2).
                    autoRollback: false,
                    skipMatching: false,
                    scaleInProtectedInstances: "Refresh",
                    standbyInstances: "Terminate",
                },
            },
            enabledMetrics: GROUP_METRICS,
            metricsGranularity: "1Minute",
            waitForCapacityTimeout: "15m",
            tags: Object.entries({ ...ctx.tags, Name: name }).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
        },
        // Autoscaling owns the desired count between deploys.
        { parent, ignoreChanges: ["desiredCapacity"] },
    );
}

function createGroupScaling(ctx: ServiceCtx, group: aws.autoscaling.Group, targetGroup: aws.lb.TargetGroup): void {
    const { name, args, parent } = ctx;
    const s = args.service;
    const policy = (suffix: string, predefinedMetricType: string, targetValue: number, resourceLabel?: pulumi.Input<string>) =>
        new aws.autoscaling.Policy(
            `${name}-${suffix}`,
            {
                autoscalingGroupName: group.name,
                policyType: "TargetTrackingScaling",
                targetTrackingConfiguration: { predefinedMetricSpecification: { predefinedMetricType, resourceLabel }, targetValue },
            },
            { parent },
        );
    policy("cpu-scaling", "ASGAverageCPUUtilization", s.cpuTarget);
    policy("requests-scaling", "ALBRequestCountPerTarget", s.requestsPerTarget, pulumi.interpolate`${args.env.albArnSuffix}/${targetGroup.arnSuffix}`);
}
