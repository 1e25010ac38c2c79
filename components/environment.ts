/**
 * `Environment`: the network, edge and shared runtime of one stage.
 *
 * A VPC with public, private and isolated subnets in every AZ of `network.availabilityZones`
 * (always two or more, so load balancers and database subnet groups work even in a one-AZ dev),
 * NAT per workload AZ or one shared, flow logs, a stage KMS key and alarm topic, the security
 * group model (only the load balancer takes traffic from the internet, only on 80/443), an
 * Application Load Balancer (internet-facing with TLS and WAF, or internal and plain HTTP), its
 * DNS name, and the ECS cluster services run in.
 *
 * Everything is plain `aws.*` so the resources are real under mocks and the policy pack sees them.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { Stage } from "../lib/stage";
import { parseCidr, subnetCidr, SubnetTier } from "../lib/cidr";
import { LOG_RETENTION_DAYS, SUBNET_MIN_AZS } from "../lib/awsLimits";
import { PLATFORM_TLS_POLICY } from "../lib/tlsPolicy";
import { SecureBucket } from "./secureBucket";
import { EnvironmentRefs, Tags } from "./types";
import { keepData } from "./dataGuard";
import { serviceTrustPolicy, policyDocument } from "./iam";
import { ArgsError, checkArgs } from "./argsError";

/** How NAT gateways are laid out. */
export type NatLayout = "single" | "perAz";

export interface NetworkArgs {
    /** The VPC's IPv4 block, a /16 to /20. */
    readonly cidr: string;
    /** Availability Zones the stage's workloads (tasks, NAT) run in. */
    readonly azCount: number;
    /**
     * AZs that get subnets: the first `max(azCount, SUBNET_MIN_AZS)` letters of the region unless configured.
     * Always at least two, since an ALB and an RDS subnet group need two AZs, even in dev (lib/awsLimits.ts).
     */
    readonly availabilityZones: readonly string[];
    /** One NAT gateway per workload AZ (`perAz`) or one for the whole stage (`single`). */
    readonly natGateways: NatLayout;
    /** Days VPC flow logs are kept in CloudWatch. */
    readonly flowLogRetentionDays: number;
}

export interface EdgeArgs {
    /** Apex domain of the platform, e.g. `example.com`. */
    readonly domain: string;
    /** Route 53 public hosted zone id of `domain` (needed for TLS certificates and public records). */
    readonly hostedZoneId?: string;
    /** The stage's host name under `domain` (`test` → `test.example.com`). */
    readonly recordName: string;
    /** The full host name the stage serves, `recordName.domain`. */
    readonly hostname: string;
    /** Internet-facing load balancer (false: internal, reachable only inside the VPC). */
    readonly public: boolean;
    /** HTTPS listener with an ACM certificate and an HTTP → HTTPS redirect. */
    readonly tls: boolean;
    /** A WAFv2 web ACL with AWS managed rules on the load balancer. */
    readonly waf: boolean;
    /** Requests per 5 minutes from one IP before WAF blocks it. */
    readonly wafRateLimit: number;
    /** Days ALB access logs are kept in S3. */
    readonly accessLogRetentionDays: number;
}

export interface AlertArgs {
    /** E-mail subscribed to the stage's alarm topic, if any. */
    readonly email?: string;
}

export interface EnvironmentArgs {
    /** The stage this environment belongs to. @default none (required) */
    readonly stage: Stage;
    /** AWS region (names the CloudWatch Logs service principal and the AZs). @default none (required) */
    readonly region: string;
    /** VPC block, AZs, NAT layout and flow log retention. @default none (required) */
    readonly network: NetworkArgs;
    /** Host name, public or internal, TLS, WAF and access log retention of the load balancer. @default none (required) */
    readonly edge: EdgeArgs;
    /** Who is e-mailed by the stage's alarm topic. @default no subscription */
    readonly alerts: AlertArgs;
    /** Tags on every resource. @default none (required) */
    readonly tags: Tags;
    /**
     * The stage holds data that outlives any deploy (the program passes true for prod): data
     * resources are protected and retained, logs retained (components/dataGuard.ts).
     */
    readonly keepData: boolean;
    /**
     * Deletion protection on the load balancer, and keep its access logs when the stack goes.
     * @default keepData
     */
    readonly protectData?: boolean;
}

/** The TLS policy of HTTPS listeners: TLS 1.3 and 1.2 only, forward-secret ciphers (lib/tlsPolicy.ts, with AWS's page). */
export const TLS_POLICY = PLATFORM_TLS_POLICY;

/** AWS managed rule groups on every web ACL, in priority order. */
export const WAF_MANAGED_RULE_GROUPS = ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesAmazonIpReputationList"] as const;

/** Ports the database tier listens on (PostgreSQL, MySQL): the app group may reach them in the VPC. */
export const DATABASE_PORTS = [5432, 3306] as const;

/** Ports services listen on: the load balancer reaches tasks on these, nothing else does. */
export const SERVICE_PORT_RANGE = { from: 1024, to: 65535 } as const;

const ANYWHERE = "0.0.0.0/0";

const TLS_NEEDS_ZONE = "edge.tls needs edge.hostedZoneId: the certificate is validated by a DNS record in that public zone";
const PUBLIC_NEEDS_ZONE = "edge.public needs edge.hostedZoneId: the public record of the host name lives in that zone";

/**
 * Everything wrong with an Environment's args, in words; empty when they are fine.
 * Pure, so it is tested with plain values and runs before any resource exists.
 */
export function validateEnvironmentArgs(args: EnvironmentArgs): string[] {
    const problems: string[] = [];
    const { network: n, edge: e } = args;
    const azs = n.availabilityZones;

    if (!parseCidr(n.cidr)) problems.push(`network.cidr ${JSON.stringify(n.cidr)} is not an IPv4 CIDR block on its network boundary`);
    if (azs.length < SUBNET_MIN_AZS) {
        problems.push(`network.availabilityZones has ${azs.length}; subnets need at least ${SUBNET_MIN_AZS} Availability Zones (a load balancer and a database subnet group span two)`);
    }
    const dupes = azs.filter((az, i) => azs.indexOf(az) !== i);
    if (dupes.length > 0) problems.push(`network.availabilityZones lists ${dupes.join(", ")} more than once`);
    const foreign = azs.filter((az) => !az.startsWith(args.region) || !/[a-h]$/.test(az));
    if (foreign.length > 0) problems.push(`network.availabilityZones ${foreign.join(", ")} are not Availability Zones of ${args.region} ending in a-h`);
    if (!Number.isInteger(n.azCount) || n.azCount < 1 || n.azCount > azs.length) {
        problems.push(`network.azCount ${n.azCount} must be from 1 to the ${azs.length} Availability Zones that have subnets`);
    }
    if (n.natGateways !== "single" && n.natGateways !== "perAz") problems.push(`network.natGateways ${JSON.stringify(n.natGateways)} must be "single" or "perAz"`);
    if (!LOG_RETENTION_DAYS.values.includes(n.flowLogRetentionDays)) {
        problems.push(`network.flowLogRetentionDays ${n.flowLogRetentionDays} is not a CloudWatch Logs retention; allowed: ${LOG_RETENTION_DAYS.values.join(", ")}`);
    }
    if (!e.hostname || e.hostname.startsWith(".") || e.hostname.endsWith(".")) problems.push(`edge.hostname ${JSON.stringify(e.hostname)} is not a host name`);
    if (e.tls && e.hostedZoneId === undefined) problems.push(TLS_NEEDS_ZONE);
    if (e.public && e.hostedZoneId === undefined) problems.push(PUBLIC_NEEDS_ZONE);
    if (e.public && !e.tls) problems.push("edge.public needs edge.tls: an internet-facing load balancer serves HTTPS only");
    if (e.public && !e.waf) problems.push("edge.public needs edge.waf: every internet-facing load balancer has a web ACL");
    if (e.waf && (!Number.isInteger(e.wafRateLimit) || e.wafRateLimit < 100)) problems.push(`edge.wafRateLimit ${e.wafRateLimit} must be an integer of at least 100 (requests per 5 minutes)`);
    if (!Number.isInteger(e.accessLogRetentionDays) || e.accessLogRetentionDays < 1) problems.push(`edge.accessLogRetentionDays ${e.accessLogRetentionDays} must be a positive integer`);
    return problems;
}

/** The NAT layout: which AZs get a NAT gateway, and which NAT each AZ's private subnet uses. */
export function natPlan(network: NetworkArgs): { natAzs: string[]; natFor: (az: string) => string } {
    const workloadAzs = network.availabilityZones.slice(0, network.azCount);
    const natAzs = network.natGateways === "perAz" ? workloadAzs : workloadAzs.slice(0, 1);
    return { natAzs, natFor: (az) => (natAzs.includes(az) ? az : natAzs[0]) };
}

interface Ctx {
    name: string;
    args: EnvironmentArgs;
    parent: pulumi.ComponentResource;
    tags: (extra?: Tags) => Tags;
    accountId: pulumi.Output<string>;
}

interface Network {
    vpc: aws.ec2.Vpc;
    subnets: Record<SubnetTier, aws.ec2.Subnet[]>;
    privateRouteTables: aws.ec2.RouteTable[];
    isolatedRouteTables: aws.ec2.RouteTable[];
}

export class Environment extends pulumi.ComponentResource {
    readonly refs: EnvironmentRefs;
    /** The hosted zone holding the stage's record (the public zone, or dev's private zone). */
    readonly zoneId: pulumi.Output<string>;
    /** The validated certificate of the HTTPS listener; undefined without TLS. */
    readonly certificateArn?: pulumi.Output<string>;

    constructor(name: string, args: EnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("stageline:stage:Environment", name, {}, opts);
        checkArgs("Environment", name, validateEnvironmentArgs(args), this);

        const ctx: Ctx = {
            name,
            args,
            parent: this,
            tags: (extra = {}) => ({ ...args.tags, ...extra }),
            accountId: aws.getCallerIdentityOutput({}, { parent: this }).accountId,
        };

        const key = createStageKey(ctx);
        const alarmTopic = createAlarmTopic(ctx, key);
        const network = createNetwork(ctx);
        createFlowLogs(ctx, network.vpc, key);
        const groups = createSecurityGroups(ctx, network.vpc);
        const alb = createLoadBalancer(ctx, network, groups.alb);
        const listeners = createListeners(ctx, alb);
        if (args.edge.waf) createWebAcl(ctx, alb);
        const zoneId = createDnsRecord(ctx, alb, network.vpc);
        const cluster = new aws.ecs.Cluster(
            name,
            { settings: [{ name: "containerInsights", value: "enabled" }], tags: ctx.tags() },
            { parent: this },
        );

        const azs = args.network.availabilityZones;
        const workloadAzs = azs.slice(0, args.network.azCount);
        const scheme = args.edge.tls ? "https" : "http";
        this.zoneId = zoneId;
        this.certificateArn = listeners.certificateArn;
        this.refs = {
            vpcId: network.vpc.id,
            vpcCidr: args.network.cidr,
            availabilityZones: azs,
            workloadAzs,
            publicSubnetIds: network.subnets.public.map((s) => s.id),
            privateSubnetIds: network.subnets.private.map((s) => s.id),
            workloadSubnetIds: network.subnets.private.slice(0, workloadAzs.length).map((s) => s.id),
            isolatedSubnetIds: network.subnets.isolated.map((s) => s.id),
            privateRouteTableIds: network.privateRouteTables.map((t) => t.id),
            isolatedRouteTableIds: network.isolatedRouteTables.map((t) => t.id),
            albSecurityGroupId: groups.alb.id,
            appSecurityGroupId: groups.app.id,
            albArn: alb.arn,
            albArnSuffix: alb.arnSuffix,
            albDnsName: alb.dnsName,
            listenerArn: listeners.listener.arn,
            scheme,
            hostname: args.edge.hostname,
            url: `${scheme}://${args.edge.hostname}`,
            clusterArn: cluster.arn,
            clusterName: cluster.name,
            alarmTopicArn: alarmTopic.arn,
            kmsKeyArn: key.arn,
            accountId: ctx.accountId,
            region: args.region,
        };
        this.registerOutputs({ ...this.refs, zoneId: this.zoneId, certificateArn: this.certificateArn });
    }
}

// ---------------------------------------------------------------------------------------------
// Key and alarm topic
// ---------------------------------------------------------------------------------------------

/** The stage's customer-managed key: logs, topics, artifacts and the database encrypt with it. */
function createStageKey(ctx: Ctx): aws.kms.Key {
    const { name, args } = ctx;
    const policy = policyDocument([
        {
            Sid: "AccountAdministers",
            Effect: "Allow",
            Principal: { AWS: pulumi.interpolate`arn:aws:iam::${ctx.accountId}:root` },
            Action: "kms:*",
            Resource: "*",
        },
        {
            Sid: "CloudWatchLogsEncryptsThisAccountsLogGroups",
            Effect: "Allow",
            Principal: { Service: `logs.${args.region}.amazonaws.com` },
            Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            Resource: "*",
            Condition: {
                ArnLike: { "kms:EncryptionContext:aws:logs:arn": pulumi.interpolate`arn:aws:logs:${args.region}:${ctx.accountId}:log-group:*` },
            },
        },
        {
            Sid: "AlarmsAndEventsPublishToEncryptedTopics",
            Effect: "Allow",
            Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com", "codestar-notifications.amazonaws.com"] },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceAccount": ctx.accountId } },
        },
    ]);
    const key = new aws.kms.Key(
        `${name}-key`,
        {
            description: `stageline ${args.stage}: logs, topics, artifacts and data`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            policy,
            tags: ctx.tags(),
        },
        // Everything of the stage's data is encrypted with it: losing the key loses the data.
        { parent: ctx.parent, ...keepData(args.keepData) },
    );
    new aws.kms.Alias(`${name}-key`, { name: `alias/stageline-${name}`, targetKeyId: key.keyId }, { parent: ctx.parent });
    return key;
}

/** The SNS topic every alarm and pipeline notification of the stage goes to. */
function createAlarmTopic(ctx: Ctx, key: aws.kms.Key): aws.sns.Topic {
    const { name, args } = ctx;
    const topic = new aws.sns.Topic(`${name}-alarms`, { kmsMasterKeyId: key.arn, tags: ctx.tags() }, { parent: ctx.parent });
    new aws.sns.TopicPolicy(
        `${name}-alarms`,
        {
            arn: topic.arn,
            policy: policyDocument([
                {
                    Sid: "ServicesOfThisAccountPublish",
                    Effect: "Allow",
                    Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com", "codestar-notifications.amazonaws.com"] },
                    Action: "sns:Publish",
                    Resource: topic.arn,
                    Condition: { StringEquals: { "aws:SourceAccount": ctx.accountId } },
                },
                {
                    Sid: "DenyInsecureTransport",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "sns:Publish",
                    Resource: topic.arn,
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ]),
        },
        { parent: ctx.parent },
    );
    if (args.alerts.email !== undefined) {
        new aws.sns.TopicSubscription(`${name}-alarms-email`, { topic: topic.arn, protocol: "email", endpoint: args.alerts.email }, { parent: ctx.parent });
    }
    return topic;
}

// ---------------------------------------------------------------------------------------------
// Network
// ---------------------------------------------------------------------------------------------

/** VPC, three subnet tiers per AZ, internet gateway, NAT gateways and route tables. */
function createNetwork(ctx: Ctx): Network {
    const { name, args } = ctx;
    const child = { parent: ctx.parent };
    const azs = args.network.availabilityZones;

    const vpc = new aws.ec2.Vpc(
        `${name}-vpc`,
        { cidrBlock: args.network.cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: ctx.tags({ Name: `${name}-vpc` }) },
        child,
    );
    // Adopt the default security group and strip its rules: nothing may use it by accident.
    new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, { vpcId: vpc.id, ingress: [], egress: [], tags: ctx.tags({ Name: `${name}-default-unused` }) }, child);

    const tierSubnets = (tier: SubnetTier) =>
        azs.map(
            (az) =>
                new aws.ec2.Subnet(
                    `${name}-${tier}-${az}`,
                    {
                        vpcId: vpc.id,
                        availabilityZone: az,
                        cidrBlock: subnetCidr(args.network.cidr, tier, az),
                        mapPublicIpOnLaunch: false,
                        tags: ctx.tags({ Name: `${name}-${tier}-${az}`, tier }),
                    },
                    child,
                ),
        );
    const subnets: Record<SubnetTier, aws.ec2.Subnet[]> = { public: tierSubnets("public"), private: tierSubnets("private"), isolated: tierSubnets("isolated") };

    // Public tier: one route table with the internet gateway.
    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: ctx.tags({ Name: `${name}-igw` }) }, child);
    const publicTable = new aws.ec2.RouteTable(`${name}-public`, { vpcId: vpc.id, tags: ctx.tags({ Name: `${name}-public`, tier: "public" }) }, child);
    new aws.ec2.Route(`${name}-public-internet`, { routeTableId: publicTable.id, destinationCidrBlock: ANYWHERE, gatewayId: igw.id }, child);
    azs.forEach((az, i) => new aws.ec2.RouteTableAssociation(`${name}-public-${az}`, { subnetId: subnets.public[i].id, routeTableId: publicTable.id }, child));

    // NAT gateways in the public subnets of the workload AZs (or the first one only).
    const { natAzs, natFor } = natPlan(args.network);
    const nats = new Map<string, aws.ec2.NatGateway>();
    for (const az of natAzs) {
        const eip = new aws.ec2.Eip(`${name}-nat-${az}`, { domain: "vpc", tags: ctx.tags({ Name: `${name}-nat-${az}` }) }, child);
        const subnet = subnets.public[azs.indexOf(az)];
        nats.set(
            az,
            new aws.ec2.NatGateway(
                `${name}-nat-${az}`,
                { allocationId: eip.allocationId, subnetId: subnet.id, connectivityType: "public", tags: ctx.tags({ Name: `${name}-nat-${az}` }) },
                { ...child, dependsOn: [igw] },
            ),
        );
    }

    // Private tier: a table per AZ, out through that AZ's NAT (or the shared one).
    const privateRouteTables = azs.map((az, i) => {
        const table = new aws.ec2.RouteTable(`${name}-private-${az}`, { vpcId: vpc.id, tags: ctx.tags({ Name: `${name}-private-${az}`, tier: "private" }) }, child);
        const nat = nats.get(natFor(az));
        if (nat === undefined) throw new pulumi.ResourceError(`Environment "${name}": no NAT gateway for ${az}`, ctx.parent);
        new aws.ec2.Route(`${name}-private-${az}-internet`, { routeTableId: table.id, destinationCidrBlock: ANYWHERE, natGatewayId: nat.id }, child);
        new aws.ec2.RouteTableAssociation(`${name}-private-${az}`, { subnetId: subnets.private[i].id, routeTableId: table.id }, child);
        return table;
    });

    // Isolated tier: a table per AZ with no route out of the VPC (peering routes may be added).
    const isolatedRouteTables = azs.map((az, i) => {
        const table = new aws.ec2.RouteTable(`${name}-isolated-${az}`, { vpcId: vpc.id, tags: ctx.tags({ Name: `${name}-isolated-${az}`, tier: "isolated" }) }, child);
        new aws.ec2.RouteTableAssociation(`${name}-isolated-${az}`, { subnetId: subnets.isolated[i].id, routeTableId: table.id }, child);
        return table;
    });

    return { vpc, subnets, privateRouteTables, isolatedRouteTables };
}

/** Flow logs of all VPC traffic to an encrypted log group, written by a role scoped to it. */
function createFlowLogs(ctx: Ctx, vpc: aws.ec2.Vpc, key: aws.kms.Key): void {
    const { name, args } = ctx;
    const child = { parent: ctx.parent };
    const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-flow-logs`,
        { retentionInDays: args.network.flowLogRetentionDays, kmsKeyId: key.arn, tags: ctx.tags() },
        // Flow logs are the network's audit trail.
        { ...child, ...keepData(args.keepData) },
    );
    const role = new aws.iam.Role(
        `${name}-flow-logs`,
        {
            description: `VPC flow logs of ${name} write to their log group`,
            assumeRolePolicy: serviceTrustPolicy("vpc-flow-logs.amazonaws.com", { sourceAccount: ctx.accountId }),
            tags: ctx.tags(),
        },
        child,
    );
    new aws.iam.RolePolicy(
        `${name}-flow-logs`,
        {
            role: role.id,
            policy: policyDocument([
                {
                    Sid: "WriteFlowLogs",
                    Effect: "Allow",
                    Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                    Resource: [logGroup.arn, pulumi.interpolate`${logGroup.arn}:*`],
                },
            ]),
        },
        child,
    );
    new aws.ec2.FlowLog(
        `${name}-vpc`,
        {
            vpcId: vpc.id,
            trafficType: "ALL",
            logDestinationType: "cloud-watch-logs",
            logDestination: logGroup.arn,
            iamRoleArn: role.arn,
            maxAggregationInterval: 60,
            tags: ctx.tags({ Name: `${name}-vpc` }),
        },
        child,
    );
}

// ---------------------------------------------------------------------------------------------
// Security groups
// ---------------------------------------------------------------------------------------------

/**
 * The load balancer's group (the only one reachable from outside the VPC, on 80/443 only) and
 * the group every service task uses (reachable from the load balancer only).
 */
function createSecurityGroups(ctx: Ctx, vpc: aws.ec2.Vpc): { alb: aws.ec2.SecurityGroup; app: aws.ec2.SecurityGroup } {
    const { name, args } = ctx;
    const child = { parent: ctx.parent };
    const vpcCidr = args.network.cidr;

    const alb = new aws.ec2.SecurityGroup(
        `${name}-alb`,
        { vpcId: vpc.id, description: `Load balancer of ${name}: HTTP(S) in, service ports out to the app group`, tags: ctx.tags({ Name: `${name}-alb` }) },
        child,
    );
    const app = new aws.ec2.SecurityGroup(
        `${name}-app`,
        { vpcId: vpc.id, description: `Service tasks of ${name}: traffic from the load balancer only`, tags: ctx.tags({ Name: `${name}-app` }) },
        child,
    );

    const ingress = (suffix: string, a: Omit<aws.vpc.SecurityGroupIngressRuleArgs, "securityGroupId" | "tags">, group: aws.ec2.SecurityGroup) =>
        new aws.vpc.SecurityGroupIngressRule(`${name}-${suffix}`, { ...a, securityGroupId: group.id, tags: ctx.tags() }, child);
    const egress = (suffix: string, a: Omit<aws.vpc.SecurityGroupEgressRuleArgs, "securityGroupId" | "tags">, group: aws.ec2.SecurityGroup) =>
        new aws.vpc.SecurityGroupEgressRule(`${name}-${suffix}`, { ...a, securityGroupId: group.id, tags: ctx.tags() }, child);

    if (args.edge.public) {
        ingress("alb-https-in", { description: "HTTPS from the internet", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: ANYWHERE }, alb);
        ingress("alb-http-in", { description: "HTTP from the internet, redirected to HTTPS", ipProtocol: "tcp", fromPort: 80, toPort: 80, cidrIpv4: ANYWHERE }, alb);
    } else {
        // Internal: reachable from inside the VPC only (VPN, bastion, peered tooling).
        const port = args.edge.tls ? 443 : 80;
        ingress(`alb-${args.edge.tls ? "https" : "http"}-in`, { description: "From inside the VPC only", ipProtocol: "tcp", fromPort: port, toPort: port, cidrIpv4: vpcCidr }, alb);
    }
    egress(
        "alb-to-app",
        { description: "To service tasks", ipProtocol: "tcp", fromPort: SERVICE_PORT_RANGE.from, toPort: SERVICE_PORT_RANGE.to, referencedSecurityGroupId: app.id },
        alb,
    );

    ingress(
        "app-from-alb",
        { description: "From the load balancer", ipProtocol: "tcp", fromPort: SERVICE_PORT_RANGE.from, toPort: SERVICE_PORT_RANGE.to, referencedSecurityGroupId: alb.id },
        app,
    );
    egress("app-https-out", { description: "HTTPS out: ECR, Secrets Manager, CloudWatch, AWS APIs", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: ANYWHERE }, app);
    for (const port of DATABASE_PORTS) {
        egress(`app-db-${port}-out`, { description: `Database port ${port} inside the VPC`, ipProtocol: "tcp", fromPort: port, toPort: port, cidrIpv4: vpcCidr }, app);
    }
    return { alb, app };
}

// ---------------------------------------------------------------------------------------------
// Load balancer, listeners, WAF, DNS
// ---------------------------------------------------------------------------------------------

function createLoadBalancer(ctx: Ctx, network: Network, group: aws.ec2.SecurityGroup): aws.lb.LoadBalancer {
    const { name, args } = ctx;
    const protect = args.protectData ?? args.keepData;
    const logPrefix = "alb";
    const logs = new SecureBucket(
        `${name}-alb-logs`,
        {
            purpose: `access logs of the ${name} load balancer`,
            // ALB access logs support SSE-S3 only.
            kmsKeyArn: undefined,
            versioned: true,
            expireAfterDays: args.edge.accessLogRetentionDays,
            noncurrentExpireAfterDays: 7,
            retainOnDelete: protect,
            tags: ctx.tags(),
            policyStatements: (bucketArn) => {
                const objects = pulumi.interpolate`${bucketArn}/${logPrefix}/AWSLogs/${ctx.accountId}/*`;
                return [
                    {
                        Sid: "ElbLogDelivery",
                        Effect: "Allow",
                        Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
                        Action: "s3:PutObject",
                        Resource: objects,
                    },
                    {
                        // Regions opened before August 2022 deliver as the regional ELB account.
                        Sid: "ElbLogDeliveryRegionalAccount",
                        Effect: "Allow",
                        Principal: { AWS: aws.elb.getServiceAccountOutput({ region: args.region }, { parent: ctx.parent }).arn },
                        Action: "s3:PutObject",
                        Resource: objects,
                    },
                ];
            },
        },
        { parent: ctx.parent },
    );

    const subnets = args.edge.public ? network.subnets.public : network.subnets.private;
    return new aws.lb.LoadBalancer(
        `${name}-alb`,
        {
            loadBalancerType: "application",
            internal: !args.edge.public,
            ipAddressType: "ipv4",
            subnets: subnets.map((s) => s.id),
            securityGroups: [group.id],
            dropInvalidHeaderFields: true,
            enableDeletionProtection: protect,
            accessLogs: { bucket: logs.bucket, prefix: logPrefix, enabled: true },
            tags: ctx.tags({ Name: `${name}-alb` }),
        },
        { parent: ctx.parent, dependsOn: [logs] },
    );
}

const NOT_FOUND: aws.types.input.lb.ListenerDefaultAction = {
    type: "fixed-response",
    fixedResponse: { contentType: "text/plain", messageBody: "Not found", statusCode: "404" },
};

/**
 * TLS: a DNS-validated certificate, an HTTPS listener (TLS 1.2+) and HTTP → HTTPS redirect.
 * Without TLS: one HTTP listener. Either way the default answer is 404; services add rules.
 */
function createListeners(ctx: Ctx, alb: aws.lb.LoadBalancer): { listener: aws.lb.Listener; certificateArn?: pulumi.Output<string> } {
    const { name, args } = ctx;
    const child = { parent: ctx.parent };
    const tags = ctx.tags();

    if (!args.edge.tls) {
        const http = new aws.lb.Listener(`${name}-http`, { loadBalancerArn: alb.arn, port: 80, protocol: "HTTP", defaultActions: [NOT_FOUND], tags }, child);
        return { listener: http };
    }

    const zoneId = args.edge.hostedZoneId;
    // validateEnvironmentArgs refused this before any resource; the check narrows the type.
    if (zoneId === undefined) throw new ArgsError("Environment", name, [TLS_NEEDS_ZONE], ctx.parent);
    const cert = new aws.acm.Certificate(
        `${name}-cert`,
        { domainName: args.edge.hostname, validationMethod: "DNS", keyAlgorithm: "RSA_2048", tags },
        child,
    );
    // One domain name, so one validation record: its name/type/value are known after creation.
    const option = cert.domainValidationOptions.apply((opts) => opts[0]);
    const record = new aws.route53.Record(
        `${name}-cert-validation`,
        {
            zoneId,
            name: option.apply((o) => o.resourceRecordName),
            type: option.apply((o) => o.resourceRecordType),
            records: [option.apply((o) => o.resourceRecordValue)],
            ttl: 60,
            allowOverwrite: true,
        },
        child,
    );
    const validation = new aws.acm.CertificateValidation(`${name}-cert`, { certificateArn: cert.arn, validationRecordFqdns: [record.fqdn] }, child);

    const https = new aws.lb.Listener(
        `${name}-https`,
        {
            loadBalancerArn: alb.arn,
            port: 443,
            protocol: "HTTPS",
            sslPolicy: TLS_POLICY,
            certificateArn: validation.certificateArn,
            defaultActions: [NOT_FOUND],
            tags,
        },
        child,
    );
    new aws.lb.Listener(
        `${name}-http`,
        {
            loadBalancerArn: alb.arn,
            port: 80,
            protocol: "HTTP",
            defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
            tags,
        },
        child,
    );
    return { listener: https, certificateArn: validation.certificateArn };
}

/** A regional web ACL with AWS managed rules and a per-IP rate limit, on the load balancer. */
function createWebAcl(ctx: Ctx, alb: aws.lb.LoadBalancer): aws.wafv2.WebAcl {
    const { name, args } = ctx;
    const visibility = (metric: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: `${name}-${metric}` });
    const managed: aws.types.input.wafv2.WebAclRule[] = WAF_MANAGED_RULE_GROUPS.map((group, i) => ({
        name: group,
        priority: i + 1,
        overrideAction: { none: {} },
        statement: { managedRuleGroupStatement: { vendorName: "AWS", name: group } },
        visibilityConfig: visibility(group),
    }));
    const rateLimit: aws.types.input.wafv2.WebAclRule = {
        name: "rate-limit-per-ip",
        priority: managed.length + 1,
        action: { block: {} },
        statement: { rateBasedStatement: { limit: args.edge.wafRateLimit, aggregateKeyType: "IP" } },
        visibilityConfig: visibility("rate-limit"),
    };
    const acl = new aws.wafv2.WebAcl(
        `${name}-waf`,
        {
            description: `Managed rules and rate limit for the ${name} load balancer`,
            scope: "REGIONAL",
            defaultAction: { allow: {} },
            rules: [...managed, rateLimit],
            visibilityConfig: visibility("web-acl"),
            tags: ctx.tags(),
        },
        { parent: ctx.parent },
    );
    new aws.wafv2.WebAclAssociation(`${name}-waf`, { resourceArn: alb.arn, webAclArn: acl.arn }, { parent: ctx.parent });
    return acl;
}

/**
 * The stage's host name → load balancer. Public stages: an alias in the public zone. Internal
 * stages: a private zone for the host name, visible only inside this VPC, so the name never
 * resolves from outside. Returns the zone id.
 */
function createDnsRecord(ctx: Ctx, alb: aws.lb.LoadBalancer, vpc: aws.ec2.Vpc): pulumi.Output<string> {
    const { name, args } = ctx;
    const child = { parent: ctx.parent };
    let zoneId: pulumi.Output<string>;
    if (args.edge.public) {
        // validateEnvironmentArgs refused this before any resource; the check narrows the type.
        if (args.edge.hostedZoneId === undefined) throw new ArgsError("Environment", name, [PUBLIC_NEEDS_ZONE], ctx.parent);
        zoneId = pulumi.output(args.edge.hostedZoneId);
    } else {
        const zone = new aws.route53.Zone(
            `${name}-private-zone`,
            { name: args.edge.hostname, comment: `${name}: reachable only inside its VPC`, vpcs: [{ vpcId: vpc.id, vpcRegion: args.region }], tags: ctx.tags() },
            child,
        );
        zoneId = zone.zoneId;
    }
    new aws.route53.Record(
        `${name}-alias`,
        { zoneId, name: args.edge.hostname, type: "A", aliases: [{ name: alb.dnsName, zoneId: alb.zoneId, evaluateTargetHealth: true }] },
        child,
    );
    return zoneId;
}
