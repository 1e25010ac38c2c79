/**
 * The Environment of each stage, planned from its real stack file under mocks: subnet layout per
 * AZ, NAT per stage, flow logs, the load balancer (internal plain HTTP in dev; public TLS + WAF
 * elsewhere), who may reach what, DNS, the cluster and the exported outputs.
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { cidrOverlaps, parseCidr } from "../lib/cidr";
import { Stage, StageSettings } from "../infra/settings";
import { holdsProductionData, stageTags } from "../infra/program";
import { Environment, EnvironmentArgs, TLS_POLICY, WAF_MANAGED_RULE_GROUPS, validateEnvironmentArgs } from "../components/environment";
import { findResource, known, ofType, planStack, planStackFile, PlannedResource, stackSettings, StackPlan } from "../tools/harness";

const T = {
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    nat: "aws:ec2/natGateway:NatGateway",
    eip: "aws:ec2/eip:Eip",
    routeTable: "aws:ec2/routeTable:RouteTable",
    route: "aws:ec2/route:Route",
    assoc: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    igw: "aws:ec2/internetGateway:InternetGateway",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    flowLog: "aws:ec2/flowLog:FlowLog",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    key: "aws:kms/key:Key",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    cert: "aws:acm/certificate:Certificate",
    certValidation: "aws:acm/certificateValidation:CertificateValidation",
    record: "aws:route53/record:Record",
    zone: "aws:route53/zone:Zone",
    webAcl: "aws:wafv2/webAcl:WebAcl",
    webAclAssoc: "aws:wafv2/webAclAssociation:WebAclAssociation",
    cluster: "aws:ecs/cluster:Cluster",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    bucketSse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    topic: "aws:sns/topic:Topic",
};

/** What each stage's stack file should give: the numbers a reviewer would check by hand. */
const EXPECTED: Record<Stage, { azCount: number; subnetAzs: string[]; nats: number; public: boolean }> = {
    dev: { azCount: 1, subnetAzs: ["eu-west-1a", "eu-west-1b"], nats: 1, public: false },
    test: { azCount: 2, subnetAzs: ["eu-west-1a", "eu-west-1b"], nats: 1, public: true },
    staging: { azCount: 3, subnetAzs: ["eu-west-1a", "eu-west-1b", "eu-west-1c"], nats: 3, public: true },
    prod: { azCount: 3, subnetAzs: ["eu-west-1a", "eu-west-1b", "eu-west-1c"], nats: 3, public: true },
};
const STAGES = Object.keys(EXPECTED) as Stage[];
const TIERS = ["public", "private", "isolated"] as const;
const INTERNET = ["0.0.0.0/0", "::/0"];

const environments = new WeakMap<StackPlan, PlannedResource[]>();

/** The Environment component and everything under it. */
function environmentOf(plan: StackPlan): PlannedResource[] {
    const cached = environments.get(plan);
    if (cached) return cached;
    const root = ofType(plan, "stageline:stage:Environment");
    assert.equal(root.length, 1, `${plan.stack} has one Environment`);
    const inside = new Set([root[0].urn]);
    let grew = true;
    while (grew) {
        grew = false;
        for (const r of plan.resources) {
            if (r.parent !== undefined && inside.has(r.parent) && !inside.has(r.urn)) {
                inside.add(r.urn);
                grew = true;
            }
        }
    }
    const found = plan.resources.filter((r) => inside.has(r.urn) && r.urn !== root[0].urn);
    environments.set(plan, found);
    return found;
}

const envOfType = (plan: StackPlan, type: string) => environmentOf(plan).filter((r) => r.type === type);
const one = (plan: StackPlan, type: string): PlannedResource => {
    const rs = envOfType(plan, type);
    assert.equal(rs.length, 1, `${plan.stack}: expected one ${type}, found ${rs.map((r) => r.name).join(", ") || "none"}`);
    return rs[0];
};
const inp = (r: PlannedResource) => r.inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const arnOf = (r: PlannedResource) => String(r.outputs.arn);

function contains(outer: string, inner: string): boolean {
    const o = parseCidr(outer);
    const i = parseCidr(inner);
    assert.ok(o && i, `${outer} and ${inner} are CIDR blocks`);
    return i.prefix >= o.prefix && i.base >= o.base && i.base + 2 ** (32 - i.prefix) <= o.base + 2 ** (32 - o.prefix);
}

/** Every rule of the whole stack that admits traffic from the internet, in words. */
function internetIngress(plan: StackPlan): string[] {
    const out: string[] = [];
    for (const r of ofType(plan, T.ingress)) {
        if (INTERNET.includes(inp(r).cidrIpv4) || INTERNET.includes(inp(r).cidrIpv6)) out.push(`${r.name}: port ${inp(r).fromPort}-${inp(r).toPort}`);
    }
    for (const r of ofType(plan, T.sgRule)) {
        const cidrs = [...(inp(r).cidrBlocks ?? []), ...(inp(r).ipv6CidrBlocks ?? [])];
        if (inp(r).type === "ingress" && cidrs.some((c: string) => INTERNET.includes(c))) out.push(`${r.name}: port ${inp(r).fromPort}-${inp(r).toPort}`);
    }
    for (const r of [...ofType(plan, T.sg), ...ofType(plan, T.defaultSg)]) {
        for (const rule of inp(r).ingress ?? []) {
            const cidrs = [...(rule.cidrBlocks ?? []), ...(rule.ipv6CidrBlocks ?? [])];
            if (cidrs.some((c: string) => INTERNET.includes(c))) out.push(`${r.name} inline: port ${rule.fromPort}-${rule.toPort}`);
        }
    }
    return out;
}

describe("Environment: every stage planned from its stack file", function () {
    const plans = {} as Record<Stage, StackPlan>;

    before(async function () {
        // One plan per stage, one after the other (the Pulumi runtime is global).
        for (const stage of STAGES) plans[stage] = await planStackFile(stage);
    });

    for (const stage of STAGES) {
        const want = EXPECTED[stage];

        describe(`stage ${stage}`, () => {
            it(`GIVEN azCount ${want.azCount} WHEN planned THEN it has public, private and isolated subnets in ${want.subnetAzs.join(", ")}, named by AZ`, () => {
                const plan = plans[stage];
                assert.equal(plan.settings.network.azCount, want.azCount);
                const subnets = envOfType(plan, T.subnet);
                assert.equal(subnets.length, TIERS.length * want.subnetAzs.length);
                for (const tier of TIERS) {
                    for (const az of want.subnetAzs) {
                        const s = findResource(plan, T.subnet, `${stage}-${tier}-${az}`);
                        assert.equal(inp(s).availabilityZone, az);
                        assert.equal(inp(s).mapPublicIpOnLaunch, false, `${s.name} gives no public IPs`);
                        assert.equal(inp(s).vpcId, one(plan, T.vpc).id);
                    }
                }
            });

            it("THEN every subnet's CIDR lies inside the VPC's block and no two overlap", () => {
                const plan = plans[stage];
                const vpc = one(plan, T.vpc);
                assert.equal(inp(vpc).cidrBlock, plan.settings.network.cidr);
                assert.equal(inp(vpc).enableDnsHostnames, true);
                assert.equal(inp(vpc).enableDnsSupport, true);
                const cidrs = envOfType(plan, T.subnet).map((s) => String(inp(s).cidrBlock));
                for (const c of cidrs) assert.ok(contains(plan.settings.network.cidr, c), `${c} is inside ${plan.settings.network.cidr}`);
                for (let i = 0; i < cidrs.length; i++) {
                    for (let j = i + 1; j < cidrs.length; j++) assert.ok(!cidrOverlaps(cidrs[i], cidrs[j]), `${cidrs[i]} and ${cidrs[j]} overlap`);
                }
            });

            it(`THEN it has ${want.nats} NAT gateway(s), each in a public subnet of a workload AZ, and every private subnet routes out through one`, () => {
                const plan = plans[stage];
                const nats = envOfType(plan, T.nat);
                assert.equal(nats.length, want.nats);
                const workloadAzs = want.subnetAzs.slice(0, want.azCount);
                const publicIds = new Map(workloadAzs.map((az) => [findResource(plan, T.subnet, `${stage}-public-${az}`).id, az]));
                const natAzs = nats.map((n) => publicIds.get(String(inp(n).subnetId)));
                assert.ok(natAzs.every((az) => az !== undefined), "NAT gateways sit in public subnets of workload AZs");
                assert.equal(new Set(natAzs).size, nats.length, "no two NAT gateways share an AZ");

                const natIds = new Set(nats.map((n) => n.id));
                const routes = envOfType(plan, T.route);
                for (const az of want.subnetAzs) {
                    const table = findResource(plan, T.routeTable, `${stage}-private-${az}`);
                    const out = routes.filter((r) => inp(r).routeTableId === table.id && inp(r).destinationCidrBlock === "0.0.0.0/0");
                    assert.equal(out.length, 1, `private ${az} has one default route`);
                    assert.ok(natIds.has(String(inp(out[0]).natGatewayId)), `private ${az} leaves through a NAT gateway`);
                    const assoc = envOfType(plan, T.assoc).find((a) => inp(a).routeTableId === table.id);
                    assert.equal(assoc && inp(assoc).subnetId, findResource(plan, T.subnet, `${stage}-private-${az}`).id);
                }
                if (want.nats === want.azCount) {
                    const used = new Set(want.subnetAzs.slice(0, want.azCount).map((az) => {
                        const table = findResource(plan, T.routeTable, `${stage}-private-${az}`);
                        return routes.find((r) => inp(r).routeTableId === table.id)?.inputs.natGatewayId;
                    }));
                    assert.equal(used.size, want.nats, "each workload AZ uses its own NAT gateway");
                }
            });

            it("THEN isolated (database) subnets have no route out of the VPC and only public subnets reach the internet gateway", () => {
                const plan = plans[stage];
                const routes = envOfType(plan, T.route);
                for (const az of want.subnetAzs) {
                    const table = findResource(plan, T.routeTable, `${stage}-isolated-${az}`);
                    assert.deepEqual(routes.filter((r) => inp(r).routeTableId === table.id).map((r) => r.name), []);
                    assert.equal(inp(table).routes, undefined, "no inline routes either");
                }
                const igw = one(plan, T.igw);
                const viaIgw = routes.filter((r) => inp(r).gatewayId === igw.id);
                assert.deepEqual(viaIgw.map((r) => inp(r).routeTableId), [findResource(plan, T.routeTable, `${stage}-public`).id]);
            });

            it("THEN the VPC's default security group is adopted with no rules", () => {
                const sg = one(plans[stage], T.defaultSg);
                assert.equal(inp(sg).vpcId, one(plans[stage], T.vpc).id);
                assert.deepEqual(inp(sg).ingress ?? [], []);
                assert.deepEqual(inp(sg).egress ?? [], []);
            });

            it(`THEN all VPC traffic is logged to an encrypted log group kept ${stackSettings(stage).network.flowLogRetentionDays} days, by a role scoped to it`, () => {
                const plan = plans[stage];
                const flow = one(plan, T.flowLog);
                const group = one(plan, T.logGroup);
                assert.equal(inp(flow).trafficType, "ALL");
                assert.equal(inp(flow).vpcId, one(plan, T.vpc).id);
                assert.equal(inp(flow).logDestination, arnOf(group));
                assert.equal(inp(group).retentionInDays, plan.settings.network.flowLogRetentionDays);
                assert.equal(inp(group).kmsKeyId, arnOf(one(plan, T.key)));
                const policy = JSON.parse(String(inp(one(plan, T.rolePolicy)).policy));
                const resources = policy.Statement.flatMap((s: { Resource: string | string[] }) => [s.Resource].flat());
                assert.ok(resources.length > 0 && resources.every((r: string) => r.startsWith(arnOf(group))), `policy scoped to the log group: ${resources}`);
                const actions = policy.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat());
                assert.ok(actions.every((a: string) => a.startsWith("logs:") && !a.includes("*")), `no wildcard actions: ${actions}`);
            });

            it("THEN the stage key rotates and the alarm topic is encrypted with it", () => {
                const plan = plans[stage];
                const key = one(plan, T.key);
                assert.equal(inp(key).enableKeyRotation, true);
                const policy = JSON.parse(String(inp(key).policy));
                const logs = policy.Statement.find((s: { Principal: { Service?: unknown } }) => s.Principal.Service === "logs.eu-west-1.amazonaws.com");
                assert.ok(logs?.Condition?.ArnLike?.["kms:EncryptionContext:aws:logs:arn"], "CloudWatch Logs may use the key only for this account's log groups");
                assert.equal(inp(one(plan, T.topic)).kmsMasterKeyId, arnOf(key));
            });

            it("THEN the ECS cluster has Container Insights on", () => {
                assert.deepEqual(inp(one(plans[stage], T.cluster)).settings, [{ name: "containerInsights", value: "enabled" }]);
            });

            it(`THEN the load balancer is ${want.public ? "internet-facing over every public" : "internal over the private"} subnets (at least two AZs), drops invalid headers and logs to an SSE-S3 bucket`, () => {
                const plan = plans[stage];
                const lb = one(plan, T.lb);
                assert.equal(inp(lb).loadBalancerType, "application");
                assert.equal(inp(lb).internal, !want.public);
                const tier = want.public ? "public" : "private";
                assert.deepEqual(inp(lb).subnets, want.subnetAzs.map((az) => findResource(plan, T.subnet, `${stage}-${tier}-${az}`).id));
                assert.ok((inp(lb).subnets as string[]).length >= 2);
                assert.equal(inp(lb).dropInvalidHeaderFields, true);
                assert.equal(inp(lb).enableDeletionProtection, stage === "prod");
                assert.equal(inp(lb).accessLogs.enabled, true);

                const bucket = String(inp(lb).accessLogs.bucket);
                const sse = envOfType(plan, T.bucketSse).find((r) => inp(r).bucket === bucket);
                assert.equal(sse && inp(sse).rules[0].applyServerSideEncryptionByDefault.sseAlgorithm, "AES256");
                const policy = envOfType(plan, T.bucketPolicy).find((r) => inp(r).bucket === bucket);
                const statements = JSON.parse(String(policy && inp(policy).policy)).Statement;
                const delivery = statements.find((s: { Principal?: { Service?: string } }) => s.Principal?.Service === "logdelivery.elasticloadbalancing.amazonaws.com");
                assert.equal(delivery?.Action, "s3:PutObject");
                assert.match(delivery.Resource, new RegExp(`^arn:aws:s3:::${bucket}/${inp(lb).accessLogs.prefix}/AWSLogs/\\d{12}/\\*$`));
            });

            it("THEN tasks admit the load balancer only, and internet ingress lands on the load balancer's group only, on 80/443", () => {
                const plan = plans[stage];
                const alb = findResource(plan, T.sg, `${stage}-alb`);
                const app = findResource(plan, T.sg, `${stage}-app`);
                assert.deepEqual(inp(one(plan, T.lb)).securityGroups, [alb.id]);
                const rules = envOfType(plan, T.ingress);
                const appIn = rules.filter((r) => inp(r).securityGroupId === app.id);
                assert.ok(appIn.length > 0);
                for (const r of appIn) {
                    assert.equal(inp(r).referencedSecurityGroupId, alb.id, `${r.name} admits the load balancer only`);
                    assert.equal(inp(r).cidrIpv4, undefined);
                }
                const fromInternet = rules.filter((r) => INTERNET.includes(inp(r).cidrIpv4) || INTERNET.includes(inp(r).cidrIpv6));
                assert.ok(fromInternet.every((r) => inp(r).securityGroupId === alb.id), "internet ingress lands on the load balancer's group only");
                assert.ok(fromInternet.every((r) => [80, 443].includes(inp(r).fromPort) && inp(r).fromPort === inp(r).toPort), "and only on 80/443");
            });

            it("THEN the stack exports the network, load balancer and cluster outputs, all resolved", async () => {
                const plan = plans[stage];
                const out = plan.outputs;
                assert.equal(await known(out.vpcId as pulumi.Input<string>, "vpcId"), one(plan, T.vpc).id);
                assert.equal(await known(out.vpcCidr as pulumi.Input<string>, "vpcCidr"), plan.settings.network.cidr);
                const protocol = want.public ? "HTTPS" : "HTTP";
                const listener = envOfType(plan, T.listener).find((l) => inp(l).protocol === protocol);
                assert.equal(await known(out.listenerArn as pulumi.Input<string>, "listenerArn"), listener && arnOf(listener));
                assert.equal(await known(out.url as pulumi.Input<string>, "url"), `${want.public ? "https" : "http"}://${plan.settings.edge.hostname}`);
                assert.equal(await known(out.clusterArn as pulumi.Input<string>, "clusterArn"), arnOf(one(plan, T.cluster)));
                assert.equal(await known(out.albDnsName as pulumi.Input<string>, "albDnsName"), one(plan, T.lb).outputs.dnsName);
                assert.equal(await known(out.alarmTopicArn as pulumi.Input<string>, "alarmTopicArn"), arnOf(one(plan, T.topic)));
                for (const [key, tier] of [["publicSubnetIds", "public"], ["privateSubnetIds", "private"], ["isolatedSubnetIds", "isolated"]] as const) {
                    const ids = await known(out[key] as pulumi.Input<string[]>, key);
                    assert.deepEqual(ids, want.subnetAzs.map((az) => findResource(plan, T.subnet, `${stage}-${tier}-${az}`).id), key);
                }
                for (const [key, tier] of [["privateRouteTableIds", "private"], ["databaseRouteTableIds", "isolated"]] as const) {
                    const ids = await known(out[key] as pulumi.Input<string[]>, key);
                    assert.deepEqual(ids, want.subnetAzs.map((az) => findResource(plan, T.routeTable, `${stage}-${tier}-${az}`).id), key);
                }
            });
        });
    }

    describe("dev: no external access", () => {
        it("GIVEN dev WHEN planned THEN nothing in the whole stack admits traffic from 0.0.0.0/0 or ::/0", () => {
            assert.deepEqual(internetIngress(plans.dev), []);
        });

        it("THEN the load balancer admits HTTP from the VPC's block only", () => {
            const alb = findResource(plans.dev, T.sg, "dev-alb");
            const rules = envOfType(plans.dev, T.ingress).filter((r) => inp(r).securityGroupId === alb.id);
            assert.deepEqual(rules.map((r) => [inp(r).cidrIpv4, inp(r).fromPort, inp(r).toPort]), [["10.10.0.0/16", 80, 80]]);
        });

        it("THEN it has one plain HTTP listener answering 404, no certificate and no web ACL", () => {
            const listeners = envOfType(plans.dev, T.listener);
            assert.deepEqual(listeners.map((l) => [inp(l).port, inp(l).protocol]), [[80, "HTTP"]]);
            assert.equal(inp(listeners[0]).defaultActions[0].fixedResponse.statusCode, "404");
            assert.equal(ofType(plans.dev, T.cert).length, 0);
            assert.equal(plans.dev.resources.filter((r) => r.type.startsWith("aws:wafv2")).length, 0);
        });

        it("THEN dev.example.com resolves only inside the VPC, through a private zone", () => {
            const zone = one(plans.dev, T.zone);
            assert.equal(inp(zone).name, "dev.example.com");
            assert.deepEqual(inp(zone).vpcs.map((v: { vpcId: string }) => v.vpcId), [one(plans.dev, T.vpc).id]);
            const record = one(plans.dev, T.record);
            assert.equal(inp(record).zoneId, zone.id);
            assert.equal(inp(record).aliases[0].name, one(plans.dev, T.lb).outputs.dnsName);
        });
    });

    for (const stage of ["test", "staging", "prod"] as const) {
        describe(`${stage}: public, TLS and WAF`, () => {
            it(`GIVEN ${stage} WHEN planned THEN HTTPS on 443 uses a TLS 1.2+ policy and a DNS-validated certificate for its host name`, () => {
                const plan = plans[stage];
                const https = envOfType(plan, T.listener).find((l) => inp(l).port === 443);
                assert.ok(https, "an HTTPS listener");
                assert.equal(inp(https).protocol, "HTTPS");
                // TLS 1.3 + 1.2 only; spelled out so a change of the shared constant shows here.
                assert.equal(inp(https).sslPolicy, "ELBSecurityPolicy-TLS13-1-2-2021-06");
                assert.equal(inp(https).sslPolicy, TLS_POLICY);
                const cert = one(plan, T.cert);
                assert.equal(inp(cert).domainName, plan.settings.edge.hostname);
                assert.equal(inp(cert).validationMethod, "DNS");
                const validation = one(plan, T.certValidation);
                assert.equal(inp(validation).certificateArn, arnOf(cert));
                assert.equal(inp(https).certificateArn, arnOf(cert));
                const record = findResource(plan, T.record, `${stage}-cert-validation`);
                assert.equal(inp(record).zoneId, plan.settings.edge.hostedZoneId);
                assert.equal(inp(record).ttl, 60);
                assert.deepEqual(inp(validation).validationRecordFqdns, [inp(record).name]);
            });

            it("THEN HTTP on 80 only redirects to HTTPS (301)", () => {
                const http = envOfType(plans[stage], T.listener).find((l) => inp(l).port === 80);
                assert.ok(http);
                assert.deepEqual(inp(http).defaultActions.map((a: { type: string }) => a.type), ["redirect"]);
                assert.deepEqual(inp(http).defaultActions[0].redirect, { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" });
            });

            it("THEN the internet may reach the load balancer on 443 and 80, nothing else", () => {
                assert.deepEqual(internetIngress(plans[stage]).sort(), [`${stage}-alb-http-in: port 80-80`, `${stage}-alb-https-in: port 443-443`]);
            });

            it("THEN a regional web ACL with the AWS managed rule groups and a rate limit guards the load balancer", () => {
                const plan = plans[stage];
                const acl = one(plan, T.webAcl);
                assert.equal(inp(acl).scope, "REGIONAL");
                assert.deepEqual(inp(acl).defaultAction, { allow: {} });
                assert.equal(inp(acl).visibilityConfig.cloudwatchMetricsEnabled, true);
                const rules = inp(acl).rules as { name: string; priority: number; overrideAction?: unknown; action?: unknown; statement: any }[]; // eslint-disable-line @typescript-eslint/no-explicit-any
                for (const group of WAF_MANAGED_RULE_GROUPS) {
                    const rule = rules.find((r) => r.statement.managedRuleGroupStatement?.name === group);
                    assert.ok(rule, `${group} is on`);
                    assert.equal(rule.statement.managedRuleGroupStatement.vendorName, "AWS");
                    assert.deepEqual(rule.overrideAction, { none: {} }, `${group} blocks (not count-only)`);
                }
                const rate = rules.find((r) => r.statement.rateBasedStatement);
                assert.deepEqual(rate?.action, { block: {} });
                assert.equal(rate?.statement.rateBasedStatement.limit, plan.settings.edge.wafRateLimit);
                assert.equal(new Set(rules.map((r) => r.priority)).size, rules.length, "distinct priorities");
                const assoc = one(plan, T.webAclAssoc);
                assert.equal(inp(assoc).resourceArn, arnOf(one(plan, T.lb)));
                assert.equal(inp(assoc).webAclArn, arnOf(acl));
            });

            it("THEN its host name is an alias to the load balancer in the public zone", () => {
                const plan = plans[stage];
                const alias = findResource(plan, T.record, `${stage}-alias`);
                assert.equal(inp(alias).zoneId, plan.settings.edge.hostedZoneId);
                assert.equal(inp(alias).name, plan.settings.edge.hostname);
                assert.equal(inp(alias).type, "A");
                assert.equal(inp(alias).aliases[0].name, one(plan, T.lb).outputs.dnsName);
                assert.equal(envOfType(plan, T.zone).length, 0, "no private zone");
            });
        });
    }
});

/** Runs only the Environment of a stage: the switches below concern it alone, and it is 3x faster. */
const environmentOnly = (s: StageSettings) => {
    const env = new Environment(s.stage, { stage: s.stage, region: s.region, network: s.network, edge: s.edge, alerts: s.alerts, keepData: holdsProductionData(s), tags: stageTags(s) });
    return { vpcId: env.refs.vpcId, listenerArn: env.refs.listenerArn };
};

describe("Environment: switches are data, not stage names", () => {
    let wafOn: StackPlan;
    let wafOff: StackPlan;
    let stagingSingleNat: StackPlan;

    before(async () => {
        const dev = stackSettings("dev");
        wafOn = await planStack({ ...dev, edge: { ...dev.edge, waf: true } }, { program: environmentOnly });
        wafOff = await planStack({ ...dev, edge: { ...dev.edge, waf: false } }, { program: environmentOnly });
        const staging = stackSettings("staging");
        stagingSingleNat = await planStack({ ...staging, network: { ...staging.network, natGateways: "single" } }, { program: environmentOnly });
    });

    it("GIVEN an internal stage with edge.waf true THEN it gets a web ACL on its load balancer", () => {
        assert.equal(ofType(wafOn, T.webAcl).length, 1);
        assert.equal(ofType(wafOn, T.webAclAssoc).length, 1);
    });

    it("GIVEN the same stage with edge.waf false THEN it has zero aws:wafv2 resources", () => {
        assert.equal(wafOff.resources.filter((r) => r.type.startsWith("aws:wafv2")).length, 0);
    });

    it("GIVEN staging with natGateways single THEN one NAT gateway serves all three AZs", () => {
        const nats = ofType(stagingSingleNat, T.nat);
        assert.equal(nats.length, 1);
        const routes = ofType(stagingSingleNat, T.route).filter((r) => inp(r).natGatewayId !== undefined);
        assert.equal(routes.length, 3);
        assert.ok(routes.every((r) => inp(r).natGatewayId === nats[0].id));
    });
});

describe("Environment: arguments are checked before anything is built", () => {
    const argsOf = (s: StageSettings): EnvironmentArgs => ({ stage: s.stage, region: s.region, network: s.network, edge: s.edge, alerts: s.alerts, keepData: holdsProductionData(s), tags: {} });

    it("GIVEN each stage's own settings THEN there is nothing to complain about", () => {
        for (const stage of STAGES) assert.deepEqual(validateEnvironmentArgs(argsOf(stackSettings(stage))), [], stage);
    });

    it("GIVEN TLS without a hosted zone THEN it says the certificate needs the zone", () => {
        const s = stackSettings("test");
        const problems = validateEnvironmentArgs(argsOf({ ...s, edge: { ...s.edge, hostedZoneId: undefined } }));
        assert.ok(problems.includes("edge.tls needs edge.hostedZoneId: the certificate is validated by a DNS record in that public zone"), problems.join("\n"));
    });

    it("GIVEN a public load balancer without WAF THEN it refuses", () => {
        const s = stackSettings("prod");
        assert.deepEqual(validateEnvironmentArgs(argsOf({ ...s, edge: { ...s.edge, waf: false } })), [
            "edge.public needs edge.waf: every internet-facing load balancer has a web ACL",
        ]);
    });

    it("GIVEN subnets in one AZ only THEN it refuses (a load balancer spans two)", () => {
        const s = stackSettings("dev");
        assert.deepEqual(validateEnvironmentArgs(argsOf({ ...s, network: { ...s.network, availabilityZones: ["eu-west-1a"] } })), [
            "network.availabilityZones has 1; subnets need at least 2 Availability Zones (a load balancer and a database subnet group span two)",
        ]);
    });

    it("GIVEN azCount above the AZs with subnets THEN it refuses", () => {
        const s = stackSettings("test");
        assert.deepEqual(validateEnvironmentArgs(argsOf({ ...s, network: { ...s.network, azCount: 3 } })), [
            "network.azCount 3 must be from 1 to the 2 Availability Zones that have subnets",
        ]);
    });

    it("GIVEN a flow log retention CloudWatch does not offer THEN it names the allowed values", () => {
        const s = stackSettings("dev");
        const [problem] = validateEnvironmentArgs(argsOf({ ...s, network: { ...s.network, flowLogRetentionDays: 45 } }));
        assert.match(problem, /^network\.flowLogRetentionDays 45 is not a CloudWatch Logs retention; allowed: 1, 3, 5, 7, 14, 30, 60, 90/);
    });

    it("GIVEN bad args WHEN the stack runs THEN the Environment fails with a ResourceError listing every problem", async () => {
        const s = stackSettings("test");
        const bad: StageSettings = { ...s, edge: { ...s.edge, hostedZoneId: undefined, waf: false } };
        await assert.rejects(planStack(bad), (e: Error) => {
            assert.equal(
                e.message,
                [
                    'Environment "test" cannot be built:',
                    "  - edge.tls needs edge.hostedZoneId: the certificate is validated by a DNS record in that public zone",
                    "  - edge.public needs edge.hostedZoneId: the public record of the host name lives in that zone",
                    "  - edge.public needs edge.waf: every internet-facing load balancer has a web ACL",
                ].join("\n"),
            );
            return true;
        });
    });
});
