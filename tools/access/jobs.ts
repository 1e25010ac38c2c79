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
    stack: string;
    region: string;
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
    codebuildVpc: "https://docs.aws.amazon.com/codebuild/latest/userguide/auth-and-access-control-iam-identity-based-access-control.html#customer-managed-policies-example-create-vpc-network-interface",
    cloneRef: "https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CodestarConnectionSource.html",
    cdkCloneRef: "https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.pipelines.ConnectionSourceOptions.html",
    pipelineRole: "https://docs.aws.amazon.com/codepipeline/latest/userguide/security-iam.html#how-to-custom-role",
    ecsAction: "https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-ECS.html",
    execRole: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html",
    taskRole: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html",
    flowLogs: "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html",
    events: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html",
    rdsSnapshot: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonrds.html",
    ecrPush: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push-iam.html",
    rdsMonitoring: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html",
    backupRole: "https://docs.aws.amazon.com/aws-backup/latest/devguide/iam-service-roles.html",
    githubOidc: "https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services",
    ec2TagOnCreate: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/supported-iam-actions-tagging.html",
    route53Conditions: "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/specifying-rrset-conditions.html",
    notifications: "https://docs.aws.amazon.com/dtconsole/latest/userguide/security-iam.html",
    dashboards: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html",
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
const stageKey = (c: JobContext) => arnOf(c, "aws:kms/key:Key", `${c.stack}-key`);
const buildLogs = (c: JobContext) => arnOf(c, "aws:cloudwatch/logGroup:LogGroup", "pipeline-builds");
const artifacts = (c: JobContext) => bucketOf(c, "pipeline-artifacts");
const connection = (c: JobContext) => c.plan.settings.pipeline.connectionArn as string;
const has = (c: JobContext, type: string, part: string) => ofType(c.plan, type).some(named(part));
const services = (c: JobContext) => ofType(c.plan, "aws:ecs/service:Service");
const acct = MOCK_ACCOUNT;

/** What every CodeBuild step does: write its logs, read/write artifacts, use the stage key. */
function buildBasics(c: JobContext, step: string): Call[] {
    const logs = buildLogs(c);
    const bucket = artifacts(c);
    return [
        { action: "logs:CreateLogStream", resource: `${logs}:log-stream:${step}`, note: "build log stream" },
        { action: "logs:PutLogEvents", resource: `${logs}:log-stream:${step}` },
        { action: "s3:GetObject", resource: `arn:aws:s3:::${bucket}/${c.stack}-pipeline/source/abc123`, note: "input artifact" },
        { action: "s3:PutObject", resource: `arn:aws:s3:::${bucket}/${c.stack}-pipeline/build/def456`, note: "output artifact" },
        { action: "kms:Decrypt", resource: stageKey(c) },
        { action: "kms:GenerateDataKey", resource: stageKey(c) },
    ];
}

/** A build that reads the CodeConnections source with CODEBUILD_CLONE_REF clones through the connection. */
function cloneCall(c: JobContext): Call {
    return { action: `${connection(c).split(":")[2]}:UseConnection`, resource: connection(c), note: "clone the CODEBUILD_CLONE_REF source" };
}

/** Calls against another stage's data no stage build may make. */
function otherStageData(c: JobContext): Call[] {
    const other = c.stack === "prod" ? "staging" : "prod";
    return [
        { action: "s3:GetObject", resource: `arn:aws:s3:::${other}-pipeline-artifacts-0000000/x`, note: `${other}'s artifacts` },
        { action: "secretsmanager:GetSecretValue", resource: `arn:aws:secretsmanager:${c.region}:${acct}:secret:rds!db-${other}-AbCdEf`, note: `${other}'s database secret` },
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
            const snap = `arn:aws:rds:${c.region}:${acct}:snapshot:${c.stack}-pre-release-20260101`;
            // Staging's snapshot step reads the CodeConnections clone-ref source; prod's reads the S3 release.
            const readsCloneRef = c.plan.settings.pipeline.trigger !== "promote";
            return [
                ...buildBasics(c, "db-snapshot"),
                ...(readsCloneRef ? [cloneCall(c)] : []),
                { action: "rds:CreateDBSnapshot", resource: db },
                { action: "rds:CreateDBSnapshot", resource: snap },
                { action: "rds:AddTagsToResource", resource: snap },
                { action: "rds:DescribeDBSnapshots", resource: snap },
            ];
        },
        never: (c) => [
            ...otherStageData(c),
            { action: "rds:DeleteDBInstance", resource: `arn:aws:rds:${c.region}:${acct}:db:prod-db` },
            { action: "rds:DeleteDBSnapshot", resource: `arn:aws:rds:${c.region}:${acct}:snapshot:${c.stack}-pre-release-20260101` },
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
        role: /^publish-release-role$/,
        purpose: "CodeBuild PublishForPromotion: write release.zip to the hand-off location",
        docs: [DOC.codebuildRole],
        assumedBy: () => codebuild,
        calls: (c) => [...buildBasics(c, "publish-release"), { action: "s3:PutObject", resource: `arn:aws:s3:::${bucketOf(c, "releases")}/approved/release.zip` }],
        never: (c) => [...otherStageData(c), { action: "s3:DeleteObject", resource: `arn:aws:s3:::${bucketOf(c, "releases")}/approved/release.zip` }],
    },
    {
        role: /^promote-role$/,
        purpose: "CodeBuild Promote: copy staging's approved image digests into prod's repositories",
        docs: [DOC.codebuildRole, DOC.ecrPush],
        assumedBy: () => codebuild,
        calls: (c) => [
            ...buildBasics(c, "promote"),
            { action: "ecr:GetAuthorizationToken", resource: "*" },
            { action: "ecr:BatchGetImage", resource: `arn:aws:ecr:${c.region}:${acct}:repository/staging-web-5e1d0a9`, note: "staging's approved image" },
            { action: "ecr:PutImage", resource: arnOf(c, "aws:ecr/repository:Repository", "repo") },
        ],
        never: (c) => [{ action: "ecr:PutImage", resource: `arn:aws:ecr:${c.region}:${acct}:repository/staging-web-5e1d0a9`, note: "write staging's images" }],
    },
    {
        role: /^pipeline-role$/,
        purpose: "CodePipeline: artifacts, start builds, ECS deploy, approvals",
        docs: [DOC.pipelineRole, DOC.ecsAction, DOC.cloneRef],
        assumedBy: service("codepipeline.amazonaws.com"),
        calls: (c) => {
            const bucket = artifacts(c);
            const out: Call[] = [
                { action: "s3:PutObject", resource: `arn:aws:s3:::${bucket}/${c.stack}-pipeline/source/abc123` },
                { action: "s3:GetObject", resource: `arn:aws:s3:::${bucket}/${c.stack}-pipeline/build/def456` },
                { action: "kms:GenerateDataKey", resource: stageKey(c) },
                ...ofType(c.plan, "aws:codebuild/project:Project").map((p) => ({ action: "codebuild:StartBuild", resource: String(p.outputs.arn) })),
                { action: "codebuild:BatchGetBuilds", resource: String(ofType(c.plan, "aws:codebuild/project:Project")[0].outputs.arn) },
            ];
            if (c.plan.settings.pipeline.trigger !== "promote") out.push({ action: `${connection(c).split(":")[2]}:UseConnection`, resource: connection(c), note: "source action" });
            for (const s of services(c)) {
                const clusterName = String(s.inputs.cluster).split("/").pop();
                const family = String(find(c, "aws:ecs/taskDefinition:TaskDefinition", () => true, "task definition").inputs.family);
                out.push(
                    { action: "ecs:DescribeServices", resource: String(s.outputs.arn) },
                    { action: "ecs:UpdateService", resource: String(s.outputs.arn) },
                    { action: "ecs:DescribeTaskDefinition", resource: "*" },
                    { action: "ecs:RegisterTaskDefinition", resource: "*" },
                    { action: "ecs:TagResource", resource: `arn:aws:ecs:${c.region}:${acct}:task-definition/${family}:2`, context: { "ecs:CreateAction": "RegisterTaskDefinition" }, note: "tagged revision" },
                    { action: "ecs:ListTasks", resource: `arn:aws:ecs:${c.region}:${acct}:container-instance/${clusterName}/*`, note: "watch the rollout" },
                    { action: "ecs:DescribeTasks", resource: `arn:aws:ecs:${c.region}:${acct}:task/${clusterName}/0123456789abcdef0123456789abcdef` },
                );
            }
            for (const r of ofType(c.plan, "aws:iam/role:Role").filter((r) => /-(execution|task)$/.test(r.name))) {
                out.push({ action: "iam:PassRole", resource: String(r.outputs.arn), context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } });
            }
            if (has(c, "aws:sns/topic:Topic", "approvals")) out.push({ action: "sns:Publish", resource: arnOf(c, "aws:sns/topic:Topic", "approvals") });
            if (c.plan.settings.pipeline.trigger === "promote") out.push({ action: "s3:GetObject", resource: "arn:aws:s3:::staging-releases-3f9a2c1/approved/release.zip", note: "staging's release" });
            return out;
        },
        never: (c) => [
            ...services(c).map((s) => ({ action: "iam:PassRole", resource: String(find(c, "aws:iam/role:Role", named("pipeline-role"), "pipeline role").outputs.arn), context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" }, note: `pass itself (${s.name})` })),
            ...services(c).map((s) => ({ action: "ecs:DeleteService", resource: String(s.outputs.arn) })),
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
            const name = svc ? String(svc.name).replace(`${c.stack}-`, "") : "web";
            const out: Call[] = [
                { action: "ecr:GetAuthorizationToken", resource: "*" },
                { action: "ecr:BatchGetImage", resource: arnOf(c, "aws:ecr/repository:Repository", "repo") },
                { action: "ecr:GetDownloadUrlForLayer", resource: arnOf(c, "aws:ecr/repository:Repository", "repo") },
                { action: "logs:CreateLogStream", resource: `arn:aws:logs:${c.region}:${acct}:log-group:/ecs/${c.stack}-${name}:log-stream:app/x` },
                { action: "logs:PutLogEvents", resource: `arn:aws:logs:${c.region}:${acct}:log-group:/ecs/${c.stack}-${name}:log-stream:app/x` },
            ];
            const secret = dbSecret(c);
            if (secret) out.push({ action: "secretsmanager:GetSecretValue", resource: secret.arn }, { action: "kms:Decrypt", resource: secret.key });
            return out;
        },
        never: (c) =>
            c.stack === "prod" || c.plan.settings.database.mode === "shared"
                ? [{ action: "secretsmanager:PutSecretValue", resource: dbSecret(c)?.arn ?? `arn:aws:secretsmanager:${c.region}:${acct}:secret:x` }]
                : [{ action: "secretsmanager:GetSecretValue", resource: `arn:aws:secretsmanager:${c.region}:${acct}:secret:rds!db-4f6c1e2a-7b3d-4c1a-9f0e-2d5b8a6c4e11-AbCdEf`, note: "prod's database secret" }],
    },
    {
        role: /^[a-z0-9-]+-task$/,
        purpose: "ECS task role: the application's own AWS calls (none today)",
        docs: [DOC.taskRole],
        assumedBy: service("ecs-tasks.amazonaws.com"),
        calls: () => [],
        never: (c) => [{ action: "secretsmanager:GetSecretValue", resource: `arn:aws:secretsmanager:${c.region}:${acct}:secret:rds!db-4f6c1e2a-7b3d-4c1a-9f0e-2d5b8a6c4e11-AbCdEf` }],
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
        assumedBy: (c) => ({ federated: "token.actions.githubusercontent.com", sub: `repo:${c.plan.settings.github.owner}/${c.plan.settings.github.infraRepository}:environment:${c.stack}` }),
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
            { action: "iam:GetRole", resource: `arn:aws:iam::${acct}:role/${c.stack}-github-deploy` },
            { action: "route53:ListResourceRecordSets", resource: `arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ` },
        ],
        never: (c) => [
            { action: "iam:PutRolePolicy", resource: `arn:aws:iam::${acct}:role/${c.stack}-github-deploy` },
            { action: "ecs:UpdateService", resource: `arn:aws:ecs:${c.region}:${acct}:service/prod-cluster/prod-web`, context: { "aws:ResourceTag/stage": "prod" } },
        ],
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
    const tag = { "aws:RequestTag/stage": c.stack, "aws:TagKeys": ["stage"] };
    const out: Call[] = [
        { action: "sts:GetCallerIdentity", resource: "*" },
        { action: "ec2:CreateVpc", resource: `arn:aws:ec2:${c.region}:${acct}:vpc/*`, context: tag },
    ];
    const dash = ofType(c.plan, "aws:cloudwatch/dashboard:Dashboard")[0];
    if (dash) out.push({ action: "cloudwatch:PutDashboard", resource: `arn:aws:cloudwatch::${acct}:dashboard/${dash.inputs.dashboardName}`, note: "the stage's dashboard" });
    for (const n of ofType(c.plan, "aws:codestarnotifications/notificationRule:NotificationRule")) {
        const arn = String(n.outputs.arn);
        out.push(
            { action: "codestar-notifications:CreateNotificationRule", resource: arn, context: tag, note: "pipeline notification rule" },
            { action: "codestar-notifications:DescribeNotificationRule", resource: arn },
            { action: "codestar-notifications:UpdateNotificationRule", resource: arn, context: { "aws:ResourceTag/stage": c.stack } },
            { action: "codestar-notifications:DeleteNotificationRule", resource: arn, context: { "aws:ResourceTag/stage": c.stack } },
            { action: "codestar-notifications:TagResource", resource: arn, context: { ...tag, "aws:ResourceTag/stage": c.stack } },
        );
    }
    // Every security-group rule is tagged at creation: CreateTags is authorised with the create call.
    for (const r of [...ofType(c.plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"), ...ofType(c.plan, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")]) {
        const ingress = r.type.includes("Ingress");
        const action = ingress ? "AuthorizeSecurityGroupIngress" : "AuthorizeSecurityGroupEgress";
        const groupId = String(r.inputs.securityGroupId);
        const own = ofType(c.plan, "aws:ec2/securityGroup:SecurityGroup").some((g) => g.id === groupId);
        out.push(
            { action: `ec2:${action}`, resource: `arn:aws:ec2:${c.region}:${acct}:security-group/${groupId}`, context: { "aws:ResourceTag/stage": own ? c.stack : "prod" }, note: `${r.name}${own ? "" : " (prod's group)"}` },
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
    if (c.stack === "prod") {
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
    const other = c.stack === "prod" ? "staging" : "prod";
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
        change([ownRecordNames(c).find((n) => !n.startsWith("_")) ?? `${c.stack}.example.com`, otherHost], `own and ${other}'s record in one change`),
        { action: "iam:PutRolePolicy", resource: `arn:aws:iam::${acct}:role/${c.stack}-github-deploy`, note: "edit itself" },
        { action: "rds:DeleteDBInstance", resource: `arn:aws:rds:${c.region}:${acct}:db:${other}-db`, context: { "aws:ResourceTag/stage": other }, note: `${other}'s database` },
        ...(c.stack === "prod" ? [] : [{ action: "iam:UpdateAssumeRolePolicy", resource: `arn:aws:iam::${acct}:role/stageline-github-preview`, note: "prod's preview role" }]),
    ];
}
