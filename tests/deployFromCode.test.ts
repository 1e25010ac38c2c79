/**
 * Finding 3: infrastructure code owns the task definition, the pipeline supplies only the image.
 * A change in code to a service's environment or CPU must end up in the revision the next pipeline
 * deploy puts in service. The test plans the `test` stack before and after such a change, builds a
 * stand-in AWS holding what those two `pulumi up` runs and one earlier pipeline deploy registered,
 * and runs the pipeline's deploy step (scripts/deploy-service.sh, with the planned project's own
 * DEPLOY_TARGETS) against it.
 */
import { strict as assert } from "node:assert";
import { fixtureReferences, ofType, planStack, stackSettings, StackPlan } from "../tools/harness";
import { asRegistered, deployEnv, EcsWorld, webTaskDefinition } from "./fixtures/ecsWorld";
import { World } from "./fixtures/standin";

const IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/test-web@sha256:" + "7".repeat(64);

describe("the pipeline deploys the task definition code owns (finding 3)", function () {
    this.timeout(60000);
    let before: StackPlan;
    let after: StackPlan;
    globalThis.before(async () => {
        const base = stackSettings("test");
        before = await planStack(base, { stackOutputs: fixtureReferences(base) });
        const changed = {
            ...base,
            services: base.services.map((s) => (s.name === "web" ? { ...s, cpu: 1024, memory: 2048, environment: { ...s.environment, FEATURE_FLAGS: "checkout-v2" } } : s)),
        };
        after = await planStack(changed, { stackOutputs: fixtureReferences(changed) });
    });

    it("the service's SSM parameter records the ARN of the task definition Pulumi registers", () => {
        const param = ofType(after, "aws:ssm/parameter:Parameter").find((r) => r.name.endsWith("-web-task-definition"));
        assert.ok(param);
        assert.equal(param.inputs.name, "/stageline/test/web/task-definition");
        assert.equal(param.inputs.value, webTaskDefinition(after).outputs.arn);
        assert.equal(param.options.ignoreChanges.length, 0, "code owns the value: every pulumi up records its revision");
    });

    it("GIVEN cpu and environment changed in code and pulumi up run THEN the next pipeline deploy runs a revision with both and the release's image", () => {
        const family = String(webTaskDefinition(before).inputs.family);
        const targets = JSON.parse(deployEnv(after).DEPLOY_TARGETS) as { name: string; cluster: string; service: string; parameter: string; scalingResourceId: string }[];
        const web = targets.find((t) => t.name === "web");
        assert.ok(web);
        // Revision 1: the first pulumi up. 2: an earlier pipeline deploy (1 + an image). 3: pulumi up after the change.
        const r1 = asRegistered(webTaskDefinition(before), 1);
        const r2 = { ...r1, revision: 2, taskDefinitionArn: r1.taskDefinitionArn.replace(/:1$/, ":2"), containerDefinitions: r1.containerDefinitions.map((c) => ({ ...c, image: "old@sha256:" + "1".repeat(64) })) };
        const r3 = asRegistered(webTaskDefinition(after), 3);
        const w = new World<EcsWorld>({
            ecs: {
                taskDefinitions: { [r1.taskDefinitionArn]: r1, [r2.taskDefinitionArn]: r2, [r3.taskDefinitionArn]: r3 },
                services: { [`${web.cluster}/${web.service}`]: { taskDefinition: r2.taskDefinitionArn, desiredCount: 1 } },
                registered: [],
                updates: [],
            },
            ssm: { [web.parameter]: r3.taskDefinitionArn },
            // A released service: its range is code's (components/firstRelease.ts).
            autoscaling: { targets: { [web.scalingResourceId]: { min: 1, max: 2 } } },
        });
        const r = w.run("deploy-service.sh", { ...deployEnv(after), SERVICE: "web" }, { files: { "imagedefinitions-web.json": JSON.stringify([{ name: "web", imageUri: IMAGE }]) } });
        assert.equal(r.status, 0, r.err);
        const [registered] = r.state.ecs.registered;
        assert.equal(registered, `arn:aws:ecs:eu-west-1:123456789012:task-definition/${family}:4`);
        const td = r.state.ecs.taskDefinitions[registered];
        assert.equal(td.cpu, "1024");
        assert.equal(td.memory, "2048");
        const container = td.containerDefinitions.find((c) => c.name === "web");
        assert.equal(container?.image, IMAGE);
        assert.deepEqual(container?.environment?.find((e) => e.name === "FEATURE_FLAGS"), { name: "FEATURE_FLAGS", value: "checkout-v2" });
        assert.deepEqual(r.state.ecs.services[`${web.cluster}/${web.service}`].taskDefinition, registered, "the service runs it");
        // What CodePipeline's ECS action would have deployed: the running revision (2) with the image swapped.
        assert.notEqual(r2.cpu, "1024");
        assert.equal(r2.containerDefinitions[0].environment?.some((e) => e.name === "FEATURE_FLAGS") ?? false, false);
        w.dispose();
    });

    it("GIVEN the parameter names no task definition THEN the deploy stops with the parameter's name", () => {
        const targets = JSON.parse(deployEnv(after).DEPLOY_TARGETS) as { name: string; parameter: string; scalingResourceId: string }[];
        const w = new World<EcsWorld>({
            ecs: { taskDefinitions: {}, services: {}, registered: [], updates: [] },
            ssm: { [targets[0].parameter]: "bootstrap" },
            autoscaling: { targets: { [targets[0].scalingResourceId]: { min: 1, max: 2 } } },
        });
        const r = w.run("deploy-service.sh", { ...deployEnv(after), SERVICE: "web" }, { files: { "imagedefinitions-web.json": JSON.stringify([{ name: "web", imageUri: IMAGE }]) } });
        assert.equal(r.status, 1);
        assert.match(r.err, /\/stageline\/test\/web\/task-definition holds no task definition ARN \(bootstrap\)/);
        assert.deepEqual(r.state.ecs.registered, []);
        w.dispose();
    });
});
