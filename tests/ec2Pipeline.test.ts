/**
 * The delivery pipeline of EC2 services, under the mock harness: the example stack
 * `examples/Pulumi.test-ec2.yaml` (web on Fargate, legacy on EC2), staging and prod with the same
 * two services, and a stage whose only service runs on EC2. What a user cares about: the release
 * is packaged after the tests, baked into an AMI by the stage's own image pipeline, reported in S3
 * before anyone approves, and deployed by an instance refresh that keeps capacity, inside the
 * stage that rolls back on failure; every step may touch only its own service's resources.
 */
import { strict as assert } from "node:assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { loadSettings, loadStackFile, readStackFile } from "../infra/config";
import { StageSettings } from "../infra/settings";
import { ofType, PlannedResource, planStack, ROOT, stackSettings, StackPlan, fixtureReferences } from "../tools/harness";
import { BUILDSPEC_DIR } from "../components/deliveryPipeline";
import { Action, LEGACY, Stage, WEB } from "./fixtures/shapes";

interface Statement {
    Sid?: string;
    Action: string | string[];
    Resource: string | string[];
    Condition?: unknown;
}


function settingsWith(stack: string, services: unknown[]): StageSettings {
    const raw = { ...readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`)).config, "stageline:services": JSON.stringify(services) };
    return { ...stackSettings(stack), services: loadSettings(stack, raw).services };
}

function plan(s: StageSettings): Promise<StackPlan> {
    const refs: Record<string, Record<string, unknown>> = {};
    Object.assign(refs, fixtureReferences(s));
    return planStack(s, { stackOutputs: refs });
}

const stagesOf = (p: StackPlan): Stage[] => {
    const all = ofType(p, "aws:codepipeline/pipeline:Pipeline");
    assert.equal(all.length, 1, `${p.stack} has one pipeline`);
    return (all[0].inputs as unknown as { stages: Stage[] }).stages;
};
const stageNames = (p: StackPlan) => stagesOf(p).map((s) => s.name);
const stage = (p: StackPlan, name: string): Stage => {
    const s = stagesOf(p).find((x) => x.name === name);
    assert.ok(s, `${p.stack} has a ${name} stage (has ${stageNames(p).join(", ")})`);
    return s;
};
const action = (p: StackPlan, name: string): Action => {
    const a = stagesOf(p).flatMap((s) => s.actions).find((x) => x.name === name);
    assert.ok(a, `${p.stack} has an action ${name}`);
    return a;
};
function projectOf(p: StackPlan, a: Action): PlannedResource {
    const r = ofType(p, "aws:codebuild/project:Project").find((x) => x.outputs.name === a.configuration.ProjectName);
    assert.ok(r, `no CodeBuild project for ${a.name}`);
    return r;
}
function projectEnv(r: PlannedResource): Record<string, string> {
    const env = (r.inputs.environment as { environmentVariables: { name: string; value: string }[] }).environmentVariables;
    return Object.fromEntries(env.map((v) => [v.name, v.value]));
}
const buildspecOf = (r: PlannedResource) => (r.inputs.source as { buildspec: string }).buildspec;
function statementsOf(p: StackPlan, roleArn: unknown): Statement[] {
    const role = ofType(p, "aws:iam/role:Role").find((r) => r.outputs.arn === roleArn);
    assert.ok(role, `role ${String(roleArn)} exists`);
    return ofType(p, "aws:iam/rolePolicy:RolePolicy")
        .filter((x) => x.inputs.role === role.outputs.name)
        .flatMap((x) => JSON.parse(String(x.inputs.policy)).Statement as Statement[]);
}
const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
const one = (p: StackPlan, type: string, name: string): PlannedResource => {
    const r = ofType(p, type).find((x) => x.name === name);
    assert.ok(r, `${p.stack} has ${type} ${name}`);
    return r;
};
/** Statements of the project an action runs, and the resources each action is granted. */
const grants = (p: StackPlan, actionName: string) => statementsOf(p, projectOf(p, action(p, actionName)).inputs.serviceRole);
const granted = (st: Statement[], verb: string) => st.filter((s) => list(s.Action).includes(verb)).flatMap((s) => list(s.Resource));

describe("DeliveryPipeline for EC2 services", () => {
    let test: StackPlan;
    let staging: StackPlan;
    let prod: StackPlan;
    let ec2Only: StackPlan;
    before(async () => {
        test = await plan(loadStackFile(path.join(ROOT, "examples", "Pulumi.test-ec2.yaml")));
        staging = await plan(settingsWith("staging", [{ ...WEB, minCount: 2, desiredCount: 2 }, LEGACY]));
        prod = await plan(settingsWith("prod", [{ ...WEB, minCount: 2, desiredCount: 2 }, LEGACY]));
        ec2Only = await plan(settingsWith("dev", [{ ...LEGACY, minCount: 1, desiredCount: 1, pathPatterns: ["/*"] }]));
    });

    describe("GIVEN the test-ec2 example (web on Fargate, legacy on EC2)", () => {
        it("THEN the release is packaged after the tests, baked, reported, then deployed and smoke-tested", () => {
            assert.deepEqual(stageNames(test), ["Source", "Build", "Bake", "Report", "Deploy", "SmokeTest"]);
            const build = stage(test, "Build").actions;
            assert.deepEqual(build.map((a) => [a.name, a.runOrder]), [["Build", 1], ["ReleaseNotes", 1], ["Package", 2]]);
            assert.deepEqual(stage(test, "Bake").actions.map((a) => a.name), ["Bake-legacy"]);
            assert.deepEqual(stage(test, "Report").actions.map((a) => a.name), ["ReleaseReport"]);
        });
        it("THEN Deploy updates the ECS service and refreshes the EC2 group side by side, and rolls back on failure", () => {
            const deploy = stage(test, "Deploy");
            assert.deepEqual(deploy.actions.map((a) => [a.name, a.provider, a.runOrder]), [["Deploy-web", "CodeBuild", 1], ["Refresh-legacy", "CodeBuild", 1]]);
            assert.deepEqual(deploy.onFailure, { result: "ROLLBACK" });
            // The refresh reads the AMI the report recorded (ROLLBACK re-runs it with the previous one).
            assert.deepEqual(action(test, "Refresh-legacy").inputArtifacts, ["report"]);
            assert.deepEqual(action(test, "ReleaseReport").outputArtifacts, ["report"]);
        });
        it("THEN the smoke test calls both services' health URLs", () => {
            const urls = projectEnv(projectOf(test, action(test, "SmokeTest"))).SMOKE_URLS.split(" ");
            assert.deepEqual(urls, ["https://test-ec2.example.com/health", "https://test-ec2.example.com/legacy/health"]);
        });
        it("THEN Package uploads legacy's release.tar.gz to its own package bucket, and only there", () => {
            const bucket = one(test, "aws:s3/bucket:Bucket", "test-legacy-packages");
            const env = JSON.parse(projectEnv(projectOf(test, action(test, "Package"))).PACKAGES);
            assert.deepEqual(env, [{ name: "legacy", bucket: bucket.outputs.bucket, key: "legacy/release.tar.gz", dir: "services/legacy" }]);
            assert.deepEqual(granted(grants(test, "Package"), "s3:PutObject").filter((r) => !r.includes("pipeline-artifacts")), [`${bucket.outputs.arn}/legacy/release.tar.gz`]);
        });
        it("THEN Bake starts the stage's image pipeline and may read only that pipeline's images and parameter", () => {
            const pipeline = one(test, "aws:imagebuilder/imagePipeline:ImagePipeline", "test-legacy-images");
            const recipe = one(test, "aws:imagebuilder/imageRecipe:ImageRecipe", "test-legacy-recipe");
            const param = one(test, "aws:ssm/parameter:Parameter", "test-legacy-ami-id");
            const env = projectEnv(projectOf(test, action(test, "Bake-legacy")));
            assert.equal(env.IMAGE_PIPELINE_ARN, pipeline.outputs.arn);
            assert.equal(env.AMI_PARAMETER, param.outputs.name);
            const st = grants(test, "Bake-legacy");
            assert.deepEqual(granted(st, "imagebuilder:StartImagePipelineExecution"), [pipeline.outputs.arn]);
            assert.deepEqual(granted(st, "imagebuilder:GetImage"), [`arn:aws:imagebuilder:eu-west-1:123456789012:image/${String(recipe.inputs.name).toLowerCase()}/*`]);
            assert.deepEqual(granted(st, "ssm:PutParameter"), [param.outputs.arn]);
            assert.match(buildspecOf(projectOf(test, action(test, "Bake-legacy"))), /start-image-pipeline-execution --image-pipeline-arn/);
        });
        it("THEN Refresh starts an instance refresh of legacy's group only, at 100 % / 200 % healthy", () => {
            const group = one(test, "aws:autoscaling/group:Group", "test-legacy");
            const param = one(test, "aws:ssm/parameter:Parameter", "test-legacy-ami-id");
            const project = projectOf(test, action(test, "Refresh-legacy"));
            assert.equal(projectEnv(project).AUTO_SCALING_GROUP, group.outputs.name);
            const st = grants(test, "Refresh-legacy");
            assert.deepEqual(granted(st, "autoscaling:StartInstanceRefresh"), [group.outputs.arn]);
            assert.deepEqual(granted(st, "ssm:PutParameter"), [param.outputs.arn]);
            const spec = buildspecOf(project);
            assert.match(spec, /start-instance-refresh/);
            assert.match(spec, /"MinHealthyPercentage":100,"MaxHealthyPercentage":200/);
            assert.match(spec, /Successful\) break/);
        });
        it("THEN no EC2 step's policy names a `*` action, and `*` resources only for calls AWS cannot scope", () => {
            const unscopable = new Set(["ec2:DescribeImages", "autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeInstanceRefreshes"]);
            for (const name of ["Package", "Bake-legacy", "ReleaseReport", "Refresh-legacy"]) {
                for (const st of grants(test, name)) {
                    for (const a of list(st.Action)) assert.ok(!a.includes("*"), `${name}: action ${a}`);
                    if (list(st.Resource).includes("*")) for (const a of list(st.Action)) assert.ok(unscopable.has(a), `${name}: ${a} on *`);
                }
            }
        });
    });

    describe("GIVEN staging with an EC2 service", () => {
        it("THEN the report comes before the approval, the refresh inside the signed-off Deploy", () => {
            assert.deepEqual(stageNames(staging), ["Source", "Build", "Bake", "Report", "Approve", "Snapshot", "Deploy", "Release"]);
            assert.deepEqual(stage(staging, "Deploy").actions.map((a) => a.name), ["Deploy-web", "Refresh-legacy", "SmokeTest", "LoadTest", "SignOff"]);
            assert.match(String(action(staging, "Approve").configuration.CustomData), /#\{Report\.REPORT_URI\}/);
        });
        it("THEN the published release carries the approved AMIs (the report's release.json)", () => {
            assert.deepEqual(action(staging, "PublishForPromotion").inputArtifacts, ["build", "notes", "report", "loadtest"]);
        });
    });

    describe("GIVEN prod with an EC2 service", () => {
        it("THEN Promote copies staging's approved AMI into prod's own and the refresh deploys that copy", () => {
            assert.deepEqual(stageNames(prod), ["Source", "Approve", "Snapshot", "Deploy"]);
            assert.deepEqual(stage(prod, "Deploy").actions.map((a) => a.name), ["Promote", "Deploy-web", "Refresh-legacy", "SmokeTest", "SignOff"]);
            assert.deepEqual(action(prod, "Refresh-legacy").inputArtifacts, ["promoted"]);
            const promote = projectOf(prod, action(prod, "Promote"));
            assert.deepEqual(JSON.parse(projectEnv(promote).AMI_TARGETS), [{ name: "legacy" }]);
            assert.match(buildspecOf(promote), /copy-image --source-image-id/);
            const st = grants(prod, "Promote");
            const copyKeys = granted(st, "kms:ReEncryptFrom");
            // Staging's key by its alias (prod does not read staging's stack), prod's by its ARN.
            const region = prod.settings.region;
            assert.deepEqual(copyKeys, [projectEnv(promote).COPY_KMS_KEY_ARN, projectEnv(promote).COPY_KMS_KEY_ARN, `arn:aws:kms:${region}:123456789012:key/*`], "decrypt with staging's key, encrypt with prod's");
            const byAlias = st.find((x) => x.Sid === "PublisherAmiKey") as unknown as { Condition: unknown };
            assert.deepEqual(byAlias.Condition, { "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/stageline-staging" } });
            const group = one(prod, "aws:autoscaling/group:Group", "prod-legacy");
            assert.deepEqual(granted(grants(prod, "Refresh-legacy"), "autoscaling:StartInstanceRefresh"), [group.outputs.arn]);
        });
    });

    describe("GIVEN a stage whose only service runs on EC2", () => {
        it("THEN it still gets a pipeline, without ECR or ECS permissions or a privileged build", () => {
            assert.deepEqual(stageNames(ec2Only), ["Source", "Build", "Bake", "Report", "Deploy", "SmokeTest"]);
            assert.deepEqual(stage(ec2Only, "Deploy").actions.map((a) => a.name), ["Refresh-legacy"]);
            const build = projectOf(ec2Only, action(ec2Only, "Build"));
            assert.equal((build.inputs.environment as { privilegedMode: boolean }).privilegedMode, false);
            assert.equal(projectEnv(build).SERVICES, "[]");
            // Single-service repository: the package is the repository root.
            assert.equal(JSON.parse(projectEnv(projectOf(ec2Only, action(ec2Only, "Package"))).PACKAGES)[0].dir, ".");
            const all = ofType(ec2Only, "aws:iam/rolePolicy:RolePolicy").flatMap((x) => JSON.parse(String(x.inputs.policy)).Statement as Statement[]);
            const actions = all.flatMap((s) => list(s.Action));
            assert.ok(!actions.some((a) => a.startsWith("ecr:") || a.startsWith("ecs:")), actions.filter((a) => /^ec[rs]:/.test(a)).join(", "));
        });
    });

    describe("buildspecs of the EC2 steps", () => {
        for (const f of ["package.yml", "bake-image.yml", "release-report.yml", "instance-refresh.yml"]) {
            it(`${f} parses as YAML with version 0.2 and string commands`, () => {
                const spec = YAML.parse(fs.readFileSync(path.join(BUILDSPEC_DIR, f), "utf8")) as { version: unknown; phases: Record<string, { commands: unknown[] }> };
                assert.equal(String(spec.version), "0.2");
                const commands = Object.values(spec.phases).flatMap((p) => p.commands);
                assert.ok(commands.length > 0 && commands.every((c) => typeof c === "string"), f);
            });
        }
    });
});
