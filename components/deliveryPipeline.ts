/**
 * DeliveryPipeline: one CodePipeline (V2) per stage, GitHub → CodeBuild → ECR → ECS, and for EC2
 * services GitHub → package (S3) → Image Builder AMI → report → instance refresh.
 *
 *   dev / test   Source(branch push) → Build(+ReleaseNotes) → Deploy → SmokeTest
 *   staging      Source(release-* tag; + schedule) → Build(+ReleaseNotes) → Approve → Snapshot
 *                → Deploy(+SmokeTest +LoadTest +SignOff, onFailure ROLLBACK) → Release(publish for prod)
 *   prod         Source(the release.zip staging wrote into prod's hand-off bucket, S3) → Approve → Snapshot
 *                → Deploy(Promote digest +SmokeTest +SignOff, onFailure ROLLBACK)
 *
 * With EC2 services (docs/ec2.md) the build pipelines add Package (after Build), Bake (one Image
 * Builder run per service) and Report (the release report in S3) before any approval, and Deploy
 * runs one instance refresh per EC2 service next to the ECS deploys; prod's Promote copies
 * staging's approved AMI into prod's own AMI.
 *
 * Which pipeline stages exist is decided by `PipelineArgs` (trigger, approval, snapshotBeforeDeploy,
 * signOff) and the services' runtimes, not by the stage's name. The buildspecs are real files
 * under `buildspecs/`.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { Stage } from "../lib/stage";
import { AppService, Ec2Service, FargateService, isEc2, isFargate } from "./appService";
import { SecureBucket } from "./secureBucket";
import { DatabaseConnection, EnvironmentRefs, Tags } from "./types";
import * as iam from "./pipeline/iam";
import { HandoffLocation, publishStatements, sourceStatements, publisherRepositoryArns, publisherKeyStatements } from "./pipeline/handoff";
import { keepLogs } from "./dataGuard";
import { LoadTestArgs, createPipelineTools, loadTestGateVariables, gateStatement, loadTestProjectSpec, SIGN_OFF_LOAD_TEST } from "./pipeline/loadTest";
import { inlineScripts } from "./pipeline/scripts";
import * as deploy from "./pipeline/deploy";
import { pruneSnapshotStatement } from "./pipeline/snapshots";
import { smokeTestGroup } from "./pipeline/smokeTest";
import { serviceTrustPolicy } from "./iam";
import { ArgsError } from "./argsError";

export type PipelineTrigger = "push" | "tag" | "promote";

export interface PipelineArgs {
    readonly enabled: boolean;
    /** ARN of the CodeConnections (CodeStar) connection authorised for GitHub. */
    readonly connectionArn?: string;
    /** The application repository, `owner/name`. */
    readonly repository: string;
    /** The branch this stage deploys from (dev → dev, test → qa, staging → main). */
    readonly branch: string;
    /** `push`: every push to the branch; `tag`: release tags only; `promote`: prod, no build. */
    readonly trigger: PipelineTrigger;
    /** Git tag glob for `tag` triggers, e.g. `release-*`. */
    readonly tagPattern: string;
    /** EventBridge schedule expression that starts the pipeline, or none. */
    readonly schedule?: string;
    /** A manual approval before deploy. */
    readonly approval: boolean;
    /** E-mail addresses notified for approvals. */
    readonly approverEmails: readonly string[];
    /** A database snapshot (and uploads backup) before deploy. */
    readonly snapshotBeforeDeploy: boolean;
    /** A sign-off approval after the smoke test; rejecting it rolls the Deploy pipeline stage back. */
    readonly signOff: boolean;
    readonly buildComputeType: string;
    readonly buildTimeoutMinutes: number;
    readonly logRetentionDays: number;
    readonly artifactRetentionDays: number;
    /**
     * Pre-release snapshots kept: after each snapshot, the pipeline deletes its own older ones
     * (name prefix `<stage>-pre-release-` and tag purpose=pre-release), never others. @default 10
     */
    readonly snapshotsToKeep: number;
    /** The load test after deploy and smoke test, before sign-off (staging; docs/pipeline.md "Load test"). */
    readonly loadTest: LoadTestArgs;
}


export interface DeliveryPipelineArgs {
    /** The stage this pipeline deploys. @default none (required) */
    readonly stage: Stage;
    /** The stage's validated pipeline settings (trigger, branch, approvals, backups...). @default none (required) */
    readonly pipeline: PipelineArgs;
    /** The stage's environment: KMS key, alarm topic, VPC (for the smoke test), account, region. @default none (required) */
    readonly env: EnvironmentRefs;
    /** The services the pipeline builds (or promotes) and deploys, either runtime; at least one. @default none (required) */
    readonly services: readonly AppService[];
    /** The database snapshotted before deploy when `snapshotBeforeDeploy` (staging: prod's). @default none (required) */
    readonly database: DatabaseConnection;
    /** The stage's uploads bucket name, backed up before deploy. @default undefined (no uploads) */
    readonly uploadsBucketName?: pulumi.Output<string>;
    /** The stage's uploads bucket ARN (scopes the backup's read access). @default undefined */
    readonly uploadsBucketArn?: pulumi.Output<string>;
    /** Tags on every resource. @default none (required) */
    readonly tags: Tags;
    /**
     * The stage holds data that outlives any deploy (the program passes true for prod): the
     * artifact and tools buckets and the logs are retained (components/dataGuard.ts).
     */
    readonly keepData: boolean;
    /** Retain the bucket of uploads copied before each release when the stack goes (the program: where the uploads bucket is retained). @default none (required) */
    readonly keepUploads: boolean;
    /** `promote` trigger: the hand-off location this stage owns and promotes from (its S3 source). @default none (required for `promote`) */
    readonly promoteFrom?: HandoffLocation;
    /** Where the signed-off release is written for promotion (staging: prod's hand-off, read by the program). @default undefined (publishes nothing) */
    readonly publishTo?: HandoffLocation;
}

/** The pipeline stages' names (CodePipeline's `stages[].name`, not the platform's stages), in the order they may appear. */
export const PIPELINE_STAGE_NAMES = {
    source: "Source",
    build: "Build",
    bake: "Bake",
    report: "Report",
    approve: "Approve",
    snapshot: "Snapshot",
    deploy: "Deploy",
    smokeTest: "SmokeTest",
    release: "Release",
} as const;

/** The CodeBuild image every project runs (Amazon Linux 2023 standard, Node 20, docker, jq). */
export const BUILD_IMAGE = "aws/codebuild/amazonlinux2-x86_64-standard:5.0";

/** Directory of the buildspec files. */
export const BUILDSPEC_DIR = path.resolve(__dirname, "..", "buildspecs");

/** A buildspec file's text, with the `scripts/*.sh` it names inlined (components/pipeline/scripts.ts). */
export function buildspec(file: string): string {
    return inlineScripts(fs.readFileSync(path.join(BUILDSPEC_DIR, file), "utf8"));
}

/** Where the pipeline's source comes from: narrowed once from the args, so no builder below guesses. */
export type PipelineSource =
    /** `push` / `tag`: the GitHub repository, through the CodeConnections connection. */
    | { readonly kind: "github"; readonly connectionArn: string }
    /** `promote`: the signed-off release in the hand-off location this stage owns. */
    | { readonly kind: "handoff"; readonly from: HandoffLocation };

/** The pipeline's source, or the problem (a sentence) when the args lack what its trigger reads. */
export function pipelineSource(args: Pick<DeliveryPipelineArgs, "pipeline" | "promoteFrom">): PipelineSource | string {
    const p = args.pipeline;
    if (p.trigger === "promote") {
        return args.promoteFrom !== undefined ? { kind: "handoff", from: args.promoteFrom } : 'promoteFrom is required for a "promote" trigger (the release hand-off location the stage owns; infra/stacks.ts)';
    }
    return p.connectionArn !== undefined ? { kind: "github", connectionArn: p.connectionArn } : `pipeline.connectionArn is required for a "${p.trigger}" trigger (the GitHub connection the source reads)`;
}

/** Problems with the args, each a sentence a user can act on; empty when valid. */
export function validatePipelineArgs(args: Pick<DeliveryPipelineArgs, "pipeline" | "services" | "uploadsBucketArn" | "uploadsBucketName" | "promoteFrom" | "publishTo">): string[] {
    const p = args.pipeline;
    const problems: string[] = [];
    if (args.services.length === 0) problems.push("a delivery pipeline needs at least one service to deploy");
    const source = pipelineSource(args);
    if (typeof source === "string") problems.push(source);
    if (p.loadTest.enabled && p.trigger === "promote") problems.push('pipeline.loadTest.enabled needs a built release: the load test reads the repository\'s loadtest/ scenarios from the GitHub source, which a "promote" trigger has not');
    if (args.publishTo !== undefined && (p.trigger === "promote" || !p.signOff)) problems.push("publishTo needs a built (not promoted) release with pipeline.signOff (only a signed-off release is handed over)");
    if (p.signOff && !p.approval) problems.push("pipeline.signOff needs pipeline.approval (a release signed off after deploy is first approved before it)");
    if ((args.uploadsBucketArn === undefined) !== (args.uploadsBucketName === undefined)) problems.push("uploadsBucketName and uploadsBucketArn go together");
    const names = args.services.map((s) => s.serviceName);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined) problems.push(`service "${dup}" appears twice; service names name the deploy actions`);
    return problems;
}

/** Minutes a Bake step waits for Image Builder, and a Refresh step for the instance refresh. */
export const BAKE_TIMEOUT_MINUTES = 90;
export const REFRESH_TIMEOUT_MINUTES = 60;

/** Everything the builders below share. */
interface Ctx {
    readonly name: string;
    readonly args: DeliveryPipelineArgs;
    /** The container (Fargate) services and the EC2 services of `args.services`. */
    readonly containers: readonly FargateService[];
    readonly instances: readonly Ec2Service[];
    readonly parent: pulumi.Resource;
    readonly tags: Tags;
    readonly artifacts: SecureBucket;
    readonly logGroup: aws.cloudwatch.LogGroup;
    /** Every CodeBuild project made so far (the pipeline role may start only these). */
    readonly steps: BuildStep[];
    /** Extra statements for the pipeline role (prod: read staging's published release). */
    readonly pipelineStatements: pulumi.Input<iam.Statement>[];
    /** The GitHub connection or the hand-off location the Source stage reads. */
    readonly source: PipelineSource;
}

/** One CodeBuild project with its own role. */
interface BuildStep {
    readonly project: aws.codebuild.Project;
    readonly role: aws.iam.Role;
}

export class DeliveryPipeline extends pulumi.ComponentResource {
    /** Physical pipeline name. */
    readonly pipelineName: pulumi.Output<string>;
    readonly pipelineArn: pulumi.Output<string>;
    /** The artifact bucket (KMS, versioned, private, lifecycle). */
    readonly artifactBucketName: pulumi.Output<string>;
    /** The SNS topic approvers are notified on, when the stage has approvals. */
    readonly approvalTopicArn?: pulumi.Output<string>;

    constructor(name: string, args: DeliveryPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
        super("stageline:delivery:DeliveryPipeline", name, {}, opts);
        const source = pipelineSource(args);
        const problems = validatePipelineArgs(args);
        // A missing source is one of the problems listed: past this line the source is known.
        if (problems.length > 0 || typeof source === "string") throw new ArgsError("DeliveryPipeline", name, problems, this);

        const p = args.pipeline;
        const tags = { ...args.tags, component: "delivery-pipeline" };
        const artifacts = new SecureBucket(
            `${name}-pipeline-artifacts`,
            {
                purpose: `${args.stage} pipeline artifacts and release notes`,
                kmsKeyArn: args.env.kmsKeyArn,
                versioned: true,
                expireAfterDays: p.artifactRetentionDays,
                retainOnDelete: args.keepData,
                tags,
            },
            { parent: this },
        );
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-pipeline-builds`,
            { retentionInDays: p.logRetentionDays, kmsKeyId: args.env.kmsKeyArn, tags },
            // Build logs record what was released; a destroy keeps them in prod.
            { parent: this, ...keepLogs(args.keepData) },
        );
        const containers = args.services.filter(isFargate);
        const instances = args.services.filter(isEc2);
        const ctx: Ctx = { name, args, containers, instances, parent: this, tags, artifacts, logGroup, steps: [], pipelineStatements: [], source };

        const approvalTopic = p.approval || p.signOff ? createApprovalTopic(ctx) : undefined;
        const pipelineStages = source.kind === "handoff" ? promotePipelineStages(ctx, source.from, approvalTopic) : buildPipelineStages(ctx, source.connectionArn, approvalTopic, args.publishTo);
        const pipeline = createPipeline(ctx, pipelineStages, approvalTopic);

        if (p.schedule !== undefined) createSchedule(ctx, pipeline, p.schedule);
        createNotifications(ctx, pipeline);

        this.pipelineName = pipeline.name;
        this.pipelineArn = pipeline.arn;
        this.artifactBucketName = artifacts.bucket;
        this.approvalTopicArn = approvalTopic?.arn;
        this.registerOutputs({ pipelineName: this.pipelineName, pipelineArn: this.pipelineArn, artifactBucketName: this.artifactBucketName });
    }
}

// ---------------------------------------------------------------------------------------------
// Supporting resources
// ---------------------------------------------------------------------------------------------

/** The approvers' topic: approval requests go here, e-mailed to `approverEmails`. */
function createApprovalTopic(ctx: Ctx): aws.sns.Topic {
    const topic = new aws.sns.Topic(`${ctx.name}-approvals`, { kmsMasterKeyId: ctx.args.env.kmsKeyArn, tags: ctx.tags }, { parent: ctx.parent });
    for (const email of ctx.args.pipeline.approverEmails) {
        const slug = email.toLowerCase().replace(/[^a-z0-9]+/g, "-");
        new aws.sns.TopicSubscription(`${ctx.name}-approvals-${slug}`, { topic: topic.arn, protocol: "email", endpoint: email }, { parent: ctx.parent });
    }
    return topic;
}

/** One IAM role for a CodeBuild project: its logs, the artifact bucket, the stage key, plus `extra`. */
function buildRole(ctx: Ctx, key: string, extra: pulumi.Input<iam.Statement>[], kmsKeys: pulumi.Input<string>[] = []): aws.iam.Role {
    const role = new aws.iam.Role(
        `${ctx.name}-${key}-role`,
        { assumeRolePolicy: serviceTrustPolicy("codebuild.amazonaws.com", { sourceAccount: ctx.args.env.accountId }), description: `CodeBuild ${key} of the ${ctx.args.stage} pipeline`, tags: ctx.tags },
        { parent: ctx.parent },
    );
    new aws.iam.RolePolicy(
        `${ctx.name}-${key}-policy`,
        {
            role: role.name,
            policy: iam.policyDocument([
                iam.logStatement(ctx.logGroup.arn),
                ...iam.artifactBucketStatements(ctx.artifacts.arn, true),
                iam.kmsStatement([ctx.args.env.kmsKeyArn, ...kmsKeys]),
                ...extra,
            ]),
        },
        { parent: ctx.parent },
    );
    return role;
}

interface ProjectSpec {
    readonly key: string;
    readonly description: string;
    readonly buildspecFile: string;
    readonly statements: pulumi.Input<iam.Statement>[];
    readonly kmsKeys?: pulumi.Input<string>[];
    /** The step's environment variables (CodeBuild's `environment.environmentVariables`), besides STAGE. */
    readonly variables: Record<string, pulumi.Input<string>>;
    /** Docker builds need privileged mode. */
    readonly privileged?: boolean;
    /** Run inside the stage's VPC (reaches internal load balancers). */
    readonly inVpc?: boolean;
    /** Security groups in the VPC. @default the app group */
    readonly securityGroupIds?: pulumi.Input<string>[];
    /** Minutes before CodeBuild stops the step. @default pipeline.buildTimeoutMinutes */
    readonly timeoutMinutes?: number;
}

function buildProject(ctx: Ctx, spec: ProjectSpec): BuildStep {
    const { env, pipeline: p, stage } = ctx.args;
    const vpcStatements = spec.inVpc
        ? iam.vpcStatements(env.region, env.accountId, env.workloadSubnetIds.map((id) => pulumi.interpolate`arn:aws:ec2:${env.region}:${env.accountId}:subnet/${id}`))
        : [];
    const role = buildRole(ctx, spec.key, [...spec.statements, ...vpcStatements], spec.kmsKeys);
    const project = new aws.codebuild.Project(
        `${ctx.name}-${spec.key}`,
        {
            description: `${stage}: ${spec.description}`,
            serviceRole: role.arn,
            buildTimeout: spec.timeoutMinutes ?? p.buildTimeoutMinutes,
            encryptionKey: env.kmsKeyArn,
            artifacts: { type: "CODEPIPELINE" },
            source: { type: "CODEPIPELINE", buildspec: buildspec(spec.buildspecFile) },
            environment: {
                computeType: p.buildComputeType,
                image: BUILD_IMAGE,
                type: "LINUX_CONTAINER",
                imagePullCredentialsType: "CODEBUILD",
                privilegedMode: spec.privileged ?? false,
                environmentVariables: Object.entries({ STAGE: stage, ...spec.variables }).map(([name, value]) => ({ name, value, type: "PLAINTEXT" })),
            },
            logsConfig: { cloudwatchLogs: { status: "ENABLED", groupName: ctx.logGroup.name, streamName: spec.key }, s3Logs: { status: "DISABLED" } },
            vpcConfig: spec.inVpc ? { vpcId: env.vpcId, subnets: env.workloadSubnetIds, securityGroupIds: spec.securityGroupIds ?? [env.appSecurityGroupId] } : undefined,
            tags: ctx.tags,
        },
        { parent: ctx.parent, dependsOn: [role] },
    );
    const step = { project, role };
    ctx.steps.push(step);
    return step;
}

// ---------------------------------------------------------------------------------------------
// Actions
// ---------------------------------------------------------------------------------------------

type Action = aws.types.input.codepipeline.PipelineStageAction;
type PipelineStageDef = aws.types.input.codepipeline.PipelineStage;

/** The pipeline execution id, passed to CodeBuild as PIPELINE_EXECUTION_ID. */
const EXECUTION_ID = "#{codepipeline.PipelineExecutionId}";

function codeBuildAction(
    step: BuildStep,
    o: { name: string; inputs: string[]; outputs?: string[]; runOrder?: number; namespace?: string; env?: Record<string, string> },
): Action {
    const envVars = Object.entries({ PIPELINE_EXECUTION_ID: EXECUTION_ID, ...(o.env ?? {}) }).map(([name, value]) => ({ name, value, type: "PLAINTEXT" }));
    return {
        name: o.name,
        category: "Build",
        owner: "AWS",
        provider: "CodeBuild",
        version: "1",
        runOrder: o.runOrder ?? 1,
        inputArtifacts: o.inputs,
        outputArtifacts: o.outputs,
        namespace: o.namespace,
        configuration: {
            ProjectName: step.project.name,
            EnvironmentVariables: JSON.stringify(envVars),
            ...(o.inputs.length > 1 ? { PrimarySource: o.inputs[0] } : {}),
        },
    };
}

function approvalAction(name: string, topic: aws.sns.Topic, runOrder: number, customData: pulumi.Input<string>, link: pulumi.Input<string>): Action {
    return {
        name,
        category: "Approval",
        owner: "AWS",
        provider: "Manual",
        version: "1",
        runOrder,
        configuration: { NotificationArn: topic.arn, CustomData: customData, ExternalEntityLink: link },
    };
}

/**
 * One deploy action per container service, reading `imagedefinitions-<service>.json`: code's task
 * definition revision with the release's image (components/pipeline/deploy.ts says why not the ECS action).
 */
function ecsDeployActions(ctx: Ctx, input: string, runOrder: number): Action[] {
    if (ctx.containers.length === 0) return [];
    const { env } = ctx.args;
    const step = buildProject(ctx, {
        key: "deploy-services",
        description: "deploy each service: the task definition code registered, with the release's image",
        buildspecFile: deploy.DEPLOY_BUILDSPEC,
        statements: deploy.deployStatements(ctx.containers, env.region, env.accountId),
        variables: { DEPLOY_TARGETS: deploy.deployTargets(ctx.containers), DEPLOY_TIMEOUT_MINUTES: String(deploy.DEPLOY_TIMEOUT_MINUTES) },
        timeoutMinutes: deploy.DEPLOY_TIMEOUT_MINUTES + 15,
    });
    return ctx.containers.map((svc) => codeBuildAction(step, { name: `Deploy-${svc.serviceName}`, inputs: [input], runOrder, env: { SERVICE: svc.serviceName } }));
}

/** UseConnection for a build reading the GitHub source, which arrives as a clone reference (see iam.cloneRefStatements). */
function sourceCloneStatements(ctx: Ctx, inputs: string[]): iam.Statement[] {
    return ctx.source.kind === "github" ? iam.cloneRefStatements(ctx.source.connectionArn, inputs, "source") : [];
}

/** Console link to the release notes of this execution in the artifact bucket. */
function notesLink(ctx: Ctx): pulumi.Output<string> {
    const r = ctx.args.env.region;
    return pulumi.interpolate`https://${r}.console.aws.amazon.com/s3/object/${ctx.artifacts.bucket}?region=${r}&prefix=release-notes/${EXECUTION_ID}/NOTES.md`;
}

/** The pre-deploy backups: the database snapshot, then the uploads copy (each noted in NOTES.md). */
function backupSteps(ctx: Ctx, input: string): { snapshot: BuildStep; uploads?: BuildStep } {
    const { env, database, stage } = ctx.args;
    const clone = sourceCloneStatements(ctx, [input]);
    const prefix = `${stage}-pre-release-`;
    const snapshot = buildProject(ctx, {
        key: "db-snapshot",
        description: "snapshot the database before deploy",
        buildspecFile: "db-snapshot.yml",
        statements: [
            ...iam.dbSnapshotStatements(database.instanceArn, iam.snapshotArnPattern(env.region, env.accountId, prefix)),
            pruneSnapshotStatement(iam.snapshotArnPattern(env.region, env.accountId, prefix)),
            ...clone,
        ],
        variables: { DB_INSTANCE_ID: database.instanceId, SNAPSHOT_PREFIX: prefix, ARTIFACT_BUCKET: ctx.artifacts.bucket, SNAPSHOTS_TO_KEEP: String(ctx.args.pipeline.snapshotsToKeep) },
    });
    if (ctx.args.uploadsBucketArn === undefined || ctx.args.uploadsBucketName === undefined) return { snapshot };
    const backupBucket = new SecureBucket(
        `${ctx.name}-uploads-backup`,
        {
            purpose: `${stage} uploads copied before each release`,
            kmsKeyArn: env.kmsKeyArn,
            versioned: true,
            expireAfterDays: Math.max(ctx.args.pipeline.artifactRetentionDays, 30),
            retainOnDelete: ctx.args.keepUploads,
            tags: ctx.tags,
        },
        { parent: ctx.parent },
    );
    const uploads = buildProject(ctx, {
        key: "uploads-backup",
        description: "copy the uploads bucket before deploy",
        buildspecFile: "uploads-backup.yml",
        statements: [...iam.uploadsBackupStatements(ctx.args.uploadsBucketArn, backupBucket.arn), ...clone],
        variables: { UPLOADS_BUCKET: ctx.args.uploadsBucketName, BACKUP_BUCKET: backupBucket.bucket, ARTIFACT_BUCKET: ctx.artifacts.bucket },
    });
    return { snapshot, uploads };
}

function snapshotPipelineStage(ctx: Ctx, input: string): PipelineStageDef {
    const { snapshot, uploads } = backupSteps(ctx, input);
    const actions = [codeBuildAction(snapshot, { name: "DatabaseSnapshot", inputs: [input], runOrder: 1, namespace: "Snapshot" })];
    if (uploads) actions.push(codeBuildAction(uploads, { name: "UploadsBackup", inputs: [input], runOrder: 2, namespace: "UploadsBackup" }));
    return { name: PIPELINE_STAGE_NAMES.snapshot, actions };
}

/** LoadTest: the stage's thresholds against each service's health URL and the repository's scenarios. */
function loadTestAction(ctx: Ctx, connectionArn: string, runOrder: number, testers: aws.ec2.SecurityGroup): Action {
    const { env, pipeline: p, stage, services } = ctx.args;
    const tools = createPipelineTools(ctx.name, { stage, keepData: ctx.args.keepData, kmsKeyArn: env.kmsKeyArn, loadTest: true, gate: false, tags: ctx.tags }, ctx.parent);
    const targets = services.map((s) => ({ name: `health:${s.serviceName}`, url: s.healthCheckUrl }));
    const spec = loadTestProjectSpec({ settings: p.loadTest, tools, artifactBucket: ctx.artifacts.bucket, connectionArn, baseUrl: env.url, targets });
    // The smoke test's group: the step needs the stage's URL and AWS APIs, never the database ports the app group opens.
    return codeBuildAction(buildProject(ctx, { ...spec, securityGroupIds: [testers.id] }), { name: "LoadTest", inputs: ["source"], outputs: ["loadtest"], runOrder, namespace: "LoadTest", env: { RELEASE_TAG: "#{Notes.RELEASE_TAG}" } });
}

function smokeStep(ctx: Ctx, testers: aws.ec2.SecurityGroup): BuildStep {
    return buildProject(ctx, {
        key: "smoke-test",
        description: "call each service's health URL after deploy",
        buildspecFile: "smoke-test.yml",
        statements: [],
        variables: { SMOKE_URLS: ctx.args.services.map((s) => s.healthCheckUrl).join(" ") },
        inVpc: true,
        securityGroupIds: [testers.id],
    });
}

/**
 * Deploy (+ smoke test + sign-off). With sign-off, the smoke test and the sign-off approval sit in
 * the Deploy pipeline stage, so a failed smoke test or a rejected sign-off fails that pipeline stage and its
 * `onFailure: ROLLBACK` redeploys the last successful execution's artifacts. Without sign-off the
 * smoke test is its own pipeline stage after Deploy.
 */
function deployPipelineStages(
    ctx: Ctx,
    imageInput: string,
    amiInput: string,
    first: Action[],
    approvalTopic: aws.sns.Topic | undefined,
    signOffText: pulumi.Input<string>,
): PipelineStageDef[] {
    const p = ctx.args.pipeline;
    const order = first.length > 0 ? 2 : 1;
    const deployActions = [...first, ...ecsDeployActions(ctx, imageInput, order), ...refreshActions(ctx, amiInput, order)];
    // One group for the steps that call the stage's URL from inside the VPC (smoke test, load test).
    const testers = smokeTestGroup(ctx.name, ctx.args.env, ctx.tags, ctx.parent);
    const smoke = codeBuildAction(smokeStep(ctx, testers), { name: "SmokeTest", inputs: [imageInput], runOrder: order + 1 });
    const rollback = { result: "ROLLBACK" };
    if (p.signOff && approvalTopic) {
        // The load test (components/pipeline/loadTest.ts) between smoke test and sign-off: a breach rolls back too.
        // validatePipelineArgs refuses a load test without the GitHub source (a promote pipeline).
        const loadTest = p.loadTest.enabled && ctx.source.kind === "github" ? [loadTestAction(ctx, ctx.source.connectionArn, order + 2, testers)] : [];
        const text = loadTest.length > 0 ? pulumi.interpolate`${signOffText}${SIGN_OFF_LOAD_TEST}` : signOffText;
        const signOff = approvalAction("SignOff", approvalTopic, order + 2 + loadTest.length, text, ctx.args.env.url);
        return [{ name: PIPELINE_STAGE_NAMES.deploy, actions: [...deployActions, smoke, ...loadTest, signOff], onFailure: rollback }];
    }
    return [
        { name: PIPELINE_STAGE_NAMES.deploy, actions: deployActions, onFailure: rollback },
        { name: PIPELINE_STAGE_NAMES.smokeTest, actions: [{ ...smoke, runOrder: 1 }] },
    ];
}


// ---------------------------------------------------------------------------------------------
// EC2 services: package → bake → report → (approve) → instance refresh
// ---------------------------------------------------------------------------------------------

/** Where a service's release lives in the repository: its own directory when there are several. */
function serviceDir(ctx: Ctx, service: string): string {
    return ctx.args.services.length > 1 ? `services/${service}` : ".";
}

/** Package: every EC2 service's `release.tar.gz`, uploaded to its package bucket (after the tests). */
function packageStep(ctx: Ctx): BuildStep {
    return buildProject(ctx, {
        key: "package",
        description: "pack each EC2 service's release.tar.gz and upload it to its package bucket",
        buildspecFile: "package.yml",
        statements: [iam.packageUploadStatement(ctx.instances.map((s) => pulumi.interpolate`${s.runtime.packageBucketArn}/${s.runtime.packageKey}`)), ...sourceCloneStatements(ctx, ["source"])],
        variables: {
            PACKAGES: pulumi.jsonStringify(
                ctx.instances.map((s) => ({ name: s.serviceName, bucket: s.runtime.packageBucketName, key: s.runtime.packageKey, dir: serviceDir(ctx, s.serviceName) })),
            ),
        },
    });
}

/** Bake: run the service's image pipeline, wait for AVAILABLE, confirm and pin the AMI parameter. */
function bakeStep(ctx: Ctx, svc: Ec2Service): BuildStep {
    const { env } = ctx.args;
    return buildProject(ctx, {
        key: `bake-${svc.serviceName}`,
        description: `bake ${svc.serviceName}'s AMI with its Image Builder pipeline`,
        buildspecFile: "bake-image.yml",
        statements: [
            ...iam.imageBuildStatements(svc.runtime.imagePipelineArn, iam.imageArnPattern(env.region, env.accountId, svc.runtime.imageRecipeName)),
            ...iam.amiParameterStatements([svc.runtime.amiParameterArn]),
        ],
        variables: {
            SERVICE: svc.serviceName,
            IMAGE_PIPELINE_ARN: svc.runtime.imagePipelineArn,
            AMI_PARAMETER: svc.runtime.amiParameterName,
            ARTIFACT_BUCKET: ctx.artifacts.bucket,
            BAKE_TIMEOUT_MINUTES: String(BAKE_TIMEOUT_MINUTES),
        },
        timeoutMinutes: BAKE_TIMEOUT_MINUTES + 15,
    });
}

/** Bake (one action per EC2 service, in parallel) and Report pipeline stages; none without EC2 services. */
function bakeAndReportPipelineStages(ctx: Ctx): PipelineStageDef[] {
    if (ctx.instances.length === 0) return [];
    const bake: PipelineStageDef = {
        name: PIPELINE_STAGE_NAMES.bake,
        actions: ctx.instances.map((svc) => codeBuildAction(bakeStep(ctx, svc), { name: `Bake-${svc.serviceName}`, inputs: ["packages"] })),
    };
    const report = buildProject(ctx, {
        key: "release-report",
        description: "keep the release report (build, packages, baked AMIs, checks) in S3",
        buildspecFile: "release-report.yml",
        statements: [],
        variables: { EC2_SERVICES: ctx.instances.map((s) => s.serviceName).join(" "), ARTIFACT_BUCKET: ctx.artifacts.bucket },
    });
    return [
        bake,
        {
            name: PIPELINE_STAGE_NAMES.report,
            actions: [codeBuildAction(report, { name: "ReleaseReport", inputs: ["build", "packages", "notes"], outputs: ["report"], namespace: "Report" })],
        },
    ];
}

/** Deploy for EC2: one instance refresh per service onto the AMI its `baked-<svc>.json` names. */
function refreshActions(ctx: Ctx, input: string, runOrder: number): Action[] {
    return ctx.instances.map((svc) => {
        const step = buildProject(ctx, {
            key: `refresh-${svc.serviceName}`,
            description: `point ${svc.serviceName}'s AMI parameter at the release and refresh its instances`,
            buildspecFile: "instance-refresh.yml",
            statements: [...iam.amiParameterStatements([svc.runtime.amiParameterArn]), ...iam.instanceRefreshStatements([svc.runtime.autoScalingGroupArn])],
            variables: {
                SERVICE: svc.serviceName,
                AUTO_SCALING_GROUP: svc.runtime.autoScalingGroupName,
                AMI_PARAMETER: svc.runtime.amiParameterName,
                REFRESH_TIMEOUT_MINUTES: String(REFRESH_TIMEOUT_MINUTES),
            },
            timeoutMinutes: REFRESH_TIMEOUT_MINUTES + 15,
        });
        return codeBuildAction(step, { name: `Refresh-${svc.serviceName}`, inputs: [input], runOrder, namespace: `Refresh${svc.serviceName.replace(/[^A-Za-z0-9]/g, "")}` });
    });
}

// ---------------------------------------------------------------------------------------------
// Pipeline stages: build pipelines (dev, test, staging) and the promote pipeline (prod)
// ---------------------------------------------------------------------------------------------

function buildPipelineStages(ctx: Ctx, connectionArn: string, approvalTopic: aws.sns.Topic | undefined, publishTo: HandoffLocation | undefined): PipelineStageDef[] {
    const { pipeline: p, env } = ctx.args;
    const { containers, instances } = ctx;
    const repos = containers.map((s) => s.runtime.repositoryArn);

    const source: PipelineStageDef = {
        name: PIPELINE_STAGE_NAMES.source,
        actions: [
            {
                name: "App",
                category: "Source",
                owner: "AWS",
                provider: "CodeStarSourceConnection",
                version: "1",
                namespace: "Source",
                outputArtifacts: ["source"],
                configuration: {
                    ConnectionArn: connectionArn,
                    FullRepositoryId: p.repository,
                    BranchName: p.branch,
                    // A full git clone: the release notes need the history and tags.
                    OutputArtifactFormat: "CODEBUILD_CLONE_REF",
                    DetectChanges: "true",
                },
            },
        ],
    };

    const serviceSpecs = pulumi.jsonStringify(
        containers.map((s) => ({
            name: s.serviceName,
            repositoryUrl: s.runtime.repositoryUrl,
            containerName: s.runtime.containerName,
            context: serviceDir(ctx, s.serviceName),
            dockerfile: `${serviceDir(ctx, s.serviceName)}/Dockerfile`.replace(/^\.\//, ""),
        })),
    );
    const build = buildProject(ctx, {
        key: "build",
        description: containers.length > 0 ? "tests, docker build, push to ECR by commit SHA, imagedefinitions" : "tests, release.json",
        buildspecFile: "build.yml",
        statements: [iam.connectionStatement(connectionArn), ...(containers.length > 0 ? [iam.ecrLoginStatement(), iam.ecrPushStatement(repos)] : [])],
        variables: { SERVICES: serviceSpecs, ECR_REGISTRY: pulumi.interpolate`${env.accountId}.dkr.ecr.${env.region}.amazonaws.com` },
        privileged: containers.length > 0,
    });
    const notes = buildProject(ctx, {
        key: "release-notes",
        description: "release notes from the commits since the last release tag",
        buildspecFile: "release-notes.yml",
        statements: [iam.connectionStatement(connectionArn)],
        variables: { TAG_PATTERN: p.tagPattern, RELEASE_BRANCH: p.branch, ARTIFACT_BUCKET: ctx.artifacts.bucket },
    });
    const pipelineStages: PipelineStageDef[] = [
        source,
        {
            name: PIPELINE_STAGE_NAMES.build,
            actions: [
                codeBuildAction(build, { name: "Build", inputs: ["source"], outputs: ["build"], namespace: "Build" }),
                codeBuildAction(notes, { name: "ReleaseNotes", inputs: ["source"], outputs: ["notes"], namespace: "Notes" }),
                // EC2 services: their packages, once the tests in Build passed.
                ...(instances.length > 0 ? [codeBuildAction(packageStep(ctx), { name: "Package", inputs: ["source"], outputs: ["packages"], runOrder: 2, namespace: "Package" })] : []),
            ],
        },
        ...bakeAndReportPipelineStages(ctx),
    ];
    if (p.approval && approvalTopic) {
        const report = instances.length > 0 ? ` Release report (baked AMIs, checks): #{Report.REPORT_URI}` : "";
        const text = `Release #{Notes.RELEASE_TAG} (commit #{Source.CommitId}) to ${ctx.args.stage}. Work items: #{Notes.WORK_ITEMS}. Release notes: #{Notes.NOTES_URI}${report}`;
        pipelineStages.push({ name: PIPELINE_STAGE_NAMES.approve, actions: [approvalAction("Approve", approvalTopic, 1, text, notesLink(ctx))] });
    }
    if (p.snapshotBeforeDeploy) pipelineStages.push(snapshotPipelineStage(ctx, "source"));
    const signOffText = `Sign off release #{Notes.RELEASE_TAG} on ${ctx.args.stage} (${env.url}) after testing. Rejecting rolls ${ctx.args.stage} back to the last good release. Notes: #{Notes.NOTES_URI}`;
    pipelineStages.push(...deployPipelineStages(ctx, "build", "report", [], approvalTopic, signOffText));

    if (publishTo) {
        // Written into the hand-off location prod owns (components/pipeline/handoff.ts).
        const publish = buildProject(ctx, {
            key: "publish-release",
            description: "publish the signed-off release (image digests + notes) into prod's release hand-off",
            buildspecFile: "publish-release.yml",
            statements: publishStatements(publishTo),
            variables: { RELEASE_BUCKET: publishTo.bucket, RELEASE_OBJECT_KEY: publishTo.objectKey, RELEASE_KMS_KEY_ARN: publishTo.kmsKeyArn, ARTIFACT_BUCKET: ctx.artifacts.bucket },
        });
        pipelineStages.push({
            name: PIPELINE_STAGE_NAMES.release,
            actions: [
                codeBuildAction(publish, {
                    name: "PublishForPromotion",
                    // With EC2 services the report's release.json also names the approved AMIs.
                    inputs: ["build", "notes", ...(instances.length > 0 ? ["report"] : []), ...(p.loadTest.enabled ? ["loadtest"] : [])],
                    env: { RELEASE_TAG: "#{Notes.RELEASE_TAG}" },
                }),
            ],
        });
    }
    return pipelineStages;
}

/**
 * Prod: no build. The source is the release.zip staging wrote into prod's own hand-off bucket
 * after its sign-off; the Promote step copies each image by digest into prod's repository and
 * writes imagedefinitions. Prod reads no other stack (infra/stacks.ts).
 */
function promotePipelineStages(ctx: Ctx, release: HandoffLocation, approvalTopic: aws.sns.Topic | undefined): PipelineStageDef[] {
    const { pipeline: p, env } = ctx.args;
    const { containers, instances } = ctx;
    const sourceRepos = publisherRepositoryArns(env.region, env.accountId, release.publisherStage, containers.map((s) => s.serviceName));
    // The pipeline reads the release from the hand-off location this stage owns (S3 source), with its key.
    ctx.pipelineStatements.push(...sourceStatements(release));

    const source: PipelineStageDef = {
        name: PIPELINE_STAGE_NAMES.source,
        actions: [
            {
                name: "ApprovedRelease",
                category: "Source",
                owner: "AWS",
                provider: "S3",
                version: "1",
                namespace: "Release",
                outputArtifacts: ["release"],
                // Started deliberately by the release manager after staging's sign-off (see docs/pipeline.md).
                // Known from this stack's own resources, so never empty: ActionConfiguration values have a
                // minimum length of 1 (https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ActionDeclaration.html).
                configuration: { S3Bucket: release.bucket, S3ObjectKey: release.objectKey, PollForSourceChanges: "false" },
            },
        ],
    };
    // Prod promotes only a release whose load test passed (scripts/require-load-test.js, run by promote.yml).
    const tools = createPipelineTools(ctx.name, { stage: ctx.args.stage, keepData: ctx.args.keepData, kmsKeyArn: env.kmsKeyArn, loadTest: false, gate: true, tags: ctx.tags }, ctx.parent);
    const promote = buildProject(ctx, {
        key: "promote",
        description: instances.length > 0 ? "copy the image digests and AMIs staging approved into prod's own" : "copy the image digests staging approved into prod's repositories",
        buildspecFile: "promote.yml",
        statements: [
            ...(containers.length > 0 ? [iam.ecrLoginStatement(), iam.ecrPullStatement(sourceRepos), iam.ecrPushStatement(containers.map((s) => s.runtime.repositoryArn))] : []),
            // Staging's AMIs are encrypted with staging's key (named by its alias), prod's copies with prod's.
            ...(instances.length > 0 ? [...iam.amiCopyStatements(env.region, env.accountId, env.kmsKeyArn, env.kmsKeyArn), ...publisherKeyStatements(env.region, env.accountId, release.publisherStage)] : []),
            gateStatement(tools),
        ],
        variables: {
            TARGETS: pulumi.jsonStringify(containers.map((s) => ({ name: s.serviceName, repositoryUrl: s.runtime.repositoryUrl, containerName: s.runtime.containerName }))),
            ECR_REGISTRY: pulumi.interpolate`${env.accountId}.dkr.ecr.${env.region}.amazonaws.com`,
            AMI_TARGETS: JSON.stringify(instances.map((s) => ({ name: s.serviceName }))),
            COPY_KMS_KEY_ARN: env.kmsKeyArn,
            ...loadTestGateVariables(tools),
        },
        privileged: containers.length > 0,
        timeoutMinutes: instances.length > 0 ? Math.max(p.buildTimeoutMinutes, BAKE_TIMEOUT_MINUTES) : undefined,
    });
    const pipelineStages: PipelineStageDef[] = [source];
    const releaseLink = pulumi.interpolate`https://${env.region}.console.aws.amazon.com/s3/object/${release.bucket}?region=${env.region}&prefix=${release.objectKey}`;
    const publisher = release.publisherStage;
    if (p.approval && approvalTopic) {
        const text = pulumi.interpolate`Promote the release ${publisher} signed off (release.zip version #{Release.VersionId}: release.json + NOTES.md) to ${ctx.args.stage}. Nothing is rebuilt.`;
        pipelineStages.push({ name: PIPELINE_STAGE_NAMES.approve, actions: [approvalAction("Approve", approvalTopic, 1, text, releaseLink)] });
    }
    if (p.snapshotBeforeDeploy) pipelineStages.push(snapshotPipelineStage(ctx, "release"));
    const promoteAction = codeBuildAction(promote, { name: "Promote", inputs: ["release"], outputs: ["promoted"], runOrder: 1, namespace: "Promote" });
    const signOffText = `Sign off release #{Promote.RELEASE_TAG} on ${ctx.args.stage} (${env.url}). Rejecting rolls ${ctx.args.stage} back to the last good release.`;
    pipelineStages.push(...deployPipelineStages(ctx, "promoted", "promoted", [promoteAction], approvalTopic, signOffText));
    return pipelineStages;
}

// ---------------------------------------------------------------------------------------------
// The pipeline, its role, schedule and notifications
// ---------------------------------------------------------------------------------------------

function createPipeline(ctx: Ctx, pipelineStages: PipelineStageDef[], approvalTopic: aws.sns.Topic | undefined): aws.codepipeline.Pipeline {
    const { args } = ctx;
    const p = args.pipeline;
    const role = new aws.iam.Role(
        `${ctx.name}-pipeline-role`,
        { assumeRolePolicy: serviceTrustPolicy("codepipeline.amazonaws.com", { sourceAccount: ctx.args.env.accountId }), description: `CodePipeline of the ${args.stage} stage`, tags: ctx.tags },
        { parent: ctx.parent },
    );
    const statements: pulumi.Input<iam.Statement>[] = [
        ...iam.artifactBucketStatements(ctx.artifacts.arn, true),
        iam.kmsStatement([args.env.kmsKeyArn]),
        // Every service deploys through a CodeBuild step (components/pipeline/deploy.ts): nothing more.
        iam.codeBuildStartStatement(ctx.steps.map((s) => s.project.arn)),
    ];
    if (ctx.source.kind === "github") statements.push(iam.connectionStatement(ctx.source.connectionArn));
    if (approvalTopic) statements.push(iam.snsPublishStatement([approvalTopic.arn]));
    statements.push(...ctx.pipelineStatements);
    const policy = new aws.iam.RolePolicy(`${ctx.name}-pipeline-policy`, { role: role.name, policy: iam.policyDocument(statements) }, { parent: ctx.parent });

    const source = p.trigger === "tag" ? { tags: { includes: [p.tagPattern] } } : { branches: { includes: [p.branch] } };
    return new aws.codepipeline.Pipeline(
        `${ctx.name}-pipeline`,
        {
            pipelineType: "V2",
            executionMode: p.approval ? "QUEUED" : "SUPERSEDED",
            roleArn: role.arn,
            artifactStores: [{ type: "S3", location: ctx.artifacts.bucket, encryptionKey: { type: "KMS", id: args.env.kmsKeyArn } }],
            stages: pipelineStages,
            triggers:
                p.trigger === "promote"
                    ? undefined
                    : [{ providerType: "CodeStarSourceConnection", gitConfiguration: { sourceActionName: "App", pushes: [source] } }],
            tags: ctx.tags,
        },
        { parent: ctx.parent, dependsOn: [policy] },
    );
}

/** The release cadence: an EventBridge schedule that starts the pipeline (staging: 1st and 15th). */
function createSchedule(ctx: Ctx, pipeline: aws.codepipeline.Pipeline, schedule: string): void {
    const role = new aws.iam.Role(
        `${ctx.name}-schedule-role`,
        { assumeRolePolicy: serviceTrustPolicy("events.amazonaws.com", { sourceAccount: ctx.args.env.accountId }), description: `Starts the ${ctx.args.stage} pipeline on its schedule`, tags: ctx.tags },
        { parent: ctx.parent },
    );
    new aws.iam.RolePolicy(`${ctx.name}-schedule-policy`, { role: role.name, policy: iam.policyDocument([iam.startPipelineStatement(pipeline.arn)]) }, { parent: ctx.parent });
    const rule = new aws.cloudwatch.EventRule(
        `${ctx.name}-release-schedule`,
        { description: `Start the ${ctx.args.stage} release pipeline (${schedule})`, scheduleExpression: schedule, tags: ctx.tags },
        { parent: ctx.parent },
    );
    new aws.cloudwatch.EventTarget(`${ctx.name}-release-schedule-target`, { rule: rule.name, arn: pipeline.arn, roleArn: role.arn }, { parent: ctx.parent });
}

/** Pipeline execution and approval events → the stage's SNS topic. */
function createNotifications(ctx: Ctx, pipeline: aws.codepipeline.Pipeline): void {
    new aws.codestarnotifications.NotificationRule(
        `${ctx.name}-pipeline-events`,
        {
            name: pulumi.interpolate`${pipeline.name}-events`.apply((n) => n.slice(0, 64)),
            resource: pipeline.arn,
            detailType: "FULL",
            eventTypeIds: [
                "codepipeline-pipeline-pipeline-execution-started",
                "codepipeline-pipeline-pipeline-execution-succeeded",
                "codepipeline-pipeline-pipeline-execution-failed",
                "codepipeline-pipeline-pipeline-execution-canceled",
                "codepipeline-pipeline-pipeline-execution-superseded",
                "codepipeline-pipeline-manual-approval-needed",
                "codepipeline-pipeline-manual-approval-failed",
                "codepipeline-pipeline-manual-approval-succeeded",
            ],
            targets: [{ type: "SNS", address: ctx.args.env.alarmTopicArn }],
            tags: ctx.tags,
        },
        { parent: ctx.parent },
    );
}
