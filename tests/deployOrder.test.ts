/**
 * Deploying from nothing (issue 18, findings 1 and 2): the README's order, from zero stacks, with
 * StackReferences that behave as Pulumi's do — a stack not deployed yet cannot be read, an output
 * not exported yet is undefined and `requireOutput` fails
 * (https://www.pulumi.com/docs/iac/concepts/stacks/#stackreferences) — plans every step cleanly;
 * and the order is acyclic from the stack files alone.
 */
import { strict as assert } from "node:assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { planStack, PlannedResource, ROOT, stackSettings, StackPlan } from "../tools/harness";
import { deployOrder, orderProblems, readmeDeployOrder, readsOfStackFile, readsOfStackFiles } from "../tools/deployOrder";
import { loadSettings, RawConfig, readStackFile } from "../infra/config";
import { configProblems } from "./fixtures/configProblems";
import { stackReads } from "../infra/stacks";
import { loadSources, planStacks } from "../tools/plan/stacks";
import { stackReport } from "../tools/plan/report";
import { compareStacks } from "../tools/plan/compare";

const PROJECT = "stageline";
const ORG = "acme";
const fqn = (stack: string) => `${ORG}/${PROJECT}/${stack}`;
const STACKS = ["dev", "test", "staging", "prod"];

/** Every required value that is empty: CodePipeline action configuration, IAM resources, GitHub and peering targets. */
function emptyRequiredValues(plan: StackPlan): string[] {
    const out: string[] = [];
    const empty = (v: unknown) => v === undefined || v === null || v === "" || (typeof v === "string" && /(^|[^:]):::\/|\$\{|undefined/.test(v));
    for (const r of plan.resources) {
        if (r.type === "aws:codepipeline/pipeline:Pipeline") {
            // ActionConfiguration values have a minimum length of 1:
            // https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ActionDeclaration.html
            for (const st of r.inputs.stages as { name: string; actions: { name: string; configuration?: Record<string, unknown> }[] }[]) {
                for (const a of st.actions) {
                    for (const [k, v] of Object.entries(a.configuration ?? {})) if (empty(v)) out.push(`${r.name} ${st.name}/${a.name} configuration.${k} = ${JSON.stringify(v)}`);
                }
            }
            for (const s of r.inputs.artifactStores as { location?: unknown }[]) if (empty(s.location)) out.push(`${r.name} artifact store location is empty`);
        }
        if (r.type === "aws:iam/rolePolicy:RolePolicy" || r.type === "aws:iam/policy:Policy") {
            const doc = JSON.parse(String(r.inputs.policy)) as { Statement: { Sid?: string; Resource?: unknown }[] };
            for (const st of doc.Statement) for (const res of [st.Resource ?? "*"].flat()) if (empty(res)) out.push(`${r.name} statement ${st.Sid ?? "?"} resource ${JSON.stringify(res)}`);
        }
        if (r.type === "aws:iam/role:Role") {
            const trust = JSON.parse(String(r.inputs.assumeRolePolicy)) as { Statement: { Principal?: { Federated?: unknown } }[] };
            for (const st of trust.Statement) if (st.Principal && "Federated" in st.Principal && empty(st.Principal.Federated)) out.push(`${r.name} trusts an empty provider`);
        }
        if (r.type.startsWith("github:") && "repository" in r.inputs && empty(r.inputs.repository)) out.push(`${r.name} repository is empty`);
        if (r.type === "aws:ec2/vpcPeeringConnection:VpcPeeringConnection" && empty(r.inputs.peerVpcId)) out.push(`${r.name} peerVpcId is empty`);
        if (r.type === "aws:ec2/route:Route" && empty(r.inputs.routeTableId)) out.push(`${r.name} routeTableId is empty`);
    }
    return out;
}

const readsOf = (plan: StackPlan): PlannedResource[] => plan.resources.filter((r) => r.type === "pulumi:pulumi:StackReference");

describe("deploying from nothing, in the README's order", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const order = readmeDeployOrder(readme);
    /** The outputs of the stacks deployed so far, as a StackReference would find them. */
    const deployed: Record<string, Record<string, unknown>> = {};
    const plans: Record<string, StackPlan> = {};
    const failures: Record<string, string> = {};

    before(async () => {
        for (const stack of order) {
            try {
                // Each stack sees only the stacks planned before it, with their real planned outputs; a new
                // account's image repositories are created in the same run, so they hold no image.
                plans[stack] = await planStack(stackSettings(stack), { stackOutputs: { ...deployed }, emptyRepositories: true });
                deployed[fqn(stack)] = plans[stack].outputs;
            } catch (e) {
                failures[stack] = (e as Error).message;
            }
        }
    });

    it("GIVEN the README WHEN its deploy commands are read THEN they cover the four stacks once each, prod first", () => {
        assert.deepEqual([...order].sort(), [...STACKS].sort());
        assert.equal(order[0], "prod");
    });

    it("WHEN each stack is planned on the outputs of those before it THEN every step plans", () => {
        assert.deepEqual(failures, {});
        assert.deepEqual(Object.keys(plans), order);
    });

    it("THEN prod reads no stack, and every other stack reads only prod", () => {
        assert.deepEqual(readsOf(plans.prod), []);
        for (const stack of order.filter((s) => s !== "prod")) assert.deepEqual(readsOf(plans[stack]).map((r) => r.outputs.name), [fqn("prod")], stack);
    });

    it("THEN no planned step has an empty required value (CodePipeline action configuration, IAM resources, GitHub, peering)", () => {
        for (const stack of order) assert.deepEqual(emptyRequiredValues(plans[stack]), [], stack);
    });

    it("THEN every container service waits for its first image at 0 tasks and autoscaling 0..0, instead of retrying an image that cannot exist", () => {
        for (const stack of order) {
            const services = plans[stack].resources.filter((r) => r.type === "aws:ecs/service:Service");
            assert.ok(services.length > 0, stack);
            for (const svc of services) assert.equal(svc.inputs.desiredCount, 0, `${stack} ${svc.name}`);
            for (const t of plans[stack].resources.filter((r) => r.type === "aws:appautoscaling/target:Target")) assert.equal(t.inputs.maxCapacity, 0, `${stack} ${t.name}`);
        }
    });

    it("THEN prod's pipeline source is the hand-off bucket prod itself created, and staging writes into that very bucket", () => {
        const pipeline = plans.prod.resources.find((r) => r.type === "aws:codepipeline/pipeline:Pipeline");
        const source = (pipeline?.inputs.stages as { actions: { configuration: Record<string, string> }[] }[])[0].actions[0].configuration;
        const bucket = plans.prod.resources.find((r) => r.type === "aws:s3/bucket:Bucket" && r.name === "prod-release-handoff-bucket");
        assert.equal(source.S3Bucket, bucket?.outputs.bucket);
        const publish = plans.staging.resources.find((r) => r.type === "aws:codebuild/project:Project" && r.name === "staging-publish-release");
        const env = Object.fromEntries((publish?.inputs.environment as { environmentVariables: { name: string; value: string }[] }).environmentVariables.map((v) => [v.name, v.value]));
        assert.equal(env.RELEASE_BUCKET, bucket?.outputs.bucket);
    });

    it("THEN dev's and test's deploy roles trust the OIDC provider prod created, on the repository prod created", () => {
        const provider = plans.prod.resources.find((r) => r.type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
        for (const stack of ["dev", "test", "staging"]) {
            const role = plans[stack].resources.find((r) => r.type === "aws:iam/role:Role" && r.name === `${stack}-deploy-role`);
            const trust = JSON.parse(String(role?.inputs.assumeRolePolicy)) as { Statement: { Principal: { Federated: string } }[] };
            assert.equal(trust.Statement[0].Principal.Federated, provider?.outputs.arn, stack);
            const env = plans[stack].resources.find((r) => r.type === "github:index/repositoryEnvironment:RepositoryEnvironment");
            assert.equal(env?.inputs.repository, "infrastructure", stack);
        }
    });
});

describe("a StackReference in the harness behaves as Pulumi's", () => {
    const staging = stackSettings("staging");

    it("GIVEN no stack deployed WHEN staging, test or dev is planned first THEN the read of prod fails, naming it", async () => {
        for (const stack of ["staging", "test", "dev"]) {
            await assert.rejects(planStack(stackSettings(stack), { stackOutputs: {} }), (e: Error) => {
                assert.match(e.message, /no outputs for stack reference "acme\/stageline\/prod"/, stack);
                return true;
            });
        }
    });

    it("GIVEN prod deployed without the hand-off output (an older prod) WHEN staging is planned THEN requireOutput fails naming the output", async () => {
        const { releaseHandoff: _omit, ...older } = (await planStack(stackSettings("prod"))).outputs;
        await assert.rejects(planStack(staging, { stackOutputs: { [fqn("prod")]: older } }), (e: Error) => {
            assert.match(e.message, /Required output 'releaseHandoff' does not exist on stack 'acme\/stageline\/prod'/);
            return true;
        });
    });

    it("GIVEN an output the stack does not export WHEN read with getOutput THEN it is undefined", async () => {
        const plan = await planStack(staging, {
            stackOutputs: { [fqn("prod")]: { region: "eu-west-1" } },
            program: () => {
                const ref = new pulumi.StackReference("probe", { name: fqn("prod") });
                return { region: ref.getOutput("region"), missing: ref.getOutput("releaseHandoff").apply((v) => (v === undefined ? "undefined" : "defined")) };
            },
        });
        assert.equal(plan.outputs.region, "eu-west-1");
        assert.equal(plan.outputs.missing, "undefined");
    });
});

describe("the deploy order from the stack files alone", () => {
    it("GIVEN every Pulumi.<stack>.yaml THEN prod reads nothing, the others read only prod, and an order exists", () => {
        const reads = readsOfStackFiles(ROOT, PROJECT);
        assert.deepEqual(
            reads.map((r) => [r.stack, r.reads.map((x) => `${x.stack} (${x.key})`)]),
            [
                ["dev", ["prod (stageline:prodStack)"]],
                ["prod", []],
                ["staging", ["prod (stageline:prodStack)"]],
                ["test", ["prod (stageline:prodStack)"]],
            ],
        );
        const result = deployOrder(reads);
        assert.ok("order" in result, JSON.stringify(result));
        assert.equal(result.order[0], "prod");
    });

    it("GIVEN the README's order THEN each stack comes after every stack its file reads", () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        assert.deepEqual(orderProblems(readmeDeployOrder(readme), readsOfStackFiles(ROOT, PROJECT)), []);
    });

    it("GIVEN the old prod file (promoteFromStack: staging) THEN the cycle prod → staging → prod is found, naming the keys", () => {
        const staging = fs.readFileSync(path.join(ROOT, "Pulumi.staging.yaml"), "utf8");
        const oldProd = "config:\n  stageline:pipeline:\n    trigger: promote\n    promoteFromStack: acme/stageline/staging\n";
        const result = deployOrder([readsOfStackFile("prod", oldProd, PROJECT), readsOfStackFile("staging", staging, PROJECT)]);
        assert.deepEqual(result, { cycle: "prod (stageline:pipeline.promoteFromStack) → staging (stageline:prodStack) → prod" });
        assert.deepEqual(orderProblems(["prod", "staging"], [readsOfStackFile("prod", oldProd, PROJECT), readsOfStackFile("staging", staging, PROJECT)]), [
            "prod reads staging (stageline:pipeline.promoteFromStack) but is deployed before it",
        ]);
    });

    it("GIVEN each stack's validated settings THEN what the program reads (infra/stacks.ts) is what the stack file names", () => {
        for (const stack of STACKS) {
            const fromFile = readsOfStackFiles(ROOT, PROJECT).find((r) => r.stack === stack)?.reads.map((r) => fqn(r.stack)) ?? [];
            assert.deepEqual(stackReads(stackSettings(stack)).map((r) => r.stack), fromFile, stack);
        }
    });
});

describe("npm run plan says when it serves a stand-in", () => {
    it("GIVEN staging planned alone THEN its report says, even with --quiet, that prod's outputs are a stand-in; with prod in the run they are prod's planned outputs", async () => {
        const [alone] = await planStacks(loadSources(["staging"]));
        assert.deepEqual(alone.references, [{ stack: fqn("prod"), from: "fixture" }]);
        assert.ok(
            stackReport(alone, { quiet: true }).includes(
                "  StackReference acme/stageline/prod: STAND-IN — fixture outputs (tools/harness.ts prodFixtureOutputs), because acme/stageline/prod was not planned in this run; plan it too (npm run plan without --stack) to use its real outputs",
            ),
        );
        const both = await planStacks(loadSources(["staging", "prod"]));
        assert.deepEqual(both.map((p) => p.source.stack), ["prod", "staging"], "prod is planned first");
        assert.deepEqual(both[1].references, [{ stack: fqn("prod"), from: "planned" }]);
        assert.ok(stackReport(both[1], { quiet: true }).includes("  StackReference acme/stageline/prod: its outputs as planned in this run"));
        assert.deepEqual(both[0].references, [], "prod reads no stack");
        // Staging still mirrors prod: the hand-off and the reference follow from declared settings.
        const unexpected = compareStacks(both[1], both[0]).differences.filter((d) => d.verdict === "unexpected");
        assert.deepEqual(unexpected.map((d) => `${d.key}: ${d.reason}`), []);
    });
});

describe("who may read another stack", () => {
    /** Every .ts file under a directory. */
    const sources = (dir: string): string[] =>
        fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));

    it("GIVEN the program's sources THEN only infra/stacks.ts creates a StackReference; components receive plain inputs", () => {
        const creators = [...sources(path.join(ROOT, "components")), ...sources(path.join(ROOT, "infra"))]
            .filter((f) => /\bStackReference\s*\(/.test(fs.readFileSync(f, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "")))
            .map((f) => path.relative(ROOT, f));
        assert.deepEqual(creators, [path.join("infra", "stacks.ts")]);
    });
});

describe("config: which stack a stack reads", () => {
    const raw = (stack: string): RawConfig => readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`), stack).config;
    const problems = configProblems;
    const pipelineWith = (stack: string, extra: Record<string, unknown>) => ({ ...raw(stack), "stageline:pipeline": JSON.stringify({ ...JSON.parse(raw(stack)["stageline:pipeline"]), ...extra }) });

    it("GIVEN prod's stack file still carrying pipeline.promoteFromStack THEN it is refused, saying why and what to do", () => {
        assert.deepEqual(problems("prod", pipelineWith("prod", { promoteFromStack: "acme/stageline/staging" })), [
            'stageline:pipeline.promoteFromStack is "acme/stageline/staging"; allowed: nothing (remove the key): prod no longer reads staging — its pipeline\'s source is the release hand-off bucket prod owns and staging\'s pipeline writes into, so prod deploys first and reads no stack (README: Deploying for real)',
        ]);
    });

    it("GIVEN prod naming a prod stack to read THEN it is refused: prod reads no stack", () => {
        assert.deepEqual(problems("prod", { ...raw("prod"), "stageline:prodStack": "acme/stageline/prod" }), ['stageline:prodStack is "acme/stageline/prod"; allowed: nothing in prod (prod deploys first and reads no stack)']);
    });

    it("GIVEN dev without stageline:prodStack THEN it is refused, naming what dev reads from prod", () => {
        const c = raw("dev");
        delete c["stageline:prodStack"];
        assert.deepEqual(problems("dev", c), [
            "stageline:prodStack is (missing); allowed: the prod stack dev reads (the GitHub repositories and OIDC provider), org/project/stack, e.g. acme/stageline/prod; deploy prod first",
        ]);
    });

    it("GIVEN dev with GitHub off THEN it reads no stack and needs no stageline:prodStack", () => {
        const c: RawConfig = { ...raw("dev"), "stageline:github": JSON.stringify({ enabled: false }) };
        delete c["stageline:prodStack"];
        assert.deepEqual(problems("dev", c), []);
        assert.deepEqual(stackReads(loadSettings("dev", c)), []);
    });

    it("GIVEN staging's older spelling database.prodStack THEN it is still read; a different value from stageline:prodStack is refused", () => {
        const c = raw("staging");
        delete c["stageline:prodStack"];
        const older = { ...c, "stageline:database": JSON.stringify({ mode: "shared", prodStack: "acme/stageline/prod" }) };
        assert.equal(loadSettings("staging", older).prodStack, "acme/stageline/prod");
        assert.deepEqual(problems("staging", { ...older, "stageline:prodStack": "acme/stageline/prod-eu" }), [
            'stageline:database.prodStack is "acme/stageline/prod"; allowed: the same stack as stageline:prodStack (acme/stageline/prod-eu), or nothing',
        ]);
    });

    it("GIVEN prod not owning the organisation's GitHub objects THEN it is refused: the other stages read them from prod", () => {
        const c = { ...raw("prod"), "stageline:github": JSON.stringify({ ...JSON.parse(raw("prod")["stageline:github"]), manageOrgResources: false }) };
        assert.deepEqual(problems("prod", c), [
            "stageline:github.manageOrgResources is false; allowed: true in prod (prod owns the repositories, rulesets and OIDC provider every other stage reads)",
        ]);
    });
});
