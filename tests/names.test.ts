/**
 * Issue 20, finding 4: every name the program builds fits its AWS limit for the LONGEST values
 * config allows (stack name, service names, domain), and config refuses values that would not
 * fit, naming the limit. The limits and their AWS pages: lib/names.ts.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { loadSettings, readStackFile, RawConfig } from "../infra/config";
import { ConfigError } from "../infra/errors";
import { AUTONAME_SUFFIX, maxHostnameLength, maxServiceNameLength, NAME_LIMITS, physicalName } from "../lib/names";
import { fixtureReferences, planStack, ROOT, StackPlan } from "../tools/harness";

const STAGES = ["dev", "test", "staging", "prod"] as const;

/** Types that have no name of their own in AWS (ids, associations, rules inside another resource). */
const UNNAMED = new Set([
    "aws:acm/certificateValidation:CertificateValidation",
    "aws:appautoscaling/target:Target",
    "aws:cloudwatch/eventTarget:EventTarget",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    "aws:ec2/eip:Eip",
    "aws:ec2/flowLog:FlowLog",
    "aws:ec2/internetGateway:InternetGateway",
    "aws:ec2/natGateway:NatGateway",
    "aws:ec2/route:Route",
    "aws:ec2/routeTable:RouteTable",
    "aws:ec2/routeTableAssociation:RouteTableAssociation",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/vpc:Vpc",
    "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:kms/grant:Grant",
    "aws:kms/key:Key",
    "aws:lb/listener:Listener",
    "aws:lb/listenerRule:ListenerRule",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:sns/topicPolicy:TopicPolicy",
    "aws:sns/topicSubscription:TopicSubscription",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:wafv2/webAclAssociation:WebAclAssociation",
]);

/** A lower-case name of exactly `n` characters that config's name pattern accepts. */
function nameOf(first: string, n: number): string {
    return first + "x".repeat(n - 2) + "9";
}

/** A domain of valid labels (≤ 63 each) whose host name `recordName.domain` is exactly `total` long. */
function domainFor(recordName: string, total: number): string {
    let left = total - recordName.length - 1 - ".com".length;
    const labels: string[] = [];
    while (left > 0) {
        const len = Math.min(63, left === 64 ? 62 : left - (left > 63 ? 1 : 0));
        labels.push(nameOf("d", Math.max(len, 2)).slice(0, len));
        left -= len + (left > len ? 1 : 0);
    }
    const domain = `${labels.join(".")}.com`;
    assert.equal(`${recordName}.${domain}`.length, total, `host name of ${total}`);
    return domain;
}

function accepts(stack: string, raw: RawConfig): boolean {
    try {
        loadSettings(stack, raw);
        return true;
    } catch (e) {
        if (e instanceof ConfigError) return false;
        throw e;
    }
}

/** The longest service name config accepts in this stage (asked of config itself, not assumed). */
function longestServiceName(stage: string, raw: RawConfig): number {
    for (let n = 64; n >= 2; n--) {
        if (accepts(stage, { ...raw, "stageline:services": JSON.stringify([{ name: nameOf("f", n), pathPatterns: ["/*"] }]) })) return n;
    }
    return assert.fail(`${stage} accepts no service name`);
}

/** The longest host name config accepts in this stage (asked of config itself). */
function longestHostname(stage: string, raw: RawConfig, recordName: string): number {
    const edge = JSON.parse(raw["stageline:edge"] ?? "{}");
    for (let total = 253 + recordName.length + 1; total > 8; total--) {
        if (accepts(stage, { ...raw, "stageline:edge": JSON.stringify({ ...edge, domain: domainFor(recordName, total) }) })) return total;
    }
    return assert.fail(`${stage} accepts no domain`);
}

/** The stage's stack file, with the longest stack name, service names and domain config allows. */
function longestConfig(stage: (typeof STAGES)[number]): { stack: string; raw: RawConfig } {
    const file = readStackFile(path.join(ROOT, `Pulumi.${stage}.yaml`));
    const n = longestServiceName(stage, file.config);
    const edge = JSON.parse(file.config["stageline:edge"] ?? "{}");
    const probe = loadSettings(stage, file.config);
    const domain = domainFor(probe.edge.recordName, longestHostname(stage, file.config, probe.edge.recordName));
    const oneAz = probe.network.azCount === 1;
    const services = [
        { name: nameOf("f", n), runtime: "fargate", pathPatterns: ["/*"], priority: 200 },
        {
            name: nameOf("e", n),
            runtime: "ec2",
            pathPatterns: ["/legacy/*"],
            healthCheckPath: "/legacy/health",
            priority: 100,
            initialAmiId: "ami-0123456789abcdef0",
            ...(oneAz ? { minCount: 1, desiredCount: 1, maxCount: 2 } : { minCount: 2, desiredCount: 2, maxCount: 4 }),
        },
    ];
    // Resource names come from the stage; only the dashboard carries the stack name: a 100-character one.
    const stack = `${stage}-eu-central-1-`.padEnd(100, "x");
    return {
        stack,
        raw: { ...file.config, "stageline:stage": stage, "stageline:services": JSON.stringify(services), "stageline:edge": JSON.stringify({ ...edge, domain }) },
    };
}

async function planLongest(stage: (typeof STAGES)[number]): Promise<StackPlan> {
    const { stack, raw } = longestConfig(stage);
    const s = loadSettings(stack, raw);
    // Prod's stand-in outputs for every stack this one reads (infra/stacks.ts).
    return planStack(s, { stackOutputs: fixtureReferences(s) });
}

describe("AWS name limits: the longest names the program builds from any valid config fit", function () {
    this.timeout(120000);
    const longest = new Map<string, { name: string; stage: string }>();
    const plans: Partial<Record<(typeof STAGES)[number], StackPlan>> = {};

    for (const stage of STAGES) {
        before(async () => {
            plans[stage] = await planLongest(stage);
        });
    }

    for (const stage of STAGES) {
        it(`GIVEN ${stage} with the longest service names (both runtimes) and host name config accepts THEN every named resource fits its limit`, () => {
            const plan = plans[stage]!;
            const tooLong: string[] = [];
            for (const r of plan.resources) {
                if (!r.custom || r.read || !r.type.startsWith("aws:")) continue;
                const limit = NAME_LIMITS[r.type];
                assert.ok(limit || UNNAMED.has(r.type), `${r.type} (${r.name}) is in neither lib/names.ts's NAME_LIMITS nor the unnamed list: add its limit`);
                const name = physicalName(r.type, r.name, r.inputs);
                if (!limit || name === undefined) continue;
                if (name.length > (longest.get(r.type)?.name.length ?? -1)) longest.set(r.type, { name, stage });
                if (name.length > limit.max) tooLong.push(`${r.type} ${r.name}: "${name}" is ${name.length} > ${limit.max} (${limit.doc})`);
            }
            assert.deepEqual(tooLong, []);
        });
    }

    it("THEN the table: for each named type, its AWS limit and the longest name planned (all within)", () => {
        const rows = Object.entries(NAME_LIMITS)
            .filter(([type]) => longest.has(type))
            .map(([type, l]) => ({ type, max: l.max, longest: longest.get(type)!.name.length, example: longest.get(type)!.name, doc: l.doc }));
        console.log(rows.map((r) => `      ${r.type.padEnd(72)} ${String(r.longest).padStart(4)} / ${String(r.max).padEnd(4)} ${r.example}`).join("\n"));
        assert.ok(rows.length >= 30, `${rows.length} named types planned`);
        for (const r of rows) assert.ok(r.longest <= r.max, `${r.type}: ${r.longest} > ${r.max}`);
        // The target group is the binding limit: the longest service name config accepts fills it exactly.
        const tg = rows.find((r) => r.type === "aws:lb/targetGroup:TargetGroup")!;
        assert.equal(tg.longest, 32);
        assert.equal(rows.find((r) => r.type === "aws:acm/certificate:Certificate")!.longest, maxHostnameLength(true));
        assert.equal(AUTONAME_SUFFIX, 8);
    });
});

function refused(stack: string, raw: RawConfig): string[] {
    try {
        loadSettings(stack, raw);
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return e.message.split("\n").slice(1).map((l) => l.replace(/^ {2}- /, ""));
    }
    return assert.fail("expected the config to be refused");
}

function withServices(stage: string, services: unknown[]): RawConfig {
    return { ...readStackFile(path.join(ROOT, `Pulumi.${stage}.yaml`)).config, "stageline:services": JSON.stringify(services) };
}

describe("config refuses names AWS would refuse, naming the limit", () => {
    it("GIVEN staging with a service named notifications-api (17) THEN its target group name would be 36 > 32: refused", () => {
        const problems = refused("staging", withServices("staging", [{ name: "notifications-api", pathPatterns: ["/*"] }]));
        assert.deepEqual(problems, [
            'stageline:services[notifications-api].name is "notifications-api"; allowed: a name of at most 13 characters in staging: its target group name, ' +
                '"staging-notifications-api-tg" plus Pulumi\'s 8-character suffix, would be 36 characters and AWS allows 32 ' +
                "(https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html)",
        ]);
    });

    it("the budget per stage: dev 17, test 16, staging 13, prod 16 (the stage's name is part of every name)", () => {
        assert.deepEqual(STAGES.map((s) => maxServiceNameLength(s)), [17, 16, 13, 16]);
        for (const stage of ["test", "prod"] as const) {
            const ok = nameOf("a", 16);
            assert.doesNotThrow(() => loadSettings(stage, withServices(stage, [{ name: ok, pathPatterns: ["/*"] }])));
            assert.match(refused(stage, withServices(stage, [{ name: `${ok}z`, pathPatterns: ["/*"] }])).join("\n"), /at most 16 characters in (test|prod)/);
        }
    });

    it("GIVEN a TLS stage whose host name would exceed the certificate's 64-character Common Name THEN edge.domain is refused", () => {
        const raw = readStackFile(path.join(ROOT, "Pulumi.test.yaml")).config;
        const edge = JSON.parse(raw["stageline:edge"]);
        const domain = domainFor("test", 65);
        const problems = refused("test", { ...raw, "stageline:edge": JSON.stringify({ ...edge, domain }) });
        assert.equal(problems.length, 1);
        assert.match(problems[0], /^stageline:edge\.domain is ".*"; allowed: a domain that keeps the host name "test\..*" \(65 characters\) within 64: the certificate's domain name \(its Common Name\) is at most 64 characters/);
    });
});
