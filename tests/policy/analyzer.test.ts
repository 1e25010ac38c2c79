/**
 * The pack runs as the Pulumi CLI runs it: a child process loads `policy/index.ts` (which calls
 * `new PolicyPack`), prints the port of its Analyzer gRPC server, and answers `analyze` (one
 * resource) and `analyzeStack` (all resources). Given prod's planned resources with two careless
 * changes, the server reports exactly what the in-process `judgeStack` reports.
 *
 * The CLI itself runs `@pulumi/pulumi/cmd/run-policy-pack` with ts-node type-checking (≈15 s
 * here); this test loads the same entry with ts-node transpile-only to stay fast.
 */
import { strict as assert } from "node:assert";
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { planStackFile, ROOT } from "../../tools/harness";
import { judgeStack, JudgedResource, PolicyViolation } from "../../policy/run";
import { allPolicies } from "../../policy/policies";
import { T } from "../../policy/types";
import { UNKNOWN } from "../../policy/rule";
import * as aws from "@pulumi/aws";
import { loadSource, planStacks } from "../../tools/plan/stacks";

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
const services = require("@pulumi/pulumi/proto/analyzer_grpc_pb.js");
const messages = require("@pulumi/pulumi/proto/analyzer_pb.js");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb.js");

const LEVELS: Record<number, string> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };
const description = new Map(allPolicies.map((p) => [p.name, p.description]));

/** Starts the pack like the CLI (cwd = the pack, so it reads policy/package.json) and waits for its port. */
function startPack(): Promise<{ child: ChildProcess; port: number }> {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "index.ts"], {
        cwd: path.join(ROOT, "policy"),
        env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
        stdio: ["ignore", "pipe", "pipe"],
    });
    return new Promise((resolve, reject) => {
        let out = "";
        let err = "";
        child.stdout!.on("data", (d) => {
            out += String(d);
            const m = /^(\d+)\s*$/m.exec(out);
            if (m) resolve({ child, port: Number(m[1]) });
        });
        child.stderr!.on("data", (d) => (err += String(d)));
        child.on("exit", (code) => reject(new Error(`policy pack exited (${code}) before printing its port: ${err}`)));
    });
}

function analyzerResource(r: JudgedResource): any {
    const a = new messages.AnalyzerResource();
    a.setType(r.type);
    a.setUrn(r.urn);
    a.setName(r.name);
    a.setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(r.props))));
    a.setOptions(new messages.AnalyzerResourceOptions());
    a.setDependenciesList(r.dependencies ?? []);
    return a;
}

function call<T>(client: any, method: string, req: unknown): Promise<T> {
    return new Promise((resolve, reject) => client[method](req, (e: Error | null, res: T) => (e ? reject(e) : resolve(res))));
}

/** The server's diagnostics as `PolicyViolation`s (the CLI prints the description above the message). */
function violations(res: any): PolicyViolation[] {
    return res.getDiagnosticsList().map((d: any) => {
        const prefix = `${description.get(d.getPolicyname())}\n`;
        const message: string = d.getMessage();
        return { policy: d.getPolicyname(), enforcement: LEVELS[d.getEnforcementlevel()], message: message.startsWith(prefix) ? message.slice(prefix.length) : message, urn: d.getUrn() || undefined };
    });
}

const key = (v: PolicyViolation) => `${v.policy} | ${v.enforcement} | ${v.urn ?? ""} | ${v.message}`;

describe("policy pack: as the Pulumi CLI runs it (gRPC analyzer)", function () {
    this.timeout(30_000);
    let child: ChildProcess | undefined;
    let client: any;
    let resources: JudgedResource[] = [];

    before(async () => {
        const [pack, plan] = await Promise.all([startPack(), planStackFile("prod")]);
        child = pack.child;
        client = new services.AnalyzerClient(`127.0.0.1:${pack.port}`, grpc.credentials.createInsecure());
        // prod's plan with two careless changes: a single-AZ database and a one-task service.
        resources = plan.resources.map((r) => ({
            urn: r.urn,
            type: r.type,
            name: r.name,
            props: r.type === T.rdsInstance ? { ...r.inputs, multiAz: false } : r.type === T.ecsService ? { ...r.inputs, desiredCount: 1 } : r.inputs,
            dependencies: r.options.dependsOn,
        }));
    });
    after(() => {
        client?.close();
        if (child && child.exitCode === null) child.kill("SIGKILL");
    });

    /** `analyze` per resource, as the CLI calls it for each resource of a preview. */
    const analyzeEach = async (rs: readonly { type: string; urn: string; name: string; props: unknown }[]): Promise<PolicyViolation[]> => {
        const out: PolicyViolation[] = [];
        for (const r of rs) {
            const req = new messages.AnalyzeRequest();
            req.setType(r.type);
            req.setUrn(r.urn);
            req.setName(r.name);
            req.setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(r.props))));
            req.setOptions(new messages.AnalyzerResourceOptions());
            out.push(...violations(await call(client, "analyze", req)));
        }
        return out;
    };

    it("GIVEN prod's resources THEN analyze + analyzeStack report exactly what judgeStack reports", async () => {
        const stackReq = new messages.AnalyzeStackRequest();
        stackReq.setResourcesList(resources.map(analyzerResource));
        const fromStack = violations(await call(client, "analyzeStack", stackReq));
        const fromResources = await analyzeEach(resources);
        const viaGrpc = [...fromResources, ...fromStack].map(key).sort();
        const inProcess = judgeStack(resources).map(key).sort();
        assert.deepEqual(viaGrpc, inProcess);
        // and the careless changes are what it caught
        assert.deepEqual([...new Set(viaGrpc.filter((k) => k.includes("| mandatory |")).map((k) => k.split(" | ")[0]))].sort(), ["prod-ecs-service-two-tasks", "prod-rds-multi-az"]);
    });

    it("GIVEN the offline plan of a program whose flow log is on another VPC THEN the plan hands the pack the engine's dependencies and its verdicts equal the analyzer's", async () => {
        // Two VPCs, one flow log, on the second: a count would pass; the dependency says VPC "a" has none.
        const program = () => {
            new aws.ec2.Vpc("a", { cidrBlock: "10.60.0.0/16" });
            const b = new aws.ec2.Vpc("b", { cidrBlock: "10.61.0.0/16" });
            new aws.ec2.FlowLog("b-log", { vpcId: b.id, trafficType: "ALL", logDestinationType: "s3", logDestination: "arn:aws:s3:::flow-logs" });
            return {} as never;
        };
        let judged: JudgedResource[] = [];
        const [planned] = await planStacks([loadSource("test")], {
            program,
            judge: (input, opts) => {
                judged = input;
                return judgeStack(input, opts);
            },
        });
        const flowLog = judged.find((r) => r.type === T.flowLog)!;
        assert.deepEqual(flowLog.dependencies, [judged.find((r) => r.name === "b")!.urn]);
        const offline = planned.violations.filter((v) => v.policy === "vpc-flow-logs").map((v) => v.message);
        assert.deepEqual(offline, [`VPC "a" has no flow log.`]);
        // The same resources through the gRPC analyzer, as the CLI sends them.
        const stackReq = new messages.AnalyzeStackRequest();
        stackReq.setResourcesList(judged.map(analyzerResource));
        const viaGrpc = violations(await call(client, "analyzeStack", stackReq));
        const perResource = await analyzeEach(judged);
        // The pack is configured for stack "test" the way the plan configures judgeStack.
        assert.deepEqual([...perResource, ...viaGrpc].map(key).sort(), planned.violations.map(key).sort());
    });

    it("GIVEN a value unknown during preview THEN the server reports it as advisory, like judgeStack", async () => {
        const db = resources.find((r) => r.type === T.rdsInstance)!;
        const req = new messages.AnalyzeRequest();
        req.setType(db.type);
        req.setUrn(db.urn);
        req.setName(db.name);
        // The engine sends an analyzer unknowns as typed sentinel strings.
        req.setProperties(Struct.fromJavaScript({ ...JSON.parse(JSON.stringify(db.props)), multiAz: UNKNOWN.boolean }));
        req.setOptions(new messages.AnalyzerResourceOptions());
        const got = violations(await call(client, "analyze", req)).filter((v) => v.policy.startsWith("prod-rds-multi-az"));
        assert.deepEqual(got.map((v) => [v.policy, v.enforcement]), [["prod-rds-multi-az-unknown", "advisory"]]);
        assert.match(got[0].message, /multiAz is unknown during preview .* it will be checked on update$/);
    });
});
