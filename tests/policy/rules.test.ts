/**
 * Every policy of the pack, table-driven: a passing fixture, failing fixtures asserting the exact
 * message, an unknown-value fixture (reported as advisory, never a pass or a mandatory failure),
 * and the policy's metadata (name, enforcement level, stage scope).
 */
import { strict as assert } from "node:assert";
import { judgeStack, JudgedResource, policyCatalog } from "../../policy/run";
import { UNKNOWN as U } from "../../policy/rule";
import { T } from "../../policy/types";
import { res, urnOf } from "./fixtures";
import { AWAITING_FIRST_IMAGE, RELEASE_STATE_TAG } from "../../lib/releaseState";
import { EC2_CASES } from "./ec2Cases";

type Build = (stack: string) => JudgedResource[];
interface Case {
    /** The rule's name (for a baseline pair, the advisory name; `prod-<name>` is the mandatory one). */
    readonly rule: string;
    /** A baseline pair (mandatory in prod, advisory elsewhere) or a single-stage rule. */
    readonly scope: "baseline" | "dev" | "staging" | "prod" | "all";
    readonly good: Build;
    readonly bad: readonly { readonly when: string; readonly resources: Build; readonly message: string }[];
    /** A fixture with a value unknown at preview; absent for rules that read no values. */
    readonly unknown?: { readonly resources: Build; readonly message: string };
}

/** The tags of a service created before its repository held any image (lib/releaseState.ts). */
const AWAITING = { stage: "prod", [RELEASE_STATE_TAG]: AWAITING_FIRST_IMAGE };
const TG = "aws:lb/targetGroup:TargetGroup";
const LR = "aws:lb/listenerRule:ListenerRule";
const one = (type: string, name: string, props: Record<string, unknown>): Build => (s) => [res(s, type, name, props)];
const unknownMsg = (type: string, name: string, path: string, computed = true) =>
    `${type} "${name}": ${path} is unknown during preview (${computed ? "computed during the update" : "no value yet, probably computed from another resource"}); it will be checked on update`;

const containers = (defs: unknown[]) => JSON.stringify(defs);
const doc = (statement: unknown) => JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
const ruleset = (approvals: number) => ({
    repository: "app",
    target: "branch",
    enforcement: "active",
    conditions: { refName: { includes: ["~DEFAULT_BRANCH"], excludes: [] } },
    rules: { pullRequest: { requiredApprovingReviewCount: approvals } },
});
const bucketSet = (s: string, overrides: { enc?: unknown; ver?: unknown; pab?: unknown } = {}): JudgedResource[] => [
    res(s, T.bucket, "uploads", {}),
    ...(overrides.enc === null ? [] : [res(s, T.bucketEncryption, "uploads-encryption", { bucket: "uploads-1a2b3c4", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }], ...(overrides.enc as object) })]),
    res(s, T.bucketVersioning, "uploads-versioning", { bucket: "uploads-1a2b3c4", versioningConfiguration: { status: "Enabled" }, ...(overrides.ver as object) }),
    res(s, T.bucketPublicAccessBlock, "uploads-public-access", { bucket: "uploads-1a2b3c4", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true, ...(overrides.pab as object) }),
];
const webIngress = (name: string, sg: string, port: number, cidr: unknown = "0.0.0.0/0") => ({ name, props: { securityGroupId: sg, cidrIpv4: cidr, fromPort: port, toPort: port, ipProtocol: "tcp" } });
const lbWithIngress = (s: string, ...rules: { name: string; props: Record<string, unknown> }[]) => [
    res(s, T.lb, "alb", { securityGroups: ["sg-alb"] }),
    ...rules.map((r) => res(s, T.ingressRule, r.name, r.props)),
];
const goodContainer = { name: "web", image: "web:1", logConfiguration: { logDriver: "awslogs" } };
const httpListener = (actions: unknown) => ({ protocol: "HTTP", port: 80, defaultActions: actions });
const redirect = [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }];
const subnet = (s: string, tier: string, az: unknown) => res(s, T.subnet, `${s}-${tier}-${String(az).slice(-1)}`, { availabilityZone: az, tags: { Name: `${s}-${tier}-${az}` } });

const CASES: Case[] = [
    // ---- RDS --------------------------------------------------------------------------------
    {
        rule: "prod-rds-multi-az",
        scope: "prod",
        good: one(T.rdsInstance, "db", { multiAz: true }),
        bad: [
            { when: "multiAz is false", resources: one(T.rdsInstance, "db", { multiAz: false }), message: 'RDS instance "db" must be Multi-AZ in prod (multiAz is false).' },
            { when: "multiAz is unset", resources: one(T.rdsInstance, "db", {}), message: 'RDS instance "db" must be Multi-AZ in prod (multiAz is unset).' },
        ],
        unknown: { resources: one(T.rdsInstance, "db", { multiAz: U.boolean }), message: unknownMsg(T.rdsInstance, "db", "multiAz") },
    },
    {
        rule: "staging-no-own-database",
        scope: "staging",
        good: one(T.ecsService, "web", { desiredCount: 2 }),
        bad: [
            { when: "an RDS instance", resources: one(T.rdsInstance, "db", {}), message: 'staging must not create a database (aws:rds/instance:Instance "db"): it uses production\'s database through the prod stack reference.' },
            { when: "an RDS cluster", resources: one(T.rdsCluster, "aurora", {}), message: 'staging must not create a database (aws:rds/cluster:Cluster "aurora"): it uses production\'s database through the prod stack reference.' },
            { when: "an Aurora cluster instance alone (in an existing cluster)", resources: one(T.rdsClusterInstance, "aurora-1", { clusterIdentifier: "prod-aurora" }), message: 'staging must not create a database (aws:rds/clusterInstance:ClusterInstance "aurora-1"): it uses production\'s database through the prod stack reference.' },
        ],
    },
    {
        rule: "prod-aurora-two-azs",
        scope: "prod",
        good: (s) => [
            res(s, T.rdsCluster, "aurora", { clusterIdentifier: "aurora" }),
            res(s, T.rdsClusterInstance, "aurora-a", { clusterIdentifier: "aurora", availabilityZone: "eu-west-1a" }, [urnOf(s, T.rdsCluster, "aurora")]),
            res(s, T.rdsClusterInstance, "aurora-b", { clusterIdentifier: "aurora", availabilityZone: "eu-west-1b" }, [urnOf(s, T.rdsCluster, "aurora")]),
        ],
        bad: [
            {
                when: "one instance",
                resources: (s) => [res(s, T.rdsCluster, "aurora", { clusterIdentifier: "aurora" }), res(s, T.rdsClusterInstance, "aurora-a", { clusterIdentifier: "aurora" })],
                message: 'Aurora cluster "aurora" has 1 instance(s) in prod; it needs at least 2 (a writer and a reader in another AZ to fail over to).',
            },
            {
                when: "two instances in one AZ",
                resources: (s) => [
                    res(s, T.rdsCluster, "aurora", {}, []),
                    res(s, T.rdsClusterInstance, "aurora-a", { availabilityZone: "eu-west-1a" }, [urnOf(s, T.rdsCluster, "aurora")]),
                    res(s, T.rdsClusterInstance, "aurora-b", { availabilityZone: "eu-west-1a" }, [urnOf(s, T.rdsCluster, "aurora")]),
                ],
                message: 'Aurora cluster "aurora" places its 2 instances in one Availability Zone (eu-west-1a); prod needs at least 2.',
            },
            {
                when: "the second instance belongs to another cluster (linked by dependency, the name unknown)",
                resources: (s) => [
                    res(s, T.rdsCluster, "aurora", {}, []),
                    res(s, T.rdsCluster, "other", {}, []),
                    res(s, T.rdsClusterInstance, "aurora-a", {}, [urnOf(s, T.rdsCluster, "aurora")]),
                    res(s, T.rdsClusterInstance, "other-a", {}, [urnOf(s, T.rdsCluster, "other")]),
                    res(s, T.rdsClusterInstance, "other-b", {}, [urnOf(s, T.rdsCluster, "other")]),
                ],
                message: 'Aurora cluster "aurora" has 1 instance(s) in prod; it needs at least 2 (a writer and a reader in another AZ to fail over to).',
            },
        ],
        unknown: {
            resources: (s) => [res(s, T.rdsCluster, "aurora", { clusterIdentifier: U.string }), res(s, T.rdsClusterInstance, "aurora-a", { clusterIdentifier: "aurora" }), res(s, T.rdsClusterInstance, "aurora-b", { clusterIdentifier: "aurora" })],
            message: unknownMsg(T.rdsCluster, "aurora", "clusterIdentifier"),
        },
    },
    {
        rule: "prod-rds-deletion-protection",
        scope: "prod",
        good: one(T.rdsInstance, "db", { deletionProtection: true }),
        bad: [{ when: "unset", resources: one(T.rdsInstance, "db", {}), message: 'aws:rds/instance:Instance "db" must have deletionProtection enabled in prod.' }],
        unknown: { resources: one(T.rdsInstance, "db", { deletionProtection: U.boolean }), message: unknownMsg(T.rdsInstance, "db", "deletionProtection") },
    },
    {
        rule: "prod-rds-final-snapshot",
        scope: "prod",
        good: one(T.rdsInstance, "db", { skipFinalSnapshot: false, finalSnapshotIdentifier: "db-final" }),
        bad: [
            { when: "skipped", resources: one(T.rdsInstance, "db", { skipFinalSnapshot: true }), message: 'aws:rds/instance:Instance "db" must take a final snapshot in prod (skipFinalSnapshot is true).' },
            { when: "no identifier", resources: one(T.rdsInstance, "db", {}), message: 'aws:rds/instance:Instance "db" needs a finalSnapshotIdentifier in prod.' },
        ],
        unknown: { resources: one(T.rdsInstance, "db", { skipFinalSnapshot: U.boolean }), message: unknownMsg(T.rdsInstance, "db", "skipFinalSnapshot") },
    },
    {
        rule: "rds-storage-encrypted",
        scope: "baseline",
        good: one(T.rdsInstance, "db", { storageEncrypted: true }),
        bad: [{ when: "unset", resources: one(T.rdsInstance, "db", {}), message: 'aws:rds/instance:Instance "db" must have storageEncrypted enabled.' }],
        unknown: { resources: one(T.rdsInstance, "db", { storageEncrypted: U.boolean }), message: unknownMsg(T.rdsInstance, "db", "storageEncrypted") },
    },
    {
        rule: "rds-not-publicly-accessible",
        scope: "baseline",
        good: one(T.rdsInstance, "db", { publiclyAccessible: false }),
        bad: [{ when: "public", resources: one(T.rdsInstance, "db", { publiclyAccessible: true }), message: 'RDS instance "db" must not be publicly accessible.' }],
        unknown: { resources: one(T.rdsInstance, "db", { publiclyAccessible: U.boolean }), message: unknownMsg(T.rdsInstance, "db", "publiclyAccessible") },
    },
    {
        rule: "rds-backup-retention",
        scope: "baseline",
        good: one(T.rdsInstance, "db", { backupRetentionPeriod: 7 }),
        bad: [
            { when: "3 days", resources: one(T.rdsInstance, "db", { backupRetentionPeriod: 3 }), message: 'aws:rds/instance:Instance "db" keeps backups 3 day(s); at least 7 are required.' },
            { when: "unset", resources: one(T.rdsInstance, "db", {}), message: 'aws:rds/instance:Instance "db" keeps backups 0 day(s); at least 7 are required.' },
        ],
        unknown: { resources: one(T.rdsInstance, "db", { backupRetentionPeriod: U.number }), message: unknownMsg(T.rdsInstance, "db", "backupRetentionPeriod") },
    },
    {
        rule: "rds-tls-enforced",
        scope: "baseline",
        good: (s) => [
            res(s, T.rdsInstance, "db", { parameterGroupName: "db-pg-1a2b3c4" }),
            res(s, T.rdsParameterGroup, "db-pg", { family: "postgres16", parameters: [{ name: "rds.force_ssl", value: "1" }] }),
            res(s, T.rdsParameterGroup, "mysql-pg", { family: "mysql8.0", parameters: [{ name: "require_secure_transport", value: "ON" }] }),
        ],
        bad: [
            { when: "postgres group without force_ssl", resources: one(T.rdsParameterGroup, "db-pg", { family: "postgres16", parameters: [] }), message: 'parameter group "db-pg" must set rds.force_ssl = 1.' },
            { when: "mysql group without secure transport", resources: one(T.rdsParameterGroup, "my-pg", { family: "mysql8.0" }), message: 'parameter group "my-pg" must set require_secure_transport = 1.' },
            { when: "the default group", resources: one(T.rdsInstance, "db", { parameterGroupName: "default.postgres16" }), message: 'RDS instance "db" must use its own parameter group that forces TLS (parameterGroupName is default.postgres16).' },
        ],
        unknown: { resources: one(T.rdsInstance, "db", {}), message: unknownMsg(T.rdsInstance, "db", "parameterGroupName", false) },
    },
    // ---- Network ----------------------------------------------------------------------------
    {
        rule: "prod-subnets-span-two-azs",
        scope: "prod",
        good: (s) => ["public", "private", "isolated"].flatMap((t) => [subnet(s, t, "eu-west-1a"), subnet(s, t, "eu-west-1b")]),
        bad: [
            {
                when: "private subnets in one AZ",
                resources: (s) => [subnet(s, "public", "eu-west-1a"), subnet(s, "public", "eu-west-1b"), subnet(s, "private", "eu-west-1a")],
                message: 'prod subnets of tier "private" span 1 Availability Zone (eu-west-1a); each tier needs at least 2.',
            },
        ],
        unknown: { resources: (s) => [subnet(s, "private", "eu-west-1a"), res(s, T.subnet, "prod-private-b", { availabilityZone: U.string })], message: unknownMsg(T.subnet, "prod-private-b", "availabilityZone") },
    },
    {
        rule: "prod-nat-per-az",
        scope: "prod",
        good: (s) => [res(s, T.natGateway, "nat-a", { subnetId: "subnet-a" }), res(s, T.natGateway, "nat-b", { subnetId: "subnet-b" })],
        bad: [
            {
                when: "one NAT gateway",
                resources: (s) => [res(s, T.natGateway, "nat-a", { subnetId: "subnet-a" })],
                message: "prod has 1 NAT gateway(s) in 1 subnet(s); a single NAT gateway is a single point of failure for every AZ: put one in each workload AZ (at least 2).",
            },
        ],
        unknown: { resources: (s) => [res(s, T.natGateway, "nat-a", { subnetId: "subnet-a" }), res(s, T.natGateway, "nat-b", {})], message: unknownMsg(T.natGateway, "nat-b", "subnetId", false) },
    },
    {
        rule: "dev-no-public-ips",
        scope: "dev",
        good: (s) => [res(s, T.subnet, "dev-public-a", { mapPublicIpOnLaunch: false }), res(s, T.ecsService, "web", { networkConfiguration: { assignPublicIp: false } }), res(s, T.instance, "bastion", {}), res(s, T.eip, "nat-a", { domain: "vpc" })],
        bad: [
            { when: "a subnet maps public IPs", resources: one(T.subnet, "dev-public-a", { mapPublicIpOnLaunch: true }), message: 'dev must not assign public IPs: aws:ec2/subnet:Subnet "dev-public-a" sets mapPublicIpOnLaunch.' },
            { when: "a service assigns public IPs", resources: one(T.ecsService, "web", { networkConfiguration: { assignPublicIp: true } }), message: 'dev must not assign public IPs: aws:ecs/service:Service "web" sets networkConfiguration.assignPublicIp.' },
            { when: "an instance gets one", resources: one(T.instance, "bastion", { associatePublicIpAddress: true }), message: 'dev must not assign public IPs: aws:ec2/instance:Instance "bastion" sets associatePublicIpAddress.' },
            { when: "an Elastic IP on an instance", resources: one(T.eip, "bastion-ip", { domain: "vpc", instance: "i-0123" }), message: 'dev must not assign public IPs: aws:ec2/eip:Eip "bastion-ip" gives an instance or interface an Elastic IP.' },
            { when: "an Elastic IP association", resources: one(T.eipAssociation, "bastion-ip", { allocationId: "eipalloc-1", instanceId: "i-0123" }), message: 'dev must not assign public IPs: aws:ec2/eipAssociation:EipAssociation "bastion-ip" gives an instance or interface an Elastic IP.' },
        ],
        unknown: { resources: one(T.subnet, "dev-public-a", { mapPublicIpOnLaunch: U.boolean }), message: unknownMsg(T.subnet, "dev-public-a", "mapPublicIpOnLaunch") },
    },
    {
        rule: "dev-no-internet-ingress",
        scope: "dev",
        good: (s) => [res(s, T.ingressRule, "alb-http", webIngress("alb-http", "sg-alb", 80, "10.10.0.0/16").props), res(s, T.securityGroup, "app", { ingress: [{ protocol: "tcp", fromPort: 8080, toPort: 8080, securityGroups: ["sg-alb"] }] })],
        bad: [
            { when: "a rule from 0.0.0.0/0", resources: one(T.ingressRule, "alb-http", webIngress("alb-http", "sg-alb", 80).props), message: 'dev must not admit the internet: aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule "alb-http" allows port 80 from 0.0.0.0/0.' },
            {
                when: "inline ingress from ::/0",
                resources: one(T.securityGroup, "alb", { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, ipv6CidrBlocks: ["::/0"] }] }),
                message: 'dev must not admit the internet: aws:ec2/securityGroup:SecurityGroup "alb" allows port 443 from ::/0.',
            },
            {
                when: "a security group rule for all traffic",
                resources: one(T.securityGroupRule, "open", { type: "ingress", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }),
                message: 'dev must not admit the internet: aws:ec2/securityGroupRule:SecurityGroupRule "open" allows all traffic from 0.0.0.0/0.',
            },
            {
                when: "the internet split in two halves",
                resources: one(T.securityGroup, "app", { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/1", "128.0.0.0/1"] }] }),
                message: 'dev must not admit the internet: aws:ec2/securityGroup:SecurityGroup "app" allows port 22 from 0.0.0.0/1, 128.0.0.0/1.',
            },
        ],
        unknown: { resources: one(T.ingressRule, "alb-http", webIngress("alb-http", "sg-alb", 80, U.string).props), message: unknownMsg(T.ingressRule, "alb-http", "cidrIpv4") },
    },
    {
        rule: "sg-internet-ingress-web-only",
        scope: "baseline",
        good: (s) => lbWithIngress(s, webIngress("alb-https", "sg-alb", 443), webIngress("alb-http", "sg-alb", 80), webIngress("app-from-vpc", "sg-app", 8080, "10.0.0.0/16")),
        bad: [
            { when: "SSH from the internet", resources: (s) => lbWithIngress(s, webIngress("ssh", "sg-alb", 22)), message: 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule "ssh" allows port 22 from 0.0.0.0/0; only ports 80 and 443 may be open to the internet.' },
            {
                when: "443 open on a group no load balancer uses",
                resources: (s) => lbWithIngress(s, webIngress("app-https", "sg-app", 443)),
                message: 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule "app-https" opens port 443 to the internet on a security group no load balancer uses; only the load balancer\'s group may be.',
            },
            { when: "443 from the internet in two halves (0.0.0.0/1 + 128.0.0.0/1) with protocol -1", resources: (s) => lbWithIngress(s, { name: "half", props: { securityGroupId: "sg-alb", cidrIpv4: "128.0.0.0/1", fromPort: 443, toPort: 443, ipProtocol: "-1" } }), message: 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule "half" allows all traffic from 128.0.0.0/1; only ports 80 and 443 may be open to the internet.' },
            {
                when: "inline 443 from the internet on a group the load balancer does not depend on",
                resources: (s) => [
                    res(s, T.securityGroup, "alb", { ingress: [] }, []),
                    res(s, T.securityGroup, "app", { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }] }, []),
                    res(s, T.lb, "alb", { securityGroups: ["sg-alb"] }, [urnOf(s, T.securityGroup, "alb")]),
                ],
                message: 'aws:ec2/securityGroup:SecurityGroup "app" opens port 443 to the internet on a security group no load balancer uses; only the load balancer\'s group may be.',
            },
        ],
        unknown: { resources: (s) => lbWithIngress(s, { name: "alb-https", props: { cidrIpv4: "0.0.0.0/0", fromPort: 443, toPort: 443, ipProtocol: "tcp" } }), message: unknownMsg(T.ingressRule, "alb-https", "securityGroupId", false) },
    },
    {
        rule: "vpc-flow-logs",
        scope: "baseline",
        good: (s) => [res(s, T.vpc, "main", {}), res(s, T.flowLog, "main-flow-logs", { vpcId: "vpc-1" }, [urnOf(s, T.vpc, "main")])],
        bad: [
            { when: "no flow log", resources: one(T.vpc, "main", {}), message: 'VPC "main" has no flow log.' },
            {
                when: "the only flow log is another VPC's",
                resources: (s) => [res(s, T.vpc, "main", {}, []), res(s, T.vpc, "peer", {}, []), res(s, T.flowLog, "peer-flow-logs", {}, [urnOf(s, T.vpc, "peer")])],
                message: 'VPC "main" has no flow log.',
            },
        ],
    },
    // ---- Load balancers -----------------------------------------------------------------------
    {
        rule: "prod-alb-spans-two-azs",
        scope: "prod",
        good: one(T.lb, "alb", { subnets: ["subnet-a", "subnet-b"] }),
        bad: [{ when: "one subnet", resources: one(T.lb, "alb", { subnets: ["subnet-a"] }), message: 'load balancer "alb" must span at least 2 Availability Zones in prod (it has 1 subnet).' }],
        unknown: { resources: one(T.lb, "alb", {}), message: unknownMsg(T.lb, "alb", "subnets", false) },
    },
    {
        rule: "dev-lb-internal",
        scope: "dev",
        good: one(T.lb, "alb", { internal: true }),
        bad: [
            { when: "internet-facing", resources: one(T.lb, "alb", { internal: false }), message: 'dev load balancer "alb" must be internal (internal is false): dev has no external access.' },
            { when: "internal unset", resources: one(T.albLb, "alb", {}), message: 'dev load balancer "alb" must be internal (internal is unset): dev has no external access.' },
            { when: "a classic ELB, internet-facing", resources: one(T.classicElb, "legacy", { internal: false }), message: 'dev load balancer "legacy" must be internal (internal is false): dev has no external access.' },
        ],
        unknown: { resources: one(T.lb, "alb", { internal: U.boolean }), message: unknownMsg(T.lb, "alb", "internal") },
    },
    {
        rule: "alb-http-redirects-to-https",
        scope: "baseline",
        good: (s) => [res(s, T.lb, "alb", { internal: false }), res(s, T.listener, "http", httpListener(redirect)), res(s, T.listener, "https", { protocol: "HTTPS", port: 443, defaultActions: [{ type: "forward" }] })],
        bad: [{ when: "HTTP forwards", resources: (s) => [res(s, T.lb, "alb", { internal: false }), res(s, T.listener, "http", httpListener([{ type: "forward" }]))], message: 'HTTP listener "http" must redirect to HTTPS.' }],
        unknown: { resources: (s) => [res(s, T.lb, "alb", { internal: false }), res(s, T.listener, "http", { protocol: "HTTP" })], message: unknownMsg(T.listener, "http", "defaultActions", false) },
    },
    {
        rule: "alb-tls-policy",
        scope: "baseline",
        good: (s) => [
            res(s, T.listener, "https", { protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" }),
            res(s, T.listener, "tls13-only", { protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06" }),
        ],
        bad: [
            { when: "TLS 1.3 with 1.1 still accepted", resources: one(T.listener, "https", { protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-1-2021-06" }), message: 'HTTPS listener "https" must use a TLS 1.2+ policy (sslPolicy is ELBSecurityPolicy-TLS13-1-1-2021-06).' },
            { when: "an old policy", resources: one(T.listener, "https", { protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-2016-08" }), message: 'HTTPS listener "https" must use a TLS 1.2+ policy (sslPolicy is ELBSecurityPolicy-2016-08).' },
            { when: "the default policy", resources: one(T.listener, "https", { protocol: "HTTPS" }), message: 'HTTPS listener "https" must use a TLS 1.2+ policy (sslPolicy is ELBSecurityPolicy-2016-08 (the default)).' },
        ],
        unknown: { resources: one(T.listener, "https", { protocol: U.string }), message: unknownMsg(T.listener, "https", "protocol") },
    },
    {
        rule: "alb-access-logs",
        scope: "baseline",
        good: one(T.lb, "alb", { accessLogs: { enabled: true, bucket: "logs-1a2b3c4" } }),
        bad: [{ when: "no access logs", resources: one(T.lb, "alb", {}), message: 'load balancer "alb" must have access logs enabled.' }],
        unknown: { resources: one(T.lb, "alb", { accessLogs: { enabled: true } }), message: unknownMsg(T.lb, "alb", "accessLogs.bucket", false) },
    },
    {
        rule: "alb-drop-invalid-headers",
        scope: "baseline",
        good: (s) => [res(s, T.lb, "alb", { dropInvalidHeaderFields: true }), res(s, T.lb, "nlb", { loadBalancerType: "network" })],
        bad: [{ when: "unset", resources: one(T.lb, "alb", {}), message: 'load balancer "alb" must drop invalid header fields.' }],
        unknown: { resources: one(T.lb, "alb", { dropInvalidHeaderFields: U.boolean }), message: unknownMsg(T.lb, "alb", "dropInvalidHeaderFields") },
    },
    {
        rule: "alb-waf",
        scope: "baseline",
        good: (s) => [res(s, T.lb, "alb", { internal: false }), res(s, T.lb, "internal", { internal: true }), res(s, T.wafAssociation, "alb-waf", {}, [urnOf(s, T.lb, "alb")])],
        bad: [{ when: "no association", resources: one(T.lb, "alb", { internal: false }), message: 'internet-facing load balancer "alb" has no WAFv2 web ACL association.' }],
        unknown: { resources: one(T.lb, "alb", { internal: U.boolean }), message: unknownMsg(T.lb, "alb", "internal") },
    },
    // ---- ECS ----------------------------------------------------------------------------------
    {
        rule: "prod-ecs-service-two-tasks",
        scope: "prod",
        // A new stage's service waits at 0 tasks for its first image (components/firstRelease.ts): that, and only that, passes.
        good: (s) => [res(s, T.ecsService, "web", { desiredCount: 2 }), res(s, T.ecsService, "new", { desiredCount: 0, tags: AWAITING })],
        bad: [
            { when: "one task", resources: one(T.ecsService, "web", { desiredCount: 1 }), message: 'ECS service "web" must run at least 2 tasks in prod (desiredCount is 1).' },
            { when: "0 tasks, not awaiting its first image", resources: one(T.ecsService, "web", { desiredCount: 0 }), message: 'ECS service "web" must run at least 2 tasks in prod (desiredCount is 0).' },
            { when: "tagged awaiting but running one task", resources: one(T.ecsService, "web", { desiredCount: 1, tags: AWAITING }), message: 'ECS service "web" must run at least 2 tasks in prod (desiredCount is 1).' },
        ],
        unknown: { resources: one(T.ecsService, "web", { desiredCount: U.number }), message: unknownMsg(T.ecsService, "web", "desiredCount") },
    },
    {
        rule: "prod-ecs-service-two-azs",
        scope: "prod",
        good: (s) => [
            res(s, T.ecsService, "web", { networkConfiguration: { subnets: ["subnet-a", "subnet-b"], assignPublicIp: false } }),
            res(s, T.ecsService, "bridge", { desiredCount: 2 }),
        ],
        bad: [
            {
                when: "one subnet",
                resources: one(T.ecsService, "web", { networkConfiguration: { subnets: ["subnet-a"], assignPublicIp: false } }),
                message: 'ECS service "web" must run its tasks in subnets of at least 2 Availability Zones in prod (networkConfiguration.subnets has 1 subnet).',
            },
        ],
        unknown: { resources: one(T.ecsService, "web", { networkConfiguration: { subnets: U.array } }), message: unknownMsg(T.ecsService, "web", "networkConfiguration.subnets") },
    },
    {
        rule: "prod-autoscaling-min-two",
        scope: "prod",
        good: (s) => [
            res(s, T.appAutoscalingTarget, "web-scaling", { scalableDimension: "ecs:service:DesiredCount", serviceNamespace: "ecs", minCapacity: 2, maxCapacity: 10 }),
            res(s, T.appAutoscalingTarget, "new-scaling", { scalableDimension: "ecs:service:DesiredCount", serviceNamespace: "ecs", minCapacity: 0, maxCapacity: 0, tags: AWAITING }),
        ],
        bad: [
            { when: "a minimum of 1", resources: one(T.appAutoscalingTarget, "web-scaling", { scalableDimension: "ecs:service:DesiredCount", serviceNamespace: "ecs", minCapacity: 1, maxCapacity: 10 }), message: 'autoscaling target "web-scaling" lets an ECS service scale to 1 task(s) in prod (minCapacity is 1); at least 2.' },
            {
                when: "tagged awaiting but able to scale out (0..4)",
                resources: one(T.appAutoscalingTarget, "web-scaling", { scalableDimension: "ecs:service:DesiredCount", serviceNamespace: "ecs", minCapacity: 0, maxCapacity: 4, tags: AWAITING }),
                message: 'autoscaling target "web-scaling" lets an ECS service scale to 0 task(s) in prod (minCapacity is 0); at least 2.',
            },
        ],
        unknown: { resources: one(T.appAutoscalingTarget, "web-scaling", { scalableDimension: "ecs:service:DesiredCount", minCapacity: U.number }), message: unknownMsg(T.appAutoscalingTarget, "web-scaling", "minCapacity") },
    },
    {
        rule: "service-awaiting-first-image",
        scope: "all",
        good: one(T.ecsService, "web", { desiredCount: 2 }),
        bad: [
            {
                when: "a service created before its repository held an image",
                resources: one(T.ecsService, "web", { desiredCount: 0, tags: AWAITING }),
                message: 'ECS service "web" awaits its first image: it runs 0 tasks (autoscaling 0..0) and its URL answers 503 until the stage\'s pipeline deploys a release; run the pipeline after this deploy.',
            },
        ],
    },
    {
        rule: "cannot-judge-opaque-resources",
        scope: "all",
        good: one(T.bucket, "uploads", {}),
        bad: [
            { when: "a Cloud Control resource", resources: one(T.cloudControlResource, "cc", { typeName: "AWS::EC2::SecurityGroup", desiredState: "{}" }), message: 'cannot judge aws:cloudcontrol/resource:Resource "cc": its settings are not visible to the policy pack (no rule can check them); review it by hand or use the aws provider\'s own resource type.' },
            { when: "an aws-native resource", resources: one("aws-native:ec2:SecurityGroup", "sg", {}), message: 'cannot judge aws-native:ec2:SecurityGroup "sg": its settings are not visible to the policy pack (no rule can check them); review it by hand or use the aws provider\'s own resource type.' },
            { when: "a CloudFormation stack", resources: one(T.cloudFormationStack, "legacy", { templateBody: "{}" }), message: 'cannot judge aws:cloudformation/stack:Stack "legacy": its settings are not visible to the policy pack (no rule can check them); review it by hand or use the aws provider\'s own resource type.' },
        ],
    },
    {
        rule: "ecs-no-public-ip",
        scope: "baseline",
        good: one(T.ecsService, "web", { networkConfiguration: { assignPublicIp: false, subnets: ["subnet-a"] } }),
        bad: [{ when: "public IP", resources: one(T.ecsService, "web", { networkConfiguration: { assignPublicIp: true } }), message: 'ECS service "web" must not assign public IPs.' }],
        unknown: { resources: one(T.ecsService, "web", { networkConfiguration: { assignPublicIp: U.boolean } }), message: unknownMsg(T.ecsService, "web", "networkConfiguration.assignPublicIp") },
    },
    {
        rule: "ecs-no-privileged-containers",
        scope: "baseline",
        good: one(T.ecsTaskDefinition, "web", { containerDefinitions: containers([goodContainer]) }),
        bad: [{ when: "privileged", resources: one(T.ecsTaskDefinition, "web", { containerDefinitions: containers([{ ...goodContainer, privileged: true }]) }), message: 'task definition "web" runs container "web" privileged.' }],
        unknown: { resources: one(T.ecsTaskDefinition, "web", {}), message: unknownMsg(T.ecsTaskDefinition, "web", "containerDefinitions", false) },
    },
    {
        rule: "ecs-container-logging",
        scope: "baseline",
        good: one(T.ecsTaskDefinition, "web", { containerDefinitions: containers([goodContainer]) }),
        bad: [{ when: "no logConfiguration", resources: one(T.ecsTaskDefinition, "web", { containerDefinitions: containers([{ name: "web" }]) }), message: 'task definition "web": container "web" has no logConfiguration.' }],
        unknown: { resources: one(T.ecsTaskDefinition, "web", { containerDefinitions: U.string }), message: unknownMsg(T.ecsTaskDefinition, "web", "containerDefinitions") },
    },
    {
        rule: "alb-rule-condition-limits",
        scope: "baseline",
        good: one(LR, "web", { conditions: [{ pathPattern: { values: ["/a/*", "/b/*", "/" + "p".repeat(127)] } }, { hostHeader: { values: ["*.example.com", "api.example.com"] } }] }),
        bad: [
            {
                when: "six condition values",
                resources: one(LR, "web", { conditions: [{ pathPattern: { values: ["/a", "/b", "/c", "/d"] } }, { hostHeader: { values: ["a.example.com", "b.example.com"] } }] }),
                message: 'listener rule "web" has 6 condition values; AWS allows at most 5 condition values per listener rule (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html).',
            },
            {
                when: "six wildcards in five values",
                resources: one(LR, "web", { conditions: [{ pathPattern: { values: ["/a/*/*", "/b/*", "/c/*", "/d/*"] } }, { hostHeader: { values: ["*.example.com"] } }] }),
                message: 'listener rule "web" has 6 wildcards in its conditions; AWS allows at most 5 condition wildcards per listener rule (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html).',
            },
            {
                when: "a path pattern of 129 characters",
                resources: one(LR, "web", { conditions: [{ pathPattern: { values: ["/" + "p".repeat(128)] } }] }),
                message: `listener rule "web": path pattern "/${"p".repeat(128)}" is 129 characters; AWS allows at most 128 characters in a path pattern (https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/elasticloadbalancingv2/aws.sdk.kotlin.services.elasticloadbalancingv2.model/-rule-condition/values.html).`,
            },
        ],
        unknown: { resources: one(LR, "web", { conditions: U.array }), message: unknownMsg(LR, "web", "conditions") },
    },
    {
        rule: "fargate-task-size",
        scope: "baseline",
        good: one(T.ecsTaskDefinition, "web", { requiresCompatibilities: ["FARGATE"], cpu: "256", memory: "2048" }),
        bad: [
            {
                when: "a memory size the CPU does not take",
                resources: one(T.ecsTaskDefinition, "web", { requiresCompatibilities: ["FARGATE"], cpu: "256", memory: "4096" }),
                message: 'task definition "web" asks Fargate for 256 CPU units and 4096 MiB, which Fargate refuses; allowed: 512, 1024 or 2048 for 256 CPU units (https://docs.aws.amazon.com/AmazonECS/latest/userguide/task-cpu-memory-error.html).',
            },
            {
                when: "a CPU value Fargate does not offer",
                resources: one(T.ecsTaskDefinition, "web", { requiresCompatibilities: ["FARGATE"], cpu: "300", memory: "1024" }),
                message: 'task definition "web" asks Fargate for 300 CPU units and 1024 MiB, which Fargate refuses; allowed: a CPU of 256, 512, 1024, 2048, 4096 units (https://docs.aws.amazon.com/AmazonECS/latest/userguide/task-cpu-memory-error.html).',
            },
        ],
        unknown: { resources: one(T.ecsTaskDefinition, "web", { requiresCompatibilities: ["FARGATE"], cpu: "256", memory: U.string }), message: unknownMsg(T.ecsTaskDefinition, "web", "memory") },
    },
    // ---- Delivery -----------------------------------------------------------------------------
    {
        rule: "ecr-immutable-tags",
        scope: "baseline",
        good: one(T.ecrRepository, "web", { imageTagMutability: "IMMUTABLE" }),
        bad: [{ when: "mutable by default", resources: one(T.ecrRepository, "web", {}), message: 'ECR repository "web" must have immutable tags (imageTagMutability is MUTABLE).' }],
        unknown: { resources: one(T.ecrRepository, "web", { imageTagMutability: U.string }), message: unknownMsg(T.ecrRepository, "web", "imageTagMutability") },
    },
    {
        rule: "ecr-scan-on-push",
        scope: "baseline",
        good: one(T.ecrRepository, "web", { imageScanningConfiguration: { scanOnPush: true } }),
        bad: [{ when: "no scanning", resources: one(T.ecrRepository, "web", {}), message: 'ECR repository "web" must scan images on push.' }],
        unknown: { resources: one(T.ecrRepository, "web", { imageScanningConfiguration: U.object }), message: unknownMsg(T.ecrRepository, "web", "imageScanningConfiguration") },
    },
    {
        rule: "codebuild-logs",
        scope: "baseline",
        good: one(T.codebuildProject, "build", { logsConfig: { cloudwatchLogs: { status: "ENABLED", groupName: "/stageline/build" } } }),
        bad: [
            { when: "no logsConfig", resources: one(T.codebuildProject, "build", {}), message: 'CodeBuild project "build" must send logs to a named CloudWatch log group or to S3 (logsConfig).' },
            { when: "logs disabled", resources: one(T.codebuildProject, "build", { logsConfig: { cloudwatchLogs: { status: "DISABLED", groupName: "/x" } } }), message: 'CodeBuild project "build" must send logs to a named CloudWatch log group or to S3 (logsConfig).' },
        ],
        unknown: { resources: one(T.codebuildProject, "build", { logsConfig: U.object }), message: unknownMsg(T.codebuildProject, "build", "logsConfig") },
    },
    {
        rule: "codebuild-encryption-key",
        scope: "baseline",
        good: one(T.codebuildProject, "build", { encryptionKey: "arn:aws:kms:eu-west-1:123456789012:key/1" }),
        bad: [{ when: "no key", resources: one(T.codebuildProject, "build", {}), message: 'CodeBuild project "build" must set encryptionKey (a customer-managed KMS key).' }],
        unknown: { resources: one(T.codebuildProject, "build", { encryptionKey: U.string }), message: unknownMsg(T.codebuildProject, "build", "encryptionKey") },
    },
    // ---- S3 -----------------------------------------------------------------------------------
    {
        rule: "s3-bucket-encrypted",
        scope: "baseline",
        good: (s) => bucketSet(s),
        bad: [{ when: "no encryption configuration", resources: (s) => bucketSet(s, { enc: null }), message: 'S3 bucket "uploads" must be encrypted by default.' }],
        unknown: { resources: (s) => bucketSet(s, { enc: { bucket: undefined } }), message: unknownMsg(T.bucket, "uploads", `bucket of ${T.bucketEncryption} "uploads-encryption"`, false) },
    },
    {
        rule: "s3-bucket-versioned",
        scope: "baseline",
        good: (s) => bucketSet(s),
        bad: [
            { when: "suspended", resources: (s) => bucketSet(s, { ver: { versioningConfiguration: { status: "Suspended" } } }), message: 'S3 bucket "uploads" must be versioned (its setting does not).' },
            {
                when: "the only versioning names a look-alike bucket (bucketPrefix, linked by dependency to another bucket)",
                resources: (s) => [
                    res(s, T.bucket, "uploads", { bucketPrefix: "uploads" }, []),
                    res(s, T.bucket, "archive", { bucketPrefix: "uploads-archive" }, []),
                    res(s, T.bucketVersioning, "archive-versioning", { bucket: "uploads-archive-20261130", versioningConfiguration: { status: "Enabled" } }, [urnOf(s, T.bucket, "archive")]),
                ],
                message: 'S3 bucket "uploads" must be versioned.',
            },
        ],
        unknown: { resources: (s) => bucketSet(s, { ver: { bucket: undefined } }), message: unknownMsg(T.bucket, "uploads", `bucket of ${T.bucketVersioning} "uploads-versioning"`, false) },
    },
    {
        rule: "s3-bucket-public-access-blocked",
        scope: "baseline",
        good: (s) => bucketSet(s),
        bad: [{ when: "public policies allowed", resources: (s) => bucketSet(s, { pab: { blockPublicPolicy: false } }), message: 'S3 bucket "uploads" must block all public access (its setting does not).' }],
        unknown: { resources: (s) => bucketSet(s, { pab: { bucket: undefined } }), message: unknownMsg(T.bucket, "uploads", `bucket of ${T.bucketPublicAccessBlock} "uploads-public-access"`, false) },
    },
    // ---- IAM, logs ----------------------------------------------------------------------------
    {
        rule: "iam-no-wildcard-grants",
        scope: "baseline",
        good: (s) => [
            res(s, T.iamPolicy, "deploy", { policy: doc({ Effect: "Allow", Action: ["ecs:UpdateService"], Resource: "arn:aws:ecs:eu-west-1:123456789012:service/x" }) }),
            res(s, T.iamRolePolicy, "read", { policy: doc({ Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" }) }),
            res(s, T.iamPolicy, "deny", { policy: doc({ Effect: "Deny", Action: "*", Resource: "*" }) }),
        ],
        bad: [
            { when: "* on *", resources: one(T.iamPolicy, "deploy", { policy: doc({ Effect: "Allow", Action: "*", Resource: "*" }) }), message: 'aws:iam/policy:Policy "deploy" policy allows "*" on "*".' },
            {
                when: "service:* on * in a role's inline policy",
                resources: one(T.iamRole, "task", { inlinePolicies: [{ name: "inline", policy: doc({ Effect: "Allow", Action: ["s3:*"], Resource: ["*"] }) }] }),
                message: 'aws:iam/role:Role "task" inline policy "inline" allows "s3:*" on "*".',
            },
        ],
        unknown: { resources: one(T.iamRolePolicy, "read", {}), message: unknownMsg(T.iamRolePolicy, "read", "policy", false) },
    },
    {
        rule: "log-group-retention",
        scope: "baseline",
        good: one(T.logGroup, "app", { retentionInDays: 30 }),
        bad: [
            { when: "kept forever", resources: one(T.logGroup, "app", {}), message: 'log group "app" must set retentionInDays (it keeps logs forever).' },
            {
                when: "a period CloudWatch Logs refuses",
                resources: one(T.logGroup, "app", { retentionInDays: 10 }),
                message: 'log group "app" has retentionInDays 10, which CloudWatch Logs refuses; allowed: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (https://docs.aws.amazon.com/goto/WebAPI/logs/PutRetentionPolicy).',
            },
        ],
        unknown: { resources: one(T.logGroup, "app", { retentionInDays: U.number }), message: unknownMsg(T.logGroup, "app", "retentionInDays") },
    },
    {
        rule: "aws-name-length",
        scope: "baseline",
        good: (s) => [res(s, TG, "staging-orders-apis-tg-x", {}), res(s, TG, "web-tg", { name: "a".repeat(32) })],
        bad: [
            {
                when: "an auto-name past 32 characters (25 + 8)",
                resources: one(TG, "staging-orders-apis-tg-xy", {}),
                message: 'target group name of aws:lb/targetGroup:TargetGroup "staging-orders-apis-tg-xy" is 33 characters (auto-named "staging-orders-apis-tg-xy-" plus 7 characters); AWS allows at most 32 (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html).',
            },
            {
                when: "an explicit name past 32 characters",
                resources: one(TG, "web-tg", { name: "b".repeat(33) }),
                message: `target group name of aws:lb/targetGroup:TargetGroup "web-tg" is 33 characters ("${"b".repeat(33)}"); AWS allows at most 32 (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html).`,
            },
        ],
        unknown: { resources: one(TG, "web-tg", { name: U.string }), message: unknownMsg(TG, "web-tg", "name") },
    },
    // ---- GitHub -------------------------------------------------------------------------------
    {
        rule: "github-repository-private",
        scope: "baseline",
        good: one(T.githubRepository, "app", { name: "app", visibility: "private" }),
        bad: [{ when: "public", resources: one(T.githubRepository, "app", { name: "app", visibility: "public" }), message: 'GitHub repository "app" must be private (visibility is public).' }],
        unknown: { resources: one(T.githubRepository, "app", { name: "app", visibility: U.string }), message: unknownMsg(T.githubRepository, "app", "visibility") },
    },
    {
        rule: "github-main-reviewed-prs",
        scope: "baseline",
        good: (s) => [res(s, T.githubRepository, "app", { name: "app" }), res(s, T.githubRuleset, "app-main", ruleset(1))],
        bad: [
            { when: "no approvals required", resources: (s) => [res(s, T.githubRepository, "app", { name: "app" }), res(s, T.githubRuleset, "app-main", ruleset(0))], message: 'GitHub repository "app" needs an active ruleset on main requiring pull requests with at least 1 approving review.' },
            { when: "no ruleset", resources: one(T.githubRepository, "app", { name: "app" }), message: 'GitHub repository "app" needs an active ruleset on main requiring pull requests with at least 1 approving review.' },
        ],
        unknown: { resources: (s) => [res(s, T.githubRepository, "app", { name: U.string }), res(s, T.githubRuleset, "app-main", ruleset(1))], message: unknownMsg(T.githubRepository, "app", "name") },
    },
    // ---- EC2 (tests/policy/ec2Cases.ts) -------------------------------------------------------
    ...EC2_CASES,
];

/** The policies a case covers: [name, enforcement, stack to judge on, stages]. */
function variants(c: Case): { policy: string; enforcement: "mandatory" | "advisory"; stack: string; stages: string[] }[] {
    if (c.scope === "baseline") {
        return [
            { policy: `prod-${c.rule}`, enforcement: "mandatory", stack: "prod", stages: ["prod"] },
            { policy: c.rule, enforcement: "advisory", stack: "test", stages: ["dev", "test", "staging"] },
        ];
    }
    if (c.scope === "all") return [{ policy: c.rule, enforcement: "advisory", stack: "prod", stages: ["dev", "test", "staging", "prod"] }];
    return [{ policy: c.rule, enforcement: "mandatory", stack: c.scope, stages: [c.scope] }];
}

const of = (policy: string, stack: string, build: Build) => judgeStack(build(stack)).filter((v) => v.policy === policy);

describe("policy pack: every policy", () => {
    for (const c of CASES) {
        for (const v of variants(c)) {
            describe(v.policy, () => {
                it(`has its metadata: ${v.enforcement} in ${v.stages.join(", ")}`, () => {
                    const entry = policyCatalog.find((p) => p.name === v.policy);
                    assert.ok(entry, `${v.policy} is in the catalog`);
                    assert.equal(entry.enforcement, v.enforcement);
                    assert.deepEqual(entry.stages, v.stages);
                    assert.ok(entry.description.length > 20, "the description says why");
                });
                it("GIVEN compliant resources THEN reports nothing", () => {
                    assert.deepEqual(judgeStack(c.good(v.stack)).filter((x) => x.policy.startsWith(v.policy)).map((x) => x.message), []);
                });
                for (const bad of c.bad) {
                    it(`GIVEN ${bad.when} THEN reports exactly the violation, ${v.enforcement}`, () => {
                        const found = of(v.policy, v.stack, bad.resources);
                        assert.deepEqual(found.map((x) => x.message), [bad.message]);
                        assert.equal(found[0].enforcement, v.enforcement);
                    });
                }
                if (v.stages.length < 4) it("GIVEN the same violation in a stage out of scope THEN it is not applicable", () => {
                    const other = v.stages.includes("prod") ? "dev" : "prod";
                    assert.deepEqual(of(v.policy, other, c.bad[0].resources), []);
                });
                if (c.unknown) {
                    const u = c.unknown;
                    it("GIVEN a value unknown at preview THEN it is reported as advisory, neither passed silently nor failed", () => {
                        const all = judgeStack(u.resources(v.stack));
                        const companion = v.enforcement === "mandatory" ? `${v.policy}-unknown` : v.policy;
                        assert.deepEqual(all.filter((x) => x.policy === v.policy && x.enforcement === "mandatory").map((x) => x.message), []);
                        assert.deepEqual(all.filter((x) => x.policy === companion).map((x) => [x.message, x.enforcement]), [[u.message, "advisory"]]);
                    });
                }
            });
        }
    }

    it("covers every policy of the pack (each rule and each -unknown companion)", () => {
        const covered = CASES.flatMap((c) => variants(c).flatMap((v) => [v.policy, ...(v.enforcement === "mandatory" && c.unknown ? [`${v.policy}-unknown`] : [])]));
        assert.deepEqual([...covered].sort(), policyCatalog.map((p) => p.name).sort());
    });

    it("names every policy in kebab-case, uniquely", () => {
        const names = policyCatalog.map((p) => p.name);
        assert.equal(new Set(names).size, names.length);
        for (const n of names) assert.match(n, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    });
});
