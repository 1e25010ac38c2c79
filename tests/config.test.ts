/**
 * Stack config → StageSettings: defaults per stage, and bad config failing with one message that
 * names the stack, the key, what was given and what is allowed — every problem at once.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadSettings, readStackFile, RawConfig, STAGE_DEFAULTS, fargateMemoryAllowed } from "../infra/config";
import { ConfigError } from "../infra/errors";
import { ROOT } from "../tools/harness";

function stackFile(stack: string): RawConfig {
    return readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`)).config;
}

/** Returns the stack's raw config with one top-level key's object changed. */
function withKey(raw: RawConfig, key: string, patch: Record<string, unknown> | unknown[] | string): RawConfig {
    const full = `stageline:${key}`;
    if (typeof patch === "string" || Array.isArray(patch)) return { ...raw, [full]: typeof patch === "string" ? patch : JSON.stringify(patch) };
    const current = raw[full] ? JSON.parse(raw[full]) : {};
    return { ...raw, [full]: JSON.stringify({ ...current, ...patch }) };
}

function problemsOf(stack: string, raw: RawConfig): string[] {
    try {
        loadSettings(stack, raw);
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
        assert.ok(e.message.startsWith(`Invalid configuration for stack "${stack}"`), e.message);
        return e.message.split("\n").slice(1).map((l) => l.replace(/^ {2}- /, ""));
    }
    assert.fail("expected the config to be refused");
}

describe("config: the four stack files", () => {
    for (const stack of ["dev", "test", "staging", "prod"]) {
        it(`Pulumi.${stack}.yaml loads into settings for stage ${stack}`, () => {
            const s = loadSettings(stack, stackFile(stack));
            assert.equal(s.stage, stack);
            assert.equal(s.region, "eu-west-1");
        });
    }

    it("prod: three AZs, a NAT per AZ, Multi-AZ owned database, two or more tasks", () => {
        const s = loadSettings("prod", stackFile("prod"));
        assert.equal(s.network.azCount, 3);
        assert.deepEqual(s.network.availabilityZones, ["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
        assert.equal(s.network.natGateways, "perAz");
        assert.equal(s.database.mode, "owned");
        assert.ok(s.database.mode === "owned" && s.database.multiAz && s.database.deletionProtection);
        assert.ok(s.services.every((svc) => svc.minCount >= 2 && svc.desiredCount >= 2));
    });

    it("dev: workloads in one AZ but subnets in two (ALB and RDS need two), internal and plain HTTP", () => {
        const s = loadSettings("dev", stackFile("dev"));
        assert.equal(s.network.azCount, 1);
        assert.equal(s.network.availabilityZones.length, 2);
        assert.equal(s.edge.public, false);
        assert.equal(s.edge.tls, false);
        assert.equal(s.network.natGateways, "single");
    });

    it("staging: shares production's database through the prod stack reference", () => {
        const s = loadSettings("staging", stackFile("staging"));
        assert.equal(s.database.mode, "shared");
        assert.ok(s.database.mode === "shared" && s.database.prodStack === "acme/stageline/prod");
        assert.equal(s.pipeline.trigger, "tag");
        assert.equal(s.pipeline.schedule, "cron(0 6 1,15 * ? *)");
    });

    it("a stack named like a stage needs no stage key; defaults come from the stage table", () => {
        const s = loadSettings("test", { "aws:region": "us-east-1", "stageline:edge": JSON.stringify({ domain: "example.org", hostedZoneId: "ZABC" }), "stageline:github": JSON.stringify({ enabled: false }), "stageline:pipeline": JSON.stringify({ enabled: false }) });
        assert.equal(s.stage, "test");
        assert.equal(s.network.cidr, STAGE_DEFAULTS.test.network.cidr);
        assert.deepEqual(s.network.availabilityZones, ["us-east-1a", "us-east-1b"]);
        assert.equal(s.edge.hostname, "test.example.org");
        assert.equal(s.services.length, 1);
        assert.deepEqual(s.services[0].pathPatterns, ["/*"]);
    });

    it("a stack like prod-eu maps to a stage by the explicit key, and 0 / false values are kept, not defaulted", () => {
        const raw = { ...stackFile("prod"), "aws:region": "eu-central-1" };
        const s = loadSettings("prod-eu", withKey(raw, "edge", { wafRateLimit: 100 }));
        assert.equal(s.stage, "prod");
        assert.equal(s.edge.wafRateLimit, 100);
        const d = loadSettings("dev", withKey(stackFile("dev"), "database", { monitoringIntervalSeconds: 0, performanceInsights: false }));
        assert.ok(d.database.mode === "owned" && d.database.monitoringIntervalSeconds === 0);
    });
});

describe("config: bad input fails with one clear message per problem", () => {
    it("a container environment with bad names and a non-string value is ONE problem for the map, naming the entries (quoted) and how many", () => {
        const raw = stackFile("test");
        const services = JSON.parse(raw["stageline:services"]) as Record<string, unknown>[];
        services[0] = { ...services[0], environment: { " ": "a", "!": "b", OK: 1, GOOD: "y" } };
        assert.deepEqual(problemsOf("test", { ...raw, "stageline:services": JSON.stringify(services) }), [
            'stageline:services[web].environment is 3 bad entries of 4 (the name " ", the name "!", OK\'s value); allowed: a map of UPPER_CASE names to strings',
        ]);
    });

    const prod = () => stackFile("prod");

    it("unknown stage", () => {
        assert.deepEqual(problemsOf("prod", { ...prod(), "stageline:stage": "production" }), [
            'stageline:stage is "production"; allowed: one of "dev", "test", "staging", "prod"',
        ]);
    });

    it("a stack whose name is no stage and that has no stage key", () => {
        const raw = { ...prod() };
        delete raw["stageline:stage"];
        assert.deepEqual(problemsOf("prod-eu", raw), [
            'stageline:stage is (missing); allowed: one of "dev", "test", "staging", "prod" (required when the stack name "prod-eu" is not a stage name)',
        ]);
    });

    it("pre-release snapshots kept: 0, or more than the Region's quota allows", () => {
        assert.deepEqual(problemsOf("staging", withKey(stackFile("staging"), "pipeline", { snapshotsToKeep: 0 })), [
            "stageline:pipeline.snapshotsToKeep is 0; allowed: an integer from 1 to 50 (RDS allows 100 manual snapshots per Region, shared by the account)",
        ]);
        assert.equal(loadSettings("staging", stackFile("staging")).pipeline.snapshotsToKeep, 10, "the documented default");
    });

    it("one AZ in prod", () => {
        assert.deepEqual(problemsOf("prod", withKey(prod(), "network", { azCount: 1 })), [
            "stageline:network.azCount is 1; allowed: an integer from 2 to 6 (prod serves traffic from at least two Availability Zones)",
        ]);
    });

    it("a single NAT gateway in prod", () => {
        assert.deepEqual(problemsOf("prod", withKey(prod(), "network", { natGateways: "single" })), [
            'stageline:network.natGateways is "single"; allowed: "perAz" in prod (one NAT gateway must not be a single point of failure for every AZ)',
        ]);
    });

    it("bad CIDR: not a block, wrong size, off its boundary", () => {
        for (const cidr of ["10.40.0.0/33", "10.40.0.0/8", "10.40.1.0/16", "ten/16"]) {
            assert.deepEqual(problemsOf("prod", withKey(prod(), "network", { cidr })), [
                `stageline:network.cidr is "${cidr}"; allowed: an IPv4 CIDR block from /16 to /20 on its network boundary, e.g. 10.40.0.0/16`,
            ]);
        }
    });

    it("missing domain", () => {
        const raw = withKey(prod(), "edge", {});
        const edge = JSON.parse(raw["stageline:edge"]);
        delete edge.domain;
        assert.deepEqual(problemsOf("prod", { ...raw, "stageline:edge": JSON.stringify(edge) }), [
            "stageline:edge.domain is (missing); allowed: a lower-case DNS domain such as example.com",
        ]);
    });

    it("a public load balancer in dev, and TLS/WAF switched off on a public stage", () => {
        assert.deepEqual(problemsOf("dev", withKey(stackFile("dev"), "edge", { public: true, hostedZoneId: "Z0123" })), [
            "stageline:edge.public is true; allowed: false in dev (developers' sandbox has no external access)",
            "stageline:edge.tls is false; allowed: true when edge.public is true (internet-facing load balancers serve HTTPS only)",
            "stageline:edge.waf is false; allowed: true when edge.public is true (every internet-facing load balancer has a WAF)",
        ]);
    });

    it("staging with its own database, and staging without the prod stack reference", () => {
        assert.deepEqual(problemsOf("staging", withKey(stackFile("staging"), "database", { mode: "owned", prodStack: undefined })), [
            'stageline:database.mode is "owned"; allowed: "shared" in staging (staging uses production\'s database and creates none)',
        ]);
        const noProd: Record<string, string> = { ...stackFile("staging"), "stageline:database": JSON.stringify({ mode: "shared" }) };
        delete noProd["stageline:prodStack"];
        assert.deepEqual(problemsOf("staging", noProd), [
            "stageline:prodStack is (missing); allowed: the prod stack staging reads (its database contract, the release hand-off location, the GitHub repositories and OIDC provider), org/project/stack, e.g. acme/stageline/prod; deploy prod first",
        ]);
    });

    it("a prod database that is not Multi-AZ", () => {
        assert.deepEqual(problemsOf("prod", withKey(prod(), "database", { multiAz: false })), [
            "stageline:database.multiAz is false; allowed: true in prod (production's database is Multi-AZ)",
        ]);
    });

    it("wrong types and unknown keys, reported together", () => {
        const raw = withKey(withKey(prod(), "network", { azCount: "3", flowLogs: true }), "database", { instanceClass: "m5.large" });
        assert.deepEqual(problemsOf("prod", raw), [
            'stageline:network.azCount is "3"; allowed: an integer from 1 to 6',
            "stageline:network.flowLogs is set; allowed: no such key; known keys here: cidr, azCount, availabilityZones, natGateways, flowLogRetentionDays",
            'stageline:database.instanceClass is "m5.large"; allowed: an RDS instance class such as db.t4g.micro',
        ]);
    });

    it("an unknown top-level key", () => {
        assert.deepEqual(problemsOf("prod", { ...prod(), "stageline:vpcCidr": "10.0.0.0/16" }), [
            'stageline:vpcCidr is "10.0.0.0/16"; allowed: one of the keys stageline:stage, stageline:prodStack, stageline:network, stageline:edge, stageline:database, stageline:services, stageline:pipeline, stageline:github, stageline:alerts, stageline:uploads, stageline:maintenance, stageline:tags',
        ]);
    });

    it("a missing or malformed region", () => {
        const raw = { ...prod() };
        delete raw["aws:region"];
        assert.deepEqual(problemsOf("prod", raw), ["aws:region is (missing); allowed: an AWS region such as eu-west-1"]);
    });

    it("a plain-text secret in stack config names the command that stores it as a secret", () => {
        assert.deepEqual(problemsOf("prod", { ...prod(), "stageline:dbPassword": "hunter2" }), [
            "stageline:dbPassword is a plain-text value; allowed: no credential in stageline:dbPassword (its values are copied into resources in plain text): remove it and rotate it; a credential the providers need is set encrypted with `pulumi config set --secret aws:secretKey <value>` or `pulumi config set --secret github:token <value>`",
        ]);
    });

    it("a Fargate CPU/memory pair AWS does not offer", () => {
        const services = [{ name: "web", cpu: 256, memory: 4096, minCount: 2, desiredCount: 2 }];
        assert.deepEqual(problemsOf("prod", withKey(prod(), "services", services)), [
            "stageline:services[web].memory is 4096; allowed: 512, 1024 or 2048 for 256 CPU units",
        ]);
        assert.ok(fargateMemoryAllowed(512, 2048) && !fargateMemoryAllowed(512, 512) && fargateMemoryAllowed(4096, 30720));
    });

    it("a service entry: duplicate name, port out of range, prod minimum below two", () => {
        const services = [
            { name: "api", port: 70000, pathPatterns: ["/api/*"], priority: 10 },
            { name: "api", minCount: 1, desiredCount: 1, pathPatterns: ["/v2/*"], priority: 20 },
        ];
        assert.deepEqual(problemsOf("prod", withKey(prod(), "services", services)), [
            "stageline:services[api].port is 70000; allowed: an integer from 1 to 65535",
            "stageline:services[api].minCount is 1; allowed: 2 or more in prod (at least two tasks, spread across AZs)",
            'stageline:services[api].name is "api" 2 times; allowed: a name unique in the stage',
        ]);
    });

    it("a stack file that is not YAML fails with a ConfigError, not a stack trace", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stageline-"));
        const file = path.join(dir, "Pulumi.broken.yaml");
        fs.writeFileSync(file, "config:\n  aws:region: [unclosed\n");
        assert.throws(() => readStackFile(file), (e: unknown) => e instanceof ConfigError && /stack "broken"/.test((e as Error).message) && /unreadable YAML/.test((e as Error).message));
    });
});
