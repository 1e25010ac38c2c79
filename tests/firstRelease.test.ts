/**
 * Issue 19, finding 7: a new stage comes up honest. Its image repositories are created in the same
 * `pulumi up` as its services, so they hold no image: the services must be created with 0 tasks
 * and the autoscaling range 0..0 (a range starting at 2 would start tasks on an image that cannot
 * exist), the plan and the policy pack must say so, and the pipeline's first deploy must start the
 * configured count on the release's revision, never on the bootstrap one. A later `pulumi up`
 * must not move a released service's range (components/firstRelease.ts).
 */
import { strict as assert } from "node:assert";
import { AWAITING_FIRST_IMAGE, RELEASE_STATE_TAG } from "../lib/releaseState";
import { fixtureReferences, ofType, PlannedResource, planStack, stackSettings, StackPlan } from "../tools/harness";
import { judgeStack } from "../policy/run";
import { loadSources, planStacks } from "../tools/plan/stacks";
import { asRegistered, deployEnv, deployTarget, EcsWorld, webTaskDefinition } from "./fixtures/ecsWorld";
import { World } from "./fixtures/standin";

const SERVICE = "aws:ecs/service:Service";
const TARGET = "aws:appautoscaling/target:Target";
const IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/prod-web@sha256:" + "7".repeat(64);
const tagsOf = (r: PlannedResource) => (r.inputs.tags ?? {}) as Record<string, string>;

describe("a new stage comes up honest (finding 7)", function () {
    this.timeout(60000);
    const fresh: Record<string, StackPlan> = {};
    let released: StackPlan;
    before(async () => {
        for (const stack of ["prod", "dev"]) {
            const s = stackSettings(stack);
            fresh[stack] = await planStack(s, { stackOutputs: fixtureReferences(s), emptyRepositories: true });
        }
        released = await planStack(stackSettings("prod"));
    });

    it("GIVEN a new stage (its repositories hold no image) THEN every container service is created with 0 tasks and autoscaling 0..0, tagged awaiting-first-image", () => {
        for (const [stack, plan] of Object.entries(fresh)) {
            const services = ofType(plan, SERVICE);
            assert.ok(services.length > 0, stack);
            for (const svc of services) {
                assert.equal(svc.inputs.desiredCount, 0, `${stack} ${svc.name}`);
                assert.equal(tagsOf(svc)[RELEASE_STATE_TAG], AWAITING_FIRST_IMAGE, `${stack} ${svc.name}`);
            }
            for (const t of ofType(plan, TARGET)) {
                assert.deepEqual([t.inputs.minCapacity, t.inputs.maxCapacity], [0, 0], `${stack} ${t.name}`);
                assert.equal(tagsOf(t)[RELEASE_STATE_TAG], AWAITING_FIRST_IMAGE, `${stack} ${t.name}`);
            }
        }
    });

    it("GIVEN a stage whose repository holds an image THEN the configured count and range, and no release-state tag", () => {
        const web = released.settings.services.find((s) => s.name === "web");
        assert.ok(web);
        const [svc] = ofType(released, SERVICE);
        const [target] = ofType(released, TARGET);
        assert.equal(svc.inputs.desiredCount, web.desiredCount);
        assert.deepEqual([target.inputs.minCapacity, target.inputs.maxCapacity], [web.minCount, web.maxCount]);
        assert.ok(web.minCount >= 2, "prod's range starts at 2");
        assert.equal(RELEASE_STATE_TAG in tagsOf(svc), false);
        assert.equal(RELEASE_STATE_TAG in tagsOf(target), false);
    });

    it("THEN a later pulumi up leaves a released service's count and range alone (the deploy step applies code's range)", () => {
        const [svc] = ofType(released, SERVICE);
        const [target] = ofType(released, TARGET);
        assert.ok(svc.options.ignoreChanges.includes("desiredCount"));
        assert.deepEqual([...target.options.ignoreChanges].sort(), ["maxCapacity", "minCapacity"]);
    });

    it("GIVEN a new prod WHEN the policy pack judges it THEN no mandatory violation, and each waiting service is reported (advisory) with what to do", async () => {
        const [prod] = await planStacks(loadSources(["prod"]), { firstDeploy: true });
        assert.deepEqual(prod.violations.filter((v) => v.enforcement === "mandatory"), []);
        assert.deepEqual(
            prod.violations.map((v) => [v.policy, v.enforcement, v.message]),
            [["service-awaiting-first-image", "advisory", 'ECS service "prod-web" awaits its first image: it runs 0 tasks (autoscaling 0..0) and its URL answers 503 until the stage\'s pipeline deploys a release; run the pipeline after this deploy.']],
        );
        const [steady] = await planStacks(loadSources(["prod"]));
        assert.deepEqual(steady.violations, [], "a released prod reports nothing");
    });

    it("GIVEN a preview of a new stage (the repository is not created yet) THEN the count is unknown and the pack says so, never passing or failing it", async () => {
        const s = stackSettings("prod");
        const preview = await planStack(s, { unknownOutputs: true });
        const [svc] = ofType(preview, SERVICE);
        assert.equal(typeof svc.inputs.desiredCount, "object", `unknown until the repository exists, got ${JSON.stringify(svc.inputs.desiredCount)}`);
        const verdicts = judgeStack(
            preview.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, props: r.inputs, dependencies: r.options.dependsOn })),
            { config: { stages: { prod: "prod" } } },
        ).filter((v) => v.urn === svc.urn);
        assert.deepEqual(
            verdicts.map((v) => [v.policy, v.enforcement, v.message]),
            [
                ["prod-ecs-service-two-tasks-unknown", "advisory", `${SERVICE} "prod-web": desiredCount is unknown during preview (computed during the update); it will be checked on update`],
                ["service-awaiting-first-image", "advisory", `${SERVICE} "prod-web": tags is unknown during preview (computed during the update); it will be checked on update`],
            ],
        );
    });
});

describe("the pipeline's first deploy takes a service out of waiting (finding 7)", function () {
    this.timeout(60000);
    let plan: StackPlan;
    before(async () => {
        plan = await planStack(stackSettings("prod"), { emptyRepositories: true });
    });

    /** Prod right after its first `pulumi up`: web runs revision 1 (the bootstrap image) at 0 tasks, range 0..0. */
    function newStage(): { w: World<EcsWorld>; key: string; r1: string } {
        const t = deployTarget(plan, "web");
        const r1 = asRegistered(webTaskDefinition(plan), 1);
        const w = new World<EcsWorld>({
            ecs: { taskDefinitions: { [r1.taskDefinitionArn]: r1 }, services: { [`${t.cluster}/${t.service}`]: { taskDefinition: r1.taskDefinitionArn, desiredCount: 0 } }, registered: [], updates: [] },
            ssm: { [t.parameter]: r1.taskDefinitionArn },
            autoscaling: { targets: { [t.scalingResourceId]: { min: 0, max: 0 } } },
        });
        return { w, key: `${t.cluster}/${t.service}`, r1: r1.taskDefinitionArn };
    }
    const deploy = (w: World<EcsWorld>) => w.run("deploy-service.sh", { ...deployEnv(plan), SERVICE: "web" }, { files: { "imagedefinitions-web.json": JSON.stringify([{ name: "web", imageUri: IMAGE }]) } });

    it("GIVEN a service awaiting its first image WHEN the deploy step runs THEN it runs the release's revision with the configured count and code's range; no task is ever asked of the bootstrap revision", () => {
        const t = deployTarget(plan, "web");
        assert.deepEqual([t.desiredCount, t.minCount, t.maxCount], [2, 2, 10], "prod's configured count and range travel in DEPLOY_TARGETS");
        const { w, key, r1 } = newStage();
        const r = deploy(w);
        assert.equal(r.status, 0, r.err);
        const [registered] = r.state.ecs.registered;
        assert.deepEqual(r.state.ecs.services[key], { taskDefinition: registered, desiredCount: 2 });
        assert.deepEqual(r.state.autoscaling?.targets[t.scalingResourceId], { min: 2, max: 10 });
        assert.deepEqual(r.state.ecs.updates, [{ service: t.service, taskDefinition: registered, desiredCount: 2 }], "one update: the release's revision and the count together");
        assert.equal((r.state.autoscaling?.activities ?? []).some((a) => a.taskDefinition === r1 && a.to > 0), false, "the range never started tasks on the bootstrap revision");
        assert.ok(r.out.includes(`${t.service}: first release: 2 task(s), autoscaling 2..10`), r.out);
        w.dispose();
    });

    it("GIVEN a released service that autoscaling took to 5 tasks WHEN the next release deploys THEN the count stays autoscaling's and the range is code's", () => {
        const t = deployTarget(plan, "web");
        const { w, key } = newStage();
        assert.equal(deploy(w).status, 0);
        w.state.ecs.services[key].desiredCount = 5;
        const r = deploy(w);
        assert.equal(r.status, 0, r.err);
        assert.equal(r.state.ecs.services[key].desiredCount, 5);
        assert.equal(r.state.ecs.updates[1].desiredCount, undefined, "no --desired-count once released");
        assert.deepEqual(r.state.autoscaling?.targets[t.scalingResourceId], { min: 2, max: 10 });
        w.dispose();
    });

    it("GIVEN the first release's deployment fails (the circuit breaker would roll back to the bootstrap revision at the new count) THEN the service waits again at 0 tasks and 0..0, and the step fails saying so", () => {
        const t = deployTarget(plan, "web");
        const { w, key } = newStage();
        (w.state.ecs.services[key] as { rolloutState?: string }).rolloutState = "FAILED";
        const r = deploy(w);
        assert.equal(r.status, 1);
        assert.ok(r.err.includes(`first release of ${t.service} failed: it waits again at 0 tasks (autoscaling 0..0) for the next deploy`), r.err);
        assert.equal(r.state.ecs.services[key].desiredCount, 0);
        assert.deepEqual(r.state.autoscaling?.targets[t.scalingResourceId], { min: 0, max: 0 });
        w.dispose();
    });

    it("GIVEN a released service whose deployment fails THEN its count and range stay (the circuit breaker rolls back to a working revision)", () => {
        const t = deployTarget(plan, "web");
        const { w, key } = newStage();
        assert.equal(deploy(w).status, 0);
        (w.state.ecs.services[key] as { rolloutState?: string }).rolloutState = "FAILED";
        const r = deploy(w);
        assert.equal(r.status, 1);
        assert.match(r.err, /failed \(the circuit breaker rolls it back\)/);
        assert.equal(r.state.ecs.services[key].desiredCount, 2);
        assert.deepEqual(r.state.autoscaling?.targets[t.scalingResourceId], { min: 2, max: 10 });
        w.dispose();
    });

    it("GIVEN the service has no scalable target THEN the deploy stops naming it, before registering or touching anything", () => {
        const t = deployTarget(plan, "web");
        const { w } = newStage();
        w.state.autoscaling = { targets: {} };
        const r = deploy(w);
        assert.equal(r.status, 1);
        assert.match(r.err, new RegExp(`${t.scalingResourceId.replace(/\//g, "\\/")} has no scalable target \\(pulumi up creates it with the service\\)`));
        assert.deepEqual(r.state.ecs.updates, []);
        assert.deepEqual(r.state.ecs.registered, []);
        w.dispose();
    });
});
