/**
 * The declared job of every principal the stacks create: who assumes it, the API calls its job
 * makes (with the resource ARN as planned and the request context the call carries), each list
 * citing the AWS page it comes from, and the calls it must never make. The access test evaluates
 * every call against the planned policies (tools/access/evaluate.ts); a role with no job here
 * fails the test by name, so a new role cannot slip in unreviewed.
 *
 * To declare the job of a new role: add an entry to JOBS whose `role` matches the role's Pulumi
 * resource name without the `<stack>-` prefix (`db-snapshot-role`), list its calls from the plan
 * with `find`/`arnOf`, cite the page, and run `npm run access-doc` to refresh docs/access.md.
 */
import { PlannedResource, StackPlan, ofType } from "../harness";
import { MOCK_ACCOUNT } from "../mocks";
import { Assumer, Call } from "./evaluate";

export interface JobContext {
    plan: StackPlan;
    /** The stack's name (`staging`, or the `staging-ec2` variant). */
    stack: string;
    /** The stage the stack is: resource names, tags and DNS names use it. */
    stage: string;
    region: string;
    /** The other planned stacks (same account): another stage's real ARNs for the never-calls. */
    peers: StackPlan[];
}

export interface Job {
    /** The role's Pulumi resource name without the `<stack>-` prefix, as a pattern. */
    role: RegExp;
    /** What the role is for, in a few words. */
    purpose: string;
    /** The AWS documentation pages the calls come from. */
    docs: string[];
    assumedBy: (c: JobContext) => Assumer;
    /** Calls the job makes: each must be Allowed. */
    calls: (c: JobContext) => Call[];
    /** Calls the role must never make: each must be denied. */
    never?: (c: JobContext) => Call[];
}

const DOC = {
    codebuildRole: "https://docs.aws.amazon.com/codebuild/latest/userguide/setting-up-service-role.html",
    codebuildVpc: "https://docs.aws.amazon.com/codebuild/latest/userguide/enabling-vpc-access-in-projects.html",
    cloneRef: "https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CodestarConnectionSource.html",
    cdkCloneRef: "https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.pipelines.ConnectionSourceOptions.html",
    pipelineRole: "https://docs.aws.amazon.com/codepipeline/latest/userguide/how-to-custom-role.html",
    ecsAction: "https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-ECS.html",
    ecsTagOnCreate: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/supported-iam-actions-tagging.html",
    execRole: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html",
    taskRole: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html",
    flowLogs: "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html",
    events: "https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-trigger-source-schedule.html",
    rdsSnapshot: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonrds.html",
    ecrPush: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push-iam.html",
    rdsMonitoring: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html",
    backupRole: "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSBackupServiceRolePolicyForBackup.html",
    githubOidc: "https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services",
    ec2TagOnCreate: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/supported-iam-actions-tagging.html",
    route53Conditions: "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/specifying-rrset-conditions.html",
    notifications: "https://docs.aws.amazon.com/dtconsole/latest/userguide/security_iam_id-based-policy-examples-notifications.html",
    dashboards: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html",
    s3Actions: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html",
    imageBuilderActions: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2imagebuilder.html",
    amiParameter: "https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-ec2-aliases.html",
    instanceRefresh: "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_StartInstanceRefresh.html",
    ssmInstance: "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonSSMManagedInstanceCore.html",
    cwAgent: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html",
    imageBuilderProfile: "https://docs.aws.amazon.com/imagebuilder/latest/userguide/security-iam-awsmanpol.html",
    secretsKms: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html",
};

// ---------------------------------------------------------------------------------------------
// Reading the plan
// ---------------------------------------------------------------------------------------------

function find(c: JobContext, type: string, test: (r: PlannedResource) => boolean, what: string): PlannedResource {
    const r = ofType(c.plan, type).find(test);
    if (!r) throw new Error(`${c.stack}: the access matrix looks for ${what} (${type}) and the plan has none`);
    return r;
}
const named = (part: string) => (r: PlannedResource) => r.name.includes(part);
const arnOf = (c: JobContext, type: string, part: string) => String(find(c, type, named(part), part).outputs.arn);
const bucketOf = (c: JobContext, part: string) => String(find(c, "aws:s3/bucket:Bucket", named(part), `${part} bucket`).outputs.bucket);
const stageKey = (c: JobContext) => arnOf(c, "aws:kms/key:Key", `${c.stage}-key`);
const buildLogs = (c: JobContext) => arnOf(c, "aws:cloudwatch/logGroup:LogGroup", "pipeline-builds");
const artifacts = (c: JobContext) => bucketOf(c, "pipeline-artifacts");
const connection = (c: JobContext) => c.plan.settings.pipeline.connectionArn as string;
const has = (c: JobContext, type: string, part: string) => ofType(c.plan, type).some(named(part));
/** The stage's uploads bucket (not its backup), when it has one. */
const uploadsBucket = (c: JobContext) => ofType(c.plan, "aws:s3/bucket:Bucket").find((b) => /-uploads$/.test(b.name))?.outputs.bucket as string | undefined;
const services = (c: JobContext) => ofType(c.plan, "aws:ecs/service:Service");
const scalableTargets = (c: JobContext) => ofType(c.plan, "aws:appautoscaling/target:Target").filter((t) => t.inputs.scalableDimension === "ecs:service:DesiredCount");
/** What RegisterScalableTarget is called with for an ECS service (its condition keys). */
const SCALING_CONTEXT = { "application-autoscaling:service-namespace": "ecs", "application-autoscaling:scalable-dimension": "ecs:service:DesiredCount" };
const acct = MOCK_ACCOUNT;

/** What every CodeBuild step does: write its logs, read/write artifacts, use the stage key. */
function buildBasics(c: JobContext, step: string): Call[] {
    const logs = buildLogs(c);
    const bucket = artifacts(c);
    return [
        { action: "logs:CreateLogStream", resource: `${logs}:log-stream:${step}`, note: "build log stream" },
        { action: "logs:PutLogEvents", resource: `${logs}:log-stream:${step}` },
        { action: "s3:GetObject", resource: `arn:aws:s3:::${bucket}/${c.stage}-pipeline/source/abc123`, note: "input artifact" },
        { action: "s3:PutObject", resource: `arn:aws:s3:::${bucket}/${c.stage}-pipeline/build/def456`, note: "output artifact" },
        { action: "kms:Decrypt", resource: stageKey(c) },
        { action: "kms:GenerateDataKey", resource: stageKey(c) },
    ];
}

/** Staging's planned image repository of the first service (prod's promote pulls from it). */
function stagingRepoArn(c: JobContext): string {
    const staging = c.peers.find((p) => p.stack === "staging");
    const repo = staging && ofType(staging, "aws:ecr/repository:Repository")[0];
    if (!repo) throw new Error(`${c.stack}: the access matrix needs staging's planned ECR repository`);
    return String(repo.outputs.arn);
}

/** Where staging's publish step writes (prod's hand-off, as its CodeBuild project is planned). */
function handoffTarget(c: JobContext): { bucket: string; key: string; kmsKeyArn: string } {
    const project = find(c, "aws:codebuild/project:Project", named("publish-release"), "publish-release project");
    const vars = (project.inputs.environment as { environmentVariables: { name: string; value: string }[] }).environmentVariables;
    const get = (n: string) => String(vars.find((v) => v.name === n)?.value ?? "");
    return { bucket: get("RELEASE_BUCKET"), key: get("RELEASE_OBJECT_KEY"), kmsKeyArn: get("RELEASE_KMS_KEY_ARN") };
}

/** A build that reads the CodeConnections source with CODEBUILD_CLONE_REF clones through the connection. */
function cloneCall(c: JobContext): Call {
    return { action: `${connection(c).split(":")[2]}:UseConnection`, resource: connection(c), note: "clone the CODEBUILD_CLONE_REF source" };
}

/** Another stage's planned resources: prod's for every stage but prod, staging's for prod. */
function otherStage(c: JobContext): { stage: string; artifacts: string; secret?: string; db?: string } {
    const stage = c.stage === "prod" ? "staging" : "prod";
    const plan = c.peers.find((p) => p.settings.stage === stage && p.stack === stage);
    const bucket = plan && ofType(plan, "aws:s3/bucket:Bucket").find((b) => b.name.includes("pipeline-artifacts"));
    const db = plan && ofType(plan, "aws:rds/instance:Instance")[0];
    const secrets = db?.outputs.masterUserSecrets as { secretArn: string }[] | undefined;
    return {
        stage,
        artifacts: String(bucket?.outputs.bucket ?? `${stage}-pipeline-artifacts-0000000`),
        secret: secrets?.[0]?.secretArn,
        db: db ? String(db.outputs.arn) : undefined,
    };
}

/** Calls against another stage's data no stage build may make (its artifacts, its database secret as planned). */
function otherStageData(c: JobContext): Call[] {
    const o = otherStage(c);
    return [
        { action: "s3:GetObject", resource: `arn:aws:s3:::${o.artifacts}/x`, note: `${o.stage}'s artifacts` },
        // A stage on prod's shared database reads prod's secret by design (its execution role's job).
        ...(o.secret && c.plan.settings.database.mode !== "shared" ? [{ action: "secretsmanager:GetSecretValue", resource: o.secret, note: `${o.stage}'s database secret` }] : []),
    ];
}

const codebuild = { service: "codebuild.amazonaws.com" };
const service = (s: string) => () => ({ service: s });

// ---------------------------------------------------------------------------------------------
// The jobs
// ---------------------------------------------------------------------------------------------

export const JOBS: Job[] = [
    {
        role: /^build-role$/,
        purpose: "CodeBuild Build: clone, test, docker build, push to ECR",
        docs: [DOC.codebuildRole, DOC.cloneRef, DOC.ecrPush],
        assumedBy: () => codebuild,
        calls: (c) => [
            ...buildBasics(c, "build"),
            cloneCall(c),
            ...(services(c).length > 0
                ? [
                      { action: "ecr:GetAuthorizationToken", resource: "*" },
                      { action: "ecr:InitiateLayerUpload", resource: arnOf(c, "aws:ecr/repository:Repository", "repo") },
                      { action: "ecr:PutImage", resource: arnOf(c, "aws:ecr/repository:Repository", "repo") },
                  ]
                : []),
        ],
        never: (c) => [...otherStageData(c), { action: "ecr:DeleteRepository", resource: arnOf(c, "aws:ecr/repository:Repository", "repo") }],
    },
    {
        role: /^release-notes-role$/,
        purpose: "CodeBuild ReleaseNotes: clone with history, write NOTES.md",
        docs: [DOC.codebuildRole, DOC.cloneRef],
        assumedBy: () => codebuild,
        calls: (c) => [...buildBasics(c, "release-notes"), cloneCall(c)],
        never: otherStageData,
    },
    {
        role: /^db-snapshot-role$/,
        purpose: "CodeBuild DatabaseSnapshot: snapshot the stage's database before deploy",
        docs: [DOC.codebuildRole, DOC.rdsSnapshot, DOC.cloneRef, DOC.cdkCloneRef],
        assumedBy: () => codebuild,
        calls: (c) => {
            const db = c.plan.settings.database.mode === "shared" ? `arn:aws:rds:${c.region}:${acct}:db:prod-db` : arnOf(c, "aws:rds/instance:Instance", "db");
            const snap = `arn:aws:rds:${c.region}:${acct}:snapshot:${c.stage}-pre-release-20260101`;
            // Staging's snapshot step reads the CodeConnections clone-ref source; prod's reads the S3 release.
            const readsCloneRef = c.plan.settings.pipeline.trigger !== "promote";
            return [
                ...buildBasics(c, "db-snapshot"),
                ...(readsCloneRef ? [cloneCall(c)] : []),
                { action: "rds:CreateDBSnapshot", resource: db },
                { action: "rds:CreateDBSnapshot", resource: snap },
                { action: "rds:AddTagsToResource", resource: snap },
                { action: "rds:DescribeDBSnapshots", resource: snap },
                // Housekeeping (issue 19): delete its own older pre-release snapshots, tagged purpose=pre-release.
                { action: "rds:DeleteDBSnapshot", resource: snap, context: { "rds:snapshot-tag/purpose": "pre-release" }, note: "prune its own older snapshot" },
            ];
        },
        never: (c) => [
            ...otherStageData(c),
            { action: "rds:DeleteDBInstance", resource: `arn:aws:rds:${c.region}:${acct}:db:prod-db` },
            { action: "rds:DeleteDBSnapshot", resource: `arn:aws:rds:${c.region}:${acct}:snapshot:${c.stage}-pre-release-20260101`, note: "untagged: made by a person" },
            { action: "rds:DeleteDBSnapshot", resource: `arn:aws:rds:${c.region}:${acct}:snapshot:${c.stage}-manual-20260101`, context: { "rds:snapshot-tag/purpose": "pre-release" }, note: "another name prefix" },
        ],
    },
    {
        role: /^smoke-test-role$/,
        purpose: "CodeBuild SmokeTest in the VPC: call each service's health URL",
        docs: [DOC.codebuildRole, DOC.codebuildVpc],
        assumedBy: () => codebuild,
        calls: (c) => [
            ...buildBasics(c, "smoke-test"),
            { action: "ec2:CreateNetworkInterface", resource: "*" },
            { action: "ec2:DescribeSubnets", resource: "*" },
            {
                action: "ec2:CreateNetworkInterfacePermission",
                resource: `arn:aws:ec2:${c.region}:${acct}:network-interface/eni-0123456789abcdef0`,
                context: { "ec2:AuthorizedService": "codebuild.amazonaws.com", "ec2:Subnet": String(find(c, "aws:ec2/subnet:Subnet", (r) => /private|workload|app/.test(r.name), "workload subnet").outputs.arn) },
            },
        ],
        never: otherStageData,
    },
    {
        role: /^load-test-role$/,
        purpose: "CodeBuild LoadTest in the VPC: fetch the pinned load tool, drive each health path and loadtest/*.json, keep the summary",
        docs: [DOC.codebuildRole, DOC.codebuildVpc, DOC.cloneRef],
        assumedBy: () => codebuild,
        calls: (c) => {
            const tools = bucketOf(c, "pipeline-tools");
            return [
                ...buildBasics(c, "load-test"),
                cloneCall(c),
                { action: "s3:GetObject", resource: `arn:aws:s3:::${tools}/loadtest/package-lock.json`, note: "the pinned load tool" },
                { action: "s3:PutObject", resource: `arn:aws:s3:::${artifacts(c)}/reports/exec-1/loadtest.json`, note: "the summary next to the release report" },
                { action: "ec2:CreateNetworkInterface", resource: "*" },
                { action: "ec2:DescribeSubnets", resource: "*" },
            ];
        },
        never: (c) => [
            ...otherStageData(c),
            { action: "s3:PutObject", resource: `arn:aws:s3:::${bucketOf(c, "pipeline-tools")}/loadtest/loadtest.js`, note: "rewrite its own tool" },
        ],
    },
    {
        role: /^publish-release-role$/,
        purpose: "CodeBuild PublishForPromotion: write release.zip to the hand-off location",
        docs: [DOC.codebuildRole],
        assumedBy: () => codebuild,
        // The hand-off is prod's (components/pipeline/handoff.ts): staging reads its bucket and key from prod's outputs.
        calls: (c) => {
            const h = handoffTarget(c);
            return [
                ...buildBasics(c, "publish-release"),
                { action: "s3:PutObject", resource: `arn:aws:s3:::${h.bucket}/${h.key}`, note: "prod's hand-off" },
                { action: "kms:GenerateDataKey", resource: h.kmsKeyArn, note: "SSE-KMS with the hand-off key" },
            ];
        },
        never: (c) => {
            const h = handoffTarget(c);
            return [
                ...otherStageData(c),
                { action: "s3:DeleteObject", resource: `arn:aws:s3:::${h.bucket}/${h.key}`, note: "erase a release" },
                { action: "s3:PutObject", resource: `arn:aws:s3:::${h.bucket}/other/release.zip`, note: "anything but the one key" },
            ];
        },
    },
    {
        role: /^promote-role$/,
        purpose: "CodeBuild Promote: copy staging's approved image digests into prod's repositories",
        docs: [DOC.codebuildRole, DOC.ecrPush],
        assumedBy: () => codebuild,
        calls: (c) => [
            ...buildBasics(c, "promote"),
            { action: "ecr:GetAuthorizationToken", resource: "*" },
            // Prod reads no stack: it names staging's repositories by their pattern (staging-<svc>-repo-*); this is staging's planned one.
            { action: "ecr:BatchGetImage", resource: stagingRepoArn(c), note: "staging's approved image" },
            { action: "ecr:PutImage", resource: arnOf(c, "aws:ecr/repository:Repository", "repo") },
        ],
        never: (c) => [{ action: "ecr:PutImage", resource: stagingRepoArn(c), note: "write staging's images" }],
    },
    {
        role: /^pipeline-role$/,
        purpose: "CodePipeline: artifacts, start builds, ECS deploy, approvals",
        docs: [DOC.pipelineRole, DOC.ecsAction, DOC.ecsTagOnCreate, DOC.cloneRef],
        assumedBy: service("codepipeline.amazonaws.com"),
        calls: (c) => {
            const bucket = artifacts(c);
            const out: Call[] = [
                { action: "s3:PutObject", resource: `arn:aws:s3:::${bucket}/${c.stage}-pipeline/source/abc123` },
                { action: "s3:GetObject", resource: `arn:aws:s3:::${bucket}/${c.stage}-pipeline/build/def456` },
                { action: "kms:GenerateDataKey", resource: stageKey(c) },
                ...ofType(c.plan, "aws:codebuild/project:Project").map((p) => ({ action: "codebuild:StartBuild", resource: String(p.outputs.arn) })),
                { action: "codebuild:BatchGetBuilds", resource: String(ofType(c.plan, "aws:codebuild/project:Project")[0].outputs.arn) },
            ];
            if (c.plan.settings.pipeline.trigger !== "promote") out.push({ action: `${connection(c).split(":")[2]}:UseConnection`, resource: connection(c), note: "source action" });
            if (has(c, "aws:sns/topic:Topic", "approvals")) out.push({ action: "sns:Publish", resource: arnOf(c, "aws:sns/topic:Topic", "approvals") });
            if (c.plan.settings.pipeline.trigger === "promote") {
                // Prod's own hand-off bucket (staging writes into it) is its S3 source.
                out.push(
                    { action: "s3:GetObject", resource: `arn:aws:s3:::${bucketOf(c, "release-handoff-bucket")}/approved/release.zip`, note: "the release staging signed off" },
                    { action: "kms:Decrypt", resource: arnOf(c, "aws:kms/key:Key", "release-handoff-key"), note: "the hand-off key" },
                );
            }
            return out;
        },
        never: (c) => [
            ...services(c).map((s) => ({ action: "iam:PassRole", resource: String(find(c, "aws:iam/role:Role", named("pipeline-role"), "pipeline role").outputs.arn), context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" }, note: `pass itself (${s.name})` })),
            ...services(c).map((s) => ({ action: "ecs:DeleteService", resource: String(s.outputs.arn) })),
            // Services deploy through the deploy-services CodeBuild step (components/pipeline/deploy.ts), not an ECS action.
            ...services(c).map((s) => ({ action: "ecs:UpdateService", resource: String(s.outputs.arn), note: "deploys only through deploy-services" })),
        ],
    },
    {
        role: /^deploy-services-role$/,
        purpose: "CodeBuild Deploy: register code's task definition (from SSM) with the release image, update each service, apply code's autoscaling range, wait until stable",
        docs: [
            DOC.codebuildRole,
            DOC.ecsAction,
            DOC.ecsTagOnCreate,
            "https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-restrict-parameter-access.html",
            "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html",
        ],
        assumedBy: () => codebuild,
        calls: (c) => {
            const out: Call[] = [...buildBasics(c, "deploy-services")];
            for (const p of ofType(c.plan, "aws:ssm/parameter:Parameter").filter((r) => /-task-definition$/.test(r.name))) {
                out.push({ action: "ssm:GetParameter", resource: String(p.outputs.arn), note: "the revision code registered" });
            }
            for (const td of ofType(c.plan, "aws:ecs/taskDefinition:TaskDefinition")) {
                out.push({ action: "ecs:TagResource", resource: `arn:aws:ecs:${c.region}:${acct}:task-definition/${String(td.inputs.family)}:2`, context: { "ecs:CreateAction": "RegisterTaskDefinition" }, note: "tags on the new revision" });
            }
            out.push({ action: "ecs:DescribeTaskDefinition", resource: "*" });
            for (const td of ofType(c.plan, "aws:ecs/taskDefinition:TaskDefinition")) {
                out.push({ action: "ecs:RegisterTaskDefinition", resource: `arn:aws:ecs:${c.region}:${acct}:task-definition/${String(td.inputs.family)}:2`, note: "the release's revision" });
            }
            for (const s of services(c)) out.push({ action: "ecs:UpdateService", resource: String(s.outputs.arn) }, { action: "ecs:DescribeServices", resource: String(s.outputs.arn) });
            // Code's autoscaling range, applied on every deploy; a new service leaves 0..0 here (components/firstRelease.ts).
            out.push({ action: "application-autoscaling:DescribeScalableTargets", resource: "*", note: "is the service still awaiting its first release?" });
            for (const t of scalableTargets(c)) {
                out.push({ action: "application-autoscaling:RegisterScalableTarget", resource: String(t.outputs.arn), context: SCALING_CONTEXT, note: `code's range for ${t.name}` });
            }
            for (const r of ofType(c.plan, "aws:iam/role:Role").filter((r) => /-(execution|task)$/.test(r.name))) {
                out.push({ action: "iam:PassRole", resource: String(r.outputs.arn), context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } });
            }
            return out;
        },
        never: (c) => [
            ...otherStageData(c),
            ...services(c).map((s) => ({ action: "ecs:DeleteService", resource: String(s.outputs.arn) })),
            { action: "ecs:TagResource", resource: services(c).length > 0 ? String(services(c)[0].outputs.arn) : `arn:aws:ecs:${c.region}:${acct}:service/x/y`, note: "retag a running service" },
            { action: "ssm:PutParameter", resource: `arn:aws:ssm:${c.region}:${acct}:parameter/stageline/${c.stage}/web/task-definition`, note: "code owns the revision" },
            { action: "ecs:RegisterTaskDefinition", resource: `arn:aws:ecs:${c.region}:${acct}:task-definition/${c.stage === "prod" ? "staging" : "prod"}-web:9`, note: "another stage's family" },
            { action: "application-autoscaling:RegisterScalableTarget", resource: `arn:aws:application-autoscaling:${c.region}:${acct}:scalable-target/0123456789abcdef0123`, context: SCALING_CONTEXT, note: "a scalable target not of its services" },
            ...scalableTargets(c).map((t) => ({ action: "application-autoscaling:DeregisterScalableTarget", resource: String(t.outputs.arn), note: "remove a service's autoscaling" })),
        ],
    },
    {
        role: /^schedule-role$/,
        purpose: "EventBridge schedule: start this pipeline",
        docs: [DOC.events],
        assumedBy: service("events.amazonaws.com"),
        calls: (c) => [{ action: "codepipeline:StartPipelineExecution", resource: arnOf(c, "aws:codepipeline/pipeline:Pipeline", "pipeline") }],
        never: (c) => [{ action: "codepipeline:StartPipelineExecution", resource: `arn:aws:codepipeline:${c.region}:${acct}:prod-pipeline-0000000` }],
    },
    {
        role: /^restart-events$/,
        purpose: "EventBridge: on the database secret's RotationSucceeded, start the stage's restart state machine",
        docs: ["https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html", "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html"],
        assumedBy: service("events.amazonaws.com"),
        calls: (c) => [{ action: "states:StartExecution", resource: arnOf(c, "aws:sfn/stateMachine:StateMachine", "restart") }],
        never: (c) => [
            { action: "states:StartExecution", resource: `arn:aws:states:${c.region}:${acct}:stateMachine:${c.stage === "prod" ? "staging" : "prod"}-restart-0000000`, note: "another stage's restart" },
            { action: "codepipeline:StartPipelineExecution", resource: `arn:aws:codepipeline:${c.region}:${acct}:${c.stage}-pipeline-0000000` },
        ],
    },
    {
        role: /^restart-sfn$/,
        purpose: "Step Functions: force a new deployment of each of the stage's services, so new tasks read the rotated password",
        docs: ["https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html", "https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html"],
        assumedBy: service("states.amazonaws.com"),
        calls: (c) => services(c).map((s) => ({ action: "ecs:UpdateService", resource: String(s.outputs.arn), note: `restart ${s.name}` })),
        never: (c) => [
            ...services(c).map((s) => ({ action: "ecs:DeleteService", resource: String(s.outputs.arn) })),
            { action: "ecs:RegisterTaskDefinition", resource: "*", note: "the restart keeps each service's revision" },
            { action: "ecs:UpdateService", resource: `arn:aws:ecs:${c.region}:${acct}:service/${c.stage === "prod" ? "staging" : "prod"}-cluster/web`, note: "another stage's service" },
        ],
    },
    {
        role: /^flow-logs$/,
        purpose: "VPC flow logs: write to the stage's flow-log group",
        docs: [DOC.flowLogs],
        assumedBy: service("vpc-flow-logs.amazonaws.com"),
        calls: (c) => {
            const lg = arnOf(c, "aws:cloudwatch/logGroup:LogGroup", "flow-logs");
            return [
                { action: "logs:CreateLogStream", resource: `${lg}:log-stream:eni-0123` },
                { action: "logs:PutLogEvents", resource: `${lg}:log-stream:eni-0123` },
            ];
        },
        never: (c) => [{ action: "logs:PutLogEvents", resource: `${buildLogs(c)}:log-stream:build` }],
    },
    {
        role: /^[a-z0-9-]+-execution$/,
        purpose: "ECS task execution: pull the image, write logs, inject the database secret",
        docs: [DOC.execRole],
        assumedBy: service("ecs-tasks.amazonaws.com"),
        calls: (c) => {
            const svc = services(c)[0];
            const name = svc ? String(svc.name).replace(`${c.stage}-`, "") : "web";
            const out: Call[] = [
                { action: "ecr:GetAuthorizationToken", resource: "*" },
                { action: "ecr:BatchGetImage", resource: arnOf(c, "aws:ecr/repository:Repository", "repo") },
                { action: "ecr:GetDownloadUrlForLayer", resource: arnOf(c, "aws:ecr/repository:Repository", "repo") },
                { action: "logs:CreateLogStream", resource: `arn:aws:logs:${c.region}:${acct}:log-group:/ecs/${c.stage}-${name}:log-stream:app/x` },
                { action: "logs:PutLogEvents", resource: `arn:aws:logs:${c.region}:${acct}:log-group:/ecs/${c.stage}-${name}:log-stream:app/x` },
            ];
            const secret = dbSecret(c);
            if (secret) out.push({ action: "secretsmanager:GetSecretValue", resource: secret.arn }, { action: "kms:Decrypt", resource: secret.key });
            return out;
        },
        never: (c) =>
            c.stage === "prod" || c.plan.settings.database.mode === "shared"
                ? [{ action: "secretsmanager:PutSecretValue", resource: dbSecret(c)?.arn ?? `arn:aws:secretsmanager:${c.region}:${acct}:secret:x` }]
                : otherStageData(c).filter((x) => x.action.startsWith("secretsmanager:")),
    },
    {
        role: /^[a-z0-9-]+-task$/,
        purpose: "ECS task role: the application's own AWS calls (the uploads bucket, where the stage has one)",
        docs: [DOC.taskRole],
        assumedBy: service("ecs-tasks.amazonaws.com"),
        calls: (c) =>
            uploadsBucket(c)
                ? [
                      { action: "s3:GetObject", resource: `arn:aws:s3:::${uploadsBucket(c)}/u/1.png` },
                      { action: "s3:PutObject", resource: `arn:aws:s3:::${uploadsBucket(c)}/u/1.png` },
                  ]
                : [],
        never: (c) => [...(dbSecret(c) ? [{ action: "secretsmanager:GetSecretValue", resource: dbSecret(c)?.arn as string, note: "the database secret is the execution role's" }] : []), ...otherStageData(c)],
    },
    {
        role: /^db-monitoring$/,
        purpose: "RDS enhanced monitoring (AWS-managed policy AmazonRDSEnhancedMonitoringRole)",
        docs: [DOC.rdsMonitoring],
        assumedBy: service("monitoring.rds.amazonaws.com"),
        calls: () => [],
    },
    {
        role: /^db-backup$/,
        purpose: "AWS Backup of the database (AWS-managed policy AWSBackupServiceRolePolicyForBackup)",
        docs: [DOC.backupRole],
        assumedBy: service("backup.amazonaws.com"),
        calls: () => [],
    },
    {
        role: /^deploy-role$/,
        purpose: "GitHub Actions `pulumi up` of the stage (deploy.yml)",
        docs: [DOC.githubOidc, DOC.ec2TagOnCreate, DOC.route53Conditions, DOC.notifications, DOC.dashboards],
        assumedBy: (c) => ({ federated: "token.actions.githubusercontent.com", sub: `repo:${c.plan.settings.github.owner}/${c.plan.settings.github.infraRepository}:environment:${c.stage}` }),
        calls: deployCalls,
        never: deployNever,
    },
    {
        role: /^preview-role$/,
        purpose: "GitHub Actions `pulumi preview` of pull requests: read only",
        docs: [DOC.githubOidc],
        assumedBy: (c) => ({ federated: "token.actions.githubusercontent.com", sub: `repo:${c.plan.settings.github.owner}/${c.plan.settings.github.infraRepository}:pull_request` }),
        calls: (c) => [
            { action: "ec2:DescribeVpcs", resource: "*" },
            { action: "iam:GetRole", resource: `arn:aws:iam::${acct}:role/${c.stage}-github-deploy` },
            { action: "route53:ListResourceRecordSets", resource: `arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ` },
            // The program asks whether each repository holds an image yet (components/firstRelease.ts).
            ...ofType(c.plan, "aws:ecr/repository:Repository").map((r) => ({ action: "ecr:ListImages", resource: String(r.outputs.arn), note: "aws.ecr.getImages" })),
        ],
        never: (c) => [
            { action: "iam:PutRolePolicy", resource: `arn:aws:iam::${acct}:role/${c.stage}-github-deploy` },
            { action: "ecs:UpdateService", resource: `arn:aws:ecs:${c.region}:${acct}:service/prod-cluster/prod-web`, context: { "aws:ResourceTag/stage": "prod" } },
        ],
    },
];


// ---------------------------------------------------------------------------------------------
// EC2 services (the staging-ec2 variant plans them): package, bake, report, refresh, instances
// ---------------------------------------------------------------------------------------------

/** The EC2 services' names, from their Auto Scaling groups (`<stage>-<service>`). */
const ec2Services = (c: JobContext) => ofType(c.plan, "aws:autoscaling/group:Group").map((g) => g.name.replace(`${c.stage}-`, ""));
const packageObject = (c: JobContext, svc: string) => `arn:aws:s3:::${bucketOf(c, `${svc}-packages`)}/${svc}/release.tar.gz`;
const amiParameter = (c: JobContext, svc: string) => arnOf(c, "aws:ssm/parameter:Parameter", `${svc}-ami`);

export const EC2_JOBS: Job[] = [
    {
        role: /^uploads-backup-role$/,
        purpose: "CodeBuild UploadsBackup: copy the uploads bucket into the backup bucket before deploy",
        docs: [DOC.codebuildRole, DOC.s3Actions, DOC.cloneRef, DOC.cdkCloneRef],
        assumedBy: () => codebuild,
        calls: (c) => {
            const uploads = uploadsBucket(c) as string;
            const backup = bucketOf(c, "uploads-backup");
            return [
                ...buildBasics(c, "uploads-backup"),
                cloneCall(c),
                { action: "s3:ListBucket", resource: `arn:aws:s3:::${uploads}` },
                { action: "s3:GetObject", resource: `arn:aws:s3:::${uploads}/u/1.png` },
                { action: "s3:PutObject", resource: `arn:aws:s3:::${backup}/20260101/u/1.png` },
            ];
        },
        never: (c) => [{ action: "s3:DeleteObject", resource: `arn:aws:s3:::${uploadsBucket(c)}/u/1.png`, note: "delete an upload" }],
    },
    {
        role: /^package-role$/,
        purpose: "CodeBuild Package: pack each EC2 service's release.tar.gz and upload it",
        docs: [DOC.codebuildRole, DOC.cloneRef, DOC.cdkCloneRef],
        assumedBy: () => codebuild,
        calls: (c) => [...buildBasics(c, "package"), cloneCall(c), ...ec2Services(c).map((svc) => ({ action: "s3:PutObject", resource: packageObject(c, svc) }))],
        never: (c) => ec2Services(c).map((svc) => ({ action: "s3:PutObject", resource: packageObject(c, svc).replace("release.tar.gz", "other.tar.gz"), note: "any other object" })),
    },
    {
        role: /^bake-[a-z0-9-]+-role$/,
        purpose: "CodeBuild Bake: run the service's image pipeline, wait for the AMI, pin the AMI parameter",
        docs: [DOC.codebuildRole, DOC.imageBuilderActions, DOC.amiParameter],
        assumedBy: () => codebuild,
        calls: (c) => {
            const out: Call[] = [...buildBasics(c, "bake"), { action: "ec2:DescribeImages", resource: "*" }];
            for (const svc of ec2Services(c)) {
                const pipeline = arnOf(c, "aws:imagebuilder/imagePipeline:ImagePipeline", `${svc}`);
                const recipe = String(find(c, "aws:imagebuilder/imageRecipe:ImageRecipe", named(svc), "recipe").name).toLowerCase();
                out.push(
                    { action: "imagebuilder:StartImagePipelineExecution", resource: pipeline },
                    { action: "imagebuilder:GetImage", resource: `arn:aws:imagebuilder:${c.region}:${acct}:image/${recipe}/1.0.0/2` },
                    { action: "ssm:PutParameter", resource: amiParameter(c, svc) },
                );
            }
            return out;
        },
        never: (c) => [{ action: "ssm:PutParameter", resource: `arn:aws:ssm:${c.region}:${acct}:parameter/stageline/prod/legacy/ami-id`, note: "prod's AMI" }],
    },
    {
        role: /^release-report-role$/,
        purpose: "CodeBuild ReleaseReport: the release report from the build, packages and notes artifacts",
        docs: [DOC.codebuildRole],
        assumedBy: () => codebuild,
        calls: (c) => buildBasics(c, "release-report"),
        never: otherStageData,
    },
    {
        role: /^refresh-[a-z0-9-]+-role$/,
        purpose: "CodeBuild Refresh: write the release's AMI to the parameter, refresh the group at 100/200 %",
        docs: [DOC.codebuildRole, DOC.instanceRefresh, DOC.amiParameter],
        assumedBy: () => codebuild,
        calls: (c) => [
            ...buildBasics(c, "refresh"),
            { action: "autoscaling:DescribeInstanceRefreshes", resource: "*" },
            ...ec2Services(c).flatMap((svc) => [
                { action: "ssm:GetParameterHistory", resource: amiParameter(c, svc) },
                { action: "ssm:PutParameter", resource: amiParameter(c, svc) },
                { action: "autoscaling:StartInstanceRefresh", resource: arnOf(c, "aws:autoscaling/group:Group", svc) },
            ]),
        ],
        never: (c) => ec2Services(c).map((svc) => ({ action: "autoscaling:DeleteAutoScalingGroup", resource: arnOf(c, "aws:autoscaling/group:Group", svc) })),
    },
    {
        role: /^[a-z0-9-]+-instance$/,
        purpose: "EC2 instance of a service: SSM agent (AWS-managed AmazonSSMManagedInstanceCore), logs, agent metrics, uploads, the database secret",
        docs: [DOC.ssmInstance, DOC.cwAgent, DOC.secretsKms],
        assumedBy: service("ec2.amazonaws.com"),
        calls: (c) => {
            const svc = ec2Services(c)[0];
            const out: Call[] = [
                { action: "logs:PutLogEvents", resource: `arn:aws:logs:${c.region}:${acct}:log-group:/ec2/${c.stage}-${svc}:log-stream:i-0123456789abcdef0` },
                { action: "cloudwatch:PutMetricData", resource: "*", context: { "cloudwatch:namespace": "CWAgent" } },
            ];
            if (uploadsBucket(c)) out.push({ action: "s3:PutObject", resource: `arn:aws:s3:::${uploadsBucket(c)}/u/1.png` });
            const secret = dbSecret(c);
            if (secret) out.push({ action: "secretsmanager:GetSecretValue", resource: secret.arn }, { action: "kms:Decrypt", resource: secret.key, context: { "kms:ViaService": `secretsmanager.${c.region}.amazonaws.com` } });
            return out;
        },
        never: (c) => [
            { action: "cloudwatch:PutMetricData", resource: "*", context: { "cloudwatch:namespace": "AWS/EC2" }, note: "AWS's namespaces" },
            ...(dbSecret(c) ? [{ action: "kms:Decrypt", resource: dbSecret(c)?.key as string, note: "decrypt outside Secrets Manager" }] : []),
        ],
    },
    {
        role: /^[a-z0-9-]+-build$/,
        purpose: "EC2 Image Builder build instance: fetch the release package, read its own component (plus AWS-managed AmazonSSMManagedInstanceCore)",
        docs: [DOC.imageBuilderProfile, DOC.imageBuilderActions],
        assumedBy: service("ec2.amazonaws.com"),
        calls: (c) =>
            ec2Services(c).flatMap((svc) => [
                { action: "s3:GetObject", resource: packageObject(c, svc) },
                { action: "kms:Decrypt", resource: stageKey(c) },
                { action: "imagebuilder:GetComponent", resource: `${arnOf(c, "aws:imagebuilder/component:Component", svc).replace(/\/[^/]*$/, "")}/${c.stage}-${svc}-install/1.0.0/1` },
            ]),
        never: (c) => ec2Services(c).map((svc) => ({ action: "s3:PutObject", resource: packageObject(c, svc), note: "overwrite the package" })),
    },
];

function dbSecret(c: JobContext): { arn: string; key: string } | undefined {
    if (c.plan.settings.database.mode === "shared") {
        return { arn: `arn:aws:secretsmanager:${c.region}:${acct}:secret:rds!db-4f6c1e2a-7b3d-4c1a-9f0e-2d5b8a6c4e11-AbCdEf`, key: `arn:aws:kms:${c.region}:${acct}:key/7d2e4f61-3b8a-4c9e-a1f0-5e6d7c8b9a01` };
    }
    const db = ofType(c.plan, "aws:rds/instance:Instance")[0];
    const secrets = db?.outputs.masterUserSecrets as { secretArn: string }[] | undefined;
    if (!secrets?.[0]) return undefined;
    return { arn: secrets[0].secretArn, key: stageKey(c) };
}

/** Record names a stage changes: its host name and the certificate's validation record under it. */
function ownRecordNames(c: JobContext): string[] {
    return ofType(c.plan, "aws:route53/record:Record").map((r) => String(r.inputs.name).toLowerCase().replace(/\.$/, ""));
}

/** The calls `pulumi up` makes for the resources this stage owns that IAM cannot scope by tag alone. */
function deployCalls(c: JobContext): Call[] {
    const tag = { "aws:RequestTag/stage": c.stage, "aws:TagKeys": ["stage"] };
    const out: Call[] = [
        { action: "sts:GetCallerIdentity", resource: "*" },
        { action: "ec2:CreateVpc", resource: `arn:aws:ec2:${c.region}:${acct}:vpc/*`, context: tag },
        // The program asks whether each repository holds an image yet (components/firstRelease.ts).
        ...ofType(c.plan, "aws:ecr/repository:Repository").map((r) => ({ action: "ecr:ListImages", resource: String(r.outputs.arn), note: "aws.ecr.getImages" })),
    ];
    const dash = ofType(c.plan, "aws:cloudwatch/dashboard:Dashboard")[0];
    if (dash) out.push({ action: "cloudwatch:PutDashboard", resource: `arn:aws:cloudwatch::${acct}:dashboard/${dash.inputs.dashboardName}`, note: "the stage's dashboard" });
    for (const n of ofType(c.plan, "aws:codestarnotifications/notificationRule:NotificationRule")) {
        const arn = String(n.outputs.arn);
        out.push(
            { action: "codestar-notifications:CreateNotificationRule", resource: arn, context: tag, note: "pipeline notification rule" },
            { action: "codestar-notifications:DescribeNotificationRule", resource: arn },
            { action: "codestar-notifications:UpdateNotificationRule", resource: arn, context: { "aws:ResourceTag/stage": c.stage } },
            { action: "codestar-notifications:DeleteNotificationRule", resource: arn, context: { "aws:ResourceTag/stage": c.stage } },
            { action: "codestar-notifications:TagResource", resource: arn, context: { ...tag, "aws:ResourceTag/stage": c.stage } },
        );
    }
    // Every security-group rule is tagged at creation: CreateTags is authorised with the create call.
    for (const r of [...ofType(c.plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"), ...ofType(c.plan, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")]) {
        const ingress = r.type.includes("Ingress");
        const action = ingress ? "AuthorizeSecurityGroupIngress" : "AuthorizeSecurityGroupEgress";
        const groupId = String(r.inputs.securityGroupId);
        const own = ofType(c.plan, "aws:ec2/securityGroup:SecurityGroup").some((g) => g.id === groupId);
        out.push(
            { action: `ec2:${action}`, resource: `arn:aws:ec2:${c.region}:${acct}:security-group/${groupId}`, context: { "aws:ResourceTag/stage": own ? c.stage : "prod" }, note: `${r.name}${own ? "" : " (prod's group)"}` },
            { action: "ec2:CreateTags", resource: `arn:aws:ec2:${c.region}:${acct}:security-group-rule/sgr-0123456789abcdef0`, context: { "ec2:CreateAction": action, ...tag }, note: `tag ${r.name} on create` },
        );
        if (!own) break; // one row for prod's group is enough; the others are the same shape
    }
    const zone = c.plan.settings.edge.hostedZoneId;
    for (const name of ownRecordNames(c)) {
        const zoneId = zone ?? String(find(c, "aws:route53/zone:Zone", () => true, "private zone").outputs.zoneId);
        out.push({
            action: "route53:ChangeResourceRecordSets",
            resource: `arn:aws:route53:::hostedzone/${zoneId}`,
            context: { "route53:ChangeResourceRecordSetsNormalizedRecordNames": [name], "route53:ChangeResourceRecordSetsActions": ["UPSERT"] },
            note: name.startsWith("_") ? "certificate validation record" : "the stage's host name",
        });
    }
    if (c.stage === "prod") {
        for (const arn of [`arn:aws:iam::${acct}:role/stageline-github-preview`, `arn:aws:iam::${acct}:policy/stageline-github-preview-read`]) {
            out.push({ action: arn.includes(":role/") ? "iam:UpdateAssumeRolePolicy" : "iam:CreatePolicyVersion", resource: arn, note: "the preview role prod owns" });
        }
        out.push({
            action: "iam:AttachRolePolicy",
            resource: `arn:aws:iam::${acct}:role/stageline-github-preview`,
            context: { "iam:PolicyARN": `arn:aws:iam::${acct}:policy/stageline-github-preview-read` },
        });
    }
    return out;
}

function deployNever(c: JobContext): Call[] {
    const zone = "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ";
    const other = c.stage === "prod" ? "staging" : "prod";
    const otherHost = other === "prod" ? "www.example.com" : "staging.example.com";
    const change = (names: string[], note: string): Call => ({
        action: "route53:ChangeResourceRecordSets",
        resource: zone,
        context: { "route53:ChangeResourceRecordSetsNormalizedRecordNames": names, "route53:ChangeResourceRecordSetsActions": ["UPSERT"] },
        note,
    });
    return [
        { action: "route53:DeleteHostedZone", resource: zone, note: "delete the public zone" },
        change([otherHost], `${other}'s record`),
        change(["example.com"], "the apex record"),
        change([ownRecordNames(c).find((n) => !n.startsWith("_")) ?? `${c.stage}.example.com`, otherHost], `own and ${other}'s record in one change`),
        { action: "iam:PutRolePolicy", resource: `arn:aws:iam::${acct}:role/${c.stage}-github-deploy`, note: "edit itself" },
        { action: "rds:DeleteDBInstance", resource: otherStage(c).db ?? `arn:aws:rds:${c.region}:${acct}:db:${other}-db`, context: { "aws:ResourceTag/stage": other }, note: `${other}'s database` },
        ...(c.stage === "prod" ? [] : [{ action: "iam:UpdateAssumeRolePolicy", resource: `arn:aws:iam::${acct}:role/stageline-github-preview`, note: "prod's preview role" }]),
    ];
}
