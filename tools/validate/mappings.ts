/**
 * One mapping table per Pulumi AWS type: which CloudFormation type it becomes, each Pulumi input
 * → CloudFormation property (with the value conversion), how other resources refer to it
 * (`Ref` / `Fn::GetAtt` by output), and the inputs that have no CloudFormation counterpart
 * (`skip`, with the reason). An input absent from its table is reported as unmapped, never
 * dropped silently. Types whose configuration CloudFormation keeps on another resource (S3
 * bucket settings, ECR lifecycle, IAM policy attachments, EventBridge targets) are folded into
 * it; types with no CloudFormation equivalent are listed in `NOT_VALIDATED`.
 */
import type { PlannedResource } from "../harness";
import { attributes, bool, CfnValue, compact, elbAction, elbCondition, jsonDoc, pascalDeep, propagatingTagList, tagList, tagMap } from "./convert";

/** How one Pulumi input becomes CloudFormation. */
export type PropRule =
    /** Same value (nested keys PascalCased) under this CloudFormation property. */
    | string
    /** This property, with the value converted. */
    | { readonly to: string; readonly value: (v: unknown, r: PlannedResource) => CfnValue }
    /** Several properties (deep-merged with the others: objects merge, lists concatenate). */
    | { readonly merge: (v: unknown, r: PlannedResource) => Record<string, CfnValue> }
    /** No CloudFormation counterpart: why. */
    | { readonly skip: string };

/**
 * How other resources' inputs refer to this one: output key (`id` = the resource id) → `Ref`, an
 * attribute for `Fn::GetAtt`, or `Fn::Sub <template>` (`${Self}` = this resource's `Ref`) for
 * values CloudFormation exposes no attribute for.
 */
export type RefTable = Readonly<Record<string, "Ref" | string>>;

export interface TypeMapping {
    readonly cfnType: string;
    readonly props: Readonly<Record<string, PropRule>>;
    /**
     * How `tags` map: a list (`[{Key, Value}]`, the default), a map, Auto Scaling's propagating list
     * (`[{Key, Value, PropagateAtLaunch}]`), wrapped as `{ to, style, wrap }` (a list put inside
     * another property, e.g. a launch template's own tag specification), or skipped with a reason.
     */
    readonly tags?: { readonly to: string; readonly style: "list" | "map" | "propagating"; readonly wrap?: (tags: CfnValue) => CfnValue } | { readonly skip: string };
    /** A name property CloudFormation requires where Pulumi auto-names: filled with the physical name. */
    readonly physicalName?: string;
    readonly refs?: RefTable;
    /** Extra CloudFormation resources the one Pulumi resource implies, by logical id suffix. */
    readonly extras?: (r: PlannedResource, props: Record<string, CfnValue>, self: string) => Record<string, { Type: string; Properties: Record<string, CfnValue> }>;
}

/** A resource whose configuration CloudFormation keeps on another (parent) resource. */
export interface FoldMapping {
    /** Pulumi type of the parent. */
    readonly into: string;
    /** This resource's input naming the parent … */
    readonly by: string;
    /** … matched against this output of the parent. */
    readonly parentKey: string;
    /** The parent properties this resource contributes (deep-merged). */
    readonly props: (inputs: Record<string, unknown>, r: PlannedResource) => Record<string, CfnValue>;
    /** Inputs read by `props` (all others are reported as unmapped). */
    readonly reads: readonly string[];
}

const physical = (r: PlannedResource): string => String(r.outputs.name ?? r.inputs.name ?? r.name);
const str = (v: unknown): CfnValue => (v === undefined ? undefined : String(v));
const TAGS_MAP = { to: "Tags", style: "map" } as const;

/** Pulumi-only inputs that change how Pulumi deletes, never what AWS creates. */
const FORCE_DESTROY = { skip: "Pulumi-only: empties the bucket/vault on delete" };

/**
 * A security group's inline rules (`{ protocol, fromPort, toPort, cidrBlocks, … }`) → one
 * CloudFormation rule per source/destination (CloudFormation takes a single CIDR, group or
 * prefix list per rule). `self` has no inline CloudFormation form and is kept as `Self` for the
 * validator to report.
 */
function inlineRules(v: unknown, side: "Source" | "Destination"): CfnValue {
    return (v as Record<string, unknown>[]).flatMap((rule) => {
        const base = { IpProtocol: str(rule.protocol), FromPort: rule.fromPort, ToPort: rule.toPort, Description: rule.description };
        const list = (k: string) => (rule[k] as string[] | undefined) ?? [];
        const peers: Record<string, unknown>[] = [
            ...list("cidrBlocks").map((CidrIp) => ({ CidrIp })),
            ...list("ipv6CidrBlocks").map((CidrIpv6) => ({ CidrIpv6 })),
            ...list("securityGroups").map((id) => ({ [`${side}SecurityGroupId`]: id })),
            ...list("prefixListIds").map((id) => ({ [`${side}PrefixListId`]: id })),
            ...(rule.self === true ? [{ Self: true }] : []),
        ];
        return peers.map((peer) => compact({ ...base, ...peer }));
    });
}

/** A block device mapping (launch template, image recipe): the EC2 provider's string booleans → booleans. */
function blockDevices(v: unknown): CfnValue {
    return (v as Record<string, unknown>[]).map((m) => {
        const ebs = m.ebs as Record<string, unknown> | undefined;
        return compact({
            DeviceName: m.deviceName,
            NoDevice: m.noDevice,
            VirtualName: m.virtualName,
            Ebs: ebs
                ? compact({
                      DeleteOnTermination: bool(ebs.deleteOnTermination),
                      Encrypted: bool(ebs.encrypted),
                      Iops: ebs.iops,
                      KmsKeyId: ebs.kmsKeyId,
                      SnapshotId: ebs.snapshotId,
                      Throughput: ebs.throughput,
                      VolumeSize: ebs.volumeSize,
                      VolumeType: ebs.volumeType,
                  })
                : undefined,
        });
    });
}

/** A launch template input that CloudFormation keeps inside `LaunchTemplateData`. */
const data = (to: string, value: (v: unknown) => CfnValue = (v) => pascalDeep(v)): PropRule => ({ merge: (v) => ({ LaunchTemplateData: { [to]: value(v) } }) });
/** Image Builder's types take their name as a required property and tags as a map. */
const IMAGE_BUILDER = { tags: TAGS_MAP, physicalName: "Name", refs: { id: "Ref", arn: "Ref" } } as const;

export const MAPPINGS: Readonly<Record<string, TypeMapping>> = {
    // ---- network ------------------------------------------------------------------------------
    "aws:ec2/vpc:Vpc": {
        cfnType: "AWS::EC2::VPC",
        props: { cidrBlock: "CidrBlock", enableDnsHostnames: "EnableDnsHostnames", enableDnsSupport: "EnableDnsSupport", instanceTenancy: "InstanceTenancy" },
        refs: { id: "Ref", cidrBlock: "CidrBlock", defaultSecurityGroupId: "DefaultSecurityGroup" },
    },
    "aws:ec2/subnet:Subnet": {
        cfnType: "AWS::EC2::Subnet",
        props: { availabilityZone: "AvailabilityZone", cidrBlock: "CidrBlock", mapPublicIpOnLaunch: "MapPublicIpOnLaunch", vpcId: "VpcId" },
        refs: { id: "Ref" },
    },
    "aws:ec2/internetGateway:InternetGateway": {
        cfnType: "AWS::EC2::InternetGateway",
        props: { vpcId: { skip: "CloudFormation attaches it with AWS::EC2::VPCGatewayAttachment (emitted as <id>Attachment)" } },
        refs: { id: "Ref" },
        extras: (r, _props, self): Record<string, { Type: string; Properties: Record<string, CfnValue> }> =>
            r.inputs.vpcId === undefined ? {} : { Attachment: { Type: "AWS::EC2::VPCGatewayAttachment", Properties: { VpcId: r.inputs.vpcId, InternetGatewayId: { Ref: self } } } },
    },
    "aws:ec2/eip:Eip": {
        cfnType: "AWS::EC2::EIP",
        props: { domain: "Domain" },
        refs: { id: "AllocationId", allocationId: "AllocationId", publicIp: "Ref" },
    },
    "aws:ec2/natGateway:NatGateway": {
        cfnType: "AWS::EC2::NatGateway",
        props: { allocationId: "AllocationId", connectivityType: "ConnectivityType", subnetId: "SubnetId" },
        refs: { id: "Ref" },
    },
    "aws:ec2/routeTable:RouteTable": { cfnType: "AWS::EC2::RouteTable", props: { vpcId: "VpcId" }, refs: { id: "Ref" } },
    "aws:ec2/route:Route": {
        cfnType: "AWS::EC2::Route",
        props: {
            destinationCidrBlock: "DestinationCidrBlock",
            gatewayId: "GatewayId",
            natGatewayId: "NatGatewayId",
            routeTableId: "RouteTableId",
            vpcPeeringConnectionId: "VpcPeeringConnectionId",
            transitGatewayId: "TransitGatewayId",
            vpcEndpointId: "VpcEndpointId",
        },
        tags: { skip: "AWS::EC2::Route has no tags" },
    },
    "aws:ec2/routeTableAssociation:RouteTableAssociation": {
        cfnType: "AWS::EC2::SubnetRouteTableAssociation",
        props: { routeTableId: "RouteTableId", subnetId: "SubnetId" },
        tags: { skip: "no tags" },
    },
    "aws:ec2/securityGroup:SecurityGroup": {
        cfnType: "AWS::EC2::SecurityGroup",
        props: {
            description: "GroupDescription",
            vpcId: "VpcId",
            name: "GroupName",
            revokeRulesOnDelete: { skip: "Pulumi-only: revokes rules before delete" },
            ingress: { to: "SecurityGroupIngress", value: (v) => inlineRules(v, "Source") },
            egress: { to: "SecurityGroupEgress", value: (v) => inlineRules(v, "Destination") },
        },
        refs: { id: "GroupId" },
    },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
        cfnType: "AWS::EC2::SecurityGroupIngress",
        props: {
            securityGroupId: "GroupId",
            ipProtocol: "IpProtocol",
            fromPort: "FromPort",
            toPort: "ToPort",
            cidrIpv4: "CidrIp",
            cidrIpv6: "CidrIpv6",
            referencedSecurityGroupId: "SourceSecurityGroupId",
            prefixListId: "SourcePrefixListId",
            description: "Description",
        },
        tags: { skip: "AWS::EC2::SecurityGroupIngress takes no tags (the rule's own tags are an EC2 API extra)" },
    },
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
        cfnType: "AWS::EC2::SecurityGroupEgress",
        props: {
            securityGroupId: "GroupId",
            ipProtocol: "IpProtocol",
            fromPort: "FromPort",
            toPort: "ToPort",
            cidrIpv4: "CidrIp",
            cidrIpv6: "CidrIpv6",
            referencedSecurityGroupId: "DestinationSecurityGroupId",
            prefixListId: "DestinationPrefixListId",
            description: "Description",
        },
        tags: { skip: "AWS::EC2::SecurityGroupEgress takes no tags (the rule's own tags are an EC2 API extra)" },
    },
    "aws:ec2/flowLog:FlowLog": {
        cfnType: "AWS::EC2::FlowLog",
        props: {
            vpcId: { merge: (v) => ({ ResourceId: v, ResourceType: "VPC" }) },
            subnetId: { merge: (v) => ({ ResourceId: v, ResourceType: "Subnet" }) },
            iamRoleArn: "DeliverLogsPermissionArn",
            logDestination: "LogDestination",
            logDestinationType: "LogDestinationType",
            maxAggregationInterval: "MaxAggregationInterval",
            trafficType: "TrafficType",
            logFormat: "LogFormat",
        },
    },
    "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": {
        cfnType: "AWS::EC2::VPCPeeringConnection",
        props: {
            vpcId: "VpcId",
            peerVpcId: "PeerVpcId",
            peerOwnerId: "PeerOwnerId",
            peerRegion: "PeerRegion",
            autoAccept: { skip: "CloudFormation accepts same-account peering itself" },
            accepter: { skip: "DNS resolution options have no CloudFormation property" },
            requester: { skip: "DNS resolution options have no CloudFormation property" },
        },
        refs: { id: "Ref" },
    },

    // ---- edge ---------------------------------------------------------------------------------
    "aws:lb/loadBalancer:LoadBalancer": {
        cfnType: "AWS::ElasticLoadBalancingV2::LoadBalancer",
        props: {
            name: "Name",
            internal: { to: "Scheme", value: (v) => (v ? "internal" : "internet-facing") },
            loadBalancerType: "Type",
            ipAddressType: "IpAddressType",
            securityGroups: "SecurityGroups",
            subnets: "Subnets",
            accessLogs: {
                merge: (v) => {
                    const a = v as Record<string, unknown>;
                    return { LoadBalancerAttributes: attributes({ "access_logs.s3.enabled": a.enabled ?? true, "access_logs.s3.bucket": a.bucket, "access_logs.s3.prefix": a.prefix }) };
                },
            },
            dropInvalidHeaderFields: { merge: (v) => ({ LoadBalancerAttributes: attributes({ "routing.http.drop_invalid_header_fields.enabled": v }) }) },
            enableDeletionProtection: { merge: (v) => ({ LoadBalancerAttributes: attributes({ "deletion_protection.enabled": v }) }) },
            idleTimeout: { merge: (v) => ({ LoadBalancerAttributes: attributes({ "idle_timeout.timeout_seconds": v }) }) },
            enableHttp2: { merge: (v) => ({ LoadBalancerAttributes: attributes({ "routing.http2.enabled": v }) }) },
        },
        refs: { id: "Ref", arn: "Ref", dnsName: "DNSName", arnSuffix: "LoadBalancerFullName", zoneId: "CanonicalHostedZoneID" },
    },
    "aws:lb/targetGroup:TargetGroup": {
        cfnType: "AWS::ElasticLoadBalancingV2::TargetGroup",
        props: {
            name: "Name",
            port: "Port",
            protocol: "Protocol",
            targetType: "TargetType",
            vpcId: "VpcId",
            deregistrationDelay: { merge: (v) => ({ TargetGroupAttributes: attributes({ "deregistration_delay.timeout_seconds": v }) }) },
            healthCheck: {
                merge: (v) => {
                    const h = v as Record<string, unknown>;
                    return compact({
                        HealthCheckEnabled: h.enabled,
                        HealthCheckPath: h.path,
                        HealthCheckPort: h.port,
                        HealthCheckProtocol: h.protocol,
                        HealthCheckIntervalSeconds: h.interval,
                        HealthCheckTimeoutSeconds: h.timeout,
                        HealthyThresholdCount: h.healthyThreshold,
                        UnhealthyThresholdCount: h.unhealthyThreshold,
                        Matcher: h.matcher === undefined ? undefined : { HttpCode: h.matcher },
                    }) ?? {};
                },
            },
        },
        refs: { id: "Ref", arn: "Ref", arnSuffix: "TargetGroupFullName" },
    },
    "aws:lb/listener:Listener": {
        cfnType: "AWS::ElasticLoadBalancingV2::Listener",
        props: {
            loadBalancerArn: "LoadBalancerArn",
            port: "Port",
            protocol: "Protocol",
            sslPolicy: "SslPolicy",
            certificateArn: { to: "Certificates", value: (v) => [{ CertificateArn: v }] },
            defaultActions: { to: "DefaultActions", value: (v) => (v as Record<string, unknown>[]).map(elbAction) },
        },
        refs: { id: "Ref", arn: "Ref" },
    },
    "aws:lb/listenerRule:ListenerRule": {
        cfnType: "AWS::ElasticLoadBalancingV2::ListenerRule",
        props: {
            listenerArn: "ListenerArn",
            priority: "Priority",
            actions: { to: "Actions", value: (v) => (v as Record<string, unknown>[]).map(elbAction) },
            conditions: { to: "Conditions", value: (v) => (v as Record<string, unknown>[]).map(elbCondition) },
        },
        refs: { id: "Ref", arn: "Ref" },
    },
    "aws:wafv2/webAcl:WebAcl": {
        cfnType: "AWS::WAFv2::WebACL",
        props: { name: "Name", description: "Description", scope: "Scope", defaultAction: "DefaultAction", rules: "Rules", visibilityConfig: "VisibilityConfig" },
        physicalName: "Name",
        refs: { arn: "Arn" },
    },
    "aws:wafv2/webAclAssociation:WebAclAssociation": {
        cfnType: "AWS::WAFv2::WebACLAssociation",
        props: { resourceArn: "ResourceArn", webAclArn: "WebACLArn" },
    },
    "aws:acm/certificate:Certificate": {
        cfnType: "AWS::CertificateManager::Certificate",
        props: {
            domainName: "DomainName",
            subjectAlternativeNames: "SubjectAlternativeNames",
            validationMethod: "ValidationMethod",
            keyAlgorithm: "KeyAlgorithm",
        },
        refs: { id: "Ref", arn: "Ref" },
    },
    "aws:route53/zone:Zone": {
        cfnType: "AWS::Route53::HostedZone",
        props: {
            name: "Name",
            comment: { to: "HostedZoneConfig", value: (v) => ({ Comment: v }) },
            vpcs: { to: "VPCs", value: (v) => (v as Record<string, unknown>[]).map((x) => ({ VPCId: x.vpcId, VPCRegion: x.vpcRegion })) },
            forceDestroy: FORCE_DESTROY,
        },
        tags: { to: "HostedZoneTags", style: "list" },
        refs: { id: "Ref", zoneId: "Ref" },
    },
    "aws:route53/record:Record": {
        cfnType: "AWS::Route53::RecordSet",
        props: {
            zoneId: "HostedZoneId",
            name: "Name",
            type: "Type",
            ttl: { to: "TTL", value: str },
            records: "ResourceRecords",
            aliases: {
                to: "AliasTarget",
                value: (v) => {
                    const a = (v as Record<string, unknown>[])[0];
                    return { DNSName: a.name, HostedZoneId: a.zoneId, EvaluateTargetHealth: a.evaluateTargetHealth };
                },
            },
            allowOverwrite: { skip: "Pulumi-only: takes over an existing record" },
        },
        tags: { skip: "records take no tags" },
    },

    // ---- services -----------------------------------------------------------------------------
    "aws:ecs/cluster:Cluster": {
        cfnType: "AWS::ECS::Cluster",
        props: { name: "ClusterName", settings: "ClusterSettings" },
        refs: { name: "Ref", arn: "Arn" },
    },
    "aws:ecs/service:Service": {
        cfnType: "AWS::ECS::Service",
        props: {
            name: "ServiceName",
            cluster: "Cluster",
            taskDefinition: "TaskDefinition",
            desiredCount: "DesiredCount",
            launchType: "LaunchType",
            platformVersion: "PlatformVersion",
            propagateTags: "PropagateTags",
            enableEcsManagedTags: "EnableECSManagedTags",
            enableExecuteCommand: "EnableExecuteCommand",
            healthCheckGracePeriodSeconds: "HealthCheckGracePeriodSeconds",
            availabilityZoneRebalancing: "AvailabilityZoneRebalancing",
            deploymentCircuitBreaker: { merge: (v) => ({ DeploymentConfiguration: { DeploymentCircuitBreaker: pascalDeep(v) } }) },
            deploymentMaximumPercent: { merge: (v) => ({ DeploymentConfiguration: { MaximumPercent: v } }) },
            deploymentMinimumHealthyPercent: { merge: (v) => ({ DeploymentConfiguration: { MinimumHealthyPercent: v } }) },
            loadBalancers: "LoadBalancers",
            networkConfiguration: {
                to: "NetworkConfiguration",
                value: (v) => {
                    const n = v as Record<string, unknown>;
                    return { AwsvpcConfiguration: compact({ AssignPublicIp: n.assignPublicIp === undefined ? undefined : n.assignPublicIp ? "ENABLED" : "DISABLED", SecurityGroups: n.securityGroups, Subnets: n.subnets }) };
                },
            },
            waitForSteadyState: { skip: "Pulumi-only: waits for the deployment" },
            forceNewDeployment: { skip: "Pulumi-only: redeploys on update" },
        },
        refs: { id: "Ref", arn: "Ref", name: "Name" },
    },
    "aws:ecs/taskDefinition:TaskDefinition": {
        cfnType: "AWS::ECS::TaskDefinition",
        props: {
            family: "Family",
            cpu: "Cpu",
            memory: "Memory",
            networkMode: "NetworkMode",
            requiresCompatibilities: "RequiresCompatibilities",
            executionRoleArn: "ExecutionRoleArn",
            taskRoleArn: "TaskRoleArn",
            runtimePlatform: "RuntimePlatform",
            volumes: "Volumes",
            containerDefinitions: { to: "ContainerDefinitions", value: (v) => pascalDeep(jsonDoc(v), new Set(["Options", "DockerLabels", "SecretOptions"])) },
            ephemeralStorage: "EphemeralStorage",
            skipDestroy: { skip: "Pulumi-only: keeps old revisions" },
        },
        refs: { arn: "Ref" },
    },
    "aws:ecr/repository:Repository": {
        cfnType: "AWS::ECR::Repository",
        props: {
            name: "RepositoryName",
            encryptionConfigurations: { to: "EncryptionConfiguration", value: (v) => pascalDeep((v as unknown[])[0]) },
            imageScanningConfiguration: "ImageScanningConfiguration",
            imageTagMutability: "ImageTagMutability",
            forceDelete: "EmptyOnDelete",
        },
        refs: { name: "Ref", arn: "Arn", repositoryUrl: "RepositoryUri" },
    },
    "aws:appautoscaling/target:Target": {
        cfnType: "AWS::ApplicationAutoScaling::ScalableTarget",
        props: { maxCapacity: "MaxCapacity", minCapacity: "MinCapacity", resourceId: "ResourceId", scalableDimension: "ScalableDimension", serviceNamespace: "ServiceNamespace", roleArn: "RoleARN" },
        tags: { skip: "AWS::ApplicationAutoScaling::ScalableTarget takes no tags" },
    },
    "aws:appautoscaling/policy:Policy": {
        cfnType: "AWS::ApplicationAutoScaling::ScalingPolicy",
        props: {
            name: "PolicyName",
            policyType: "PolicyType",
            resourceId: "ResourceId",
            scalableDimension: "ScalableDimension",
            serviceNamespace: "ServiceNamespace",
            targetTrackingScalingPolicyConfiguration: "TargetTrackingScalingPolicyConfiguration",
            stepScalingPolicyConfiguration: "StepScalingPolicyConfiguration",
        },
        physicalName: "PolicyName",
    },

    // ---- database -----------------------------------------------------------------------------
    "aws:rds/instance:Instance": {
        cfnType: "AWS::RDS::DBInstance",
        props: {
            identifier: "DBInstanceIdentifier",
            instanceClass: "DBInstanceClass",
            engine: "Engine",
            engineVersion: "EngineVersion",
            allocatedStorage: { to: "AllocatedStorage", value: str },
            maxAllocatedStorage: "MaxAllocatedStorage",
            storageType: "StorageType",
            storageEncrypted: "StorageEncrypted",
            kmsKeyId: "KmsKeyId",
            iops: "Iops",
            dbName: "DBName",
            port: { to: "Port", value: str },
            username: "MasterUsername",
            manageMasterUserPassword: "ManageMasterUserPassword",
            masterUserSecretKmsKeyId: { to: "MasterUserSecret", value: (v) => ({ KmsKeyId: v }) },
            dbSubnetGroupName: "DBSubnetGroupName",
            parameterGroupName: "DBParameterGroupName",
            vpcSecurityGroupIds: "VPCSecurityGroups",
            multiAz: "MultiAZ",
            publiclyAccessible: "PubliclyAccessible",
            backupRetentionPeriod: "BackupRetentionPeriod",
            backupWindow: "PreferredBackupWindow",
            maintenanceWindow: "PreferredMaintenanceWindow",
            allowMajorVersionUpgrade: "AllowMajorVersionUpgrade",
            autoMinorVersionUpgrade: "AutoMinorVersionUpgrade",
            caCertIdentifier: "CACertificateIdentifier",
            copyTagsToSnapshot: "CopyTagsToSnapshot",
            deleteAutomatedBackups: "DeleteAutomatedBackups",
            deletionProtection: "DeletionProtection",
            enabledCloudwatchLogsExports: "EnableCloudwatchLogsExports",
            monitoringInterval: "MonitoringInterval",
            monitoringRoleArn: "MonitoringRoleArn",
            performanceInsightsEnabled: "EnablePerformanceInsights",
            performanceInsightsKmsKeyId: "PerformanceInsightsKMSKeyId",
            performanceInsightsRetentionPeriod: "PerformanceInsightsRetentionPeriod",
            iamDatabaseAuthenticationEnabled: "EnableIAMDatabaseAuthentication",
            finalSnapshotIdentifier: { skip: "CloudFormation snapshots on delete by DeletionPolicy: Snapshot (set from skipFinalSnapshot)" },
            skipFinalSnapshot: { skip: "becomes the DeletionPolicy (Snapshot unless skipped)" },
            applyImmediately: { skip: "Pulumi-only: when modifications apply" },
        },
        refs: { id: "Ref", identifier: "Ref", arn: "DBInstanceArn", address: "Endpoint.Address", endpoint: "Endpoint.Address" },
    },
    "aws:rds/subnetGroup:SubnetGroup": {
        cfnType: "AWS::RDS::DBSubnetGroup",
        props: { name: "DBSubnetGroupName", description: "DBSubnetGroupDescription", subnetIds: "SubnetIds" },
        refs: { id: "Ref", name: "Ref" },
    },
    "aws:rds/parameterGroup:ParameterGroup": {
        cfnType: "AWS::RDS::DBParameterGroup",
        props: {
            name: "DBParameterGroupName",
            description: "Description",
            family: "Family",
            parameters: {
                to: "Parameters",
                value: (v) => Object.fromEntries((v as Record<string, unknown>[]).map((p) => [String(p.name), String(p.value)])),
            },
        },
        refs: { id: "Ref", name: "Ref" },
    },
    "aws:backup/vault:Vault": {
        cfnType: "AWS::Backup::BackupVault",
        props: { name: "BackupVaultName", kmsKeyArn: "EncryptionKeyArn", forceDestroy: FORCE_DESTROY },
        tags: { to: "BackupVaultTags", style: "map" },
        physicalName: "BackupVaultName",
        refs: { id: "Ref", name: "Ref", arn: "BackupVaultArn" },
    },
    "aws:backup/plan:Plan": {
        cfnType: "AWS::Backup::BackupPlan",
        props: {
            name: { skip: "carried inside BackupPlan.BackupPlanName" },
            rules: {
                merge: (v, r) => ({
                    BackupPlan: {
                        BackupPlanName: physical(r),
                        BackupPlanRule: (v as Record<string, unknown>[]).map((x) => {
                            const life = x.lifecycle as Record<string, unknown> | undefined;
                            return compact({
                                RuleName: x.ruleName,
                                TargetBackupVault: x.targetVaultName,
                                ScheduleExpression: x.schedule,
                                StartWindowMinutes: x.startWindow,
                                CompletionWindowMinutes: x.completionWindow,
                                EnableContinuousBackup: x.enableContinuousBackup,
                                RecoveryPointTags: x.recoveryPointTags,
                                Lifecycle: life ? compact({ DeleteAfterDays: life.deleteAfter, MoveToColdStorageAfterDays: life.coldStorageAfter }) : undefined,
                                CopyActions: x.copyActions ? pascalDeep(x.copyActions) : undefined,
                            });
                        }),
                    },
                }),
            },
        },
        tags: { to: "BackupPlanTags", style: "map" },
        refs: { id: "Ref", arn: "BackupPlanArn" },
    },
    "aws:backup/selection:Selection": {
        cfnType: "AWS::Backup::BackupSelection",
        props: {
            planId: "BackupPlanId",
            name: { skip: "carried inside BackupSelection.SelectionName" },
            iamRoleArn: { merge: (v, r) => ({ BackupSelection: { SelectionName: physical(r), IamRoleArn: v } }) },
            resources: { merge: (v) => ({ BackupSelection: { Resources: v } }) },
        },
    },

    // ---- pipeline -----------------------------------------------------------------------------
    "aws:codepipeline/pipeline:Pipeline": {
        cfnType: "AWS::CodePipeline::Pipeline",
        props: {
            name: "Name",
            roleArn: "RoleArn",
            pipelineType: "PipelineType",
            executionMode: "ExecutionMode",
            artifactStores: {
                merge: (v) => {
                    const stores = v as Record<string, unknown>[];
                    const one = (s: Record<string, unknown>) => compact({ Type: s.type, Location: s.location, EncryptionKey: s.encryptionKey ? pascalDeep(s.encryptionKey) : undefined });
                    return stores.length === 1 && stores[0].region === undefined
                        ? { ArtifactStore: one(stores[0]) }
                        : { ArtifactStores: stores.map((s) => ({ Region: s.region, ArtifactStore: one(s) })) };
                },
            },
            stages: {
                to: "Stages",
                value: (v) =>
                    (v as Record<string, unknown>[]).map((s) =>
                        compact({
                        Name: s.name,
                        Actions: (s.actions as Record<string, unknown>[]).map((a) =>
                            compact({
                                Name: a.name,
                                ActionTypeId: { Category: a.category, Owner: a.owner, Provider: a.provider, Version: a.version },
                                Configuration: a.configuration,
                                InputArtifacts: (a.inputArtifacts as string[] | undefined)?.map((Name) => ({ Name })),
                                OutputArtifacts: (a.outputArtifacts as string[] | undefined)?.map((Name) => ({ Name })),
                                Namespace: a.namespace,
                                RunOrder: a.runOrder,
                                RoleArn: a.roleArn,
                                Region: a.region,
                                TimeoutInMinutes: a.timeoutInMinutes,
                            }),
                        ),
                        OnFailure: s.onFailure ? pascalDeep(s.onFailure) : undefined,
                        }),
                    ),
            },
            triggers: {
                to: "Triggers",
                value: (v) =>
                    (v as Record<string, unknown>[]).map((t) => {
                        const g = t.gitConfiguration as Record<string, unknown>;
                        return {
                            ProviderType: t.providerType,
                            GitConfiguration: compact({
                                SourceActionName: g.sourceActionName,
                                Push: g.pushes ? pascalDeep(g.pushes) : undefined,
                                PullRequest: g.pullRequests ? pascalDeep(g.pullRequests) : undefined,
                            }),
                        };
                    }),
            },
            variables: "Variables",
        },
        refs: { id: "Ref", name: "Ref", arn: "Fn::Sub arn:${AWS::Partition}:codepipeline:${AWS::Region}:${AWS::AccountId}:${Self}" },
    },
    "aws:codebuild/project:Project": {
        cfnType: "AWS::CodeBuild::Project",
        props: {
            name: "Name",
            description: "Description",
            serviceRole: "ServiceRole",
            artifacts: "Artifacts",
            environment: "Environment",
            source: "Source",
            buildTimeout: "TimeoutInMinutes",
            queuedTimeout: "QueuedTimeoutInMinutes",
            encryptionKey: "EncryptionKey",
            logsConfig: "LogsConfig",
            vpcConfig: "VpcConfig",
            concurrentBuildLimit: "ConcurrentBuildLimit",
        },
        refs: { id: "Ref", name: "Ref", arn: "Arn" },
    },
    "aws:codestarnotifications/notificationRule:NotificationRule": {
        cfnType: "AWS::CodeStarNotifications::NotificationRule",
        props: {
            name: "Name",
            detailType: "DetailType",
            eventTypeIds: "EventTypeIds",
            resource: "Resource",
            status: "Status",
            targets: { to: "Targets", value: (v) => (v as Record<string, unknown>[]).map((t) => ({ TargetType: t.type, TargetAddress: t.address })) },
        },
        tags: TAGS_MAP,
        physicalName: "Name",
    },
    "aws:cloudwatch/eventRule:EventRule": {
        cfnType: "AWS::Events::Rule",
        props: {
            name: "Name",
            description: "Description",
            scheduleExpression: "ScheduleExpression",
            eventPattern: { to: "EventPattern", value: jsonDoc },
            state: "State",
            eventBusName: "EventBusName",
        },
        tags: { skip: "AWS::Events::Rule takes no tags" },
        refs: { name: "Ref", arn: "Arn" },
    },

    // ---- identity and keys --------------------------------------------------------------------
    "aws:iam/role:Role": {
        cfnType: "AWS::IAM::Role",
        props: {
            name: "RoleName",
            path: "Path",
            description: "Description",
            assumeRolePolicy: { to: "AssumeRolePolicyDocument", value: jsonDoc },
            maxSessionDuration: "MaxSessionDuration",
            permissionsBoundary: "PermissionsBoundary",
            managedPolicyArns: "ManagedPolicyArns",
            forceDetachPolicies: { skip: "Pulumi-only: detaches policies before delete" },
        },
        refs: { id: "Ref", name: "Ref", arn: "Arn", uniqueId: "RoleId" },
    },
    "aws:iam/policy:Policy": {
        cfnType: "AWS::IAM::ManagedPolicy",
        props: { name: "ManagedPolicyName", path: "Path", description: "Description", policy: { to: "PolicyDocument", value: jsonDoc } },
        tags: { skip: "AWS::IAM::ManagedPolicy takes no tags" },
        refs: { id: "Ref", arn: "Ref" },
    },
    "aws:iam/rolePolicy:RolePolicy": {
        cfnType: "AWS::IAM::RolePolicy",
        props: { name: "PolicyName", role: "RoleName", policy: { to: "PolicyDocument", value: jsonDoc } },
        physicalName: "PolicyName",
    },
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
        cfnType: "AWS::IAM::OIDCProvider",
        props: { url: "Url", clientIdLists: "ClientIdList", thumbprintLists: "ThumbprintList" },
        refs: { id: "Ref", arn: "Ref" },
    },
    "aws:kms/key:Key": {
        cfnType: "AWS::KMS::Key",
        props: {
            description: "Description",
            enableKeyRotation: "EnableKeyRotation",
            deletionWindowInDays: "PendingWindowInDays",
            policy: { to: "KeyPolicy", value: jsonDoc },
            keyUsage: "KeyUsage",
            customerMasterKeySpec: "KeySpec",
            multiRegion: "MultiRegion",
        },
        refs: { id: "Ref", keyId: "Ref", arn: "Arn" },
    },
    "aws:kms/alias:Alias": {
        cfnType: "AWS::KMS::Alias",
        props: { name: "AliasName", targetKeyId: "TargetKeyId" },
    },

    // ---- observability and messaging ----------------------------------------------------------
    "aws:cloudwatch/logGroup:LogGroup": {
        cfnType: "AWS::Logs::LogGroup",
        props: { name: "LogGroupName", retentionInDays: "RetentionInDays", kmsKeyId: "KmsKeyId", skipDestroy: { skip: "Pulumi-only: keeps the group on delete" } },
        refs: { id: "Ref", name: "Ref", arn: "Arn" },
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": {
        cfnType: "AWS::CloudWatch::Alarm",
        props: {
            name: "AlarmName",
            alarmDescription: "AlarmDescription",
            actionsEnabled: "ActionsEnabled",
            alarmActions: "AlarmActions",
            okActions: "OKActions",
            insufficientDataActions: "InsufficientDataActions",
            comparisonOperator: "ComparisonOperator",
            datapointsToAlarm: "DatapointsToAlarm",
            evaluationPeriods: "EvaluationPeriods",
            metricName: "MetricName",
            namespace: "Namespace",
            period: "Period",
            statistic: "Statistic",
            extendedStatistic: "ExtendedStatistic",
            threshold: "Threshold",
            treatMissingData: "TreatMissingData",
            unit: "Unit",
            dimensions: { to: "Dimensions", value: (v) => Object.entries(v as Record<string, unknown>).map(([Name, Value]) => ({ Name, Value })) },
        },
        refs: { arn: "Arn" },
    },
    "aws:cloudwatch/dashboard:Dashboard": {
        cfnType: "AWS::CloudWatch::Dashboard",
        props: { dashboardName: "DashboardName", dashboardBody: "DashboardBody" },
    },
    "aws:sns/topic:Topic": {
        cfnType: "AWS::SNS::Topic",
        props: { name: "TopicName", displayName: "DisplayName", kmsMasterKeyId: "KmsMasterKeyId", fifoTopic: "FifoTopic" },
        refs: { id: "Ref", arn: "Ref", name: "TopicName" },
    },
    // The restart after a database secret rotation (components/rotationRestart.ts).
    "aws:sfn/stateMachine:StateMachine": {
        cfnType: "AWS::StepFunctions::StateMachine",
        props: { name: "StateMachineName", roleArn: "RoleArn", definition: "DefinitionString", type: "StateMachineType" },
        tags: { to: "Tags", style: "list" },
        physicalName: "StateMachineName",
        refs: { id: "Ref", arn: "Ref", name: "Name" },
    },
    "aws:sns/topicPolicy:TopicPolicy": {
        cfnType: "AWS::SNS::TopicPolicy",
        props: { arn: { to: "Topics", value: (v) => [v] }, policy: { to: "PolicyDocument", value: jsonDoc } },
    },
    "aws:sns/topicSubscription:TopicSubscription": {
        cfnType: "AWS::SNS::Subscription",
        props: { topic: "TopicArn", protocol: "Protocol", endpoint: "Endpoint", rawMessageDelivery: "RawMessageDelivery", filterPolicy: { to: "FilterPolicy", value: jsonDoc } },
    },

    // ---- storage ------------------------------------------------------------------------------
    "aws:s3/bucket:Bucket": {
        cfnType: "AWS::S3::Bucket",
        props: { bucket: "BucketName", forceDestroy: FORCE_DESTROY, objectLockEnabled: "ObjectLockEnabled" },
        refs: { id: "Ref", bucket: "Ref", arn: "Arn", bucketRegionalDomainName: "RegionalDomainName", bucketDomainName: "DomainName" },
    },
    "aws:s3/bucketPolicy:BucketPolicy": {
        cfnType: "AWS::S3::BucketPolicy",
        props: { bucket: "Bucket", policy: { to: "PolicyDocument", value: jsonDoc } },
    },

    // ---- EC2 runtime: parameter, instances, image pipeline ------------------------------------
    "aws:ssm/parameter:Parameter": {
        cfnType: "AWS::SSM::Parameter",
        props: {
            name: "Name",
            description: "Description",
            type: "Type",
            dataType: "DataType",
            value: "Value",
            insecureValue: "Value",
            tier: "Tier",
            allowedPattern: "AllowedPattern",
            overwrite: { skip: "Pulumi-only: adopts an existing parameter" },
            keyId: { skip: "CloudFormation creates no SecureString parameters, so it takes no key" },
        },
        tags: TAGS_MAP,
        refs: { id: "Ref", name: "Ref" },
    },
    "aws:iam/instanceProfile:InstanceProfile": {
        cfnType: "AWS::IAM::InstanceProfile",
        props: { name: "InstanceProfileName", path: "Path", role: { to: "Roles", value: (v) => [v] } },
        tags: { skip: "AWS::IAM::InstanceProfile takes no tags" },
        refs: { id: "Ref", name: "Ref", arn: "Arn" },
    },
    "aws:ec2/launchTemplate:LaunchTemplate": {
        cfnType: "AWS::EC2::LaunchTemplate",
        props: {
            name: "LaunchTemplateName",
            description: "VersionDescription",
            imageId: data("ImageId"),
            instanceType: data("InstanceType"),
            keyName: data("KeyName"),
            userData: data("UserData"),
            iamInstanceProfile: data("IamInstanceProfile"),
            metadataOptions: data("MetadataOptions"),
            monitoring: data("Monitoring"),
            ebsOptimized: data("EbsOptimized", bool),
            disableApiTermination: data("DisableApiTermination"),
            disableApiStop: data("DisableApiStop"),
            instanceInitiatedShutdownBehavior: data("InstanceInitiatedShutdownBehavior"),
            creditSpecification: data("CreditSpecification"),
            vpcSecurityGroupIds: data("SecurityGroupIds"),
            blockDeviceMappings: data("BlockDeviceMappings", blockDevices),
            networkInterfaces: data("NetworkInterfaces", (v) =>
                (v as Record<string, unknown>[]).map((n) => {
                    const { securityGroups, associatePublicIpAddress, deleteOnTermination, ...rest } = n;
                    return { ...(pascalDeep(rest) as Record<string, unknown>), ...compact({ Groups: securityGroups, AssociatePublicIpAddress: bool(associatePublicIpAddress), DeleteOnTermination: bool(deleteOnTermination) }) };
                }),
            ),
            tagSpecifications: data("TagSpecifications", (v) => (v as Record<string, unknown>[]).map((t) => compact({ ResourceType: t.resourceType, Tags: tagList(t.tags) }))),
            updateDefaultVersion: { skip: "CloudFormation makes each new version the default itself" },
            defaultVersion: { skip: "CloudFormation makes each new version the default itself" },
        },
        // Tags on the template itself (not on its instances) are the template's own tag specification.
        tags: { to: "TagSpecifications", style: "list", wrap: (Tags) => [{ ResourceType: "launch-template", Tags }] },
        refs: { id: "Ref", latestVersion: "LatestVersionNumber", defaultVersion: "DefaultVersionNumber" },
    },
    "aws:autoscaling/group:Group": {
        cfnType: "AWS::AutoScaling::AutoScalingGroup",
        props: {
            name: "AutoScalingGroupName",
            minSize: { to: "MinSize", value: str },
            maxSize: { to: "MaxSize", value: str },
            desiredCapacity: { to: "DesiredCapacity", value: str },
            vpcZoneIdentifiers: "VPCZoneIdentifier",
            availabilityZones: "AvailabilityZones",
            targetGroupArns: "TargetGroupARNs",
            loadBalancers: "LoadBalancerNames",
            launchTemplate: {
                to: "LaunchTemplate",
                value: (v) => {
                    const lt = v as Record<string, unknown>;
                    return compact({ LaunchTemplateId: lt.id, LaunchTemplateName: lt.name, Version: str(lt.version) });
                },
            },
            healthCheckType: "HealthCheckType",
            healthCheckGracePeriod: "HealthCheckGracePeriod",
            defaultInstanceWarmup: "DefaultInstanceWarmup",
            defaultCooldown: { to: "Cooldown", value: str },
            capacityRebalance: "CapacityRebalance",
            maxInstanceLifetime: "MaxInstanceLifetime",
            terminationPolicies: "TerminationPolicies",
            protectFromScaleIn: "NewInstancesProtectedFromScaleIn",
            serviceLinkedRoleArn: "ServiceLinkedRoleARN",
            placementGroup: "PlacementGroup",
            enabledMetrics: { merge: (v, r) => ({ MetricsCollection: [compact({ Granularity: r.inputs.metricsGranularity ?? "1Minute", Metrics: v })] }) },
            metricsGranularity: { skip: "carried inside MetricsCollection with enabledMetrics" },
            instanceRefresh: { skip: "CloudFormation rolls instances by an UpdatePolicy attribute, not a property: nothing for the rules to check" },
            waitForCapacityTimeout: { skip: "Pulumi-only: how long `pulumi up` waits for capacity (CloudFormation's CreationPolicy is an attribute)" },
            minElbCapacity: { skip: "Pulumi-only: waits for healthy instances" },
            waitForElbCapacity: { skip: "Pulumi-only: waits for healthy instances" },
            forceDelete: { skip: "Pulumi-only: deletes without draining" },
            forceDeleteWarmPool: { skip: "Pulumi-only: deletes without draining" },
        },
        tags: { to: "Tags", style: "propagating" },
        refs: { id: "Ref", name: "Ref" },
    },
    "aws:autoscaling/policy:Policy": {
        cfnType: "AWS::AutoScaling::ScalingPolicy",
        props: {
            name: { skip: "AWS::AutoScaling::ScalingPolicy takes no name (CloudFormation generates it)" },
            autoscalingGroupName: "AutoScalingGroupName",
            policyType: "PolicyType",
            targetTrackingConfiguration: "TargetTrackingConfiguration",
            adjustmentType: "AdjustmentType",
            scalingAdjustment: "ScalingAdjustment",
            cooldown: { to: "Cooldown", value: str },
            estimatedInstanceWarmup: "EstimatedInstanceWarmup",
            metricAggregationType: "MetricAggregationType",
            minAdjustmentMagnitude: "MinAdjustmentMagnitude",
            stepAdjustments: "StepAdjustments",
            predictiveScalingConfiguration: "PredictiveScalingConfiguration",
            enabled: { skip: "no CloudFormation property: a policy in a template is always enabled" },
        },
        refs: { arn: "Ref" },
    },
    "aws:imagebuilder/component:Component": {
        cfnType: "AWS::ImageBuilder::Component",
        props: {
            name: "Name",
            version: "Version",
            platform: "Platform",
            data: "Data",
            uri: "Uri",
            description: "Description",
            changeDescription: "ChangeDescription",
            kmsKeyId: "KmsKeyId",
            supportedOsVersions: "SupportedOsVersions",
            skipDestroy: { skip: "Pulumi-only: keeps the version on delete" },
        },
        ...IMAGE_BUILDER,
    },
    "aws:imagebuilder/imageRecipe:ImageRecipe": {
        cfnType: "AWS::ImageBuilder::ImageRecipe",
        props: {
            name: "Name",
            version: "Version",
            description: "Description",
            parentImage: "ParentImage",
            components: "Components",
            blockDeviceMappings: { to: "BlockDeviceMappings", value: blockDevices },
            workingDirectory: "WorkingDirectory",
            systemsManagerAgent: { merge: (v) => ({ AdditionalInstanceConfiguration: { SystemsManagerAgent: pascalDeep(v) } }) },
            userDataBase64: { merge: (v) => ({ AdditionalInstanceConfiguration: { UserDataOverride: v } }) },
        },
        ...IMAGE_BUILDER,
    },
    "aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration": {
        cfnType: "AWS::ImageBuilder::InfrastructureConfiguration",
        props: {
            name: "Name",
            description: "Description",
            instanceProfileName: "InstanceProfileName",
            instanceTypes: "InstanceTypes",
            subnetId: "SubnetId",
            securityGroupIds: "SecurityGroupIds",
            keyPair: "KeyPair",
            snsTopicArn: "SnsTopicArn",
            instanceMetadataOptions: "InstanceMetadataOptions",
            terminateInstanceOnFailure: "TerminateInstanceOnFailure",
            logging: "Logging",
            resourceTags: { to: "ResourceTags", value: tagMap },
        },
        ...IMAGE_BUILDER,
    },
    "aws:imagebuilder/distributionConfiguration:DistributionConfiguration": {
        cfnType: "AWS::ImageBuilder::DistributionConfiguration",
        props: {
            name: "Name",
            description: "Description",
            distributions: { to: "Distributions", value: (v) => pascalDeep(v, new Set(["AmiTags"])) },
        },
        ...IMAGE_BUILDER,
    },
    "aws:imagebuilder/imagePipeline:ImagePipeline": {
        cfnType: "AWS::ImageBuilder::ImagePipeline",
        props: {
            name: "Name",
            description: "Description",
            imageRecipeArn: "ImageRecipeArn",
            containerRecipeArn: "ContainerRecipeArn",
            infrastructureConfigurationArn: "InfrastructureConfigurationArn",
            distributionConfigurationArn: "DistributionConfigurationArn",
            status: "Status",
            schedule: "Schedule",
            enhancedImageMetadataEnabled: "EnhancedImageMetadataEnabled",
            imageTestsConfiguration: "ImageTestsConfiguration",
            imageScanningConfiguration: "ImageScanningConfiguration",
            executionRole: "ExecutionRole",
            workflows: "Workflows",
        },
        ...IMAGE_BUILDER,
    },
};

const bucketFold = (props: FoldMapping["props"], reads: string[]): FoldMapping => ({ into: "aws:s3/bucket:Bucket", by: "bucket", parentKey: "bucket", props, reads: ["bucket", ...reads] });

export const FOLDS: Readonly<Record<string, FoldMapping>> = {
    "aws:s3/bucketVersioning:BucketVersioning": bucketFold((i) => ({ VersioningConfiguration: { Status: (i.versioningConfiguration as Record<string, unknown>).status } }), ["versioningConfiguration"]),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": bucketFold(
        (i) => ({
            BucketEncryption: {
                ServerSideEncryptionConfiguration: (i.rules as Record<string, unknown>[]).map((rule) => {
                    const d = rule.applyServerSideEncryptionByDefault as Record<string, unknown> | undefined;
                    return compact({
                        ServerSideEncryptionByDefault: d ? compact({ SSEAlgorithm: d.sseAlgorithm, KMSMasterKeyID: d.kmsMasterKeyId }) : undefined,
                        BucketKeyEnabled: rule.bucketKeyEnabled,
                    });
                }),
            },
        }),
        ["rules"],
    ),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": bucketFold(
        (i) => ({
            PublicAccessBlockConfiguration: compact({ BlockPublicAcls: i.blockPublicAcls, BlockPublicPolicy: i.blockPublicPolicy, IgnorePublicAcls: i.ignorePublicAcls, RestrictPublicBuckets: i.restrictPublicBuckets }),
        }),
        ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"],
    ),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": bucketFold((i) => ({ OwnershipControls: { Rules: [{ ObjectOwnership: (i.rule as Record<string, unknown>).objectOwnership }] } }), ["rule"]),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": bucketFold(
        (i) => ({
            LifecycleConfiguration: {
                Rules: (i.rules as Record<string, unknown>[]).map((x) => {
                    const exp = x.expiration as Record<string, unknown> | undefined;
                    const nce = x.noncurrentVersionExpiration as Record<string, unknown> | undefined;
                    const abort = x.abortIncompleteMultipartUpload as Record<string, unknown> | undefined;
                    const filter = x.filter as Record<string, unknown> | undefined;
                    return compact({
                        Id: x.id,
                        Status: x.status,
                        Prefix: filter?.prefix,
                        ExpirationInDays: exp?.days,
                        NoncurrentVersionExpiration: nce ? compact({ NoncurrentDays: nce.noncurrentDays, NewerNoncurrentVersions: nce.newerNoncurrentVersions }) : undefined,
                        AbortIncompleteMultipartUpload: abort ? { DaysAfterInitiation: abort.daysAfterInitiation } : undefined,
                        Transitions: x.transitions ? (x.transitions as Record<string, unknown>[]).map((t) => compact({ StorageClass: t.storageClass, TransitionInDays: t.days })) : undefined,
                        NoncurrentVersionTransitions: x.noncurrentVersionTransitions
                            ? (x.noncurrentVersionTransitions as Record<string, unknown>[]).map((t) => compact({ StorageClass: t.storageClass, TransitionInDays: t.noncurrentDays }))
                            : undefined,
                    });
                }),
            },
        }),
        ["rules"],
    ),
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": {
        into: "aws:ecr/repository:Repository",
        by: "repository",
        parentKey: "name",
        props: (i) => ({ LifecyclePolicy: { LifecyclePolicyText: i.policy } }),
        reads: ["repository", "policy"],
    },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
        into: "aws:iam/role:Role",
        by: "role",
        parentKey: "name",
        props: (i) => ({ ManagedPolicyArns: [i.policyArn] }),
        reads: ["role", "policyArn"],
    },
    "aws:cloudwatch/eventTarget:EventTarget": {
        into: "aws:cloudwatch/eventRule:EventRule",
        by: "rule",
        parentKey: "name",
        props: (i, r) => ({ Targets: [compact({ Id: String(i.targetId ?? r.name).slice(0, 64), Arn: i.arn, RoleArn: i.roleArn, Input: i.input })] }),
        reads: ["rule", "arn", "roleArn", "targetId", "input"],
    },
};

/** Types with no CloudFormation equivalent: why they are not validated. */
export const NOT_VALIDATED: Readonly<Record<string, string>> = {
    "aws:acm/certificateValidation:CertificateValidation": "no CloudFormation resource: AWS::CertificateManager::Certificate waits for DNS validation itself",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "no CloudFormation resource: CloudFormation cannot adopt a VPC's default security group",
    "aws:s3/bucketObjectv2:BucketObjectv2": "no CloudFormation resource: CloudFormation has no S3 object type (the pipeline-tools scripts)",
    "aws:kms/grant:Grant": "no CloudFormation resource: KMS grants are made through the API only (a template would use the key policy instead)",
};

/** Tags for a mapped resource, per the table's tag rule. */
export function mapTags(m: TypeMapping, tags: unknown): [string, CfnValue] | undefined {
    if (m.tags && "skip" in m.tags) return undefined;
    const rule = m.tags ?? { to: "Tags", style: "list" as const };
    const value = rule.style === "map" ? tagMap(tags) : rule.style === "propagating" ? propagatingTagList(tags) : tagList(tags);
    if (value === undefined) return undefined;
    return [rule.to, "wrap" in rule && rule.wrap ? rule.wrap(value) : value];
}
