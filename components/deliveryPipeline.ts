/**
 * DeliveryPipeline: one CodePipeline (V2) per stage, GitHub → CodeBuild → ECR → ECS.
 *
 *   dev / test   Source(branch push) → Build(+ReleaseNotes) → Deploy → SmokeTest
 *   staging      Source(release-* tag; + schedule) → Build(+ReleaseNotes) → Approve → Snapshot
 *                → Deploy(+SmokeTest +SignOff, onFailure ROLLBACK) → Release(publish for prod)
 *   prod         Source(staging's approved release.zip, S3) → Approve → Snapshot
 *                → Deploy(Promote digest +SmokeTest +SignOff, onFailure ROLLBACK)
 *
 * Which stages exist is decided by `PipelineSettings` (trigger, approval, snapshotBeforeDeploy,
 * signOff), not by the stage's name. The buildspecs are real files under `buildspecs/`.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { PipelineSettings, Stage } from "../infra/settings";
import { AppService } from "./appService";
import { SecureBucket } from "./secureBucket";
import { DatabaseConnection, EnvironmentRefs, Tags } from "./types";
import * as iam from "./pipeline/iam";
import { readReleaseLocation, RELEASE_OBJECT_KEY, ReleaseLocation } from "./pipeline/release";
import { keepLogs } from "./dataGuard";

export { RELEASE_OUTPUT, ReleaseLocation } from "./pipeline/release";

export interface DeliveryPipelineArgs {
    /** The stage this pipeline deploys. */
    readonly stage: Stage;
    /** The stage's validated pipeline settings (trigger, branch, approvals, backups...). */
    readonly pipeline: PipelineSettings;
    /** The stage's environment: KMS key, alarm topic, VPC (for the smoke test), account, region. */
    readonly env: EnvironmentRefs;
    /** The services the pipeline builds (or promotes) and deploys; at least one. */
    readonly services: readonly AppService[];
    /** The database snapshotted before deploy when `snapshotBeforeDeploy` (staging: prod's). */
    readonly database: DatabaseConnection;
    /** The stage's uploads bucket name, backed up before deploy. @default undefined (no uploads) */
    readonly uploadsBucketName?: pulumi.Output<string>;
    /** The stage's uploads bucket ARN (scopes the backup's read access). @default undefined */
    readonly uploadsBucketArn?: pulumi.Output<string>;
    /** Tags on every resource. */
    readonly tags: Tags;
}

/** Stage names of the pipeline, in the order they may appear. */
export const STAGE_NAMES = {
    source: "Source",
    build: "Build",
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

/** A buildspec file's text. */
export function buildspec(file: string): string {
    return fs.readFileSync(path.join(BUILDSPEC_DIR, file), "utf8");
}

/** Problems with the args, each a sentence a user can act on; empty when valid. */
export function validatePipelineArgs(args: Pick<DeliveryPipelineArgs, "pipeline" | "services" | "uploadsBucketArn" | "uploadsBucketName">): string[] {
    const p = args.pipeline;
    const problems: string[] = [];
    if (args.services.length === 0) problems.push("a delivery pipeline needs at least one service to deploy");
    if (p.trigger !== "promote" && p.connectionArn === undefined) problems.push(`pipeline.connectionArn is required for a "${p.trigger}" trigger (the GitHub connection the source reads)`);
    if (p.trigger === "promote" && p.promoteFromStack === undefined) problems.push('pipeline.promoteFromStack is required for a "promote" trigger (the stack whose approved release is promoted)');
    if (p.signOff && !p.approval) problems.push("pipeline.signOff needs pipeline.approval (a release signed off after deploy is first approved before it)");
    if ((args.uploadsBucketArn === undefined) !== (args.uploadsBucketName === undefined)) problems.push("uploadsBucketName and uploadsBucketArn go together");
    const names = args.services.map((s) => s.serviceName);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined) problems.push(`service "${dup}" appears twice; service names name the deploy actions`);
    return problems;
}

/** Everything the builders below share. */
interface Ctx {
    readonly name: string;
    readonly args: DeliveryPipelineArgs;
    readonly parent: pulumi.Resource;
    readonly tags: Tags;
    readonly artifacts: SecureBucket;
    readonly logGroup: aws.cloudwatch.LogGroup;
    /** Every CodeBuild project made so far (the pipeline role may start only these). */
    readonly steps: BuildStep[];
    /** Extra statements for the pipeline role (prod: read staging's published release). */
    readonly pipelineStatements: pulumi.Input<iam.Statement>[];
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
    /** Where this stage publishes releases it signed off (exported for the stage that promotes). */
    readonly release?: pulumi.Output<ReleaseLocation>;

    constructor(name: string, args: DeliveryPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
        super("stageline:delivery:DeliveryPipeline", name, {}, opts);
        const problems = validatePipelineArgs(args);
        if (problems.length > 0) throw new pulumi.ResourceError(`DeliveryPipeline ${name}: ${problems.join("; ")}`, this);

        const p = args.pipeline;
        const tags = { ...args.tags, component: "delivery-pipeline" };
        const artifacts = new SecureBucket(
            `${name}-pipeline-artifacts`,
            {
                purpose: `${args.stage} pipeline artifacts and release notes`,
                kmsKeyArn: args.env.kmsKeyArn,
                versioned: true,
                expireAfterDays: p.artifactRetentionDays,
                retainOnDelete: args.stage === "prod",
                tags,
            },
            { parent: this },
        );
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-pipeline-builds`,
            { retentionInDays: p.logRetentionDays, kmsKeyId: args.env.kmsKeyArn, tags },
            // Build logs record what was released; a destroy keeps them in prod.
            { parent: this, ...keepLogs(args.stage) },
        );
        const ctx: Ctx = { name, args, parent: this, tags, artifacts, logGroup, steps: [], pipelineStatements: [] };

        const approvalTopic = p.approval || p.signOff ? createApprovalTopic(ctx) : undefined;
        const publishes = p.signOff && p.trigger !== "promote";
        const releaseBucket = publishes ? createReleaseBucket(ctx) : undefined;

        const stages = p.trigger === "promote" ? promoteStages(ctx, approvalTopic) : buildStages(ctx, approvalTopic, releaseBucket);
        const pipeline = createPipeline(ctx, stages, approvalTopic);

        if (p.schedule !== undefined) createSchedule(ctx, pipeline);
        createNotifications(ctx, pipeline);

        this.pipelineName = pipeline.name;
        this.pipelineArn = pipeline.arn;
        this.artifactBucketName = artifacts.bucket;
        this.approvalTopicArn = approvalTopic?.arn;
        this.release = releaseBucket
            ? pulumi
                  .all([releaseBucket.bucket, releaseBucket.arn, args.env.kmsKeyArn, pulumi.all(args.services.map((s) => s.repositoryArn))])
                  .apply(([bucket, bucketArn, kmsKeyArn, repos]) => ({
                      bucket,
                      bucketArn,
                      objectKey: RELEASE_OBJECT_KEY,
                      kmsKeyArn,
                      repositoryArns: Object.fromEntries(args.services.map((s, i) => [s.serviceName, repos[i]])),
                  }))
            : undefined;
        this.registerOutputs({ pipelineName: this.pipelineName, pipelineArn: this.pipelineArn, artifactBucketName: this.artifactBucketName, release: this.release });
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

/** Bucket where the signed-off release is published for promotion (versioned: every release kept). */
function createReleaseBucket(ctx: Ctx): SecureBucket {
    return new SecureBucket(
        `${ctx.name}-releases`,
        {
            purpose: `${ctx.args.stage} signed-off releases, promoted by the next stage`,
            kmsKeyArn: ctx.args.env.kmsKeyArn,
            versioned: true,
            noncurrentExpireAfterDays: Math.max(ctx.args.pipeline.artifactRetentionDays, 90),
            retainOnDelete: true,
            tags: ctx.tags,
        },
        { parent: ctx.parent },
    );
}

/** One IAM role for a CodeBuild project: its logs, the artifact bucket, the stage key, plus `extra`. */
function buildRole(ctx: Ctx, key: string, extra: pulumi.Input<iam.Statement>[], kmsKeys: pulumi.Input<string>[] = []): aws.iam.Role {
    const role = new aws.iam.Role(
        `${ctx.name}-${key}-role`,
        { assumeRolePolicy: iam.assumeRolePolicy("codebuild.amazonaws.com"), description: `CodeBuild ${key} of the ${ctx.args.stage} pipeline`, tags: ctx.tags },
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
    readonly environment: Record<string, pulumi.Input<string>>;
    /** Docker builds need privileged mode. */
    readonly privileged?: boolean;
    /** Run inside the stage's VPC (reaches internal load balancers). */
    readonly inVpc?: boolean;
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
            buildTimeout: p.buildTimeoutMinutes,
            encryptionKey: env.kmsKeyArn,
            artifacts: { type: "CODEPIPELINE" },
            source: { type: "CODEPIPELINE", buildspec: buildspec(spec.buildspecFile) },
            environment: {
                computeType: p.buildComputeType,
                image: BUILD_IMAGE,
                type: "LINUX_CONTAINER",
                imagePullCredentialsType: "CODEBUILD",
                privilegedMode: spec.privileged ?? false,
                environmentVariables: Object.entries({ STAGE: stage, ...spec.environment }).map(([name, value]) => ({ name, value, type: "PLAINTEXT" })),
            },
            logsConfig: { cloudwatchLogs: { status: "ENABLED", groupName: ctx.logGroup.name, streamName: spec.key }, s3Logs: { status: "DISABLED" } },
            vpcConfig: spec.inVpc ? { vpcId: env.vpcId, subnets: env.workloadSubnetIds, securityGroupIds: [env.appSecurityGroupId] } : undefined,
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
type StageDef = aws.types.input.codepipeline.PipelineStage;

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

/** One ECS deploy action per service, reading `imagedefinitions-<service>.json`. */
function ecsDeployActions(services: readonly AppService[], input: string, runOrder: number): Action[] {
    return services.map((svc) => ({
        name: `Deploy-${svc.serviceName}`,
        category: "Deploy",
        owner: "AWS",
        provider: "ECS",
        version: "1",
        runOrder,
        inputArtifacts: [input],
        configuration: { ClusterName: svc.clusterName, ServiceName: svc.ecsServiceName, FileName: `imagedefinitions-${svc.serviceName}.json`, DeploymentTimeout: "30" },
    }));
}

/** Console link to the release notes of this execution in the artifact bucket. */
function notesLink(ctx: Ctx): pulumi.Output<string> {
    const r = ctx.args.env.region;
    return pulumi.interpolate`https://${r}.console.aws.amazon.com/s3/object/${ctx.artifacts.bucket}?region=${r}&prefix=release-notes/${EXECUTION_ID}/NOTES.md`;
}

/** The pre-deploy backups: the database snapshot, then the uploads copy (each noted in NOTES.md). */
function backupSteps(ctx: Ctx): { snapshot: BuildStep; uploads?: BuildStep } {
    const { env, database, stage } = ctx.args;
    const prefix = `${stage}-pre-release-`;
    const snapshot = buildProject(ctx, {
        key: "db-snapshot",
        description: "snapshot the database before deploy",
        buildspecFile: "db-snapshot.yml",
        statements: iam.dbSnapshotStatements(database.instanceArn, iam.snapshotArnPattern(env.region, env.accountId, prefix)),
        environment: { DB_INSTANCE_ID: database.instanceId, SNAPSHOT_PREFIX: prefix, ARTIFACT_BUCKET: ctx.artifacts.bucket },
    });
    if (ctx.args.uploadsBucketArn === undefined || ctx.args.uploadsBucketName === undefined) return { snapshot };
    const backupBucket = new SecureBucket(
        `${ctx.name}-uploads-backup`,
        {
            purpose: `${stage} uploads copied before each release`,
            kmsKeyArn: env.kmsKeyArn,
            versioned: true,
            expireAfterDays: Math.max(ctx.args.pipeline.artifactRetentionDays, 30),
            retainOnDelete: stage === "prod" || stage === "staging",
            tags: ctx.tags,
        },
        { parent: ctx.parent },
    );
    const uploads = buildProject(ctx, {
        key: "uploads-backup",
        description: "copy the uploads bucket before deploy",
        buildspecFile: "uploads-backup.yml",
        statements: iam.uploadsBackupStatements(ctx.args.uploadsBucketArn, backupBucket.arn),
        environment: { UPLOADS_BUCKET: ctx.args.uploadsBucketName, BACKUP_BUCKET: backupBucket.bucket, ARTIFACT_BUCKET: ctx.artifacts.bucket },
    });
    return { snapshot, uploads };
}

function snapshotStage(ctx: Ctx, input: string): StageDef {
    const { snapshot, uploads } = backupSteps(ctx);
    const actions = [codeBuildAction(snapshot, { name: "DatabaseSnapshot", inputs: [input], runOrder: 1, namespace: "Snapshot" })];
    if (uploads) actions.push(codeBuildAction(uploads, { name: "UploadsBackup", inputs: [input], runOrder: 2, namespace: "UploadsBackup" }));
    return { name: STAGE_NAMES.snapshot, actions };
}

function smokeStep(ctx: Ctx): BuildStep {
    return buildProject(ctx, {
        key: "smoke-test",
        description: "call each service's health URL after deploy",
        buildspecFile: "smoke-test.yml",
        statements: [],
        environment: { SMOKE_URLS: ctx.args.services.map((s) => s.healthCheckUrl).join(" ") },
        inVpc: true,
    });
}

/**
 * Deploy (+ smoke test + sign-off). With sign-off, the smoke test and the sign-off approval sit in
 * the deploy stage, so a failed smoke test or a rejected sign-off fails the stage and its
 * `onFailure: ROLLBACK` redeploys the last successful execution's artifacts. Without sign-off the
 * smoke test is its own stage after Deploy.
 */
function deployStages(ctx: Ctx, imageInput: string, first: Action[], approvalTopic: aws.sns.Topic | undefined, signOffText: pulumi.Input<string>): StageDef[] {
    const p = ctx.args.pipeline;
    const order = first.length > 0 ? 2 : 1;
    const deploy = [...first, ...ecsDeployActions(ctx.args.services, imageInput, order)];
    const smoke = codeBuildAction(smokeStep(ctx), { name: "SmokeTest", inputs: [imageInput], runOrder: order + 1 });
    const rollback = { result: "ROLLBACK" };
    if (p.signOff && approvalTopic) {
        const signOff = approvalAction("SignOff", approvalTopic, order + 2, signOffText, ctx.args.env.url);
        return [{ name: STAGE_NAMES.deploy, actions: [...deploy, smoke, signOff], onFailure: rollback }];
    }
    return [
        { name: STAGE_NAMES.deploy, actions: deploy, onFailure: rollback },
        { name: STAGE_NAMES.smokeTest, actions: [{ ...smoke, runOrder: 1 }] },
    ];
}

// ---------------------------------------------------------------------------------------------
// Stages: build pipelines (dev, test, staging) and the promote pipeline (prod)
// ---------------------------------------------------------------------------------------------

function buildStages(ctx: Ctx, approvalTopic: aws.sns.Topic | undefined, releaseBucket: SecureBucket | undefined): StageDef[] {
    const { pipeline: p, services, env } = ctx.args;
    const connectionArn = p.connectionArn as string; // validated
    const repos = services.map((s) => s.repositoryArn);

    const source: StageDef = {
        name: STAGE_NAMES.source,
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
        services.map((s) => ({
            name: s.serviceName,
            repositoryUrl: s.repositoryUrl,
            containerName: s.containerName,
            context: services.length > 1 ? `services/${s.serviceName}` : ".",
            dockerfile: services.length > 1 ? `services/${s.serviceName}/Dockerfile` : "Dockerfile",
        })),
    );
    const build = buildProject(ctx, {
        key: "build",
        description: "tests, docker build, push to ECR by commit SHA, imagedefinitions",
        buildspecFile: "build.yml",
        statements: [iam.connectionStatement(connectionArn), iam.ecrLoginStatement(), iam.ecrPushStatement(repos)],
        environment: { SERVICES: serviceSpecs, ECR_REGISTRY: pulumi.interpolate`${env.accountId}.dkr.ecr.${env.region}.amazonaws.com` },
        privileged: true,
    });
    const notes = buildProject(ctx, {
        key: "release-notes",
        description: "release notes from the commits since the last release tag",
        buildspecFile: "release-notes.yml",
        statements: [iam.connectionStatement(connectionArn)],
        environment: { TAG_PATTERN: p.tagPattern, RELEASE_BRANCH: p.branch, ARTIFACT_BUCKET: ctx.artifacts.bucket },
    });
    const stages: StageDef[] = [
        source,
        {
            name: STAGE_NAMES.build,
            actions: [
                codeBuildAction(build, { name: "Build", inputs: ["source"], outputs: ["build"], namespace: "Build" }),
                codeBuildAction(notes, { name: "ReleaseNotes", inputs: ["source"], outputs: ["notes"], namespace: "Notes" }),
            ],
        },
    ];
    if (p.approval && approvalTopic) {
        const text = `Release #{Notes.RELEASE_TAG} (commit #{Source.CommitId}) to ${ctx.args.stage}. Work items: #{Notes.WORK_ITEMS}. Release notes: #{Notes.NOTES_URI}`;
        stages.push({ name: STAGE_NAMES.approve, actions: [approvalAction("Approve", approvalTopic, 1, text, notesLink(ctx))] });
    }
    if (p.snapshotBeforeDeploy) stages.push(snapshotStage(ctx, "source"));
    const signOffText = `Sign off release #{Notes.RELEASE_TAG} on ${ctx.args.stage} (${env.url}) after testing. Rejecting rolls ${ctx.args.stage} back to the last good release. Notes: #{Notes.NOTES_URI}`;
    stages.push(...deployStages(ctx, "build", [], approvalTopic, signOffText));

    if (releaseBucket) {
        const publish = buildProject(ctx, {
            key: "publish-release",
            description: "publish the signed-off release (image digests + notes) for promotion",
            buildspecFile: "publish-release.yml",
            statements: [
                { Sid: "PublishRelease", Effect: "Allow", Action: ["s3:PutObject"], Resource: pulumi.interpolate`${releaseBucket.arn}/${RELEASE_OBJECT_KEY}` },
            ],
            environment: { RELEASE_BUCKET: releaseBucket.bucket, RELEASE_OBJECT_KEY, ARTIFACT_BUCKET: ctx.artifacts.bucket },
        });
        stages.push({
            name: STAGE_NAMES.release,
            actions: [codeBuildAction(publish, { name: "PublishForPromotion", inputs: ["build", "notes"], env: { RELEASE_TAG: "#{Notes.RELEASE_TAG}" } })],
        });
    }
    return stages;
}

/**
 * Prod: no build. The source is the release.zip staging published after its sign-off; the
 * Promote step copies each image by digest into prod's repository and writes imagedefinitions.
 */
function promoteStages(ctx: Ctx, approvalTopic: aws.sns.Topic | undefined): StageDef[] {
    const { pipeline: p, services, env } = ctx.args;
    const ref = new pulumi.StackReference(`${ctx.name}-promote-from`, { name: p.promoteFromStack as string }, { parent: ctx.parent });
    const release = readReleaseLocation(ref);
    release.bucket.apply((b) => {
        if (b === undefined) pulumi.log.warn(`${p.promoteFromStack} exports no "release" yet: deploy its pipeline before prod's (the promote source is empty)`, ctx.parent);
    });
    const sourceRepos = release.repositoryArns.apply((r) => Object.values(r ?? {}));
    const releaseBucket = release.bucket.apply((b) => b ?? "");
    const releaseKey = release.objectKey.apply((k) => k ?? RELEASE_OBJECT_KEY);
    // The pipeline reads staging's published release (S3 source), encrypted with staging's key.
    ctx.pipelineStatements.push(
        { Sid: "ReadApprovedRelease", Effect: "Allow", Action: ["s3:GetBucketVersioning", "s3:ListBucket"], Resource: pulumi.interpolate`arn:aws:s3:::${releaseBucket}` },
        { Sid: "ReadApprovedReleaseObject", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: pulumi.interpolate`arn:aws:s3:::${releaseBucket}/${releaseKey}` },
        release.kmsKeyArn.apply((k) => iam.kmsStatement(k ? [k] : [env.kmsKeyArn], "ApprovedReleaseKey")),
    );

    const source: StageDef = {
        name: STAGE_NAMES.source,
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
                configuration: { S3Bucket: releaseBucket, S3ObjectKey: releaseKey, PollForSourceChanges: "false" },
            },
        ],
    };
    const promote = buildProject(ctx, {
        key: "promote",
        description: "copy the image digests staging approved into prod's repositories",
        buildspecFile: "promote.yml",
        statements: [iam.ecrLoginStatement(), iam.ecrPullStatement(sourceRepos), iam.ecrPushStatement(services.map((s) => s.repositoryArn))],
        environment: {
            TARGETS: pulumi.jsonStringify(services.map((s) => ({ name: s.serviceName, repositoryUrl: s.repositoryUrl, containerName: s.containerName }))),
            ECR_REGISTRY: pulumi.interpolate`${env.accountId}.dkr.ecr.${env.region}.amazonaws.com`,
        },
        privileged: true,
    });
    const stages: StageDef[] = [source];
    const releaseLink = pulumi.interpolate`https://${env.region}.console.aws.amazon.com/s3/object/${release.bucket}?region=${env.region}&prefix=${release.objectKey}`;
    if (p.approval && approvalTopic) {
        const text = `Promote the release ${p.promoteFromStack} signed off (release.zip version #{Release.VersionId}: release.json + NOTES.md) to ${ctx.args.stage}. Nothing is rebuilt.`;
        stages.push({ name: STAGE_NAMES.approve, actions: [approvalAction("Approve", approvalTopic, 1, text, releaseLink)] });
    }
    if (p.snapshotBeforeDeploy) stages.push(snapshotStage(ctx, "release"));
    const promoteAction = codeBuildAction(promote, { name: "Promote", inputs: ["release"], outputs: ["promoted"], runOrder: 1, namespace: "Promote" });
    const signOffText = `Sign off release #{Promote.RELEASE_TAG} on ${ctx.args.stage} (${env.url}). Rejecting rolls ${ctx.args.stage} back to the last good release.`;
    stages.push(...deployStages(ctx, "promoted", [promoteAction], approvalTopic, signOffText));
    return stages;
}

// ---------------------------------------------------------------------------------------------
// The pipeline, its role, schedule and notifications
// ---------------------------------------------------------------------------------------------

function createPipeline(ctx: Ctx, stages: StageDef[], approvalTopic: aws.sns.Topic | undefined): aws.codepipeline.Pipeline {
    const { args } = ctx;
    const p = args.pipeline;
    const role = new aws.iam.Role(
        `${ctx.name}-pipeline-role`,
        { assumeRolePolicy: iam.assumeRolePolicy("codepipeline.amazonaws.com"), description: `CodePipeline of the ${args.stage} stage`, tags: ctx.tags },
        { parent: ctx.parent },
    );
    const statements: pulumi.Input<iam.Statement>[] = [
        ...iam.artifactBucketStatements(ctx.artifacts.arn, true),
        iam.kmsStatement([args.env.kmsKeyArn]),
        iam.codeBuildStartStatement(ctx.steps.map((s) => s.project.arn)),
        ...iam.ecsDeployStatements(
            args.services.map((s) => s.ecsServiceArn),
            args.services.flatMap((s) => [s.taskRoleArn, s.executionRoleArn]),
        ),
    ];
    if (p.connectionArn !== undefined && p.trigger !== "promote") statements.push(iam.connectionStatement(p.connectionArn));
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
            stages,
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
function createSchedule(ctx: Ctx, pipeline: aws.codepipeline.Pipeline): void {
    const schedule = ctx.args.pipeline.schedule as string;
    const role = new aws.iam.Role(
        `${ctx.name}-schedule-role`,
        { assumeRolePolicy: iam.assumeRolePolicy("events.amazonaws.com"), description: `Starts the ${ctx.args.stage} pipeline on its schedule`, tags: ctx.tags },
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
