/**
 * `npm run plan`, the offline plan people run in PR checks: exit codes, the JSON artifact, secrets
 * redacted everywhere, the stack comparison and the Mermaid diagrams (checked by structure).
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { planNodeArgs } from "./fixtures/planCli";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { runPlan } from "../tools/plan";
import { stageline } from "../infra/program";
import { StageSettings } from "../infra/settings";

const ROOT = path.resolve(__dirname, "..");
const FIXTURES = path.join(ROOT, "tests", "fixtures", "plan");
const QA = path.join(FIXTURES, "Pulumi.qa.yaml");
const CANARY = path.join(FIXTURES, "Pulumi.canary.yaml");
const BROKEN = path.join(FIXTURES, "Pulumi.broken.yaml");
const CIPHERTEXT = "PLANTEDCIPHERTEXT";

/** Runs the CLI as CI does, in a child process. */
function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [...planNodeArgs(), ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the plan in-process and captures what it prints. */
async function inProcess(argv: string[], program?: (s: StageSettings) => Record<string, pulumi.Input<unknown>>) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runPlan({ argv, program, out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

/** A structural reading of a Mermaid flowchart: nodes, edges, subgraph balance. */
function parseFlowchart(text: string) {
    const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
    const nodes = new Set<string>();
    const subgraphs = new Set<string>();
    const edges: { from: string; to: string; label?: string }[] = [];
    let depth = 0;
    let maxDepth = 0;
    const problems: string[] = [];
    for (const line of lines.slice(1)) {
        let m: RegExpExecArray | null;
        if ((m = /^subgraph ([A-Za-z0-9_]+)(\[".*"\])?$/.exec(line))) {
            depth++;
            maxDepth = Math.max(maxDepth, depth);
            subgraphs.add(m[1]);
        } else if (line === "end") {
            depth--;
            if (depth < 0) problems.push("end without subgraph");
        } else if ((m = /^([A-Za-z0-9_]+) -->(?:\|"([^"]*)"\|)? ([A-Za-z0-9_]+)$/.exec(line))) {
            edges.push({ from: m[1], to: m[3], label: m[2] });
        } else if ((m = /^([A-Za-z0-9_]+)(\["[^"]*"\]|\("[^"]*"\)|\[\("[^"]*"\)\]|\(\["[^"]*"\]\))$/.exec(line))) {
            if (nodes.has(m[1])) problems.push(`node ${m[1]} declared twice`);
            nodes.add(m[1]);
        } else problems.push(`unparsed line: ${line}`);
    }
    if (depth !== 0) problems.push(`unbalanced subgraphs (depth ${depth} at the end)`);
    for (const e of edges) for (const id of [e.from, e.to]) if (!nodes.has(id) && !subgraphs.has(id)) problems.push(`edge endpoint ${id} is not a declared node`);
    return { header: lines[0], nodes, subgraphs, edges, problems, maxDepth };
}

describe("npm run plan (offline plan)", function () {
    this.timeout(60_000);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "stageline-plan-"));
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    describe("GIVEN a new stack file (--config) that the policies accept", () => {
        let run: ReturnType<typeof cli>;
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        let json: any;
        before(() => {
            run = cli(["--config", QA, "--json", path.join(tmp, "plan.json"), "--mermaid", path.join(tmp, "mmd"), "--markdown", path.join(tmp, "plan.md")]);
            json = JSON.parse(fs.readFileSync(path.join(tmp, "plan.json"), "utf8"));
        });

        it("THEN it exits 0 and ends with the one-line summary", () => {
            assert.equal(run.code, 0, run.stderr);
            const last = run.stdout.trim().split("\n").pop();
            assert.match(last ?? "", /^plan: 1 stack, \d+ resources, 0 mandatory, \d+ advisory violations?$/);
        });

        it("THEN it prints the resource tree under each component and the counts by type", () => {
            assert.match(run.stdout, /├─ test {2}stageline:stage:Environment/);
            assert.match(run.stdout, /test-vpc {2}aws:ec2:Vpc/);
            assert.match(run.stdout, /by type:\n {2}\S+/);
            assert.match(run.stdout, /policy verdicts:\n {2}mandatory: none/);
        });

        it("THEN the JSON names the stack from the file and lists resources with parent, inputs and options", () => {
            assert.equal(json.stacks.length, 1);
            const s = json.stacks[0];
            assert.equal(s.stack, "qa");
            assert.equal(s.stage, "test");
            assert.ok(s.resources.length > 20);
            const vpc = s.resources.find((r: { type: string }) => r.type === "aws:ec2/vpc:Vpc");
            assert.equal(vpc.inputs.cidrBlock, "10.50.0.0/16");
            assert.match(vpc.parent, /stageline:stage:Environment::test$/);
            assert.deepEqual(Object.keys(vpc.options).sort(), ["deleteBeforeReplace", "dependsOn", "ignoreChanges", "protect", "replaceOnChanges", "retainOnDelete"]);
            assert.deepEqual(Object.keys(s.policy).sort(), ["advisory", "mandatory"]);
            assert.equal(s.summary.resources, s.resources.length);
            assert.equal(json.summary.passed, true);
            assert.equal(json.summary.resources, s.resources.length);
        });

        it("THEN the secure config value is [secret] and its ciphertext appears in no output", () => {
            assert.equal(json.stacks[0].config["github:token"], "[secret]");
            assert.deepEqual(json.stacks[0].secretConfigKeys, ["github:token"]);
            const everything = [run.stdout, run.stderr, fs.readFileSync(path.join(tmp, "plan.json"), "utf8"), fs.readFileSync(path.join(tmp, "plan.md"), "utf8"), fs.readFileSync(path.join(tmp, "mmd", "qa.mmd"), "utf8")];
            for (const text of everything) assert.ok(!text.includes(CIPHERTEXT));
        });

        it("THEN qa.mmd is a flowchart whose edges join declared nodes, with a subgraph per AZ inside the VPC", () => {
            const f = parseFlowchart(fs.readFileSync(path.join(tmp, "mmd", "qa.mmd"), "utf8"));
            assert.equal(f.header, "flowchart TB");
            assert.deepEqual(f.problems, []);
            assert.ok(f.subgraphs.has("vpc"));
            assert.ok(f.subgraphs.has("az_eu_west_1a") && f.subgraphs.has("az_eu_west_1b"));
            assert.ok(f.maxDepth >= 2, "AZ subgraphs nest inside the VPC");
            assert.ok([...f.nodes].some((n) => n.startsWith("alb")));
            assert.ok([...f.nodes].some((n) => n.startsWith("svc_test_web")));
            assert.ok(f.edges.some((e) => e.from.startsWith("svc_test_web") && e.to.startsWith("db")), "the service reaches its own database");
        });

        it("THEN the Markdown document carries the diagram and the verdict summary", () => {
            const doc = fs.readFileSync(path.join(tmp, "plan.md"), "utf8");
            assert.match(doc, /```mermaid\nflowchart TB/);
            assert.match(doc, /\| qa \| test \| \d+ \| 0 \|/);
        });
    });

    describe("GIVEN --first-deploy (an empty account's first pulumi up)", () => {
        it("THEN it exits 0 and reports each service waiting for its first image, advisory, naming it", async () => {
            const r = await inProcess(["--stack", "dev", "--first-deploy", "--quiet"]);
            assert.equal(r.code, 0, r.stderr);
            assert.match(r.stdout, /✗ service-awaiting-first-image \(aws:ecs:Service dev-web\): ECS service "dev-web" awaits its first image: it runs 0 tasks/);
            assert.match(r.stdout, /plan: 1 stack, \d+ resources, 0 mandatory, 1 advisory violation/);
            const steady = await inProcess(["--stack", "dev", "--quiet"]);
            assert.doesNotMatch(steady.stdout, /service-awaiting-first-image/);
        });
    });

    describe("GIVEN a stack file with a bad value", () => {
        it("THEN it exits 2 with the configuration message and no stack trace", () => {
            const r = cli(["--config", BROKEN]);
            assert.equal(r.code, 2);
            assert.match(r.stderr, /Invalid configuration for stack "broken"/);
            assert.match(r.stderr, /stageline:network\.azCount is 9; allowed: an integer from 1 to 6/);
            assert.doesNotMatch(r.stderr + r.stdout, /^\s+at /m);
        });

        it("AND an unknown flag or stack also exits 2 with one message", async () => {
            const flag = await inProcess(["--frobnicate"]);
            assert.equal(flag.code, 2);
            assert.match(flag.stderr, /unknown argument "--frobnicate"/);
            const stack = await inProcess(["--stack", "nope"]);
            assert.equal(stack.code, 2);
            assert.match(stack.stderr, /no stack "nope"/);
        });
    });

    describe("GIVEN a program that creates a database in staging (mandatory policy)", () => {
        it("THEN the plan reports the mandatory violation and exits 1", async () => {
            const rogue = (s: StageSettings) => {
                new aws.rds.Instance(`${s.stage}-rogue-db`, { instanceClass: "db.t4g.micro", engine: "postgres", allocatedStorage: 20, storageEncrypted: true });
                return {};
            };
            const r = await inProcess(["--stack", "staging", "--quiet"], rogue);
            assert.equal(r.code, 1, r.stderr);
            assert.match(r.stdout, /mandatory: 1 violation\n {4}✗ staging-no-own-database/);
            assert.match(r.stdout, /plan: 1 stack, 1 resource, 1 mandatory/);
        });
    });

    describe("GIVEN resources with a password input, a Pulumi secret input and a secret output", () => {
        it("THEN the JSON shows [secret] for each and never the values", async () => {
            const leaky = (s: StageSettings) => {
                new aws.rds.Instance(`${s.stage}-leaky`, { instanceClass: "db.t4g.micro", engine: "postgres", allocatedStorage: 20, password: "hunter2-plain" });
                new aws.ssm.Parameter(`${s.stage}-param`, { type: "SecureString", value: pulumi.secret("s3cr3t-ssm-value") });
                return { apiKey: pulumi.secret("s3cr3t-output"), visible: "plain-output" };
            };
            const file = path.join(tmp, "secrets.json");
            const r = await inProcess(["--config", QA, "--json", file], leaky);
            assert.equal(r.code, 0, r.stderr);
            const text = fs.readFileSync(file, "utf8");
            for (const value of ["hunter2-plain", "s3cr3t-ssm-value", "s3cr3t-output"]) assert.ok(!text.includes(value), `${value} leaked`);
            const s = JSON.parse(text).stacks[0];
            const db = s.resources.find((x: { name: string }) => x.name === "test-leaky");
            const param = s.resources.find((x: { name: string }) => x.name === "test-param");
            assert.equal(db.inputs.password, "[secret]");
            assert.equal(param.inputs.value, "[secret]");
            assert.equal(s.outputs.apiKey, "[secret]");
            assert.equal(s.outputs.visible, "plain-output");
        });
    });

    describe("GIVEN a policy message that quotes a secret input", () => {
        it("THEN the printed verdict shows [secret] instead of the value", async () => {
            const program = (s: StageSettings) => {
                new aws.rds.Instance(`${s.stage}-db`, { instanceClass: "db.t4g.micro", engine: "postgres", allocatedStorage: 20, password: "quoted-hunter2" });
                return {};
            };
            const judge = () => [{ policy: "tattletale", enforcement: "advisory" as const, message: "password quoted-hunter2 is weak" }];
            const out: string[] = [];
            const code = await runPlan({ argv: ["--config", QA, "--quiet"], program, judge, out: (l) => out.push(l), err: () => undefined });
            assert.equal(code, 0);
            assert.match(out.join("\n"), /tattletale: password \[secret\] is weak/);
            assert.ok(!out.join("\n").includes("quoted-hunter2"));
        });
    });

    describe("GIVEN a component that rejects its arguments (pulumi.ResourceError)", () => {
        it("THEN it exits 2 with the component's message, like bad config", async () => {
            const program = (): Record<string, never> => {
                throw new pulumi.ResourceError("service web: cpu 300 is not a Fargate size", undefined);
            };
            const r = await inProcess(["--config", QA, "--quiet"], program);
            assert.equal(r.code, 2);
            assert.match(r.stderr, /cpu 300 is not a Fargate size/);
            assert.doesNotMatch(r.stderr, /^\s+at /m);
        });
    });

    describe("GIVEN an unexpected crash in the program", () => {
        it("THEN it exits 3 with one line and no stack trace (unless --debug)", async () => {
            const broken = (): Record<string, never> => {
                throw new Error("kaboom in a component");
            };
            const r = await inProcess(["--config", QA, "--quiet"], broken);
            assert.equal(r.code, 3);
            assert.match(r.stderr, /^plan: unexpected error: .*kaboom in a component.*\(run with --debug for the stack trace\)$/);
            assert.doesNotMatch(r.stderr, /^\s+at /m);
        });
    });

    describe("GIVEN two stack files, canary declaring more AZs and a bigger database than qa", () => {
        it("THEN compare marks the declared differences expected", async () => {
            const r = await inProcess(["--compare", QA, CANARY]);
            assert.equal(r.code, 0, r.stderr);
            assert.match(r.stdout, /~ network\.azCount +2 +3 +EXPECTED: declared in qa and canary/);
            assert.match(r.stdout, /~ database\.instanceClass +"db\.t4g\.small" +"db\.t4g\.medium" +EXPECTED/);
            assert.match(r.stdout, /~ aws:ec2:Subnet +6 +9 +EXPECTED: follows from network\.azCount/);
            assert.match(r.stdout, /compare: \d+ differences, \d+ expected, 0 unexpected/);
        });

        it("AND a resource no setting explains stands out as unexpected", async () => {
            const drifting = (s: StageSettings) => {
                const out = stageline(s);
                if (s.stack === "canary") new aws.sqs.Queue("canary-undeclared");
                return out;
            };
            const r = await inProcess(["--compare", QA, CANARY], drifting);
            assert.match(r.stdout, /! aws:sqs:Queue +0 +1 +UNEXPECTED/);
            assert.match(r.stdout, /compare: \d+ differences, \d+ expected, 1 unexpected/);
        });
    });

    describe("GIVEN test and the test-ec2 example, which adds an EC2 service", () => {
        it("THEN compare credits the EC2 runtime's resources to services[legacy].runtime and lists no Fargate-only key of it", async () => {
            const r = await inProcess(["--compare", "test", path.join(ROOT, "examples", "Pulumi.test-ec2.yaml")]);
            assert.equal(r.code, 0, r.stderr);
            for (const type of ["aws:autoscaling:Group", "aws:ec2:LaunchTemplate", "aws:imagebuilder:ImagePipeline"]) {
                assert.match(r.stdout, new RegExp(`~ ${type} +0 +1 +EXPECTED: follows from services\\[legacy\\]\\.runtime`), type);
            }
            // web's task-definition record is in both; legacy adds its AMI parameter.
            assert.match(r.stdout, /~ aws:ssm:Parameter +1 +2 +EXPECTED: follows from services\[legacy\]\.runtime/);
            assert.doesNotMatch(r.stdout, /follows from services\[web\]\.priority/);
            for (const key of ["cpu", "memory", "user", "readOnlyRootFilesystem", "initialImageTag"]) assert.doesNotMatch(r.stdout, new RegExp(`services\\[legacy\\]\\.${key} `), key);
            assert.match(r.stdout, /~ services\[legacy\]\.instanceType +\(none\) +"t3\.small"/);
            assert.match(r.stdout, /compare: \d+ differences, \d+ expected, 0 unexpected/);
        });
    });

    describe("GIVEN staging, which uses prod's database", () => {
        it("THEN its diagram has an edge labelled StackReference to prod's database node", async () => {
            const dir = path.join(tmp, "staging-mmd");
            const r = await inProcess(["--stack", "staging", "--quiet", "--mermaid", dir]);
            assert.ok(r.code === 0 || r.code === 1, r.stderr);
            const f = parseFlowchart(fs.readFileSync(path.join(dir, "staging.mmd"), "utf8"));
            assert.deepEqual(f.problems, []);
            assert.ok(f.subgraphs.has("prod_stack"));
            assert.ok(f.edges.some((e) => e.to === "prod_db" && e.label === "StackReference"));
            assert.ok(f.subgraphs.has("az_eu_west_1c"));
            // The release steps show in order inside their stage: the load test after the smoke test, before sign-off.
            assert.match(fs.readFileSync(path.join(dir, "staging.mmd"), "utf8"), /stage_staging_pipeline_Deploy\(\["Deploy<br\/>Deploy-web → SmokeTest → LoadTest → SignOff"\]\)/);
        });
    });
});
