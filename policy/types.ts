/** Pulumi type tokens the pack judges (one place, so a rename in a provider is one edit). */
export const T = {
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    natGateway: "aws:ec2/natGateway:NatGateway",
    flowLog: "aws:ec2/flowLog:FlowLog",
    instance: "aws:ec2/instance:Instance",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    asg: "aws:autoscaling/group:Group",
    imageBuilderInfrastructure: "aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration",
    imageRecipe: "aws:imagebuilder/imageRecipe:ImageRecipe",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    albLb: "aws:alb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    albListener: "aws:alb/listener:Listener",
    listenerRule: "aws:lb/listenerRule:ListenerRule",
    albListenerRule: "aws:alb/listenerRule:ListenerRule",
    wafAssociation: "aws:wafv2/webAclAssociation:WebAclAssociation",
    rdsInstance: "aws:rds/instance:Instance",
    rdsCluster: "aws:rds/cluster:Cluster",
    rdsClusterInstance: "aws:rds/clusterInstance:ClusterInstance",
    appAutoscalingTarget: "aws:appautoscaling/target:Target",
    classicElb: "aws:elb/loadBalancer:LoadBalancer",
    eip: "aws:ec2/eip:Eip",
    eipAssociation: "aws:ec2/eipAssociation:EipAssociation",
    cloudControlResource: "aws:cloudcontrol/resource:Resource",
    cloudFormationStack: "aws:cloudformation/stack:Stack",
    cloudFormationStackSet: "aws:cloudformation/stackSet:StackSet",
    rdsParameterGroup: "aws:rds/parameterGroup:ParameterGroup",
    rdsClusterParameterGroup: "aws:rds/clusterParameterGroup:ClusterParameterGroup",
    ecsService: "aws:ecs/service:Service",
    ecsTaskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    ecrRepository: "aws:ecr/repository:Repository",
    bucket: "aws:s3/bucket:Bucket",
    bucketV2: "aws:s3/bucketV2:BucketV2",
    bucketEncryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    bucketEncryptionV2: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    bucketVersioning: "aws:s3/bucketVersioning:BucketVersioning",
    bucketVersioningV2: "aws:s3/bucketVersioningV2:BucketVersioningV2",
    bucketPublicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    codebuildProject: "aws:codebuild/project:Project",
    iamPolicy: "aws:iam/policy:Policy",
    iamRolePolicy: "aws:iam/rolePolicy:RolePolicy",
    iamUserPolicy: "aws:iam/userPolicy:UserPolicy",
    iamGroupPolicy: "aws:iam/groupPolicy:GroupPolicy",
    iamRole: "aws:iam/role:Role",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    githubRepository: "github:index/repository:Repository",
    githubRuleset: "github:index/repositoryRuleset:RepositoryRuleset",
    githubOrgRuleset: "github:index/organizationRuleset:OrganizationRuleset",
    githubBranchProtection: "github:index/branchProtection:BranchProtection",
} as const;

/** Load balancer types (the `aws:alb` aliases are the same resources). */
export const LB_TYPES = [T.lb, T.albLb];
export const LISTENER_TYPES = [T.listener, T.albListener];

/** True for an internet-facing load balancer (`internal` defaults to false). */
export function isInternetFacing(props: Record<string, unknown>): boolean {
    return props.internal !== true;
}

/** True for an application load balancer (`loadBalancerType` defaults to application). */
export function isApplicationLb(props: Record<string, unknown>): boolean {
    return (props.loadBalancerType ?? "application") === "application";
}
