/**
 * What a stage's GitHub deploy role must be allowed so that `pulumi up` can CREATE every resource
 * the stack plans: for each planned AWS resource type, the call(s) the AWS provider makes to create
 * it, on the resource as planned, with the tags the request carries. A type with no entry fails
 * the test (tests/access.test.ts) by name, so a resource a new change adds cannot slip past the
 * deploy role unchecked — the fault that passes every mock and stops the first real deploy.
 *
 * The call for each type is the API the provider's Create uses (each service's API reference,
 * linked per entry); its authorization — resource type and condition keys — is the Service
 * Authorization Reference (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html),
 * which @cloud-copilot/iam-simulate encodes.
 */
import { PlannedResource } from "../harness";
import { MOCK_ACCOUNT } from "../mocks";
import { Call } from "./evaluate";

const acct = MOCK_ACCOUNT;

export interface CreateContext {
    readonly stage: string;
    readonly region: string;
    /** Ids of the security groups this stack plans (a rule on any other is on prod's, by peering). */
    readonly ownGroupIds: ReadonlySet<string>;
}

type Maker = (r: PlannedResource, c: CreateContext) => Call[];

const s = (v: unknown) => String(v ?? "");
/** The planned ARN, or one built the way AWS writes it when the mocks give none. */
const arnOr = (r: PlannedResource, built: string) => (typeof r.outputs.arn === "string" && r.outputs.arn.startsWith("arn:") ? r.outputs.arn : built);
/** Tag-on-create: the request carries the resource's tags (the stage tag the deploy role requires). */
function tagged(r: PlannedResource): Record<string, string | string[]> {
    // Most types take a map; an Auto Scaling group a list of { key, value, propagateAtLaunch }.
    const raw = r.inputs.tags;
    const tags: Record<string, string> = Array.isArray(raw) ? Object.fromEntries((raw as { key: string; value: string }[]).map((t) => [t.key, t.value])) : ((raw ?? {}) as Record<string, string>);
    const keys = Object.keys(tags);
    if (keys.length === 0) return {};
    const ctx: Record<string, string | string[]> = { "aws:TagKeys": keys };
    for (const k of keys) ctx[`aws:RequestTag/${k}`] = tags[k];
    return ctx;
}
const one = (action: string, resource: (r: PlannedResource, c: CreateContext) => string, withTags = true): Maker => (r, c) => [{ action, resource: resource(r, c), context: withTags ? tagged(r) : undefined, note: `create ${r.name}` }];
const ec2 = (kind: string): Maker => (r, c) => [
    { action: `ec2:${kind}`, resource: `arn:aws:ec2:${c.region}:${acct}:${resourceOfEc2(kind)}/*`, context: tagged(r), note: `create ${r.name}` },
    ...(Object.keys(tagged(r)).length > 0 ? [{ action: "ec2:CreateTags", resource: `arn:aws:ec2:${c.region}:${acct}:${resourceOfEc2(kind)}/*`, context: { ...tagged(r), "ec2:CreateAction": kind }, note: `tag ${r.name} on create` }] : []),
];
function resourceOfEc2(kind: string): string {
    const m: Record<string, string> = {
        CreateVpc: "vpc",
        CreateSubnet: "subnet",
        CreateSecurityGroup: "security-group",
        CreateInternetGateway: "internet-gateway",
        CreateNatGateway: "natgateway",
        AllocateAddress: "elastic-ip",
        CreateRouteTable: "route-table",
        CreateFlowLogs: "vpc-flow-log",
        CreateVpcPeeringConnection: "vpc-peering-connection",
        CreateLaunchTemplate: "launch-template",
        AuthorizeSecurityGroupIngress: "security-group-rule",
        AuthorizeSecurityGroupEgress: "security-group-rule",
    };
    return m[kind] ?? "*";
}

/**
 * A security-group rule is authorised on its group (the stage's, by tag; staging's one rule on
 * prod's database group, by the peer statement) and tagged on create as a security-group-rule.
 */
function ruleOnGroup(kind: string): Maker {
    return (r, c): Call[] => {
        const group = s(r.inputs.securityGroupId);
        const peer = !c.ownGroupIds.has(group);
        return [
            { action: `ec2:${kind}`, resource: `arn:aws:ec2:${c.region}:${acct}:security-group/${group || "sg-0"}`, context: { "aws:ResourceTag/stage": peer ? "prod" : c.stage }, note: `${r.name}${peer ? " (prod's group)" : ""}` },
            { action: "ec2:CreateTags", resource: `arn:aws:ec2:${c.region}:${acct}:security-group-rule/*`, context: { ...tagged(r), "ec2:CreateAction": kind }, note: `tag ${r.name} on create` },
        ];
    };
}

/** Types Pulumi or GitHub create, not AWS: the deploy role is not asked. */
export const NOT_AWS = /^(github:|pulumi:|stageline:)/;

/**
 * Each planned AWS type → the create call(s). Pages: the API reference of each service's create
 * action (CreateVpc, CreateLoadBalancer, RegisterTaskDefinition, CreateStateMachine, PutObject, …).
 */
export const CREATE_CALLS: Readonly<Record<string, Maker>> = {
    "aws:ec2/vpc:Vpc": ec2("CreateVpc"),
    "aws:ec2/subnet:Subnet": ec2("CreateSubnet"),
    "aws:ec2/securityGroup:SecurityGroup": ec2("CreateSecurityGroup"),
    "aws:ec2/internetGateway:InternetGateway": ec2("CreateInternetGateway"),
    "aws:ec2/natGateway:NatGateway": ec2("CreateNatGateway"),
    "aws:ec2/eip:Eip": ec2("AllocateAddress"),
    "aws:ec2/routeTable:RouteTable": ec2("CreateRouteTable"),
    "aws:ec2/flowLog:FlowLog": ec2("CreateFlowLogs"),
    "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": ec2("CreateVpcPeeringConnection"),
    "aws:ec2/launchTemplate:LaunchTemplate": ec2("CreateLaunchTemplate"),
    // The default group is adopted, not created: its rules are revoked, which is a change on the (tagged) VPC's group.
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": (r, c) => [{ action: "ec2:RevokeSecurityGroupIngress", resource: `arn:aws:ec2:${c.region}:${acct}:security-group/*`, context: { "aws:ResourceTag/stage": c.stage }, note: `empty ${r.name}` }],
    "aws:ec2/route:Route": (r, c) => [{ action: "ec2:CreateRoute", resource: `arn:aws:ec2:${c.region}:${acct}:route-table/*`, context: { "aws:ResourceTag/stage": c.stage }, note: `route in ${r.name}` }],
    "aws:ec2/routeTableAssociation:RouteTableAssociation": (r, c) => [{ action: "ec2:AssociateRouteTable", resource: `arn:aws:ec2:${c.region}:${acct}:route-table/*`, context: { "aws:ResourceTag/stage": c.stage }, note: `associate ${r.name}` }],
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ruleOnGroup("AuthorizeSecurityGroupIngress"),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ruleOnGroup("AuthorizeSecurityGroupEgress"),
    "aws:lb/loadBalancer:LoadBalancer": one("elasticloadbalancing:CreateLoadBalancer", (r, c) => arnOr(r, `arn:aws:elasticloadbalancing:${c.region}:${acct}:loadbalancer/app/x/0`)),
    "aws:lb/targetGroup:TargetGroup": one("elasticloadbalancing:CreateTargetGroup", (r, c) => arnOr(r, `arn:aws:elasticloadbalancing:${c.region}:${acct}:targetgroup/x/0`)),
    "aws:lb/listener:Listener": one("elasticloadbalancing:CreateListener", (r, c) => `arn:aws:elasticloadbalancing:${c.region}:${acct}:loadbalancer/app/x/0`),
    // CreateRule is authorised on the listener it adds to.
    "aws:lb/listenerRule:ListenerRule": one("elasticloadbalancing:CreateRule", (r) => s(r.inputs.listenerArn)),
    "aws:ecs/cluster:Cluster": one("ecs:CreateCluster", (r, c) => arnOr(r, `arn:aws:ecs:${c.region}:${acct}:cluster/x`)),
    "aws:ecs/service:Service": one("ecs:CreateService", (r, c) => arnOr(r, `arn:aws:ecs:${c.region}:${acct}:service/x/y`)),
    "aws:ecs/taskDefinition:TaskDefinition": one("ecs:RegisterTaskDefinition", () => "*"),
    "aws:ecr/repository:Repository": one("ecr:CreateRepository", (r, c) => arnOr(r, `arn:aws:ecr:${c.region}:${acct}:repository/x`)),
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": (r, c) => [{ action: "ecr:PutLifecyclePolicy", resource: `arn:aws:ecr:${c.region}:${acct}:repository/${c.stage}-x`, context: { "aws:ResourceTag/stage": c.stage }, note: `lifecycle of ${r.name}` }],
    "aws:rds/instance:Instance": one("rds:CreateDBInstance", (r, c) => arnOr(r, `arn:aws:rds:${c.region}:${acct}:db:x`)),
    "aws:rds/subnetGroup:SubnetGroup": one("rds:CreateDBSubnetGroup", (r, c) => arnOr(r, `arn:aws:rds:${c.region}:${acct}:subgrp:x`)),
    "aws:rds/parameterGroup:ParameterGroup": one("rds:CreateDBParameterGroup", (r, c) => arnOr(r, `arn:aws:rds:${c.region}:${acct}:pg:x`)),
    "aws:kms/key:Key": one("kms:CreateKey", () => "*"),
    // CreateAlias is authorised on the alias and on the key (https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias-access.html).
    "aws:kms/alias:Alias": (r, c) => [
        { action: "kms:CreateAlias", resource: `arn:aws:kms:${c.region}:${acct}:${s(r.inputs.name)}`, note: `alias ${s(r.inputs.name)}` },
        { action: "kms:CreateAlias", resource: `arn:aws:kms:${c.region}:${acct}:key/${s(r.inputs.targetKeyId) || "0"}`, context: { "aws:ResourceTag/stage": c.stage }, note: `alias ${s(r.inputs.name)}: the key side` },
    ],
    "aws:kms/grant:Grant": (r, c) => [{ action: "kms:CreateGrant", resource: `arn:aws:kms:${c.region}:${acct}:key/${s(r.inputs.keyId).split("/").pop() || "0"}`, context: { "aws:ResourceTag/stage": c.stage }, note: `grant ${r.name}` }],
    "aws:cloudwatch/logGroup:LogGroup": one("logs:CreateLogGroup", (r, c) => arnOr(r, `arn:aws:logs:${c.region}:${acct}:log-group:x`)),
    "aws:cloudwatch/metricAlarm:MetricAlarm": one("cloudwatch:PutMetricAlarm", (r, c) => arnOr(r, `arn:aws:cloudwatch:${c.region}:${acct}:alarm:x`)),
    "aws:cloudwatch/dashboard:Dashboard": (r) => [{ action: "cloudwatch:PutDashboard", resource: `arn:aws:cloudwatch::${acct}:dashboard/${s(r.inputs.dashboardName)}`, note: `dashboard ${s(r.inputs.dashboardName)}` }],
    "aws:cloudwatch/eventRule:EventRule": one("events:PutRule", (r, c) => arnOr(r, `arn:aws:events:${c.region}:${acct}:rule/x`)),
    "aws:cloudwatch/eventTarget:EventTarget": (r, c) => [{ action: "events:PutTargets", resource: `arn:aws:events:${c.region}:${acct}:rule/${c.stage}-x`, context: { "aws:ResourceTag/stage": c.stage }, note: `target ${r.name}` }],
    "aws:sns/topic:Topic": one("sns:CreateTopic", (r, c) => arnOr(r, `arn:aws:sns:${c.region}:${acct}:x`)),
    "aws:sns/topicPolicy:TopicPolicy": (r, c) => [{ action: "sns:SetTopicAttributes", resource: s(r.inputs.arn) || `arn:aws:sns:${c.region}:${acct}:x`, context: { "aws:ResourceTag/stage": c.stage }, note: `policy of ${r.name}` }],
    "aws:sns/topicSubscription:TopicSubscription": (r, c) => [{ action: "sns:Subscribe", resource: s(r.inputs.topic) || `arn:aws:sns:${c.region}:${acct}:x`, context: { "aws:ResourceTag/stage": c.stage }, note: `subscribe ${r.name}` }],
    "aws:ssm/parameter:Parameter": one("ssm:PutParameter", (r, c) => arnOr(r, `arn:aws:ssm:${c.region}:${acct}:parameter/x`)),
    // RequestCertificate is authorised on `*` (it has no resource type), with the request's tags.
    "aws:acm/certificate:Certificate": one("acm:RequestCertificate", () => "*"),
    "aws:acm/certificateValidation:CertificateValidation": (r, c) => [{ action: "acm:DescribeCertificate", resource: s(r.inputs.certificateArn) || `arn:aws:acm:${c.region}:${acct}:certificate/x`, note: "wait for validation" }],
    "aws:wafv2/webAcl:WebAcl": one("wafv2:CreateWebACL", (r, c) => arnOr(r, `arn:aws:wafv2:${c.region}:${acct}:regional/webacl/x/0`)),
    "aws:wafv2/webAclAssociation:WebAclAssociation": (r, c) => [{ action: "wafv2:AssociateWebACL", resource: s(r.inputs.webAclArn) || `arn:aws:wafv2:${c.region}:${acct}:regional/webacl/x/0`, context: { "aws:ResourceTag/stage": c.stage }, note: `associate ${r.name}` }],
    "aws:appautoscaling/target:Target": one("application-autoscaling:RegisterScalableTarget", (r, c) => arnOr(r, `arn:aws:application-autoscaling:${c.region}:${acct}:scalable-target/x`)),
    "aws:appautoscaling/policy:Policy": (r, c) => [{ action: "application-autoscaling:PutScalingPolicy", resource: `arn:aws:application-autoscaling:${c.region}:${acct}:scalable-target/x`, context: { "aws:ResourceTag/stage": c.stage }, note: `scaling policy ${r.name}` }],
    "aws:codepipeline/pipeline:Pipeline": one("codepipeline:CreatePipeline", (r, c) => arnOr(r, `arn:aws:codepipeline:${c.region}:${acct}:x`)),
    "aws:codebuild/project:Project": one("codebuild:CreateProject", (r, c) => arnOr(r, `arn:aws:codebuild:${c.region}:${acct}:project/x`)),
    "aws:codestarnotifications/notificationRule:NotificationRule": one("codestar-notifications:CreateNotificationRule", (r, c) => arnOr(r, `arn:aws:codestar-notifications:${c.region}:${acct}:notificationrule/x`)),
    "aws:backup/vault:Vault": one("backup:CreateBackupVault", (r, c) => arnOr(r, `arn:aws:backup:${c.region}:${acct}:backup-vault:x`)),
    "aws:backup/plan:Plan": one("backup:CreateBackupPlan", (r, c) => arnOr(r, `arn:aws:backup:${c.region}:${acct}:backup-plan:x`)),
    "aws:backup/selection:Selection": (r, c) => [{ action: "backup:CreateBackupSelection", resource: `arn:aws:backup:${c.region}:${acct}:backup-plan:x`, context: { "aws:ResourceTag/stage": c.stage }, note: `selection ${r.name}` }],
    "aws:route53/zone:Zone": one("route53:CreateHostedZone", () => "*"),
    "aws:route53/record:Record": (r) => [
        {
            action: "route53:ChangeResourceRecordSets",
            resource: `arn:aws:route53:::hostedzone/${s(r.inputs.zoneId) || "Z0"}`,
            context: { "route53:ChangeResourceRecordSetsNormalizedRecordNames": [s(r.inputs.name).toLowerCase().replace(/\.$/, "")], "route53:ChangeResourceRecordSetsActions": ["CREATE"] },
            note: `record ${s(r.inputs.name)}`,
        },
    ],
    "aws:iam/role:Role": one("iam:CreateRole", (r) => arnOr(r, `arn:aws:iam::${acct}:role/${r.name}`)),
    "aws:iam/policy:Policy": one("iam:CreatePolicy", (r) => arnOr(r, `arn:aws:iam::${acct}:policy/${r.name}`)),
    "aws:iam/rolePolicy:RolePolicy": (r) => [{ action: "iam:PutRolePolicy", resource: `arn:aws:iam::${acct}:role/${s(r.inputs.role)}`, note: `inline policy ${r.name}` }],
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (r) => [{ action: "iam:AttachRolePolicy", resource: `arn:aws:iam::${acct}:role/${s(r.inputs.role)}`, context: { "iam:PolicyARN": s(r.inputs.policyArn) }, note: `attach to ${s(r.inputs.role)}` }],
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": one("iam:CreateOpenIDConnectProvider", (r) => arnOr(r, `arn:aws:iam::${acct}:oidc-provider/token.actions.githubusercontent.com`)),
    "aws:iam/instanceProfile:InstanceProfile": one("iam:CreateInstanceProfile", (r) => `arn:aws:iam::${acct}:instance-profile/${s(r.outputs.name) || r.name}`),
    "aws:s3/bucket:Bucket": (r) => [{ action: "s3:CreateBucket", resource: `arn:aws:s3:::${s(r.outputs.bucket)}`, note: `bucket ${s(r.outputs.bucket)}` }],
    ...Object.fromEntries(
        [
            ["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "s3:PutLifecycleConfiguration"],
            ["aws:s3/bucketOwnershipControls:BucketOwnershipControls", "s3:PutBucketOwnershipControls"],
            ["aws:s3/bucketPolicy:BucketPolicy", "s3:PutBucketPolicy"],
            ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock"],
            ["aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "s3:PutEncryptionConfiguration"],
            ["aws:s3/bucketVersioning:BucketVersioning", "s3:PutBucketVersioning"],
        ].map(([type, action]): [string, Maker] => [type, (r) => [{ action, resource: `arn:aws:s3:::${s(r.inputs.bucket)}`, note: `${action.split(":")[1]} on ${s(r.inputs.bucket)}` }]]),
    ),
    "aws:s3/bucketObjectv2:BucketObjectv2": (r) => [{ action: "s3:PutObject", resource: `arn:aws:s3:::${s(r.inputs.bucket)}/${s(r.inputs.key)}`, note: `object ${s(r.inputs.key)}` }],
    "aws:sfn/stateMachine:StateMachine": one("states:CreateStateMachine", (r, c) => arnOr(r, `arn:aws:states:${c.region}:${acct}:stateMachine:x`)),
    "aws:autoscaling/group:Group": one("autoscaling:CreateAutoScalingGroup", (r, c) => `arn:aws:autoscaling:${c.region}:${acct}:autoScalingGroup:*:autoScalingGroupName/${r.name}`),
    "aws:autoscaling/policy:Policy": (r, c) => [{ action: "autoscaling:PutScalingPolicy", resource: `arn:aws:autoscaling:${c.region}:${acct}:autoScalingGroup:*:autoScalingGroupName/${c.stage}-x`, context: { "aws:ResourceTag/stage": c.stage }, note: `scaling policy ${r.name}` }],
    ...Object.fromEntries(
        [
            ["aws:imagebuilder/component:Component", "CreateComponent", "component"],
            ["aws:imagebuilder/imageRecipe:ImageRecipe", "CreateImageRecipe", "image-recipe"],
            ["aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration", "CreateInfrastructureConfiguration", "infrastructure-configuration"],
            ["aws:imagebuilder/distributionConfiguration:DistributionConfiguration", "CreateDistributionConfiguration", "distribution-configuration"],
            ["aws:imagebuilder/imagePipeline:ImagePipeline", "CreateImagePipeline", "image-pipeline"],
        ].map(([type, action, kind]): [string, Maker] => [
            type,
            // Versioned kinds are named <name>/<version>(/<build>) in their ARNs.
            one(`imagebuilder:${action}`, (r, c) => `arn:aws:imagebuilder:${c.region}:${acct}:${kind}/${(s(r.inputs.name) || r.name).toLowerCase()}${kind === "component" ? "/1.0.0/1" : kind === "image-recipe" ? "/1.0.0" : ""}`),
        ]),
    ),
};

/** The create calls of one planned resource, or undefined when the table has no entry for its type. */
export function createCalls(r: PlannedResource, c: CreateContext): Call[] | undefined {
    return CREATE_CALLS[r.type]?.(r, c);
}
