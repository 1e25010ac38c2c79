/**
 * Load test before a production release (issue 21): the load script against a local server on
 * 127.0.0.1 (bounded in requests and time), its thresholds as validated config, staging's
 * LoadTest step between SmokeTest and SignOff with a role that can do only its job, the summary
 * kept for the prod approver, and prod's Promote refusing a release without a passing load test.
 */
import { strict as assert } from "node:assert";
import { execFile, execFileSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { loadSettings, readStackFile, STAGE_DEFAULTS } from "../infra/config";
import { ConfigError } from "../infra/errors";
import { LoadTestSettings } from "../infra/settings";
import { ofType, PlannedResource, planStackFile, ROOT, StackPlan } from "../tools/harness";
import { LOAD_TEST_GATE_KEY, LOAD_TEST_TOOL_FILES } from "../components/pipeline/loadTest";
import { CODEBUILD_VPC_ACTIONS } from "../components/pipeline/iam";
import { loadTargets, LoadTestSummary, runLoadTest } from "../scripts/loadtest";
import { refusal } from "../scripts/require-load-test";
import { Action, Stage } from "./fixtures/shapes";

const SCRIPT = path.join(ROOT, "scripts", "loadtest.js");
const GATE = path.join(ROOT, "scripts", "require-load-test.js");

/** A server on 127.0.0.1 that answers after `delayMs` with `status`; it counts what it served. */
async function startServer(delayMs: number, status: (n: number) => number): Promise<{ url: string; paths: string[]; close: () => Promise<void> }> {
    const paths: string[] = [];
    const server = http.createServer((req, res) => {
        const n = paths.push(req.url ?? "");
        setTimeout(() => {
            res.statusCode = status(n);
            res.end("ok");
        }, delayMs);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        paths,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

/** Runs the CLI as CodeBuild does (asynchronously: the server answers from this process). */
function runCli(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        execFile(process.execPath, [SCRIPT], { env: { ...process.env, ...env }, timeout: 20000 }, (err, stdout, stderr) => {
            resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
        });
    });
}

const FAST = { durationSeconds: 2, connections: 4, ratePerSecond: 30, p95Ms: 200, p99Ms: 400, maxErrorRate: 0.01 };

describe("load test (scripts/loadtest.js)", function () {
    this.timeout(20000);
    let dir: string;
    before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "loadtest-"))));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("GIVEN a server under the thresholds WHEN the CLI runs the health path and a scenario THEN it passes, within its request budget, and writes the summary", async () => {
        const server = await startServer(1, () => 200);
        fs.mkdirSync(path.join(dir, "loadtest"));
        fs.writeFileSync(path.join(dir, "loadtest", "search.json"), JSON.stringify({ name: "search", path: "/search?q=shoes" }));
        try {
            const started = Date.now();
            const r = await runCli({
                LOAD_TEST: JSON.stringify(FAST),
                TARGETS: JSON.stringify([{ name: "health:web", url: `${server.url}/health` }]),
                BASE_URL: server.url,
                SCENARIO_DIR: path.join(dir, "loadtest"),
                SUMMARY_JSON: path.join(dir, "ok.json"),
                SUMMARY_MD: path.join(dir, "ok.md"),
            });
            const elapsed = (Date.now() - started) / 1000;
            assert.equal(r.code, 0, r.stderr);
            const s = JSON.parse(fs.readFileSync(path.join(dir, "ok.json"), "utf8")) as LoadTestSummary;
            assert.equal(s.passed, true);
            assert.deepEqual(s.targets.map((t) => t.name), ["health:web", "scenario:search"]);
            // Bounded: at most ratePerSecond × durationSeconds requests, in about durationSeconds.
            assert.ok(server.paths.length <= FAST.ratePerSecond * FAST.durationSeconds, `${server.paths.length} requests`);
            assert.ok(s.total.requests > 10 && s.total.requests <= FAST.ratePerSecond * FAST.durationSeconds, `${s.total.requests} requests`);
            assert.ok(elapsed < FAST.durationSeconds + 3, `${elapsed} s`);
            assert.ok(server.paths.includes("/health") && server.paths.includes("/search?q=shoes"));
            assert.equal(s.total.errors, 0);
            for (const k of ["p50", "p95", "p99"] as const) assert.ok(s.total.latencyMs[k] >= 0 && s.total.latencyMs[k] < FAST.p95Ms * 2);
            const md = fs.readFileSync(path.join(dir, "ok.md"), "utf8");
            assert.match(md, /^## Load test: PASSED\n/);
            assert.match(md, /\| health:web \(GET http:\/\/127\.0\.0\.1:\d+\/health\) \| \d+ \|/);
        } finally {
            await server.close();
        }
    });

    it("GIVEN a server slower than p95Ms WHEN the CLI runs THEN it exits 1 naming pipeline.loadTest.p95Ms, and still writes the summary", async () => {
        const server = await startServer(120, () => 200);
        try {
            const r = await runCli({
                LOAD_TEST: JSON.stringify({ ...FAST, durationSeconds: 1, ratePerSecond: 20, p95Ms: 50, p99Ms: 1000 }),
                TARGETS: JSON.stringify([{ name: "health:web", url: `${server.url}/health` }]),
                SCENARIO_DIR: path.join(dir, "none"),
                SUMMARY_JSON: path.join(dir, "slow.json"),
                SUMMARY_MD: path.join(dir, "slow.md"),
            });
            assert.equal(r.code, 1);
            assert.match(r.stderr, /^LOAD TEST FAILED: p95 latency \d+(\.\d+)? ms on health:web \(GET http:\/\/127\.0\.0\.1:\d+\/health\) is above pipeline\.loadTest\.p95Ms 50$/m);
            assert.doesNotMatch(r.stderr, /p99Ms|maxErrorRate/);
            const s = JSON.parse(fs.readFileSync(path.join(dir, "slow.json"), "utf8")) as LoadTestSummary;
            assert.equal(s.passed, false);
            assert.ok(s.total.latencyMs.p95 >= 100);
        } finally {
            await server.close();
        }
    });

    it("GIVEN a server answering 503 to one request in four THEN the run fails naming pipeline.loadTest.maxErrorRate", async () => {
        const server = await startServer(1, (n) => (n % 4 === 0 ? 503 : 200));
        try {
            const s = await runLoadTest({ thresholds: { ...FAST, durationSeconds: 1, ratePerSecond: 20 }, targets: [{ name: "health:web", url: `${server.url}/health`, method: "GET" }] });
            assert.equal(s.passed, false);
            assert.equal(s.breaches.length, 1, s.breaches.join("\n"));
            assert.match(s.breaches[0], /^error rate 2\d\.\d\d % \(\d+ non-2xx, 0 errors of \d+\) on health:web \(GET .*\/health\) is above pipeline\.loadTest\.maxErrorRate 0\.01$/);
            assert.ok(s.targets[0].statusCodes["503"] > 0);
        } finally {
            await server.close();
        }
    });

    it("GIVEN nothing listening THEN every attempt is an error and the run fails on the error rate", async () => {
        const server = await startServer(1, () => 200);
        const url = `${server.url}/health`;
        await server.close();
        const s = await runLoadTest({ thresholds: { ...FAST, durationSeconds: 1, ratePerSecond: 5, connections: 1 }, targets: [{ name: "health:web", url, method: "GET" }] });
        assert.equal(s.passed, false);
        assert.match(s.breaches[0], /pipeline\.loadTest\.maxErrorRate 0\.01$/);
    });

    it("GIVEN bad input THEN the CLI exits 2 without loading anything", async () => {
        const r = await runCli({ LOAD_TEST: JSON.stringify({ ...FAST, p95Ms: "fast" }), TARGETS: "[]" });
        assert.equal(r.code, 2);
        assert.match(r.stderr, /^LOAD TEST NOT RUN: bad load test thresholds: pipeline\.loadTest\.p95Ms is "fast"; allowed: an integer from 1 to 600000$/m);
    });

    it("a scenario file must name a path on the stage's URL, never another host", () => {
        fs.mkdirSync(path.join(dir, "evil"));
        fs.writeFileSync(path.join(dir, "evil", "a.json"), JSON.stringify({ path: "https://elsewhere.example.com/" }));
        assert.throws(() => loadTargets({ baseUrl: "https://staging.example.com", scenarioDir: path.join(dir, "evil") }), /a\.json: "path" must be a path starting with \//);
        fs.writeFileSync(path.join(dir, "evil", "a.json"), JSON.stringify({ path: "/api/items", method: "post", body: { q: 1 } }));
        assert.deepEqual(loadTargets({ baseUrl: "https://staging.example.com/ignored", scenarioDir: path.join(dir, "evil") }), [
            { name: "scenario:a", url: "https://staging.example.com/api/items", method: "POST", headers: undefined, body: '{"q":1}' },
        ]);
    });
});

describe("pipeline.loadTest config", () => {
    const base = (stack: string) => readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`)).config;
    function problems(stack: string, loadTest: unknown, extra: Record<string, unknown> = {}): string[] {
        const raw = base(stack);
        const p = JSON.parse(raw["stageline:pipeline"] ?? "{}");
        raw["stageline:pipeline"] = JSON.stringify({ ...p, loadTest });
        for (const [k, v] of Object.entries(extra)) raw[k] = JSON.stringify(v);
        try {
            loadSettings(stack, raw);
            return [];
        } catch (e) {
            assert.ok(e instanceof ConfigError, String(e));
            assert.ok(e.message.startsWith(`Invalid configuration for stack "${stack}"`));
            return e.message.split("\n").slice(1).map((l) => l.trim());
        }
    }

    it("GIVEN the stage table THEN staging load-tests with thresholds sized under its WAF limit, the other stages do not", () => {
        const t = STAGE_DEFAULTS.staging.pipeline.loadTest;
        assert.deepEqual(t, { enabled: true, durationSeconds: 60, connections: 10, ratePerSecond: 20, p95Ms: 1000, p99Ms: 2000, maxErrorRate: 0.01 });
        assert.ok(t.ratePerSecond * t.durationSeconds <= 0.8 * STAGE_DEFAULTS.staging.edge.wafRateLimit);
        for (const s of ["dev", "test", "prod"] as const) assert.equal(STAGE_DEFAULTS[s].pipeline.loadTest.enabled, false, s);
        assert.deepEqual(problems("staging", {}), []);
    });

    const bad: [keyof LoadTestSettings, unknown, string][] = [
        ["enabled", "yes", "true or false"],
        ["durationSeconds", 5, "an integer from 10 to 900 (seconds of load)"],
        ["connections", 0, "an integer from 1 to 200"],
        ["ratePerSecond", 2.5, "an integer from 1 to 5000 (requests per second)"],
        ["p95Ms", "fast", "an integer from 1 to 60000 (milliseconds)"],
        ["p99Ms", -1, "an integer from 1 to 60000 (milliseconds)"],
        ["maxErrorRate", 5, "a number from 0 to 1 (0.01 = 1 %)"],
    ];
    for (const [key, value, allowed] of bad) {
        it(`GIVEN pipeline.loadTest.${key} = ${JSON.stringify(value)} THEN one message names the stack, the key, the value and what is allowed`, () => {
            assert.deepEqual(problems("staging", { [key]: value }), [`- stageline:pipeline.loadTest.${key} is ${JSON.stringify(value)}; allowed: ${allowed}`]);
        });
    }

    it("GIVEN an unknown key or a non-map THEN the message lists the known keys", () => {
        assert.deepEqual(problems("staging", { rps: 5 }), ["- stageline:pipeline.loadTest.rps is set; allowed: no such key; known keys here: enabled, durationSeconds, connections, ratePerSecond, p95Ms, p99Ms, maxErrorRate"]);
        assert.deepEqual(problems("staging", 5), ["- stageline:pipeline.loadTest is 5; allowed: a map of enabled, durationSeconds, connections, ratePerSecond, p95Ms, p99Ms, maxErrorRate"]);
    });

    it("GIVEN a rate the WAF's rate-based rule would block THEN ratePerSecond is refused with the rate that fits", () => {
        assert.deepEqual(problems("staging", { ratePerSecond: 40 }), [
            "- stageline:pipeline.loadTest.ratePerSecond is 40 (2400 requests in 60 s); allowed: at most 26 for a 60-second test: the stage's WAF blocks an address above edge.wafRateLimit (2000) requests in 300 s and the test keeps under 80 % of it; lower ratePerSecond or durationSeconds, or raise edge.wafRateLimit",
        ]);
        // A higher limit makes room; a longer test counts one 5-minute window only.
        assert.deepEqual(problems("staging", { ratePerSecond: 40 }, { "stageline:edge": { ...JSON.parse(base("staging")["stageline:edge"] ?? "{}"), wafRateLimit: 4000 } }), []);
        assert.deepEqual(problems("staging", { ratePerSecond: 5, connections: 5, durationSeconds: 900 }), []);
    });

    it("GIVEN staging without a load test, or prod with one THEN each is refused with the reason", () => {
        assert.deepEqual(problems("staging", { enabled: false }), ["- stageline:pipeline.loadTest.enabled is false; allowed: true in staging (prod promotes only a release whose load test passed in staging)"]);
        assert.deepEqual(problems("prod", { enabled: true }), [
            `- stageline:pipeline.loadTest.enabled is true; allowed: false with a "promote" trigger (the release was load-tested in staging before it was published; prod's promote step checks that result)`,
        ]);
        assert.deepEqual(problems("test", { enabled: true }), ["- stageline:pipeline.loadTest.enabled is true; allowed: false unless pipeline.signOff is true (a breach fails the deploy stage, which rolls back as for a rejected sign-off)"]);
    });

    it("GIVEN more connections than requests per second, or p99 under p95 THEN each names its key", () => {
        assert.deepEqual(problems("staging", { connections: 30, p99Ms: 100 }), [
            "- stageline:pipeline.loadTest.connections is 30; allowed: an integer from 1 to ratePerSecond (20): each connection sends at least one request a second",
            "- stageline:pipeline.loadTest.p99Ms is 100; allowed: at least p95Ms (1000): the 99th percentile is never below the 95th",
        ]);
    });
});

// ---------------------------------------------------------------------------------------------
// The pipeline
// ---------------------------------------------------------------------------------------------

const PIPELINE = "aws:codepipeline/pipeline:Pipeline";
const PROJECT = "aws:codebuild/project:Project";
type Statement = { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

const stagesOf = (plan: StackPlan) => (ofType(plan, PIPELINE)[0].inputs as { stages: Stage[] }).stages;
const actionOf = (plan: StackPlan, name: string): Action | undefined => stagesOf(plan).flatMap((s) => s.actions).find((a) => a.name === name);
function projectOf(plan: StackPlan, action: Action): PlannedResource {
    const p = ofType(plan, PROJECT).find((r) => r.outputs.name === action.configuration.ProjectName);
    assert.ok(p, `no project for ${action.name}`);
    return p;
}
const envOf = (p: PlannedResource) =>
    Object.fromEntries((p.inputs.environment as { environmentVariables: { name: string; value: string }[] }).environmentVariables.map((v) => [v.name, v.value]));
function statementsOf(plan: StackPlan, roleArn: unknown): Statement[] {
    const role = ofType(plan, "aws:iam/role:Role").find((r) => r.outputs.arn === roleArn);
    assert.ok(role);
    return ofType(plan, "aws:iam/rolePolicy:RolePolicy")
        .filter((p) => p.inputs.role === role.outputs.name)
        .flatMap((p) => JSON.parse(String(p.inputs.policy)).Statement);
}
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const buildspecCommands = (file: string) =>
    Object.values((YAML.parse(fs.readFileSync(path.join(ROOT, "buildspecs", file), "utf8")) as { phases: Record<string, { commands?: string[] }> }).phases).flatMap((p) => p.commands ?? []);

describe("LoadTest in the delivery pipeline", function () {
    this.timeout(60000);
    const plans: Record<string, StackPlan> = {};
    before(async () => {
        for (const s of ["dev", "test", "staging"]) plans[s] = await planStackFile(s);
        plans.prod = await planStackFile("prod", { stackOutputs: { "acme/stageline/staging": { release: plans.staging.outputs.release } } });
    });

    it("GIVEN staging THEN LoadTest runs after the deploy and SmokeTest and before SignOff, in the stage that rolls back", () => {
        const deploy = stagesOf(plans.staging).find((s) => s.name === "Deploy");
        assert.ok(deploy);
        assert.deepEqual(deploy.onFailure, { result: "ROLLBACK" });
        const order = (n: string) => deploy.actions.find((a) => a.name === n)?.runOrder ?? -1;
        const deployed = Math.max(...deploy.actions.filter((a) => a.provider === "ECS").map((a) => a.runOrder ?? 1));
        assert.ok(deployed < order("SmokeTest") && order("SmokeTest") < order("LoadTest") && order("LoadTest") < order("SignOff"), JSON.stringify(deploy.actions.map((a) => [a.name, a.runOrder])));
        const lt = actionOf(plans.staging, "LoadTest") as Action & { namespace?: string };
        assert.deepEqual([lt.inputArtifacts, lt.outputArtifacts, lt.namespace], [["source"], ["loadtest"], "LoadTest"]);
        // The approver sees the result in the sign-off request.
        assert.match(String(actionOf(plans.staging, "SignOff")?.configuration.CustomData), /Load test: #\{LoadTest\.LOAD_TEST_RESULT\}$/);
    });

    it("GIVEN dev, test and prod THEN there is no LoadTest step", () => {
        for (const s of ["dev", "test", "prod"]) assert.equal(actionOf(plans[s], "LoadTest"), undefined, s);
    });

    it("GIVEN staging THEN the step runs load-test.yml in the VPC with the stage's thresholds and each service's health URL", () => {
        const project = projectOf(plans.staging, actionOf(plans.staging, "LoadTest") as Action);
        assert.equal((project.inputs.source as { buildspec: string }).buildspec, fs.readFileSync(path.join(ROOT, "buildspecs", "load-test.yml"), "utf8"));
        assert.ok(project.inputs.vpcConfig, "runs inside the VPC: one NAT address the WAF budget counts");
        // The smoke test's group (the URL and AWS APIs), never the app tasks' (which opens the database ports).
        const groups = (project.inputs.vpcConfig as { securityGroupIds: string[] }).securityGroupIds;
        const group = (name: string) => String(ofType(plans.staging, "aws:ec2/securityGroup:SecurityGroup").find((g) => g.name === name)?.id);
        assert.deepEqual(groups, [group("staging-smoke-test")]);
        assert.ok(!groups.includes(group("staging-app")), "not the app group");
        const env = envOf(project);
        const { enabled: _, ...thresholds } = STAGE_DEFAULTS.staging.pipeline.loadTest;
        assert.deepEqual(JSON.parse(env.LOAD_TEST), thresholds);
        const services = plans.staging.outputs.services as Record<string, { healthCheckUrl?: string }>;
        assert.deepEqual(JSON.parse(env.TARGETS).map((t: { name: string }) => t.name), Object.keys(services).map((s) => `health:${s}`));
        for (const t of JSON.parse(env.TARGETS) as { url: string }[]) assert.match(t.url, /^https:\/\/staging\.[a-z.-]+\/health$/);
        assert.equal(env.SCENARIO_DIR, "loadtest");
        assert.equal(project.inputs.buildTimeout, 16);
    });

    it("GIVEN staging THEN the LoadTest role can do only its job: logs, artifacts, stage key, its tool, the source connection, VPC networking", () => {
        const project = projectOf(plans.staging, actionOf(plans.staging, "LoadTest") as Action);
        const st = statementsOf(plans.staging, project.inputs.serviceRole);
        const all = st.flatMap(actions).sort();
        assert.deepEqual([...new Set(all)], [
            "codeconnections:UseConnection",
            "codestar-connections:UseConnection",
            // VPC networking: the calls every CodeBuild project in a VPC makes, and the interface permission.
            ...CODEBUILD_VPC_ACTIONS,
            "ec2:CreateNetworkInterfacePermission",
            "kms:Decrypt",
            "kms:DescribeKey",
            "kms:Encrypt",
            "kms:GenerateDataKey",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "s3:GetBucketLocation",
            "s3:GetBucketVersioning",
            "s3:GetObject",
            "s3:GetObjectVersion",
            "s3:ListBucket",
            "s3:PutObject",
        ].sort());
        const tools = ofType(plans.staging, "aws:s3/bucket:Bucket").find((b) => b.name === "staging-pipeline-tools");
        assert.ok(tools);
        const tool = st.find((s) => s.Sid === "ReadLoadTestTool");
        assert.deepEqual([actions(tool as Statement), tool?.Resource], [["s3:GetObject"], `${tools.outputs.arn}/loadtest/*`]);
        // Nothing of the tools bucket but the load tool; no write there.
        for (const s of st) if (JSON.stringify(s.Resource).includes(String(tools.outputs.arn))) assert.equal(s.Sid, "ReadLoadTestTool");
    });

    it("GIVEN staging THEN the tools bucket holds the script and its pinned lockfile, and never expires them", () => {
        const objects = ofType(plans.staging, "aws:s3/bucketObjectv2:BucketObjectv2").filter((o) => o.name.startsWith("staging-tool-"));
        assert.deepEqual(objects.map((o) => o.inputs.key).sort(), Object.values(LOAD_TEST_TOOL_FILES).sort());
        const lifecycle = ofType(plans.staging, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").find((l) => l.name === "staging-pipeline-tools-lifecycle");
        assert.ok(lifecycle);
        assert.ok(!JSON.stringify(lifecycle.inputs).includes('"expiration"'), JSON.stringify(lifecycle.inputs));
        const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "scripts", "loadtest", "package-lock.json"), "utf8"));
        const dev = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).devDependencies.autocannon;
        assert.equal(lock.packages["node_modules/autocannon"].version, dev, "CodeBuild runs the version the tests run");
    });

    it("GIVEN staging THEN the summary goes to the release report, the release notes and the published release.json", () => {
        const cmds = buildspecCommands("load-test.yml").join("\n");
        assert.match(cmds, /s3:\/\/\$\{ARTIFACT_BUCKET\}\/reports\/\$\{PIPELINE_EXECUTION_ID\}\/loadtest\.json/);
        assert.match(cmds, /release-notes\/\$\{PIPELINE_EXECUTION_ID\}\/NOTES\.md/);
        assert.deepEqual(actionOf(plans.staging, "PublishForPromotion")?.inputArtifacts, ["build", "notes", "loadtest"]);
    });

    it("GIVEN prod THEN Promote reads only the gate from its tools bucket and runs it before copying anything", () => {
        const promote = projectOf(plans.prod, actionOf(plans.prod, "Promote") as Action);
        const env = envOf(promote);
        assert.equal(env.LOAD_TEST_GATE_KEY, LOAD_TEST_GATE_KEY);
        const tools = ofType(plans.prod, "aws:s3/bucket:Bucket").find((b) => b.name === "prod-pipeline-tools");
        assert.ok(tools);
        assert.equal(env.TOOLS_BUCKET, tools.outputs.bucket);
        const gate = statementsOf(plans.prod, promote.inputs.serviceRole).filter((s) => JSON.stringify(s.Resource).includes(String(tools.outputs.arn)));
        assert.deepEqual(gate.map((s) => [actions(s), s.Resource]), [[["s3:GetObject"], `${tools.outputs.arn}/${LOAD_TEST_GATE_KEY}`]]);
        const cmds = buildspecCommands("promote.yml");
        const at = cmds.findIndex((c) => c.includes("node /tmp/require-load-test.js release.json"));
        assert.ok(at > 0, "promote.yml runs the gate");
        assert.ok(cmds.slice(0, at).every((c) => !/docker|copy-image|ecr/.test(c)), "nothing is copied before the gate");
        const obj = ofType(plans.prod, "aws:s3/bucketObjectv2:BucketObjectv2").filter((o) => o.name.startsWith("prod-tool-"));
        assert.deepEqual(obj.map((o) => o.inputs.key), [LOAD_TEST_GATE_KEY]);
    });
});

describe("prod's promotion gate (scripts/require-load-test.js)", () => {
    let dir: string;
    before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "gate-"))));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    function gate(release: unknown): { code: number; out: string } {
        const file = path.join(dir, "release.json");
        fs.writeFileSync(file, JSON.stringify(release));
        try {
            return { code: 0, out: execFileSync(process.execPath, [GATE, file], { stdio: "pipe" }).toString() };
        } catch (e) {
            const err = e as { status: number; stderr: Buffer };
            return { code: err.status, out: err.stderr.toString() };
        }
    }
    const passed = { passed: true, total: { requests: 1200, ratePerSecond: 20, latencyMs: { p50: 12, p95: 40, p99: 90 }, errorRate: 0 }, breaches: [] };

    it("GIVEN a release without a load test result THEN promotion is refused with the reason", () => {
        const r = gate({ releaseTag: "release-2026-11-30", images: {} });
        assert.equal(r.code, 1);
        assert.equal(
            r.out.trim(),
            `PROMOTION REFUSED: release release-2026-11-30 has no load test result (release.json has no "loadTest"): prod promotes only a release whose load test passed in staging. Run it through staging's pipeline, whose LoadTest step records the result.`,
        );
    });
    it("GIVEN a release whose load test failed THEN promotion is refused naming the breach", () => {
        const r = gate({ releaseTag: "release-2", loadTest: { ...passed, passed: false, breaches: ["p95 latency 1203 ms on health:web (GET https://staging.example.com/health) is above pipeline.loadTest.p95Ms 1000"] } });
        assert.equal(r.code, 1);
        assert.equal(r.out.trim(), "PROMOTION REFUSED: release release-2 did not pass its load test in staging: p95 latency 1203 ms on health:web (GET https://staging.example.com/health) is above pipeline.loadTest.p95Ms 1000");
    });
    it("GIVEN a release whose load test passed THEN it may be promoted, and the log says what passed", () => {
        const r = gate({ releaseTag: "release-3", loadTest: passed });
        assert.equal(r.code, 0);
        assert.equal(r.out.trim(), "release release-3 passed its load test in staging: 1200 requests, 20/s, p50/p95/p99 12/40/90 ms, error rate 0");
        assert.equal(refusal({ loadTest: { passed: "true" } })?.startsWith("PROMOTION REFUSED: release (untagged) did not pass"), true, "only the boolean true passes");
    });

    it("GIVEN staging's publish step WHEN it has the LoadTest output THEN release.json carries it and the gate lets it through; without it the gate refuses", () => {
        const commands = buildspecCommands("publish-release.yml").join("\n");
        const bin = path.join(dir, "bin");
        fs.mkdirSync(bin, { recursive: true });
        // aws: the NOTES.md download fails (falls back to the notes artifact); the upload is recorded. zip: a copy.
        fs.writeFileSync(path.join(bin, "aws"), `#!/bin/sh\nif [ "$3" = "release.zip" ]; then cp release.zip "${dir}/published.zip"; exit 0; fi\nexit 1\n`, { mode: 0o755 });
        fs.writeFileSync(path.join(bin, "zip"), `#!/bin/sh\nshift 3; cp release.json ../release.zip\n`, { mode: 0o755 });
        const publish = (withLoadTest: boolean) => {
            const work = fs.mkdtempSync(path.join(dir, "publish-"));
            fs.writeFileSync(path.join(work, "release.json"), JSON.stringify({ commit: "abc", images: {} }));
            const notes = path.join(work, "notes");
            fs.mkdirSync(notes);
            fs.writeFileSync(path.join(notes, "NOTES.md"), "# Release\n");
            const env: Record<string, string> = { ...(process.env as Record<string, string>), PATH: `${bin}:${process.env.PATH}`, RELEASE_BUCKET: "b", RELEASE_OBJECT_KEY: "k", RELEASE_KMS_KEY_ARN: "arn:aws:kms:eu-west-1:123456789012:key/handoff", ARTIFACT_BUCKET: "a", RELEASE_TAG: "release-9", PIPELINE_EXECUTION_ID: "e", CODEBUILD_SRC_DIR_notes: notes };
            if (withLoadTest) {
                const lt = path.join(work, "lt");
                fs.mkdirSync(lt);
                fs.writeFileSync(path.join(lt, "loadtest.json"), JSON.stringify(passed));
                env.CODEBUILD_SRC_DIR_loadtest = lt;
            }
            execFileSync("bash", ["-c", commands], { cwd: work, env, stdio: "pipe" });
            return JSON.parse(fs.readFileSync(path.join(work, "out", "release.json"), "utf8"));
        };
        const withIt = publish(true);
        assert.deepEqual(withIt.loadTest, passed);
        assert.equal(gate(withIt).code, 0);
        const without = publish(false);
        assert.equal(without.loadTest, undefined);
        assert.match(gate(without).out, /^PROMOTION REFUSED: release release-9 has no load test result/);
    });
});
