/**
 * `AppService`: one containerised service of a stage on ECS Fargate behind the stage's load
 * balancer — its ECR repository, log group, roles, task definition, target group, listener rule,
 * ECS service, autoscaling and alarms. `StageDashboard`: one CloudWatch dashboard per stage with
 * every service's graphs (components/stageDashboard.ts).
 *
 * Image ownership: the delivery pipeline deploys new images (new task definition revisions and
 * `UpdateService`); this component creates the first revision from `initialImageTag` and then
 * ignores `taskDefinition` and `desiredCount` on the ECS service, so `pulumi up` never rolls a
 * service back to the bootstrap image nor undoes autoscaling. See docs/services.md.
 *
 * A new stage: while the service's repository holds no image the service is created with 0 tasks
 * and the autoscaling range 0..0, and the pipeline's first deploy starts it (components/firstRelease.ts).
 *
 * `runtime: "ec2"` runs the service on EC2 instances from a custom AMI instead (components/
 * ec2Runtime.ts, docs/ec2.md): same target group kind, listener rule, maintenance mode, alarms
 * and dashboard row; a launch template and an Auto Scaling group instead of the task definition
 * and ECS service. `runtime` is a discriminated union: each runtime's fields live on its own kind.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Stage } from "../lib/stage";
import { ALB_CONDITION_VALUES_PER_RULE } from "../lib/awsLimits";
import { PROD_MIN_AZS, PROD_MIN_TASKS } from "../lib/prodRedundancy";
import { createEc2Runtime, Ec2Runtime, validateEc2Service } from "./ec2Runtime";
import { AppServiceArgs, FargateRuntimeArgs, ServiceArgs, ServiceCtx } from "./service";
import { EnvironmentRefs } from "./types";
import { keepData, keepLogs } from "./dataGuard";
import { grantUploads } from "./uploadsAccess";
import { serviceTrustPolicy, policyDocument } from "./iam";
import { FirstRelease, firstRelease } from "./firstRelease";
import { checkArgs } from "./argsError";

/** CPU architecture of every task: CodeBuild's standard Linux images build x86_64 images. */
export const CPU_ARCHITECTURE = "X86_64";

/** Environment variable names the component sets itself; `settings.environment` must not. */
export const RESERVED_ENVIRONMENT = ["DB_HOST", "DB_PORT", "DB_NAME", "DB_USERNAME", "DB_PASSWORD"] as const;

/** The header the maintenance response carries, so monitors can tell it from an outage. */
export const MAINTENANCE_HEADER_TEXT = "maintenance";

/** ALB limit: condition values (path patterns + host headers) one rule may evaluate (lib/awsLimits.ts). */
const MAX_RULE_CONDITION_VALUES = ALB_CONDITION_VALUES_PER_RULE.value;


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
    const rt = args.runtime;
    if (rt.kind === "ec2") problems.push(...validateEc2Service(label, rt));
    if (rt.kind === "fargate" && (!/^\d+(:\d+)?$/.test(rt.user) || /^0(:|$)/.test(rt.user))) problems.push(`${label} runs as user "${rt.user}"; allowed: a non-root uid[:gid] such as 1000:1000`);
    for (const key of RESERVED_ENVIRONMENT) {
        if (key in s.environment) problems.push(`${label} sets ${key} in environment; the component sets it from the database connection`);
    }
    if (args.env.workloadSubnetIds.length === 0) problems.push(`${label} has no workload subnets to run in`);
    if (s.minCount >= PROD_MIN_TASKS && args.env.workloadSubnetIds.length < PROD_MIN_AZS) {
        const what = args.runtime.kind === "ec2" ? "instances" : "tasks";
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

/** What the Fargate runtime gives the service: its image repository, ECS service, roles, task definition record. */
export interface FargateRuntime {
    readonly kind: "fargate";
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
    /** SSM parameter holding the ARN of the task definition revision code owns; the pipeline deploys it with its image. */
    readonly taskDefinitionParameterName: pulumi.Output<string>;
    readonly taskDefinitionParameterArn: pulumi.Output<string>;
    /** The service's scalable target (the deploy step registers its range: components/firstRelease.ts). */
    readonly scalableTargetArn: pulumi.Output<string>;
    /** Application Auto Scaling's id of the service: `service/<cluster>/<service>`. */
    readonly scalingResourceId: pulumi.Output<string>;
}

/** A service's runtime and what it built: narrow on `kind`. */
export type AppRuntime = FargateRuntime | Ec2Runtime;

/** An AppService on Fargate. */
export type FargateService = AppService & { readonly runtime: FargateRuntime };
/** An AppService on EC2 instances. */
export type Ec2Service = AppService & { readonly runtime: Ec2Runtime };

/** True when the service runs on Fargate (its runtime holds the ECS fields). */
export function isFargate(svc: AppService): svc is FargateService {
    return svc.runtime.kind === "fargate";
}

/** True when the service runs on EC2 instances (its runtime holds the Auto Scaling fields). */
export function isEc2(svc: AppService): svc is Ec2Service {
    return svc.runtime.kind === "ec2";
}

/**
 * One service of a stage: what both runtimes share (log group, target group, listener rule, load
 * balancer alarms) built here, composed with one runtime (`createFargateRuntime` below or
 * `createEc2Runtime` in ec2Runtime.ts). Names, parents and type tokens are the runtime's own.
 */
export class AppService extends pulumi.ComponentResource {
    /** The service's config name (`web`). */
    readonly serviceName: string;
    /** The service, as given (either runtime). */
    readonly settings: ServiceArgs;
    /** Where the service runs and what its runtime built. */
    readonly runtime: AppRuntime;
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

    constructor(name: string, args: AppServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("stageline:app:AppService", name, {}, opts);
        checkArgs("AppService", name, validateAppServiceArgs(name, args), this);
        const s = args.service;
        const ctx: ServiceCtx = { name, args, parent: this, tags: { ...args.tags, service: s.name } };
        const kind = args.runtime.kind;

        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            { name: `/${kind === "ec2" ? "ec2" : "ecs"}/${name}`, retentionInDays: s.logRetentionDays, kmsKeyId: args.env.kmsKeyArn, tags: ctx.tags },
            { parent: this, ...keepLogs(args.keepData) },
        );
        const { targetGroup, rule } = createRouting(ctx, kind === "ec2" ? "instance" : "ip");
        createLoadBalancerAlarms(ctx, targetGroup);

        const runtime: AppRuntime = args.runtime.kind === "ec2" ? createEc2Runtime(ctx, args.runtime, targetGroup, logGroup) : createFargateRuntime(ctx, args.runtime, targetGroup, rule, logGroup);
        if (runtime.kind === "ec2") createInServiceAlarm(ctx, runtime.autoScalingGroupName);
        else createRunningTasksAlarm(ctx, runtime.ecsServiceName);

        this.serviceName = s.name;
        this.settings = s;
        this.runtime = runtime;
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
            runtime: kind,
            url: this.url,
            healthCheckUrl: this.healthCheckUrl,
            ...runtimeOutputs(runtime),
            targetGroupArn: this.targetGroupArn,
            logGroupName: this.logGroupName,
            maintenance: args.maintenance,
        };
        this.registerOutputs(this.outputs);
    }
}

/** What the stack exports of the service's runtime. */
function runtimeOutputs(rt: AppRuntime): Record<string, pulumi.Input<unknown>> {
    if (rt.kind === "ec2") {
        return {
            autoScalingGroupName: rt.autoScalingGroupName,
            amiParameterName: rt.amiParameterName,
            imagePipelineArn: rt.imagePipelineArn,
            packageLocation: pulumi.interpolate`s3://${rt.packageBucketName}/${rt.packageKey}`,
        };
    }
    return {
        repositoryName: rt.repositoryName,
        repositoryUrl: rt.repositoryUrl,
        ecsServiceName: rt.ecsServiceName,
        clusterName: rt.clusterName,
        containerName: rt.containerName,
        taskFamily: rt.taskFamily,
        taskDefinitionParameter: rt.taskDefinitionParameterName,
    };
}

/** The Fargate runtime: image repository, roles, task definition (and its record), ECS service, autoscaling. */
function createFargateRuntime(
    ctx: ServiceCtx,
    f: FargateRuntimeArgs,
    targetGroup: aws.lb.TargetGroup,
    rule: aws.lb.ListenerRule,
    logGroup: aws.cloudwatch.LogGroup,
): FargateRuntime {
    const repo = createRepository(ctx);
    const roles = createRoles(ctx, repo, logGroup);
    const taskDefinition = createTaskDefinition(ctx, f, repo, logGroup, roles);
    const first = firstRelease(repo, ctx.parent);
    const service = createEcsService(ctx, taskDefinition, targetGroup, rule, first);
    const scaling = createAutoscaling(ctx, service, targetGroup, first);
    const record = recordTaskDefinition(ctx, taskDefinition);
    return {
        kind: "fargate",
        repositoryName: repo.name,
        repositoryArn: repo.arn,
        repositoryUrl: repo.repositoryUrl,
        ecsServiceName: service.name,
        ecsServiceArn: service.arn,
        clusterName: pulumi.output(ctx.args.env.clusterName),
        containerName: ctx.args.service.name,
        taskFamily: ctx.name,
        taskRoleArn: roles.task.arn,
        executionRoleArn: roles.execution.arn,
        taskDefinitionParameterName: record.name,
        taskDefinitionParameterArn: record.arn,
        scalableTargetArn: scaling.arn,
        scalingResourceId: scaling.resourceId,
    };
}

// ---------------------------------------------------------------------------------------------
// Image repository
// ---------------------------------------------------------------------------------------------

function createRepository(ctx: ServiceCtx): aws.ecr.Repository {
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
        { parent, ...keepData(retain) },
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

function createRoles(ctx: ServiceCtx, repo: aws.ecr.Repository, logGroup: aws.cloudwatch.LogGroup): Roles {
    const { name, args, parent } = ctx;
    // ECS tasks of this account only may assume the roles (confused-deputy guard: components/iam.ts).
    const trust = serviceTrustPolicy("ecs-tasks.amazonaws.com", { sourceAccount: args.env.accountId });

    const execution = new aws.iam.Role(
        `${name}-execution`,
        { description: `ECS agent for ${name}: pulls its image, writes its logs, reads its database secret`, assumeRolePolicy: trust, tags: ctx.tags },
        { parent },
    );
    new aws.iam.RolePolicy(
        `${name}-execution`,
        {
            role: execution.id,
            policy: policyDocument([
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
            ]),
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
    runtime: Pick<FargateRuntimeArgs, "user" | "readOnlyRootFilesystem">;
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
            user: p.runtime.user,
            readonlyRootFilesystem: p.runtime.readOnlyRootFilesystem,
            privileged: false,
            portMappings: [{ containerPort: s.port, protocol: "tcp", name: `${s.name}-http`, appProtocol: "http" }],
            environment,
            secrets: [
                { name: "DB_USERNAME", valueFrom: `${p.secretArn}:username::` },
                { name: "DB_PASSWORD", valueFrom: `${p.secretArn}:password::` },
            ],
            // A writable /tmp on task storage, so a read-only root filesystem stays usable.
            mountPoints: p.runtime.readOnlyRootFilesystem ? [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }] : [],
            linuxParameters: { initProcessEnabled: true, capabilities: { drop: ["ALL"] } },
            stopTimeout: 30,
            logConfiguration: {
                logDriver: "awslogs",
                options: { "awslogs-group": p.logGroupName, "awslogs-region": p.region, "awslogs-stream-prefix": s.name },
            },
        },
    ]);
}

function createTaskDefinition(ctx: ServiceCtx, f: FargateRuntimeArgs, repo: aws.ecr.Repository, logGroup: aws.cloudwatch.LogGroup, roles: Roles): aws.ecs.TaskDefinition {
    const { name, args, parent } = ctx;
    const s = args.service;
    const db = args.database;
    const definitions = pulumi
        .all([repo.repositoryUrl, logGroup.name, db.address, db.port, db.name, db.secretArn])
        .apply(([url, logGroupName, dbHost, dbPort, dbName, secretArn]) =>
            containerDefinitions({ service: s, runtime: f, image: `${url}:${f.initialImageTag}`, logGroupName, region: args.env.region, dbHost, dbPort, dbName, secretArn }),
        );
    return new aws.ecs.TaskDefinition(
        name,
        {
            family: name,
            requiresCompatibilities: ["FARGATE"],
            networkMode: "awsvpc",
            cpu: String(f.cpu),
            memory: String(f.memory),
            runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: CPU_ARCHITECTURE },
            executionRoleArn: roles.execution.arn,
            taskRoleArn: roles.task.arn,
            containerDefinitions: definitions,
            volumes: f.readOnlyRootFilesystem ? [{ name: "tmp" }] : [],
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
function recordTaskDefinition(ctx: ServiceCtx, taskDefinition: aws.ecs.TaskDefinition): aws.ssm.Parameter {
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

function createRouting(ctx: ServiceCtx, targetType: "ip" | "instance"): { targetGroup: aws.lb.TargetGroup; rule: aws.lb.ListenerRule } {
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

function createEcsService(ctx: ServiceCtx, taskDefinition: aws.ecs.TaskDefinition, targetGroup: aws.lb.TargetGroup, rule: aws.lb.ListenerRule, first: FirstRelease): aws.ecs.Service {
    const { name, args, parent } = ctx;
    const s = args.service;
    return new aws.ecs.Service(
        name,
        {
            cluster: args.env.clusterArn,
            launchType: "FARGATE",
            platformVersion: "LATEST",
            taskDefinition: taskDefinition.arn,
            // 0 until the repository holds an image (a new stage): components/firstRelease.ts.
            desiredCount: first.count(s.desiredCount),
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
            tags: first.tags(ctx.tags),
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

function createAutoscaling(ctx: ServiceCtx, service: aws.ecs.Service, targetGroup: aws.lb.TargetGroup, first: FirstRelease): aws.appautoscaling.Target {
    const { name, args, parent } = ctx;
    const s = args.service;
    const target = new aws.appautoscaling.Target(
        `${name}-scaling`,
        {
            serviceNamespace: "ecs",
            scalableDimension: "ecs:service:DesiredCount",
            resourceId: pulumi.interpolate`service/${args.env.clusterName}/${service.name}`,
            // 0..0 until the repository holds an image (a new stage): components/firstRelease.ts.
            minCapacity: first.count(s.minCount),
            maxCapacity: first.count(s.maxCount),
            tags: first.tags(ctx.tags),
        },
        // The deploy step registers the configured range on every deploy (scripts/deploy-service.sh):
        // a later `pulumi up` must neither put a released service back to 0..0 nor start tasks
        // on an image that was built but never deployed.
        { parent, ignoreChanges: ["minCapacity", "maxCapacity"] },
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
    return target;
}

// ---------------------------------------------------------------------------------------------
// Alarms
// ---------------------------------------------------------------------------------------------

function alarmCommon(ctx: ServiceCtx) {
    const topic = [ctx.args.env.alarmTopicArn];
    return { alarmActions: topic, okActions: topic, period: 60, evaluationPeriods: 5, datapointsToAlarm: 3, tags: ctx.tags };
}

/** The load balancer's view of the service, the same for both runtimes: 5xx, p95 latency, unhealthy targets. */
function createLoadBalancerAlarms(ctx: ServiceCtx, targetGroup: aws.lb.TargetGroup): void {
    const { name, args, parent } = ctx;
    const s = args.service;
    const lbDimensions = { LoadBalancer: args.env.albArnSuffix, TargetGroup: targetGroup.arnSuffix };
    const common = alarmCommon(ctx);
    const unit = args.runtime.kind === "ec2" ? "instance" : "task";

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
function createCapacityAlarm(ctx: ServiceCtx, m: CapacityMetric): void {
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
function createRunningTasksAlarm(ctx: ServiceCtx, ecsServiceName: pulumi.Output<string>): void {
    createCapacityAlarm(ctx, {
        suffix: "running-tasks",
        what: "running tasks",
        namespace: "ECS/ContainerInsights",
        metricName: "RunningTaskCount",
        dimensions: { ClusterName: ctx.args.env.clusterName, ServiceName: ecsServiceName },
    });
}

/** EC2: fewer InService instances than the minimum (the group publishes GroupInServiceInstances). */
function createInServiceAlarm(ctx: ServiceCtx, autoScalingGroupName: pulumi.Output<string>): void {
    createCapacityAlarm(ctx, {
        suffix: "in-service-instances",
        what: "InService instances",
        namespace: "AWS/AutoScaling",
        metricName: "GroupInServiceInstances",
        dimensions: { AutoScalingGroupName: autoScalingGroupName },
    });
}

export type { AppServiceArgs, Ec2RuntimeArgs, FargateRuntimeArgs, ServiceArgs, ServiceRuntime, ServiceRuntimeArgs } from "./service";
