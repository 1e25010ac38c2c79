/**
 * The deploy role's action catalogue: the IAM documents `pulumi up` runs with behind a stage's
 * deployment gate (its GitHub Environment; and what the pull-request preview role may read), as
 * pure functions of the stage.
 * Moved out of components/githubRepos.ts unchanged (issue 23); GitHubRepos attaches them.
 */
import type { Stage } from "../lib/stage";

/** The role pull-request previews assume (GitHubRepos creates it in the org-owning stack). */
export const PREVIEW_ROLE_NAME = "stageline-github-preview";

// ---------------------------------------------------------------------------------------------
// The deploy role's permissions (pure; read by the tests directly)
//
// Shape, from broad to narrow:
// - `read`: Describe/List/Get actions Pulumi needs to refresh state, on `*` (AWS scopes most reads
//   by nothing else).
// - `create`: create actions only when the request tags the new resource `stage = <stage>`.
// - `manage`: change/delete actions only on resources already tagged `stage = <stage>`.
// - `named`: what AWS cannot scope by tag (S3 buckets, IAM roles and policies, dashboards, DNS
//   records, connections), scoped by the stage's name prefix or ARN; and a Deny that stops the
//   role from editing itself or its own policies.
// No statement grants `*` or `service:*`; wildcards are verb prefixes (`ec2:Describe*`).
// ---------------------------------------------------------------------------------------------

export interface PolicyStatement {
    Sid: string;
    Effect: "Allow" | "Deny";
    Action: string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

export interface DeployPolicyInput {
    readonly stage: Stage;
    readonly region: string;
    readonly accountId: string;
    /** Stages whose network this stage's deploy also changes (staging routes into prod's VPC). */
    readonly peerStages: readonly Stage[];
    /** This stack owns the GitHub OIDC provider. */
    readonly manageOidcProvider: boolean;
    /** Physical name of the deploy role (denied self-edits). */
    readonly roleName: string;
    /** Physical name prefix of the deploy role's own policies (denied self-edits). */
    readonly policyNamePrefix: string;
    /** DNS names (and names under them) the stage's records use. @default [] — no record changes */
    readonly recordNames?: readonly string[];
    /** CloudWatch dashboards the stage owns besides `<stage>*` (AppService names it `<project>-<stack>`). @default [] */
    readonly dashboardNames?: readonly string[];
}

export const OIDC_HOST = "token.actions.githubusercontent.com";

/** Reads Pulumi needs to refresh a stage's state. */
const READ_ACTIONS = [
    "sts:GetCallerIdentity",
    "tag:GetResources",
    "ec2:Describe*",
    "elasticloadbalancing:Describe*",
    "ecs:Describe*",
    "ecs:List*",
    "ecr:Describe*",
    "ecr:List*",
    "ecr:GetLifecyclePolicy",
    "ecr:GetRepositoryPolicy",
    "rds:Describe*",
    "rds:ListTagsForResource",
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListAliases",
    "kms:ListResourceTags",
    "logs:Describe*",
    "logs:ListTagsForResource",
    "logs:ListTagsLogGroup",
    "cloudwatch:DescribeAlarms",
    "cloudwatch:GetDashboard",
    "cloudwatch:ListTagsForResource",
    "sns:GetTopicAttributes",
    "sns:GetSubscriptionAttributes",
    "sns:ListSubscriptionsByTopic",
    "sns:ListTagsForResource",
    "s3:ListAllMyBuckets",
    "iam:GetRole",
    "iam:GetRolePolicy",
    "iam:ListRolePolicies",
    "iam:ListAttachedRolePolicies",
    "iam:ListInstanceProfilesForRole",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "iam:ListPolicyVersions",
    "iam:GetOpenIDConnectProvider",
    "iam:ListOpenIDConnectProviders",
    "route53:GetHostedZone",
    "route53:GetChange",
    "route53:ListHostedZones",
    "route53:ListResourceRecordSets",
    "route53:ListTagsForResource",
    "acm:DescribeCertificate",
    "acm:ListCertificates",
    "acm:ListTagsForCertificate",
    "wafv2:Get*",
    "wafv2:List*",
    "secretsmanager:DescribeSecret",
    "secretsmanager:GetResourcePolicy",
    "ssm:DescribeParameters",
    "ssm:ListTagsForResource",
    "application-autoscaling:Describe*",
    "application-autoscaling:ListTagsForResource",
    "codepipeline:GetPipeline",
    "codepipeline:ListPipelines",
    "codepipeline:ListTagsForResource",
    "codebuild:BatchGetProjects",
    "codebuild:ListProjects",
    "events:DescribeRule",
    "events:ListTargetsByRule",
    "events:ListTagsForResource",
    "states:DescribeStateMachine",
    "states:ListTagsForResource",
    "backup:Describe*",
    "backup:Get*",
    "backup:List*",
    "imagebuilder:Get*",
    "imagebuilder:List*",
    "autoscaling:Describe*",
    "codeconnections:GetConnection",
    "codestar-connections:GetConnection",
    "codestar-notifications:DescribeNotificationRule",
    "codestar-notifications:ListTagsForResource",
];

/** Create actions: allowed only when the request tags the resource with the stage. */
const CREATE_ACTIONS = [
    "ec2:CreateVpc",
    "ec2:CreateSubnet",
    "ec2:CreateSecurityGroup",
    "ec2:CreateInternetGateway",
    "ec2:CreateNatGateway",
    "ec2:AllocateAddress",
    "ec2:CreateRouteTable",
    "ec2:CreateNetworkAcl",
    "ec2:CreateFlowLogs",
    "ec2:CreateVpcEndpoint",
    "ec2:CreateVpcPeeringConnection",
    "ec2:CreateLaunchTemplate",
    "elasticloadbalancing:CreateLoadBalancer",
    "elasticloadbalancing:CreateTargetGroup",
    "elasticloadbalancing:CreateListener",
    "elasticloadbalancing:CreateRule",
    "elasticloadbalancing:AddTags",
    "ecs:CreateCluster",
    "ecs:CreateService",
    "ecs:RegisterTaskDefinition",
    "ecs:TagResource",
    "ecr:CreateRepository",
    "ecr:TagResource",
    "rds:CreateDBInstance",
    "rds:CreateDBSubnetGroup",
    "rds:CreateDBParameterGroup",
    "rds:AddTagsToResource",
    "kms:CreateKey",
    "kms:TagResource",
    "logs:CreateLogGroup",
    "logs:TagResource",
    "logs:TagLogGroup",
    "cloudwatch:PutMetricAlarm",
    "cloudwatch:TagResource",
    "sns:CreateTopic",
    "sns:TagResource",
    "secretsmanager:CreateSecret",
    "secretsmanager:TagResource",
    "ssm:PutParameter",
    "ssm:AddTagsToResource",
    "acm:RequestCertificate",
    "acm:AddTagsToCertificate",
    "wafv2:CreateWebACL",
    "wafv2:TagResource",
    "application-autoscaling:RegisterScalableTarget",
    "application-autoscaling:TagResource",
    "codepipeline:CreatePipeline",
    "codepipeline:TagResource",
    "codebuild:CreateProject",
    "events:PutRule",
    "events:TagResource",
    // The rotation restart (components/rotationRestart.ts): CreateStateMachine with its tags
    // (https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html).
    "states:CreateStateMachine",
    "states:TagResource",
    "backup:CreateBackupVault",
    "backup:CreateBackupPlan",
    "backup:TagResource",
    "imagebuilder:Create*",
    "imagebuilder:TagResource",
    "autoscaling:CreateAutoScalingGroup",
    "autoscaling:CreateOrUpdateTags",
];

/** Change/delete actions: allowed only on resources tagged with the stage. */
const MANAGE_ACTIONS = [
    "ec2:Delete*",
    "ec2:Modify*",
    "ec2:Associate*",
    "ec2:Disassociate*",
    "ec2:Attach*",
    "ec2:Detach*",
    "ec2:AuthorizeSecurityGroup*",
    "ec2:RevokeSecurityGroup*",
    "ec2:UpdateSecurityGroupRuleDescriptions*",
    "ec2:CreateRoute",
    "ec2:ReplaceRoute",
    "ec2:ReplaceNetworkAcl*",
    "ec2:CreateNetworkAclEntry",
    "ec2:ReleaseAddress",
    "ec2:AcceptVpcPeeringConnection",
    "ec2:CreateTags",
    "elasticloadbalancing:Delete*",
    "elasticloadbalancing:Modify*",
    "elasticloadbalancing:Set*",
    "elasticloadbalancing:AddTags",
    "elasticloadbalancing:RemoveTags",
    "elasticloadbalancing:AddListenerCertificates",
    "elasticloadbalancing:RemoveListenerCertificates",
    "ecs:Update*",
    "ecs:Delete*",
    "ecs:PutClusterCapacityProviders",
    "ecs:TagResource",
    "ecs:UntagResource",
    "ecr:DeleteRepository",
    "ecr:PutLifecyclePolicy",
    "ecr:DeleteLifecyclePolicy",
    "ecr:SetRepositoryPolicy",
    "ecr:DeleteRepositoryPolicy",
    "ecr:PutImageScanningConfiguration",
    "ecr:PutImageTagMutability",
    "ecr:TagResource",
    "ecr:UntagResource",
    "rds:ModifyDB*",
    "rds:DeleteDBInstance",
    "rds:DeleteDBSubnetGroup",
    "rds:DeleteDBParameterGroup",
    "rds:RebootDBInstance",
    "rds:AddTagsToResource",
    "rds:RemoveTagsFromResource",
    "kms:EnableKeyRotation",
    "kms:PutKeyPolicy",
    "kms:UpdateKeyDescription",
    "kms:ScheduleKeyDeletion",
    "kms:CreateAlias",
    "kms:UpdateAlias",
    "kms:DeleteAlias",
    "kms:CreateGrant",
    "kms:Decrypt",
    "kms:GenerateDataKey*",
    "kms:TagResource",
    "kms:UntagResource",
    "logs:DeleteLogGroup",
    "logs:PutRetentionPolicy",
    "logs:AssociateKmsKey",
    "logs:DisassociateKmsKey",
    "logs:TagResource",
    "logs:UntagResource",
    "cloudwatch:PutMetricAlarm",
    "cloudwatch:DeleteAlarms",
    "cloudwatch:TagResource",
    "cloudwatch:UntagResource",
    "sns:DeleteTopic",
    "sns:SetTopicAttributes",
    "sns:Subscribe",
    "sns:TagResource",
    "sns:UntagResource",
    "secretsmanager:UpdateSecret",
    "secretsmanager:DeleteSecret",
    "secretsmanager:PutResourcePolicy",
    "secretsmanager:DeleteResourcePolicy",
    "secretsmanager:TagResource",
    "secretsmanager:UntagResource",
    "ssm:PutParameter",
    "ssm:GetParameter*",
    "ssm:DeleteParameter",
    "ssm:AddTagsToResource",
    "ssm:RemoveTagsFromResource",
    "acm:DeleteCertificate",
    "acm:UpdateCertificateOptions",
    "acm:AddTagsToCertificate",
    "acm:RemoveTagsFromCertificate",
    "wafv2:UpdateWebACL",
    "wafv2:DeleteWebACL",
    "wafv2:AssociateWebACL",
    "wafv2:DisassociateWebACL",
    "wafv2:PutLoggingConfiguration",
    "wafv2:DeleteLoggingConfiguration",
    "wafv2:TagResource",
    "wafv2:UntagResource",
    "application-autoscaling:DeregisterScalableTarget",
    "application-autoscaling:PutScalingPolicy",
    "application-autoscaling:DeleteScalingPolicy",
    "application-autoscaling:TagResource",
    "application-autoscaling:UntagResource",
    "codepipeline:UpdatePipeline",
    "codepipeline:DeletePipeline",
    "codepipeline:TagResource",
    "codepipeline:UntagResource",
    "codebuild:UpdateProject",
    "codebuild:DeleteProject",
    "events:PutRule",
    "events:DeleteRule",
    "events:PutTargets",
    "events:RemoveTargets",
    "events:EnableRule",
    "events:DisableRule",
    "events:TagResource",
    "events:UntagResource",
    "states:UpdateStateMachine",
    "states:DeleteStateMachine",
    "states:TagResource",
    "states:UntagResource",
    "backup:UpdateBackupPlan",
    "backup:DeleteBackupPlan",
    "backup:CreateBackupSelection",
    "backup:DeleteBackupSelection",
    "backup:DeleteBackupVault",
    "backup:PutBackupVaultAccessPolicy",
    "backup:TagResource",
    "backup:UntagResource",
    "imagebuilder:Update*",
    "imagebuilder:Delete*",
    "imagebuilder:TagResource",
    "imagebuilder:UntagResource",
    "autoscaling:UpdateAutoScalingGroup",
    "autoscaling:PutScalingPolicy",
    "autoscaling:DeletePolicy",
    "autoscaling:DeleteAutoScalingGroup",
    "autoscaling:CreateOrUpdateTags",
    "autoscaling:DeleteTags",
];

/** Network actions a stage may take on a peer stage's tagged resources (routes back, peering). */
const PEER_ACTIONS = [
    "ec2:CreateRoute",
    "ec2:ReplaceRoute",
    "ec2:DeleteRoute",
    "ec2:CreateVpcPeeringConnection",
    "ec2:AcceptVpcPeeringConnection",
    "ec2:ModifyVpcPeeringConnectionOptions",
    "ec2:AuthorizeSecurityGroupIngress",
    "ec2:RevokeSecurityGroupIngress",
];

/** Services AWS passes stage roles to (ECS tasks, builds, pipelines, schedules, backups, logs). */
const PASS_ROLE_SERVICES = [
    "ecs-tasks.amazonaws.com",
    "codebuild.amazonaws.com",
    "codepipeline.amazonaws.com",
    "events.amazonaws.com",
    "scheduler.amazonaws.com",
    "backup.amazonaws.com",
    "monitoring.rds.amazonaws.com",
    "vpc-flow-logs.amazonaws.com",
    "imagebuilder.amazonaws.com",
    "ec2.amazonaws.com",
    "application-autoscaling.amazonaws.com",
    "states.amazonaws.com",
];

/** Actions AWS authorises on `*` only (no resource, no tag): kept to the minimum. */
const UNSCOPED_ACTIONS = ["ecs:DeregisterTaskDefinition", "backup-storage:MountCapsule", "route53:CreateHostedZone"];

const TAG_KEY = "stage";

/** The deploy role's policies, one document per group (each stays under IAM's 6,144-character limit). */
export function deployPolicyDocuments(p: DeployPolicyInput): Record<"read" | "create" | "manage" | "named", PolicyDocument> {
    const acct = p.accountId;
    const iam = (res: string) => `arn:aws:iam::${acct}:${res}`;
    const stageTag = { [`aws:ResourceTag/${TAG_KEY}`]: p.stage };
    const doc = (...s: PolicyStatement[]): PolicyDocument => ({ Version: "2012-10-17", Statement: s });

    const named: PolicyStatement[] = [
        {
            Sid: "StageBuckets",
            Effect: "Allow",
            Action: ["s3:CreateBucket", "s3:DeleteBucket", "s3:ListBucket", "s3:ListBucketVersions", "s3:GetBucket*", "s3:PutBucket*", "s3:DeleteBucketPolicy", "s3:GetEncryptionConfiguration", "s3:PutEncryptionConfiguration", "s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration", "s3:GetAccelerateConfiguration", "s3:GetReplicationConfiguration"],
            Resource: [`arn:aws:s3:::${p.stage}-*`],
        },
        {
            Sid: "StageRolesAndPolicies",
            Effect: "Allow",
            Action: ["iam:CreateRole", "iam:DeleteRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:CreatePolicy", "iam:DeletePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicyVersion", "iam:TagPolicy", "iam:UntagPolicy"],
            // The org-owning stack (prod) also owns the pull-request preview role and its policy.
            Resource: [iam(`role/${p.stage}-*`), iam(`policy/${p.stage}-*`), ...(p.manageOidcProvider ? [iam(`role/${PREVIEW_ROLE_NAME}`), iam(`policy/${PREVIEW_ROLE_NAME}-*`)] : [])],
        },
        {
            // The EC2 runtime's instance profiles (components/ec2Runtime.ts, imagePipeline.ts).
            Sid: "StageInstanceProfiles",
            Effect: "Allow",
            Action: ["iam:CreateInstanceProfile", "iam:DeleteInstanceProfile", "iam:GetInstanceProfile", "iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:TagInstanceProfile", "iam:UntagInstanceProfile"],
            Resource: [iam(`instance-profile/${p.stage}-*`)],
        },
        {
            Sid: "AttachOnlyStageOrServicePolicies",
            Effect: "Allow",
            Action: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
            Resource: [iam(`role/${p.stage}-*`), ...(p.manageOidcProvider ? [iam(`role/${PREVIEW_ROLE_NAME}`)] : [])],
            // AmazonSSMManagedInstanceCore (EC2 instances and Image Builder's build instances) is not under service-role/.
            Condition: { ArnLike: { "iam:PolicyARN": [iam(`policy/${p.stage}-*`), "arn:aws:iam::aws:policy/service-role/*", "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore", ...(p.manageOidcProvider ? [iam(`policy/${PREVIEW_ROLE_NAME}-*`)] : [])] } },
        },
        {
            Sid: "PassStageRolesToServices",
            Effect: "Allow",
            Action: ["iam:PassRole"],
            Resource: [iam(`role/${p.stage}-*`)],
            Condition: { StringEquals: { "iam:PassedToService": PASS_ROLE_SERVICES } },
        },
        {
            Sid: "ServiceLinkedRoles",
            Effect: "Allow",
            Action: ["iam:CreateServiceLinkedRole"],
            Resource: [iam("role/aws-service-role/*")],
            Condition: { StringEquals: { "iam:AWSServiceName": ["ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com", "rds.amazonaws.com", "autoscaling.amazonaws.com", "ecs.application-autoscaling.amazonaws.com", "backup.amazonaws.com"] } },
        },
        {
            Sid: "StageDashboards",
            Effect: "Allow",
            Action: ["cloudwatch:PutDashboard", "cloudwatch:DeleteDashboards"],
            Resource: [`arn:aws:cloudwatch::${acct}:dashboard/${p.stage}*`, ...(p.dashboardNames ?? []).map((d) => `arn:aws:cloudwatch::${acct}:dashboard/${d}`)],
        },
        {
            // A key's alias is authorised on the alias too, and aliases carry no tags
            // (https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias-access.html): the stage's own names only.
            Sid: "StageKeyAliases",
            Effect: "Allow",
            Action: ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"],
            Resource: [`arn:aws:kms:*:${acct}:alias/stageline-${p.stage}*`],
        },
        {
            // The scripts the pipeline's steps fetch (components/pipeline/loadTest.ts): objects of the
            // stage's pipeline-tools bucket only (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html).
            Sid: "StagePipelineToolObjects",
            Effect: "Allow",
            Action: ["s3:PutObject", "s3:GetObject", "s3:GetObjectVersion", "s3:DeleteObject", "s3:PutObjectTagging", "s3:GetObjectTagging", "s3:DeleteObjectTagging"],
            Resource: [`arn:aws:s3:::${p.stage}-pipeline-tools-*/*`],
        },
        // No stage may delete a hosted zone (a merge into dev must not take the public zone away).
        { Sid: "DnsZones", Effect: "Allow", Action: ["route53:ChangeTagsForResource", "route53:AssociateVPCWithHostedZone"], Resource: ["arn:aws:route53:::hostedzone/*"] },
        ...dnsRecordStatements(p.recordNames ?? []),
        // The pipeline's notification rule: created tagged with the stage, changed only when tagged so.
        // https://docs.aws.amazon.com/dtconsole/latest/userguide/security_iam_id-based-policy-examples-notifications.html
        {
            Sid: "CreateStageNotificationRules",
            Effect: "Allow",
            Action: ["codestar-notifications:CreateNotificationRule", "codestar-notifications:TagResource"],
            Resource: [`arn:aws:codestar-notifications:${p.region}:${acct}:notificationrule/*`],
            Condition: { StringEquals: { [`aws:RequestTag/${TAG_KEY}`]: p.stage } },
        },
        {
            Sid: "ManageStageNotificationRules",
            Effect: "Allow",
            Action: ["codestar-notifications:UpdateNotificationRule", "codestar-notifications:DeleteNotificationRule", "codestar-notifications:TagResource", "codestar-notifications:UntagResource", "codestar-notifications:Subscribe", "codestar-notifications:Unsubscribe"],
            Resource: [`arn:aws:codestar-notifications:${p.region}:${acct}:notificationrule/*`],
            Condition: { StringEquals: stageTag },
        },
        {
            Sid: "UseGitHubConnection",
            Effect: "Allow",
            Action: ["codeconnections:PassConnection", "codeconnections:UseConnection", "codestar-connections:PassConnection", "codestar-connections:UseConnection"],
            Resource: [`arn:aws:codeconnections:${p.region}:${acct}:connection/*`, `arn:aws:codestar-connections:${p.region}:${acct}:connection/*`],
        },
        { Sid: "UnscopedByAws", Effect: "Allow", Action: [...UNSCOPED_ACTIONS], Resource: "*" },
    ];
    if (p.manageOidcProvider) {
        named.push({
            Sid: "GitHubOidcProvider",
            Effect: "Allow",
            Action: ["iam:CreateOpenIDConnectProvider", "iam:DeleteOpenIDConnectProvider", "iam:UpdateOpenIDConnectProviderThumbprint", "iam:AddClientIDToOpenIDConnectProvider", "iam:RemoveClientIDFromOpenIDConnectProvider", "iam:TagOpenIDConnectProvider", "iam:UntagOpenIDConnectProvider"],
            Resource: [iam(`oidc-provider/${OIDC_HOST}`)],
        });
    }
    named.push({
        Sid: "NeverEditOwnPermissions",
        Effect: "Deny",
        Action: ["iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary", "iam:DeleteRole", "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicyVersion", "iam:DeletePolicy"],
        Resource: [iam(`role/${p.roleName}`), iam(`policy/${p.policyNamePrefix}*`)],
    });

    const manage: PolicyStatement[] = [{ Sid: "ChangeStageTaggedResources", Effect: "Allow", Action: [...MANAGE_ACTIONS], Resource: "*", Condition: { StringEquals: stageTag } }];
    for (const peer of p.peerStages) {
        manage.push({
            Sid: `PeerNetwork${peer.replace(/^./, (c) => c.toUpperCase())}`,
            Effect: "Allow",
            Action: [...PEER_ACTIONS],
            Resource: "*",
            Condition: { StringEquals: { [`aws:ResourceTag/${TAG_KEY}`]: peer } },
        });
    }

    return {
        read: doc({ Sid: "ReadStateForRefresh", Effect: "Allow", Action: [...READ_ACTIONS], Resource: "*" }),
        create: doc(
            { Sid: "CreateOnlyStageTagged", Effect: "Allow", Action: [...CREATE_ACTIONS], Resource: "*", Condition: { StringEquals: { [`aws:RequestTag/${TAG_KEY}`]: p.stage } } },
            {
                Sid: "TagOnCreate",
                Effect: "Allow",
                Action: ["ec2:CreateTags"],
                Resource: "*",
                Condition: {
                    StringEquals: {
                        [`aws:RequestTag/${TAG_KEY}`]: p.stage,
                        // Security-group rules are tagged by the Authorize call that creates them.
                        // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/supported-iam-actions-tagging.html
                        "ec2:CreateAction": [...CREATE_ACTIONS.filter((a) => a.startsWith("ec2:")).map((a) => a.slice(4)), "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress"],
                    },
                },
            },
        ),
        manage: doc(...manage),
        named: doc(...named),
    };
}

/**
 * DNS record changes only for the stage's own names: the names Route 53 normalises (lower case,
 * no trailing dot) must all be one of the stage's names or under them.
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/specifying-rrset-conditions.html
 */
function dnsRecordStatements(names: readonly string[]): PolicyStatement[] {
    if (names.length === 0) return [];
    const normal = names.map((n) => n.toLowerCase().replace(/\.$/, ""));
    return [
        {
            Sid: "StageDnsRecords",
            Effect: "Allow",
            Action: ["route53:ChangeResourceRecordSets"],
            Resource: ["arn:aws:route53:::hostedzone/*"],
            // ForAllValues holds for a request without names: Null=false requires them.
            Condition: {
                "ForAllValues:StringLike": { "route53:ChangeResourceRecordSetsNormalizedRecordNames": normal.flatMap((n) => [n, `*.${n}`]) },
                Null: { "route53:ChangeResourceRecordSetsNormalizedRecordNames": "false" },
            },
        },
    ];
}

/** A trust policy's statement: who may assume the role (a federated principal and its token's claims; no Resource). */
export interface TrustStatement {
    Sid: string;
    Effect: "Allow";
    Principal: { Federated: string };
    Action: "sts:AssumeRoleWithWebIdentity";
    Condition: { StringEquals: Record<string, string> };
}

/** A role's trust policy (its assume-role policy document). */
export interface TrustPolicyDocument {
    Version: "2012-10-17";
    Statement: TrustStatement[];
}

/** The role's trust policy: only the stage's deployment gate (GitHub Environment `deploymentGateName`) of the infrastructure repository. */
export function deployTrustPolicy(providerArn: string, owner: string, infraRepository: string, deploymentGateName: string): TrustPolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "GitHubEnvironmentOnly",
                Effect: "Allow",
                Principal: { Federated: providerArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${OIDC_HOST}:aud`]: "sts.amazonaws.com",
                        [`${OIDC_HOST}:sub`]: `repo:${owner}/${infraRepository}:environment:${deploymentGateName}`,
                    },
                },
            },
        ],
    };
}
