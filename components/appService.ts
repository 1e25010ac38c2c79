/**
 * `AppService`: one containerised service of a stage on ECS Fargate behind the stage's load
 * balancer — its ECR repository, log group, roles, task definition, target group, listener rule,
 * ECS service, autoscaling and alarms. `StageDashboard`: one CloudWatch dashboard per stage with
 * every service's graphs.
 *
 * Image ownership: the delivery pipeline deploys new images (new task definition revisions and
 * `UpdateService`); this component creates the first revision from `initialImageTag` and then
 * ignores `taskDefinition` and `desiredCount` on the ECS service, so `pulumi up` never rolls a
 * service back to the bootstrap image nor undoes autoscaling. See docs/services.md.
 *
 * `runtime: "ec2"` runs the service on EC2 instances from a custom AMI instead (components/
 * ec2Runtime.ts, docs/ec2.md): same target group kind, listener rule, maintenance mode, alarms
 * and dashboard row; a launch template and an Auto Scaling group instead of the task definition
 * and ECS service. The class is generic in the runtime so each field says which runtime has it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Stage } from "../lib/stage";
import { createEc2Runtime, Ec2Runtime, validateEc2Service } from "./ec2Runtime";
import { DatabaseConnection, EnvironmentRefs, Tags } from "./types";
import { keepLogs } from "./dataGuard";
import { grantUploads } from "./uploadsAccess";

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

/** Where a service runs. */
export type ServiceRuntime = "fargate" | "ec2";

/** CPU architecture of every task: CodeBuild's standard Linux images build x86_64 images. */
export const CPU_ARCHITECTURE = "X86_64";

/** Environment variable names the component sets itself; `settings.environment` must not. */
export const RESERVED_ENVIRONMENT = ["DB_HOST", "DB_PORT", "DB_NAME", "DB_USERNAME", "DB_PASSWORD"] as const;

/** The header the maintenance response carries, so monitors can tell it from an outage. */
export const MAINTENANCE_HEADER_TEXT = "maintenance";

/** ALB limit: condition values (path patterns + host headers) one rule may evaluate. */
const MAX_RULE_CONDITION_VALUES = 5;

export interface AppServiceArgs {
    /** The stage the service belongs to. @default none (required) */
    readonly stage: Stage;
    /** The service's validated settings (infra/config.ts). @default none (required) */
    readonly service: ServiceArgs;
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
    /** Seconds ECS ignores failing health checks of a new task. @default 60 */
    readonly healthCheckGracePeriodSeconds?: number;
    /** HTML body of the maintenance response (≤ 1024 bytes). @default a short page naming the stage */
    readonly maintenanceMessage?: string;
}

/** A problem with the args a user can fix, as a sentence. Pure: tested directly. */
export function validateAppServiceArgs(name: string, args: AppServiceArgs): string[] {
    const s = args.service;
    const problems: string[] = [];
    const label = `service "${s.name}" (${name})`;
    const conditionValues = s.pathPatterns.length + s.hostHeaders.length;
    if (conditionValues === 0) problems.push(`${label} has no pathPatterns and no hostHeaders: the listener rule needs at least one condition`);
    if (conditionValues > MAX_RULE_CONDITION_VALUES) {
        problems.push(`${label} has ${conditionValues} path patterns and host headers; a listener rule evaluates at most ${MAX_RULE_CONDITION_VALUES}`);
    }
    if (!Number.isInteger(s.priority) || s.priority < 1 || s.priority > 50000) problems.push(`${label} has listener priority ${s.priority}; allowed: an integer from 1 to 50000`);
    if (!Number.isInteger(s.port) || s.port < 1 || s.port > 65535) problems.push(`${label} has port ${s.port}; allowed: an integer from 1 to 65535`);
    if (s.minCount > s.maxCount) problems.push(`${label} has minCount ${s.minCount} above maxCount ${s.maxCount}`);
    if (s.desiredCount < s.minCount || s.desiredCount > s.maxCount) {
        problems.push(`${label} has desiredCount ${s.desiredCount}; allowed: from minCount (${s.minCount}) to maxCount (${s.maxCount})`);
    }
    if (s.runtime === "ec2") problems.push(...validateEc2Service(label, s));
    if (s.runtime === "fargate" && (!/^\d+(:\d+)?$/.test(s.user) || /^0(:|$)/.test(s.user))) problems.push(`${label} runs as user "${s.user}"; allowed: a non-root uid[:gid] such as 1000:1000`);
    for (const key of RESERVED_ENVIRONMENT) {
        if (key in s.environment) problems.push(`${label} sets ${key} in environment; the component sets it from the database connection`);
    }
    if (args.env.workloadSubnetIds.length === 0) problems.push(`${label} has no workload subnets to run in`);
    if (s.minCount >= 2 && args.env.workloadSubnetIds.length < 2) {
        const what = s.runtime === "ec2" ? "instances" : "tasks";
        problems.push(`${label} runs at least ${s.minCount} ${what} but the stage has workload subnets in one AZ; ${what} could not spread across AZs`);
    }
    const body = args.maintenanceMessage ?? maintenancePage(args.stage);
    if (Buffer.byteLength(body, "utf8") > 1024) problems.push(`${label} has a maintenance message of ${Buffer.byteLength(body, "utf8")} bytes; a fixed response holds at most 1024`);
    return problems;
}

/** The default maintenance page: small, self-contained, within the ALB's 1024-byte limit. */
export function maintenancePage(stage: Stage): string {
    return (
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Down for maintenance</title></head>` +
        `<body style="font-family:sans-serif;text-align:center;padding:4em">` +
        `<h1>We'll be right back</h1><p>This service (${stage}) is down for planned maintenance. Please try again shortly.</p>` +
        `</body></html>`
    );
}

/** The listener rule's conditions: one per kind given (AND between kinds, OR within one). */
export function ruleConditions(s: ServiceArgs): aws.types.input.lb.ListenerRuleCondition[] {
    const conditions: aws.types.input.lb.ListenerRuleCondition[] = [];
    if (s.pathPatterns.length > 0) conditions.push({ pathPattern: { values: [...s.pathPatterns] } });
    if (s.hostHeaders.length > 0) conditions.push({ hostHeader: { values: [...s.hostHeaders] } });
    return conditions;
}

/** Where users reach the service: its host header, or the stage URL plus its path prefix. */
export function serviceUrl(env: Pick<EnvironmentRefs, "url" | "scheme">, s: ServiceArgs): string {
    const host = s.hostHeaders.find((h) => !h.includes("*"));
    if (host !== undefined) return `${env.scheme}://${host}`;
    const prefix = (s.pathPatterns[0] ?? "/").replace(/\*.*$/, "").replace(/\/+$/, "");
    return `${env.url}${prefix}`;
}

/** Whether an ALB path pattern (`*` any characters, `?` one) matches a path. */
export function pathMatches(pattern: string, path: string): boolean {
    const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
    return re.test(path);
}

interface Ctx {
    name: string;
    args: AppServiceArgs;
    parent: pulumi.Resource;
    tags: Tags;
}

/** A field only the Fargate runtime has (`undefined` on an EC2 service). */
export type FargateOnly<R extends ServiceRuntime, T> = R extends "fargate" ? T : undefined;
/** A field only the EC2 runtime has (`undefined` on a Fargate service). */
export type Ec2Only<R extends ServiceRuntime, T> = R extends "ec2" ? T : undefined;

/** True when the service runs on Fargate (its ECS fields are set). */
export function isFargate(svc: AppService<ServiceRuntime>): svc is AppService<"fargate"> {
    return svc.runtime === "fargate";
}

/** True when the service runs on EC2 instances (its Auto Scaling fields are set). */
export function isEc2(svc: AppService<ServiceRuntime>): svc is AppService<"ec2"> {
    return svc.runtime === "ec2";
}

/**
 * One service of a stage. `AppService` alone means a Fargate service (what ECS-only readers such
 * as the container deploy actions take); `AppService<ServiceRuntime>` is either runtime.
 */
export class AppService<R extends ServiceRuntime = "fargate"> extends pulumi.ComponentResource {
    /** The service's config name (`web`). */
    readonly serviceName: string;
    /** The service's settings, as validated. */
    readonly settings: ServiceArgs;
    /** Where the service runs. */
    readonly runtime: R;
    readonly repositoryName: FargateOnly<R, pulumi.Output<string>>;
    readonly repositoryArn: FargateOnly<R, pulumi.Output<string>>;
    readonly repositoryUrl: FargateOnly<R, pulumi.Output<string>>;
    /** Physical ECS service name and ARN. */
    readonly ecsServiceName: FargateOnly<R, pulumi.Output<string>>;
    readonly ecsServiceArn: FargateOnly<R, pulumi.Output<string>>;
    readonly clusterName: FargateOnly<R, pulumi.Output<string>>;
    /** Container name inside the task definition (what imagedefinitions.json names). */
    readonly containerName: FargateOnly<R, string>;
    /** Task definition family. */
    readonly taskFamily: FargateOnly<R, string>;
    readonly taskRoleArn: FargateOnly<R, pulumi.Output<string>>;
    readonly executionRoleArn: FargateOnly<R, pulumi.Output<string>>;
    /** SSM parameter holding the ARN of the task definition revision code owns; the pipeline deploys it with its image. */
    readonly taskDefinitionParameterName: FargateOnly<R, pulumi.Output<string>>;
    readonly taskDefinitionParameterArn: FargateOnly<R, pulumi.Output<string>>;
    /** The Auto Scaling group's name and ARN (what an instance refresh names). */
    readonly autoScalingGroupName: Ec2Only<R, pulumi.Output<string>>;
    readonly autoScalingGroupArn: Ec2Only<R, pulumi.Output<string>>;
    readonly launchTemplateId: Ec2Only<R, pulumi.Output<string>>;
    /** The SSM parameter with the AMI id instances launch from (written by the image pipeline). */
    readonly amiParameterName: Ec2Only<R, pulumi.Output<string>>;
    readonly amiParameterArn: Ec2Only<R, pulumi.Output<string>>;
    /** The stage's image pipeline for this service, and where it reads the release package. */
    readonly imagePipelineArn: Ec2Only<R, pulumi.Output<string>>;
    /** The Image Builder recipe of the service's AMIs (scopes what its bake may read). */
    readonly imageRecipeName: Ec2Only<R, pulumi.Output<string>>;
    readonly packageBucketName: Ec2Only<R, pulumi.Output<string>>;
    readonly packageBucketArn: Ec2Only<R, pulumi.Output<string>>;
    readonly packageKey: Ec2Only<R, string>;
    readonly instanceRoleArn: Ec2Only<R, pulumi.Output<string>>;
    /** Full URL of the service's health check through the stage's load balancer. */
    readonly healthCheckUrl: string;
    /** Where users reach the service. */
    readonly url: string;
    /** The target group the service registers into, and its CloudWatch dimension. */
    readonly targetGroupArn: pulumi.Output<string>;
    readonly targetGroupArnSuffix: pulumi.Output<string>;
    /** The load balancer's CloudWatch dimension (`app/<name>/<id>`). */
    readonly albArnSuffix: pulumi.Output<string>;
    readonly logGroupName: pulumi.Output<string>;
    /** The listener rule (forward, or the maintenance response). */
    readonly listenerRuleArn: pulumi.Output<string>;
    /** What the stack exports for this service. */
    readonly outputs: Record<string, pulumi.Input<unknown>>;

    constructor(name: string, args: AppServiceArgs & { readonly service: ServiceArgs & { readonly runtime: R } }, opts?: pulumi.ComponentResourceOptions) {
        super("stageline:app:AppService", name, {}, opts);
        const problems = validateAppServiceArgs(name, args);
        if (problems.length > 0) {
            throw new pulumi.ResourceError(`AppService "${name}" cannot be built:\n${problems.map((p) => `  - ${p}`).join("\n")}`, this);
        }
        const s = args.service;
        const ctx: Ctx = { name, args, parent: this, tags: { ...args.tags, service: s.name } };
        const ec2 = s.runtime === "ec2";

        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            { name: `/${ec2 ? "ec2" : "ecs"}/${name}`, retentionInDays: s.logRetentionDays, kmsKeyId: args.env.kmsKeyArn, tags: ctx.tags },
            { parent: this, ...keepLogs(args.keepData) },
        );
        const { targetGroup, rule } = createRouting(ctx, ec2 ? "instance" : "ip");
        createLoadBalancerAlarms(ctx, targetGroup);

        // One runtime's resources; the other runtime's fields stay undefined (FargateOnly / Ec2Only).
        const rt: Ec2Runtime | undefined = ec2 ? createEc2Runtime(ctx, targetGroup, logGroup) : undefined;
        let f: { repo: aws.ecr.Repository; roles: Roles; service: aws.ecs.Service; record: aws.ssm.Parameter } | undefined;
        if (rt) {
            createInServiceAlarm(ctx, rt.group);
        } else {
            const repo = createRepository(ctx);
            const roles = createRoles(ctx, repo, logGroup);
            const taskDefinition = createTaskDefinition(ctx, repo, logGroup, roles);
            const service = createEcsService(ctx, taskDefinition, targetGroup, rule);
            createAutoscaling(ctx, service, targetGroup);
            createRunningTasksAlarm(ctx, service);
            f = { repo, roles, service, record: recordTaskDefinition(ctx, taskDefinition) };
        }
        const fo = <T>(v: T | undefined) => v as FargateOnly<R, T>;
        const eo = <T>(v: T | undefined) => v as Ec2Only<R, T>;

        this.serviceName = s.name;
        this.settings = s;
        this.runtime = s.runtime;
        this.repositoryName = fo(f?.repo.name);
        this.repositoryArn = fo(f?.repo.arn);
        this.repositoryUrl = fo(f?.repo.repositoryUrl);
        this.ecsServiceName = fo(f?.service.name);
        this.ecsServiceArn = fo(f?.service.arn);
        this.clusterName = fo(f && args.env.clusterName);
        this.containerName = fo(f && s.name);
        this.taskFamily = fo(f && name);
        this.taskRoleArn = fo(f?.roles.task.arn);
        this.executionRoleArn = fo(f?.roles.execution.arn);
        this.taskDefinitionParameterName = fo(f?.record.name);
        this.taskDefinitionParameterArn = fo(f?.record.arn);
        this.autoScalingGroupName = eo(rt?.group.name);
        this.autoScalingGroupArn = eo(rt?.group.arn);
        this.launchTemplateId = eo(rt?.launchTemplate.id);
        this.amiParameterName = eo(rt?.amiParameter.name);
        this.amiParameterArn = eo(rt?.amiParameter.arn);
        this.imagePipelineArn = eo(rt?.images.pipelineArn);
        this.imageRecipeName = eo(rt?.images.recipeName);
        this.packageBucketName = eo(rt?.images.packageBucketName);
        this.packageBucketArn = eo(rt?.images.packageBucketArn);
        this.packageKey = eo(rt?.images.packageKey);
        this.instanceRoleArn = eo(rt?.instanceRole.arn);
        const runtimeOutputs: Record<string, pulumi.Input<unknown>> = rt
            ? {
                  autoScalingGroupName: rt.group.name,
                  amiParameterName: rt.amiParameter.name,
                  imagePipelineArn: rt.images.pipelineArn,
                  packageLocation: pulumi.interpolate`s3://${rt.images.packageBucketName}/${rt.images.packageKey}`,
              }
            : {
                  repositoryName: f!.repo.name,
                  repositoryUrl: f!.repo.repositoryUrl,
                  ecsServiceName: f!.service.name,
                  clusterName: args.env.clusterName,
                  containerName: s.name,
                  taskFamily: name,
                  taskDefinitionParameter: f!.record.name,
              };
        this.url = serviceUrl(args.env, s);
        this.healthCheckUrl = `${new URL(this.url).origin}${s.healthCheckPath}`;
        if (s.hostHeaders.length === 0 && !s.pathPatterns.some((p) => pathMatches(p, s.healthCheckPath))) {
            pulumi.log.warn(`${name}: healthCheckPath ${s.healthCheckPath} is outside the service's path patterns, so ${this.healthCheckUrl} reaches another rule`, this);
        }
        this.targetGroupArn = targetGroup.arn;
        this.targetGroupArnSuffix = targetGroup.arnSuffix;
        this.albArnSuffix = args.env.albArnSuffix;
        this.logGroupName = logGroup.name;
        this.listenerRuleArn = rule.arn;
        this.outputs = {
            runtime: s.runtime,
            url: this.url,
            healthCheckUrl: this.healthCheckUrl,
            ...runtimeOutputs,
            targetGroupArn: this.targetGroupArn,
            logGroupName: this.logGroupName,
            maintenance: args.maintenance,
        };
        this.registerOutputs(this.outputs);
    }
}

// ---------------------------------------------------------------------------------------------
// Image repository
// ---------------------------------------------------------------------------------------------

function createRepository(ctx: Ctx): aws.ecr.Repository {
    const { name, args, parent } = ctx;
    const retain = args.retainImages ?? args.keepData;
    const repo = new aws.ecr.Repository(
        `${name}-repo`,
        {
            imageTagMutability: "IMMUTABLE",
            imageScanningConfiguration: { scanOnPush: true },
            encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: args.env.kmsKeyArn }],
            // Non-retained stages can be destroyed with their images; prod's images are release artifacts.
            forceDelete: !retain,
            tags: ctx.tags,
        },
        { parent, protect: retain, retainOnDelete: retain },
    );
    const keep = args.keepTaggedImages ?? 50;
    const untaggedDays = args.untaggedImageDays ?? 7;
    new aws.ecr.LifecyclePolicy(
        `${name}-images`,
        {
            repository: repo.name,
            policy: JSON.stringify({
                rules: [
                    {
                        rulePriority: 1,
                        description: `expire untagged images after ${untaggedDays} days`,
                        selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: untaggedDays },
                        action: { type: "expire" },
                    },
                    {
                        rulePriority: 2,
                        description: `keep the last ${keep} tagged images`,
                        selection: { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: keep },
                        action: { type: "expire" },
                    },
                ],
            }),
        },
        { parent },
    );
    return repo;
}

// ---------------------------------------------------------------------------------------------
// IAM
// ---------------------------------------------------------------------------------------------

interface Roles {
    execution: aws.iam.Role;
    task: aws.iam.Role;
}

/** ECS tasks of this account only may assume the roles (confused-deputy guard). */
function tasksTrustPolicy(accountId: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: "ecs-tasks.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:SourceAccount": accountId } },
            },
        ],
    });
}

function createRoles(ctx: Ctx, repo: aws.ecr.Repository, logGroup: aws.cloudwatch.LogGroup): Roles {
    const { name, args, parent } = ctx;
    const trust = tasksTrustPolicy(args.env.accountId);

    const execution = new aws.iam.Role(
        `${name}-execution`,
        { description: `ECS agent for ${name}: pulls its image, writes its logs, reads its database secret`, assumeRolePolicy: trust, tags: ctx.tags },
        { parent },
    );
    new aws.iam.RolePolicy(
        `${name}-execution`,
        {
            role: execution.id,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    // The registry token has no resource-level form: "*" is AWS's only option.
                    { Sid: "RegistryToken", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
                    {
                        Sid: "PullOwnImages",
                        Effect: "Allow",
                        Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                        Resource: repo.arn,
                    },
                    { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: pulumi.interpolate`${logGroup.arn}:*` },
                    { Sid: "ReadDatabaseSecret", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: args.database.secretArn },
                    // The stage key (logs, images) and the database secret's key: prod's when staging shares it.
                    {
                        Sid: "DecryptWithStageAndSecretKeys",
                        Effect: "Allow",
                        Action: ["kms:Decrypt"],
                        Resource: pulumi.all([args.env.kmsKeyArn, args.database.secretKmsKeyArn]).apply(([a, b]) => (a === b ? [a] : [a, b])),
                    },
                ],
            }),
        },
        { parent },
    );

    const task = new aws.iam.Role(
        `${name}-task`,
        { description: `The ${name} application itself: only what its code calls`, assumeRolePolicy: trust, tags: ctx.tags },
        { parent },
    );
    if (args.uploadsBucketArn !== undefined) grantUploads(`${name}-task-uploads`, task, args.uploadsBucketArn, args.env.kmsKeyArn, parent);
    return { execution, task };
}

// ---------------------------------------------------------------------------------------------
// Task definition
// ---------------------------------------------------------------------------------------------

/** The container definition JSON (plain function of resolved values; tested through the plan). */
export function containerDefinitions(p: {
    service: ServiceArgs;
    image: string;
    logGroupName: string;
    region: string;
    dbHost: string;
    dbPort: number;
    dbName: string;
    secretArn: string;
}): string {
    const s = p.service;
    const environment = Object.entries({ ...s.environment, DB_HOST: p.dbHost, DB_PORT: String(p.dbPort), DB_NAME: p.dbName })
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, value]) => ({ name, value }));
    return JSON.stringify([
        {
            name: s.name,
            image: p.image,
            essential: true,
            user: s.user,
            readonlyRootFilesystem: s.readOnlyRootFilesystem,
            privileged: false,
            portMappings: [{ containerPort: s.port, protocol: "tcp", name: `${s.name}-http`, appProtocol: "http" }],
            environment,
            secrets: [
                { name: "DB_USERNAME", valueFrom: `${p.secretArn}:username::` },
                { name: "DB_PASSWORD", valueFrom: `${p.secretArn}:password::` },
            ],
            // A writable /tmp on task storage, so a read-only root filesystem stays usable.
            mountPoints: s.readOnlyRootFilesystem ? [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }] : [],
            linuxParameters: { initProcessEnabled: true, capabilities: { drop: ["ALL"] } },
            stopTimeout: 30,
            logConfiguration: {
                logDriver: "awslogs",
                options: { "awslogs-group": p.logGroupName, "awslogs-region": p.region, "awslogs-stream-prefix": s.name },
            },
        },
    ]);
}

function createTaskDefinition(ctx: Ctx, repo: aws.ecr.Repository, logGroup: aws.cloudwatch.LogGroup, roles: Roles): aws.ecs.TaskDefinition {
    const { name, args, parent } = ctx;
    const s = args.service;
    const db = args.database;
    const definitions = pulumi
        .all([repo.repositoryUrl, logGroup.name, db.address, db.port, db.name, db.secretArn])
        .apply(([url, logGroupName, dbHost, dbPort, dbName, secretArn]) =>
            containerDefinitions({ service: s, image: `${url}:${s.initialImageTag}`, logGroupName, region: args.env.region, dbHost, dbPort, dbName, secretArn }),
        );
    return new aws.ecs.TaskDefinition(
        name,
        {
            family: name,
            requiresCompatibilities: ["FARGATE"],
            networkMode: "awsvpc",
            cpu: String(s.cpu),
            memory: String(s.memory),
            runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: CPU_ARCHITECTURE },
            executionRoleArn: roles.execution.arn,
            taskRoleArn: roles.task.arn,
            containerDefinitions: definitions,
            volumes: s.readOnlyRootFilesystem ? [{ name: "tmp" }] : [],
            tags: ctx.tags,
        },
        { parent },
    );
}

/**
 * Where code's task definition revision is recorded for the pipeline: Pulumi rewrites the value
 * whenever the task definition changes in code (a change registers a new revision), and the
 * pipeline's deploy step (scripts/deploy-service.sh) takes that revision, swaps in the release's
 * image and deploys it — so code owns the task definition and the pipeline only the image.
 */
function recordTaskDefinition(ctx: Ctx, taskDefinition: aws.ecs.TaskDefinition): aws.ssm.Parameter {
    return new aws.ssm.Parameter(
        `${ctx.name}-task-definition`,
        {
            name: `/stageline/${ctx.args.stage}/${ctx.args.service.name}/task-definition`,
            description: `Task definition revision code owns for ${ctx.name}; the pipeline deploys it with the release's image`,
            type: "String",
            value: taskDefinition.arn,
            tags: ctx.tags,
        },
        { parent: ctx.parent },
    );
}

// ---------------------------------------------------------------------------------------------
// Load balancer routing
// ---------------------------------------------------------------------------------------------

/** The listener rule's action: forward to the service, or the maintenance page (same rule). */
export function ruleActions(maintenance: boolean, targetGroupArn: pulumi.Input<string>, body: string): aws.types.input.lb.ListenerRuleAction[] {
    if (maintenance) {
        return [{ type: "fixed-response", fixedResponse: { statusCode: "503", contentType: "text/html", messageBody: body } }];
    }
    return [{ type: "forward", targetGroupArn }];
}

function createRouting(ctx: Ctx, targetType: "ip" | "instance"): { targetGroup: aws.lb.TargetGroup; rule: aws.lb.ListenerRule } {
    const { name, args, parent } = ctx;
    const s = args.service;
    const targetGroup = new aws.lb.TargetGroup(
        `${name}-tg`,
        {
            // Fargate tasks register by IP; EC2 instances by instance id (the Auto Scaling group does it).
            targetType,
            protocol: "HTTP",
            port: s.port,
            vpcId: args.env.vpcId,
            deregistrationDelay: args.deregistrationDelaySeconds ?? 30,
            healthCheck: {
                enabled: true,
                path: s.healthCheckPath,
                protocol: "HTTP",
                port: "traffic-port",
                matcher: "200-399",
                interval: 15,
                timeout: 5,
                healthyThreshold: 2,
                unhealthyThreshold: 3,
            },
            tags: ctx.tags,
        },
        { parent },
    );
    const rule = new aws.lb.ListenerRule(
        `${name}-rule`,
        {
            listenerArn: args.env.listenerArn,
            priority: s.priority,
            conditions: ruleConditions(s),
            actions: ruleActions(args.maintenance, targetGroup.arn, args.maintenanceMessage ?? maintenancePage(args.stage)),
            tags: ctx.tags,
        },
        // In maintenance the rule does not reference the target group; keep the order explicit.
        { parent, dependsOn: [targetGroup] },
    );
    return { targetGroup, rule };
}

// ---------------------------------------------------------------------------------------------
// ECS service
// ---------------------------------------------------------------------------------------------

function createEcsService(ctx: Ctx, taskDefinition: aws.ecs.TaskDefinition, targetGroup: aws.lb.TargetGroup, rule: aws.lb.ListenerRule): aws.ecs.Service {
    const { name, args, parent } = ctx;
    const s = args.service;
    return new aws.ecs.Service(
        name,
        {
            cluster: args.env.clusterArn,
            launchType: "FARGATE",
            platformVersion: "LATEST",
            taskDefinition: taskDefinition.arn,
            desiredCount: s.desiredCount,
            // Tasks spread across the AZs of these subnets (≥ 2 wherever minCount ≥ 2).
            networkConfiguration: {
                subnets: args.env.workloadSubnetIds,
                securityGroups: [args.env.appSecurityGroupId],
                assignPublicIp: false,
            },
            availabilityZoneRebalancing: "ENABLED",
            // Rolling, zero-downtime: new tasks start and turn healthy before old ones stop.
            deploymentMinimumHealthyPercent: 100,
            deploymentMaximumPercent: 200,
            deploymentCircuitBreaker: { enable: true, rollback: true },
            loadBalancers: [{ targetGroupArn: targetGroup.arn, containerName: s.name, containerPort: s.port }],
            healthCheckGracePeriodSeconds: args.healthCheckGracePeriodSeconds ?? 60,
            propagateTags: "SERVICE",
            enableEcsManagedTags: true,
            enableExecuteCommand: false,
            tags: ctx.tags,
        },
        {
            parent,
            // ECS needs the target group attached to the load balancer before the service exists.
            dependsOn: [rule],
            // The pipeline owns the image (task definition revisions), autoscaling owns the count.
            ignoreChanges: ["taskDefinition", "desiredCount"],
        },
    );
}

function createAutoscaling(ctx: Ctx, service: aws.ecs.Service, targetGroup: aws.lb.TargetGroup): void {
    const { name, args, parent } = ctx;
    const s = args.service;
    const target = new aws.appautoscaling.Target(
        `${name}-scaling`,
        {
            serviceNamespace: "ecs",
            scalableDimension: "ecs:service:DesiredCount",
            resourceId: pulumi.interpolate`service/${args.env.clusterName}/${service.name}`,
            minCapacity: s.minCount,
            maxCapacity: s.maxCount,
            tags: ctx.tags,
        },
        { parent },
    );
    const policy = (suffix: string, predefinedMetricType: string, targetValue: number, resourceLabel?: pulumi.Input<string>) =>
        new aws.appautoscaling.Policy(
            `${name}-${suffix}`,
            {
                policyType: "TargetTrackingScaling",
                serviceNamespace: target.serviceNamespace,
                scalableDimension: target.scalableDimension,
                resourceId: target.resourceId,
                targetTrackingScalingPolicyConfiguration: {
                    targetValue,
                    predefinedMetricSpecification: { predefinedMetricType, resourceLabel },
                    scaleInCooldown: 300,
                    scaleOutCooldown: 60,
                },
            },
            { parent },
        );
    policy("cpu-scaling", "ECSServiceAverageCPUUtilization", s.cpuTarget);
    policy("requests-scaling", "ALBRequestCountPerTarget", s.requestsPerTarget, pulumi.interpolate`${args.env.albArnSuffix}/${targetGroup.arnSuffix}`);
}

// ---------------------------------------------------------------------------------------------
// Alarms
// ---------------------------------------------------------------------------------------------

function alarmCommon(ctx: Ctx) {
    const topic = [ctx.args.env.alarmTopicArn];
    return { alarmActions: topic, okActions: topic, period: 60, evaluationPeriods: 5, datapointsToAlarm: 3, tags: ctx.tags };
}

/** The load balancer's view of the service, the same for both runtimes: 5xx, p95 latency, unhealthy targets. */
function createLoadBalancerAlarms(ctx: Ctx, targetGroup: aws.lb.TargetGroup): void {
    const { name, args, parent } = ctx;
    const s = args.service;
    const lbDimensions = { LoadBalancer: args.env.albArnSuffix, TargetGroup: targetGroup.arnSuffix };
    const common = alarmCommon(ctx);
    const unit = s.runtime === "ec2" ? "instance" : "task";

    new aws.cloudwatch.MetricAlarm(
        `${name}-5xx`,
        {
            ...common,
            alarmDescription: `${name}: more than ${s.errors5xxPerMinute} 5xx responses a minute from its ${unit}s`,
            namespace: "AWS/ApplicationELB",
            metricName: "HTTPCode_Target_5XX_Count",
            dimensions: lbDimensions,
            statistic: "Sum",
            comparisonOperator: "GreaterThanThreshold",
            threshold: s.errors5xxPerMinute,
            treatMissingData: "notBreaching",
        },
        { parent },
    );
    new aws.cloudwatch.MetricAlarm(
        `${name}-latency-p95`,
        {
            ...common,
            alarmDescription: `${name}: p95 response time above ${s.latencyP95Seconds}s`,
            namespace: "AWS/ApplicationELB",
            metricName: "TargetResponseTime",
            dimensions: lbDimensions,
            extendedStatistic: "p95",
            comparisonOperator: "GreaterThanThreshold",
            threshold: s.latencyP95Seconds,
            treatMissingData: "notBreaching",
        },
        { parent },
    );
    new aws.cloudwatch.MetricAlarm(
        `${name}-unhealthy-hosts`,
        {
            ...common,
            alarmDescription: `${name}: a ${unit} fails the load balancer's health check`,
            namespace: "AWS/ApplicationELB",
            metricName: "UnHealthyHostCount",
            dimensions: lbDimensions,
            statistic: "Maximum",
            comparisonOperator: "GreaterThanThreshold",
            threshold: 0,
            treatMissingData: "notBreaching",
        },
        { parent },
    );
}

/** What a capacity alarm counts: the runtime's own "how many are serving" metric. */
interface CapacityMetric {
    /** Resource-name suffix (`running-tasks`). */
    suffix: string;
    /** What is counted, in words (`running tasks`). */
    what: string;
    namespace: string;
    metricName: string;
    dimensions: Record<string, pulumi.Input<string>>;
}

/**
 * Fewer serving units than the service's minimum: running tasks (Fargate) or InService instances
 * (EC2). No data means nothing reports: that is the outage this alarm is for.
 */
function createCapacityAlarm(ctx: Ctx, m: CapacityMetric): void {
    const { name, args, parent } = ctx;
    const s = args.service;
    new aws.cloudwatch.MetricAlarm(
        `${name}-${m.suffix}`,
        {
            ...alarmCommon(ctx),
            alarmDescription: `${name}: fewer than ${s.minCount} ${m.what}`,
            namespace: m.namespace,
            metricName: m.metricName,
            dimensions: m.dimensions,
            statistic: "Minimum",
            comparisonOperator: "LessThanThreshold",
            threshold: Math.max(s.minCount, 1),
            treatMissingData: "breaching",
        },
        { parent },
    );
}

/** Fargate: fewer running tasks than the minimum (Container Insights). */
function createRunningTasksAlarm(ctx: Ctx, service: aws.ecs.Service): void {
    createCapacityAlarm(ctx, {
        suffix: "running-tasks",
        what: "running tasks",
        namespace: "ECS/ContainerInsights",
        metricName: "RunningTaskCount",
        dimensions: { ClusterName: ctx.args.env.clusterName, ServiceName: service.name },
    });
}

/** EC2: fewer InService instances than the minimum (the group publishes GroupInServiceInstances). */
function createInServiceAlarm(ctx: Ctx, group: aws.autoscaling.Group): void {
    createCapacityAlarm(ctx, {
        suffix: "in-service-instances",
        what: "InService instances",
        namespace: "AWS/AutoScaling",
        metricName: "GroupInServiceInstances",
        dimensions: { AutoScalingGroupName: group.name },
    });
}

// ---------------------------------------------------------------------------------------------
// Dashboard
// ---------------------------------------------------------------------------------------------

export interface StageDashboardArgs {
    /** The stage the dashboard shows. @default none (required) */
    readonly stage: Stage;
    /** The stage's environment (region, load balancer, cluster). @default none (required) */
    readonly env: EnvironmentRefs;
    /** The services to graph, one row each (either runtime). @default none (required) */
    readonly services: readonly AppService<ServiceRuntime>[];
    /** Tags (CloudWatch dashboards take none; kept for a uniform signature). @default none (required) */
    readonly tags: Tags;
    /** Dashboard name, unique in the account. @default `<project>-<stack>` */
    readonly dashboardName?: string;
}

type Widget = Record<string, unknown>;

/** What runs the service, for its compute graphs: an ECS service or an Auto Scaling group. */
export type ComputeDimensions =
    | { clusterName: pulumi.Input<string>; ecsServiceName: pulumi.Input<string> }
    | { autoScalingGroupName: pulumi.Input<string> };

/**
 * One row of graphs for a service: requests, 5xx, p95 latency (the same for both runtimes), then
 * CPU/memory and running tasks (Fargate) or CPU and InService instances (EC2).
 */
export function serviceWidgets(
    p: {
        service: string;
        region: string;
        row: number;
        albArnSuffix: pulumi.Input<string>;
        targetGroupArnSuffix: pulumi.Input<string>;
    } & ComputeDimensions,
): Widget[] {
    const lb = ["LoadBalancer", p.albArnSuffix, "TargetGroup", p.targetGroupArnSuffix];
    const top = p.row * 9;
    const graph = (x: number, y: number, width: number, height: number, title: string, metrics: unknown[][], stat: string): Widget => ({
        type: "metric",
        x,
        y,
        width,
        height,
        properties: { title: `${p.service}: ${title}`, region: p.region, view: "timeSeries", stat, period: 60, metrics },
    });
    return [
        graph(0, top, 6, 6, "requests", [["AWS/ApplicationELB", "RequestCount", ...lb]], "Sum"),
        graph(6, top, 6, 6, "5xx", [["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", ...lb]], "Sum"),
        graph(12, top, 6, 6, "p95 latency (s)", [["AWS/ApplicationELB", "TargetResponseTime", ...lb]], "p95"),
        ...computeWidgets(p, graph, top),
    ];
}

function computeWidgets(
    p: ComputeDimensions,
    graph: (x: number, y: number, width: number, height: number, title: string, metrics: unknown[][], stat: string) => Widget,
    top: number,
): Widget[] {
    if ("autoScalingGroupName" in p) {
        const asg = ["AutoScalingGroupName", p.autoScalingGroupName];
        return [
            graph(18, top, 6, 6, "CPU (%)", [["AWS/EC2", "CPUUtilization", ...asg]], "Average"),
            graph(0, top + 6, 24, 3, "InService instances", [["AWS/AutoScaling", "GroupInServiceInstances", ...asg]], "Minimum"),
        ];
    }
    const ecs = ["ClusterName", p.clusterName, "ServiceName", p.ecsServiceName];
    return [
        graph(18, top, 6, 6, "CPU / memory (%)", [["AWS/ECS", "CPUUtilization", ...ecs], ["AWS/ECS", "MemoryUtilization", ...ecs]], "Average"),
        graph(0, top + 6, 24, 3, "running tasks", [["ECS/ContainerInsights", "RunningTaskCount", ...ecs]], "Minimum"),
    ];
}

export class StageDashboard extends pulumi.ComponentResource {
    readonly dashboardName: pulumi.Output<string>;
    /** Console link to the dashboard. */
    readonly dashboardUrl: pulumi.Output<string>;

    constructor(name: string, args: StageDashboardArgs, opts?: pulumi.ComponentResourceOptions) {
        super("stageline:app:StageDashboard", name, {}, opts);
        if (args.services.length === 0) {
            throw new pulumi.ResourceError(`StageDashboard "${name}" has no services to show`, this);
        }
        const dashboardName = args.dashboardName ?? `${pulumi.getProject()}-${pulumi.getStack()}`;
        const widgets = args.services.flatMap((svc, row) =>
            serviceWidgets({
                service: svc.serviceName,
                region: args.env.region,
                row,
                albArnSuffix: svc.albArnSuffix,
                targetGroupArnSuffix: svc.targetGroupArnSuffix,
                ...(isEc2(svc) ? { autoScalingGroupName: svc.autoScalingGroupName } : { clusterName: svc.clusterName!, ecsServiceName: svc.ecsServiceName! }),
            }),
        );
        const dashboard = new aws.cloudwatch.Dashboard(
            `${name}-dashboard`,
            { dashboardName, dashboardBody: pulumi.jsonStringify({ widgets }) },
            { parent: this },
        );
        this.dashboardName = dashboard.dashboardName;
        this.dashboardUrl = pulumi.interpolate`https://${args.env.region}.console.aws.amazon.com/cloudwatch/home?region=${args.env.region}#dashboards/dashboard/${dashboard.dashboardName}`;
        this.registerOutputs({ dashboardName: this.dashboardName, dashboardUrl: this.dashboardUrl });
    }
}
