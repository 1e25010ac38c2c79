/**
 * Name-length limits of the AWS resources whose names this program builds, and the budget that
 * leaves for the parts that come from config (the stage and a service's name).
 *
 * Why it matters: mocks accept any name; AWS does not, and Pulumi's auto-naming refuses a name
 * whose logical name plus its random suffix is too long at PREVIEW time ("name '…-' plus 7 random
 * chars is longer than maximum length 63"): https://github.com/pulumi/pulumi-aws/issues/1317,
 * https://github.com/pulumi/pulumi-aws/pull/1932 (target groups: 32). Config must refuse what
 * cannot fit instead (infra/nameRules.ts), and tests/names.test.ts proves every name the program
 * builds from the LONGEST values config allows fits its limit.
 *
 * Each limit carries the AWS page that states it (`doc`). Constants that are general AWS limits
 * rather than name budgets belong with lib/awsLimits.ts at merge (TODO(merge): move the numbers).
 */

/** Pulumi's auto-name: the logical name, a dash and 7 random hex characters (8 added in all). */
export const AUTONAME_SUFFIX = 8;

/** How a resource type's physical name is set and how long AWS lets it be. */
export interface NameLimit {
    /** What the name is, in AWS's words. */
    readonly what: string;
    /** The input property that holds the physical name. */
    readonly prop: string;
    /** Longest name AWS accepts. */
    readonly max: number;
    /** Pulumi fills `prop` with `<logical name>-<7 hex>` when the program leaves it out. */
    readonly autoNamed: boolean;
    /** The AWS page that states the limit. */
    readonly doc: string;
}

/** The named resource types the program creates, by Pulumi type token. */
export const NAME_LIMITS: Readonly<Record<string, NameLimit>> = {
    "aws:lb/targetGroup:TargetGroup": { what: "target group name", prop: "name", max: 32, autoNamed: true, doc: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html" },
    "aws:lb/loadBalancer:LoadBalancer": { what: "load balancer name", prop: "name", max: 32, autoNamed: true, doc: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html" },
    "aws:iam/role:Role": { what: "IAM role name", prop: "name", max: 64, autoNamed: true, doc: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html" },
    "aws:iam/policy:Policy": { what: "IAM managed policy name", prop: "name", max: 128, autoNamed: true, doc: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html" },
    "aws:iam/rolePolicy:RolePolicy": { what: "IAM inline policy name", prop: "name", max: 128, autoNamed: true, doc: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html" },
    "aws:iam/instanceProfile:InstanceProfile": { what: "instance profile name", prop: "name", max: 128, autoNamed: true, doc: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateInstanceProfile.html" },
    "aws:ecr/repository:Repository": { what: "ECR repository name", prop: "name", max: 256, autoNamed: true, doc: "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html" },
    "aws:cloudwatch/logGroup:LogGroup": { what: "log group name", prop: "name", max: 512, autoNamed: true, doc: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html" },
    "aws:s3/bucket:Bucket": { what: "S3 bucket name", prop: "bucket", max: 63, autoNamed: true, doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html" },
    // An object's key is set by us (never auto-named): UTF-8, at most 1,024 bytes.
    "aws:s3/bucketObjectv2:BucketObjectv2": { what: "S3 object key", prop: "key", max: 1024, autoNamed: false, doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html" },
    "aws:codebuild/project:Project": { what: "CodeBuild project name", prop: "name", max: 255, autoNamed: true, doc: "https://docs.aws.amazon.com/codebuild/latest/APIReference/API_CreateProject.html" },
    "aws:codepipeline/pipeline:Pipeline": { what: "pipeline name", prop: "name", max: 100, autoNamed: true, doc: "https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_PipelineDeclaration.html" },
    "aws:cloudwatch/eventRule:EventRule": { what: "EventBridge rule name", prop: "name", max: 64, autoNamed: true, doc: "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html" },
    "aws:sfn/stateMachine:StateMachine": { what: "state machine name", prop: "name", max: 80, autoNamed: true, doc: "https://docs.aws.amazon.com/step-functions/latest/apireference/API_StateMachineListItem.html" },
    "aws:imagebuilder/component:Component": { what: "Image Builder component name", prop: "name", max: 128, autoNamed: false, doc: "https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_CreateComponent.html" },
    "aws:imagebuilder/imageRecipe:ImageRecipe": { what: "Image Builder recipe name", prop: "name", max: 128, autoNamed: false, doc: "https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_CreateImageRecipe.html" },
    "aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration": { what: "Image Builder infrastructure configuration name", prop: "name", max: 128, autoNamed: false, doc: "https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_CreateInfrastructureConfiguration.html" },
    "aws:imagebuilder/distributionConfiguration:DistributionConfiguration": { what: "Image Builder distribution configuration name", prop: "name", max: 128, autoNamed: false, doc: "https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_CreateDistributionConfiguration.html" },
    "aws:imagebuilder/imagePipeline:ImagePipeline": { what: "Image Builder pipeline name", prop: "name", max: 128, autoNamed: false, doc: "https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_CreateImagePipeline.html" },
    "aws:rds/instance:Instance": { what: "DB instance identifier", prop: "identifier", max: 63, autoNamed: true, doc: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html" },
    "aws:rds/subnetGroup:SubnetGroup": { what: "DB subnet group name", prop: "name", max: 255, autoNamed: true, doc: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSubnetGroup.html" },
    "aws:rds/parameterGroup:ParameterGroup": { what: "DB parameter group name", prop: "name", max: 255, autoNamed: true, doc: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBParameterGroup.html" },
    "aws:ecs/cluster:Cluster": { what: "ECS cluster name", prop: "name", max: 255, autoNamed: true, doc: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCluster.html" },
    "aws:ecs/service:Service": { what: "ECS service name", prop: "name", max: 255, autoNamed: true, doc: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html" },
    "aws:ecs/taskDefinition:TaskDefinition": { what: "task definition family", prop: "family", max: 255, autoNamed: false, doc: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html" },
    "aws:sns/topic:Topic": { what: "SNS topic name", prop: "name", max: 256, autoNamed: true, doc: "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html" },
    "aws:cloudwatch/metricAlarm:MetricAlarm": { what: "alarm name", prop: "name", max: 255, autoNamed: true, doc: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html" },
    "aws:cloudwatch/dashboard:Dashboard": { what: "dashboard name", prop: "dashboardName", max: 255, autoNamed: false, doc: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html" },
    "aws:ec2/launchTemplate:LaunchTemplate": { what: "launch template name", prop: "name", max: 128, autoNamed: true, doc: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplate.html" },
    "aws:ec2/securityGroup:SecurityGroup": { what: "security group name", prop: "name", max: 255, autoNamed: true, doc: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html" },
    "aws:autoscaling/group:Group": { what: "Auto Scaling group name", prop: "name", max: 255, autoNamed: true, doc: "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_CreateAutoScalingGroup.html" },
    "aws:autoscaling/policy:Policy": { what: "scaling policy name", prop: "name", max: 255, autoNamed: true, doc: "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutScalingPolicy.html" },
    "aws:appautoscaling/policy:Policy": { what: "Application Auto Scaling policy name", prop: "name", max: 256, autoNamed: true, doc: "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html" },
    "aws:ssm/parameter:Parameter": { what: "SSM parameter name", prop: "name", max: 1011, autoNamed: true, doc: "https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html" },
    "aws:wafv2/webAcl:WebAcl": { what: "web ACL name", prop: "name", max: 128, autoNamed: true, doc: "https://docs.aws.amazon.com/waf/latest/APIReference/API_CreateWebACL.html" },
    "aws:kms/alias:Alias": { what: "KMS alias name", prop: "name", max: 256, autoNamed: false, doc: "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html" },
    "aws:backup/vault:Vault": { what: "backup vault name", prop: "name", max: 50, autoNamed: true, doc: "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateBackupVault.html" },
    "aws:backup/plan:Plan": { what: "backup plan name", prop: "name", max: 50, autoNamed: true, doc: "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupPlanInput.html" },
    "aws:backup/selection:Selection": { what: "backup selection name", prop: "name", max: 50, autoNamed: true, doc: "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupSelection.html" },
    "aws:codestarnotifications/notificationRule:NotificationRule": { what: "notification rule name", prop: "name", max: 64, autoNamed: false, doc: "https://docs.aws.amazon.com/codestar-notifications/latest/APIReference/API_CreateNotificationRule.html" },
    // The certificate's first domain name is its Common Name: at most 64 octets (RFC 5280).
    "aws:acm/certificate:Certificate": { what: "certificate domain name (Common Name)", prop: "domainName", max: 64, autoNamed: false, doc: "https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html" },
    "aws:route53/zone:Zone": { what: "hosted zone name", prop: "name", max: 253, autoNamed: false, doc: "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DomainNameFormat.html" },
    "aws:route53/record:Record": { what: "DNS record name", prop: "name", max: 253, autoNamed: false, doc: "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DomainNameFormat.html" },
};

/** The physical name a resource gets: its explicit name, or Pulumi's auto-name. */
export function physicalName(type: string, logicalName: string, inputs: Record<string, unknown>): string | undefined {
    const limit = NAME_LIMITS[type];
    if (!limit) return undefined;
    const given = inputs[limit.prop];
    if (typeof given === "string") return given;
    return limit.autoNamed ? `${logicalName}-${"x".repeat(AUTONAME_SUFFIX - 1)}` : undefined;
}

/**
 * The tightest name built from a service's name: its target group, `<stage>-<service>-tg` plus
 * the auto-name suffix, at most 32 characters. Every other per-service name has more room
 * (tests/names.test.ts checks them all against the longest names this allows).
 */
export const SERVICE_NAME_TEMPLATE = { type: "aws:lb/targetGroup:TargetGroup", build: (stage: string, service: string) => `${stage}-${service}-tg` } as const;

/** The longest service name whose every AWS name fits, in a stage: dev 17, test 16, staging 13, prod 16. */
export function maxServiceNameLength(stage: string): number {
    const limit = NAME_LIMITS[SERVICE_NAME_TEMPLATE.type];
    const overhead = SERVICE_NAME_TEMPLATE.build(stage, "").length + AUTONAME_SUFFIX;
    return limit.max - overhead;
}

/** The longest host name (`recordName.domain`): a DNS name, and the certificate's Common Name where TLS is on. */
export function maxHostnameLength(tls: boolean): number {
    return tls ? NAME_LIMITS["aws:acm/certificate:Certificate"].max : NAME_LIMITS["aws:route53/record:Record"].max;
}
