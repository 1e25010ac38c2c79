/**
 * Every component refuses bad wiring the same way (components/argsError.ts): one
 * `<Type> "<name>" cannot be built:` message listing every problem, thrown before the component
 * creates any child, printed by the plan once with no stack trace and by the Pulumi CLI without one.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { fixtureReferences, planStack, PlannedResource, prodFixtureOutputs, stackSettings } from "../tools/harness";
import { ArgsError, argsErrorMessage, checkArgs } from "../components/argsError";
import { Environment, EnvironmentArgs } from "../components/environment";
import { DatabaseTier } from "../components/databaseTier";
import { AppService } from "../components/appService";
import { StageDashboard } from "../components/stageDashboard";
import { RotationRestart } from "../components/rotationRestart";
import { DeliveryPipeline } from "../components/deliveryPipeline";
import { GitHubRepos } from "../components/githubRepos";
import { ImagePipeline } from "../components/imagePipeline";
import { holdsProductionData, serviceArgsOf, stageTags } from "../infra/program";
import { StageSettings } from "../infra/settings";
import { Tags } from "../components/types";
import { runPlan } from "../tools/plan";

/** What the test stage's program builds before the component under test. */
interface Built {
    s: StageSettings;
    tags: Tags;
    env: Environment;
    db: DatabaseTier;
    services: AppService[];
}

function environmentArgs(s: StageSettings): EnvironmentArgs {
    return { stage: s.stage, region: s.region, network: s.network, edge: s.edge, alerts: s.alerts, tags: stageTags(s), keepData: holdsProductionData(s) };
}

/** The stage's environment, database and services, as infra/program.ts builds them. */
function built(s: StageSettings): Built {
    const tags = stageTags(s);
    const keepData = holdsProductionData(s);
    const env = new Environment(s.stage, environmentArgs(s));
    const db = new DatabaseTier(s.stage, { stage: s.stage, database: s.database, env: env.refs, tags });
    const services = s.services.map(
        (svc) => new AppService(`${s.stage}-${svc.name}`, { stage: s.stage, ...serviceArgsOf(svc), env: env.refs, database: db.connection, maintenance: s.maintenance, tags, keepData }),
    );
    return { s, tags, env, db, services };
}

/**
 * Plans the test stage's base, then `build` (which constructs one component named "bad" with one
 * bad argument); returns what it threw and what the component registered.
 */
async function refusal(type: string, build: (b: Built) => void): Promise<{ error: unknown; component?: PlannedResource; children: PlannedResource[] }> {
    const s = stackSettings("test");
    let error: unknown;
    const plan = await planStack(s, {
        stackOutputs: fixtureReferences(s),
        program: (st) => {
            const b = built(st);
            try {
                build(b);
            } catch (e) {
                error = e;
            }
            return {};
        },
    });
    const component = plan.resources.find((r) => r.type === type && r.name === "bad");
    return { error, component, children: component ? plan.resources.filter((r) => r.parent === component.urn) : [] };
}

/** GIVEN one bad argument THEN exactly `<Type> "bad" cannot be built:\n  - <problem>` and no child. */
async function assertRefused(type: string, token: string, problem: string, build: (b: Built) => void): Promise<void> {
    const { error, component, children } = await refusal(token, build);
    assert.ok(error instanceof ArgsError, `${type}: ${String(error)}`);
    assert.equal(error.message, `${type} "bad" cannot be built:\n  - ${problem}`);
    assert.ok(error instanceof pulumi.ResourceError && error.hideStack === true, `${type}: the CLI prints no stack trace`);
    assert.ok(component, `${type} "bad" registered itself`);
    assert.deepEqual(children.map((r) => `${r.type}::${r.name}`), [], `${type} created children before refusing its args`);
}

describe("ArgsError: one format for every component's wiring checks", () => {
    it("lists every problem, one line each, under the component's type and name", () => {
        assert.equal(argsErrorMessage("DatabaseTier", "staging", ["a is 1; allowed: 2", "b is missing"]), 'DatabaseTier "staging" cannot be built:\n  - a is 1; allowed: 2\n  - b is missing');
        assert.doesNotThrow(() => checkArgs("DatabaseTier", "staging", [], undefined));
        assert.throws(
            () => checkArgs("DatabaseTier", "staging", ["a is 1; allowed: 2", "b is missing"], undefined),
            (e: unknown) => e instanceof ArgsError && e.problems.length === 2 && e.component === "DatabaseTier" && e.resourceName === "staging",
        );
    });

    it("hides the stack trace: the Pulumi CLI prints a ResourceError's message alone only with hideStack (cmd/run/run.js)", () => {
        const e = new ArgsError("Environment", "test", ["x"], undefined);
        assert.equal(e.hideStack, true);
        assert.ok(pulumi.ResourceError.isInstance(e));
    });

    describe("GIVEN each component with one bad argument under the mocks THEN the one format, and no child resource", () => {
        it("Environment", () =>
            assertRefused("Environment", "stageline:stage:Environment", "edge.accessLogRetentionDays 0 must be a positive integer", ({ s }) => {
                const args = environmentArgs(s);
                new Environment("bad", { ...args, edge: { ...args.edge, accessLogRetentionDays: 0 } });
            }));

        it("DatabaseTier", () =>
            assertRefused(
                "DatabaseTier",
                "stageline:stage:DatabaseTier",
                'identifier is "Bad_Id"; allowed: 2-54 lower-case letters, digits and single hyphens, starting with a letter',
                ({ s, env, tags }) => new DatabaseTier("bad", { stage: s.stage, database: s.database, env: env.refs, tags, identifier: "Bad_Id" }),
            ));

        it("AppService", () =>
            assertRefused("AppService", "stageline:app:AppService", 'service "web" (bad) has listener priority 0; allowed: an integer from 1 to 50000', ({ s, env, db, tags }) => {
                const { service, runtime } = serviceArgsOf(s.services[0]);
                new AppService("bad", { stage: s.stage, service: { ...service, priority: 0 }, runtime, env: env.refs, database: db.connection, maintenance: s.maintenance, tags, keepData: false });
            }));

        it("StageDashboard", () =>
            assertRefused("StageDashboard", "stageline:app:StageDashboard", "services is empty; allowed: at least one service to show", ({ s, env, tags }) => new StageDashboard("bad", { stage: s.stage, env: env.refs, services: [], tags })));

        it("RotationRestart", () =>
            assertRefused(
                "RotationRestart",
                "stageline:stage:RotationRestart",
                "services is empty; allowed: at least one ECS service that reads the secret",
                ({ s, env, db, tags }) =>
                    new RotationRestart("bad", { stage: s.stage, secretArn: db.connection.secretArn, region: s.region, accountId: env.refs.accountId, clusterName: env.refs.clusterName, services: [], tags }),
            ));

        it("DeliveryPipeline", () =>
            assertRefused(
                "DeliveryPipeline",
                "stageline:delivery:DeliveryPipeline",
                "a delivery pipeline needs at least one service to deploy",
                ({ s, env, db, tags }) => new DeliveryPipeline("bad", { stage: s.stage, pipeline: s.pipeline, env: env.refs, services: [], database: db.connection, tags, keepData: false, keepUploads: false }),
            ));

        it("GitHubRepos", () =>
            assertRefused(
                "GitHubRepos",
                "stageline:github:GitHubRepos",
                "org is missing; allowed: the OIDC provider and infrastructure repository of the stack that owns them (prod; infra/stacks.ts)",
                ({ s, env, tags }) => new GitHubRepos("bad", { stage: s.stage, github: { ...s.github, manageOrgResources: false }, region: s.region, accountId: env.refs.accountId, tags }),
            ));

        it("ImagePipeline", () =>
            assertRefused("ImagePipeline", "stageline:app:ImagePipeline", 'runtime.parentImageParameter is "ami-0123456789abcdef0"; allowed: a public /aws/service/... parameter', ({ s, env, tags }) => {
                const { service } = serviceArgsOf(s.services[0]);
                const runtime = { kind: "ec2" as const, instanceType: "t4g.small", amiParameterName: "/stageline/test/bad/ami", rootVolumeGb: 8, parentImageParameter: "ami-0123456789abcdef0" };
                new ImagePipeline("bad", { stage: s.stage, service, runtime, env: env.refs, amiParameterName: runtime.amiParameterName, tags, keepData: false });
            }));
    });

    it("GIVEN several bad arguments THEN one error lists every problem, in order", async () => {
        const { error, children } = await refusal("stageline:stage:Environment", ({ s }) => {
            const args = environmentArgs(s);
            new Environment("bad", { ...args, network: { ...args.network, natGateways: "none" as never }, edge: { ...args.edge, accessLogRetentionDays: 0 } });
        });
        assert.ok(error instanceof ArgsError);
        assert.equal(error.message, 'Environment "bad" cannot be built:\n  - network.natGateways "none" must be "single" or "perAz"\n  - edge.accessLogRetentionDays 0 must be a positive integer');
        assert.equal(children.length, 0);
    });

    it("GIVEN prod's contract overlapping staging's VPC THEN DatabaseTier refuses in the same format once prod's values are known (inside an apply)", async () => {
        const s = stackSettings("staging");
        const prod = { ...prodFixtureOutputs(s.region), vpcCidr: s.network.cidr };
        await assert.rejects(planStack(s, { stackOutputs: { ...fixtureReferences(s), [s.prodStack as string]: prod } }), (e: Error) => {
            assert.equal(
                e.message.replace(/^(error serializing property "[^"]*": )+/, ""),
                `DatabaseTier "staging" cannot be built:\n  - staging's VPC ${s.network.cidr} overlaps prod's ${s.network.cidr} (${s.prodStack}): peered VPCs need disjoint blocks; change stageline:network.cidr`,
            );
            return true;
        });
    });

    it("GIVEN a component refusing its args THEN npm run plan prints it once, indented under the stack, exit 2, no stack trace", async () => {
        const err: string[] = [];
        const program = (st: StageSettings) => {
            const b = built(st);
            new StageDashboard("bad", { stage: st.stage, env: b.env.refs, services: [], tags: b.tags });
            return {};
        };
        const code = await runPlan({ argv: ["--stack", "test", "--quiet"], program, out: () => undefined, err: (l) => err.push(l) });
        assert.equal(code, 2, err.join("\n"));
        assert.equal(
            err.join("\n"),
            'Invalid configuration for stack "test" (refused while building it):\n  - StageDashboard "bad" cannot be built:\n      - services is empty; allowed: at least one service to show',
        );
    });
});
