/**
 * The release scripts the buildspecs run (scripts/*.sh), driven against a stand-in `aws` and
 * `docker` that behave as ECR, ECS, RDS and CodePipeline do for the calls they make — above all,
 * an IMMUTABLE ECR repository refuses a push of a tag that exists, even with the same digest
 * (https://github.com/aws/containers-roadmap/issues/2380).
 */
import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { buildspec, BUILDSPEC_DIR } from "../components/deliveryPipeline";
import { inlineScripts, scriptsOf } from "../components/pipeline/scripts";
import { SCRIPTS, World } from "./fixtures/standin";

const REGISTRY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
const COMMIT = "0123456789abcdef0123456789abcdef01234567";

interface EcrWorld {
    ecr: Record<string, Record<string, string>>;
    pushes?: string[];
    builds?: string[];
}

describe("release scripts against a stand-in AWS", function () {
    this.timeout(20000);

    describe("scripts/build-images.sh (finding 2: building a commit that was already built)", () => {
        const services = JSON.stringify([{ name: "web", repositoryUrl: `${REGISTRY}/staging-web`, containerName: "web", context: ".", dockerfile: "Dockerfile" }]);
        const env = { SERVICES: services, COMMIT_SHA: COMMIT };

        it("GIVEN a new commit THEN it builds and pushes <repo>:<commit> once and names the image by digest", () => {
            const w = new World<EcrWorld>({ ecr: { "staging-web": {} } });
            const r = w.run("build-images.sh", env);
            assert.equal(r.status, 0, r.err);
            assert.deepEqual(r.state.pushes, [`${REGISTRY}/staging-web:${COMMIT}`]);
            const digest = r.state.ecr["staging-web"][COMMIT];
            assert.deepEqual(JSON.parse(r.files["imagedefinitions-web.json"]), [{ name: "web", imageUri: `${REGISTRY}/staging-web@${digest}` }]);
            assert.equal(JSON.parse(r.files["digests.json"]).web.digest, digest);
            w.dispose();
        });
        it("GIVEN the same commit built again (schedule on an unmoved main, a release tag on a built commit, a retry) THEN it pushes nothing and deploys the digest that exists", () => {
            const w = new World<EcrWorld>({ ecr: { "staging-web": {} } });
            const first = w.run("build-images.sh", env);
            const second = w.run("build-images.sh", env);
            assert.equal(second.status, 0, second.err);
            assert.deepEqual(second.state.pushes, [`${REGISTRY}/staging-web:${COMMIT}`], "one push in two runs");
            assert.ok(!second.calls.some((c) => c.startsWith("docker push") || c.startsWith("docker build")), second.calls.join("\n"));
            assert.match(second.out, /staging-web:0123456789abcdef0123456789abcdef01234567 exists \(sha256:[0-9a-f]{64}\); not rebuilt, not pushed/);
            assert.equal(second.files["imagedefinitions-web.json"], first.files["imagedefinitions-web.json"]);
            w.dispose();
        });
        it("the stand-in refuses a plain re-push of an existing tag, as ECR does (what the old build did)", () => {
            const w = new World<EcrWorld>({ ecr: { "staging-web": { [COMMIT]: "sha256:" + "a".repeat(64) } }, dockerImages: { [`${REGISTRY}/staging-web:${COMMIT}`]: "sha256:" + "a".repeat(64) } } as EcrWorld);
            const r = w.run("build-images.sh", env);
            assert.equal(r.status, 0, "the script never pushes it");
            // Pushing it directly is refused: the stand-in is strict.
            const push = spawnSync(`${__dirname}/fixtures/standin/docker`, ["push", `${REGISTRY}/staging-web:${COMMIT}`], { env: { ...process.env, STANDIN_STATE: `${w.dir}/state.json` }, encoding: "utf8" });
            assert.equal(push.status, 1);
            assert.match(push.stderr, /already exists in the 'staging-web' repository and cannot be overwritten because the repository is immutable/);
            w.dispose();
        });
        it("GIVEN describe-images fails for another reason THEN it stops instead of guessing", () => {
            const w = new World<EcrWorld>({ ecr: {} });
            const r = w.run("build-images.sh", env);
            assert.notEqual(r.status, 0);
            assert.match(r.err, /RepositoryNotFoundException/);
            assert.equal(r.state.pushes, undefined);
            w.dispose();
        });
    });

    describe("scripts/promote-images.sh (finding 1: prod's rollback and promotion re-runs)", () => {
        const stagingDigest = "sha256:" + "1".repeat(64);
        const olderDigest = "sha256:" + "0".repeat(64);
        const release = (tag: string, digest: string) =>
            JSON.stringify({ releaseTag: tag, commit: COMMIT, images: { web: { repositoryUrl: `${REGISTRY}/staging-web`, digest, imageUri: `${REGISTRY}/staging-web@${digest}` } } });
        const env = (tag: string) => ({ TARGETS: JSON.stringify([{ name: "web", repositoryUrl: `${REGISTRY}/prod-web`, containerName: "web" }]), RELEASE_TAG: tag });

        it("GIVEN a release THEN Promote copies the approved digest into prod's repository as the release tag", () => {
            const w = new World<EcrWorld>({ ecr: { "staging-web": { [COMMIT]: stagingDigest }, "prod-web": {} } });
            const r = w.run("promote-images.sh", env("release-2026-12-01"), { files: { "release.json": release("release-2026-12-01", stagingDigest) } });
            assert.equal(r.status, 0, r.err);
            assert.equal(r.state.ecr["prod-web"]["release-2026-12-01"], stagingDigest);
            assert.deepEqual(JSON.parse(r.files["out/imagedefinitions-web.json"]), [{ name: "web", imageUri: `${REGISTRY}/prod-web@${stagingDigest}` }]);
            w.dispose();
        });
        it("GIVEN the promotion re-run (retry) and then a rollback to the earlier release THEN both succeed without pushing an existing tag", () => {
            const w = new World<EcrWorld>({ ecr: { "staging-web": {}, "prod-web": {} } });
            // Two releases promoted in turn: the earlier one, then the one the sign-off rejects.
            assert.equal(w.run("promote-images.sh", env("release-2026-11-15"), { files: { "release.json": release("release-2026-11-15", olderDigest) } }).status, 0);
            assert.equal(w.run("promote-images.sh", env("release-2026-12-01"), { files: { "release.json": release("release-2026-12-01", stagingDigest) } }).status, 0);
            const pushesBefore = w.state.pushes?.length;
            // Retry of the same promotion.
            const retry = w.run("promote-images.sh", env("release-2026-12-01"), { files: { "release.json": release("release-2026-12-01", stagingDigest) } });
            assert.equal(retry.status, 0, retry.err);
            assert.match(retry.out, /prod-web:release-2026-12-01 exists \(sha256:1{64}\); not pushed again/);
            // Rejected sign-off: CodePipeline re-runs the Deploy stage, Promote included, with the earlier execution's artifacts.
            const rollback = w.run("promote-images.sh", env("release-2026-11-15"), { files: { "release.json": release("release-2026-11-15", olderDigest) } });
            assert.equal(rollback.status, 0, rollback.err);
            assert.deepEqual(JSON.parse(rollback.files["out/imagedefinitions-web.json"]), [{ name: "web", imageUri: `${REGISTRY}/prod-web@${olderDigest}` }], "prod deploys the earlier digest");
            assert.equal(w.state.pushes?.length, pushesBefore, "no push in the retry or the rollback");
            assert.ok(![...retry.calls, ...rollback.calls].some((c) => c.startsWith("docker push")));
            w.dispose();
        });
        it("GIVEN prod's tag already names ANOTHER digest THEN it fails rather than deploy what staging did not approve", () => {
            const w = new World<EcrWorld>({ ecr: { "prod-web": { "release-2026-12-01": olderDigest } } });
            const r = w.run("promote-images.sh", env("release-2026-12-01"), { files: { "release.json": release("release-2026-12-01", stagingDigest) } });
            assert.equal(r.status, 1);
            assert.match(r.err, /digest changed for web: 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/prod-web:release-2026-12-01 is sha256:0{64}, the release names sha256:1{64}/);
            assert.equal(r.files["out/imagedefinitions-web.json"], undefined);
            w.dispose();
        });
    });

    describe("the buildspecs carry the scripts", () => {
        it("build.yml and promote.yml run build-images.sh and promote-images.sh, inlined verbatim into the project's buildspec", () => {
            for (const [file, script] of [["build.yml", "build-images.sh"], ["promote.yml", "promote-images.sh"]]) {
                const raw = fs.readFileSync(path.join(BUILDSPEC_DIR, file), "utf8");
                assert.ok(scriptsOf(raw).includes(script), `${file} runs ${script}`);
                const spec = YAML.parse(buildspec(file)) as { phases: Record<string, { commands: string[] }> };
                const command = spec.phases.build.commands.find((c) => c.includes(`bash /tmp/${script}`));
                assert.ok(command, `${file}: the project runs /tmp/${script}`);
                // The script arrives unchanged but for its shared piece, inlined where it is sourced:
                // in CodeBuild /tmp holds only the one file, so no `source` line may remain.
                const [before, after] = fs.readFileSync(path.join(SCRIPTS, script), "utf8").trimEnd().split('source "$(dirname "${BASH_SOURCE[0]}")/ecr-image-digest.sh"\n');
                const piece = fs.readFileSync(path.join(SCRIPTS, "ecr-image-digest.sh"), "utf8").trimEnd();
                assert.ok(command.includes(`${before}${piece}\n${after}`), `${file}: the script body arrives unchanged, its shared piece inlined`);
                assert.doesNotMatch(command, /^\s*source /m, `${file}: nothing left to source at run time`);
                execFileSync("bash", ["-n"], { input: command });
            }
        });
        it("no buildspec pushes an image itself (every push goes through the exists-check of a script)", () => {
            for (const f of fs.readdirSync(BUILDSPEC_DIR)) assert.doesNotMatch(fs.readFileSync(path.join(BUILDSPEC_DIR, f), "utf8"), /docker push|ecr put-image/, f);
        });
        it("a script containing the heredoc delimiter is refused", () => {
            const dir = fs.mkdtempSync(path.join(require("os").tmpdir(), "inline-"));
            fs.writeFileSync(path.join(dir, "x.sh"), "echo a\nSTAGELINE_SCRIPT_END\n");
            assert.throws(() => inlineScripts("      - stageline-script x.sh", dir), /scripts\/x\.sh contains the line STAGELINE_SCRIPT_END/);
            fs.rmSync(dir, { recursive: true, force: true });
        });
    });

    describe("scripts/prune-snapshots.sh (finding 6: pre-release snapshots are kept to the last N)", () => {
        interface Snap { DBSnapshotIdentifier: string; DBInstanceIdentifier: string; SnapshotType: string; Status: string; SnapshotCreateTime: string; TagList: { Key: string; Value: string }[] }
        interface RdsWorld { rds: { snapshots: Snap[]; deleted?: string[] } }
        const DB = "prod-db";
        const snap = (id: string, day: number, tags: Record<string, string>, type = "manual", status = "available"): Snap => ({
            DBSnapshotIdentifier: id,
            DBInstanceIdentifier: DB,
            SnapshotType: type,
            Status: status,
            SnapshotCreateTime: `2026-11-${String(day).padStart(2, "0")}T06:00:00.000Z`,
            TagList: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        });
        const ours = (n: number, day: number) => snap(`staging-pre-release-exec-${n}`, day, { stage: "staging", purpose: "pre-release", "pipeline-execution": `exec-${n}` });
        const env = { DB_INSTANCE_ID: DB, SNAPSHOT_PREFIX: "staging-pre-release-", STAGE: "staging", SNAPSHOTS_TO_KEEP: "10" };
        const others = [
            snap("prod-pre-release-exec-1", 1, { stage: "prod", purpose: "pre-release" }), // prod's pipeline, same database
            snap("before-manual-migration", 2, { owner: "dba" }), // a person's snapshot
            snap("staging-pre-release-by-hand", 3, { stage: "staging" }), // our prefix, not our tag
            snap("rds:prod-db-2026-11-04-03-00", 4, {}, "automated"),
        ];

        it("GIVEN 12 of this stage's pre-release snapshots among others THEN it deletes its 2 oldest and nothing else", () => {
            const mine = Array.from({ length: 12 }, (_, i) => ours(i + 1, i + 5));
            const w = new World<RdsWorld>({ rds: { snapshots: [...others, ...mine] } });
            const r = w.run("prune-snapshots.sh", env);
            assert.equal(r.status, 0, r.err);
            assert.deepEqual([...(r.state.rds.deleted ?? [])].sort(), ["staging-pre-release-exec-1", "staging-pre-release-exec-2"]);
            assert.match(r.out, /prod-db: 12 pre-release snapshots of staging; keeping the newest 10/);
            const left = r.state.rds.snapshots.map((x) => x.DBSnapshotIdentifier);
            for (const o of others) assert.ok(left.includes(o.DBSnapshotIdentifier), `${o.DBSnapshotIdentifier} is kept`);
            assert.equal(left.filter((id) => id.startsWith("staging-pre-release-exec-")).length, 10);
            w.dispose();
        });
        it("GIVEN no more than N THEN it deletes nothing; and a non-positive N is refused", () => {
            const w = new World<RdsWorld>({ rds: { snapshots: [...others, ours(1, 5), ours(2, 6)] } });
            const r = w.run("prune-snapshots.sh", env);
            assert.equal(r.status, 0, r.err);
            assert.equal(r.state.rds.deleted, undefined);
            const bad = w.run("prune-snapshots.sh", { ...env, SNAPSHOTS_TO_KEEP: "0" });
            assert.equal(bad.status, 2);
            assert.match(bad.err, /SNAPSHOTS_TO_KEEP must be an integer >= 1 \(given: 0\)/);
            w.dispose();
        });
    });

    describe("scripts/rollback.sh --pipeline (finding 5: rollback after a pulumi up changed the pipeline)", () => {
        interface Exec { id: string; status: string; version: number; type?: string }
        interface PipelineWorld { codepipeline: { version: number; stages: string[]; stageLatest: Record<string, string>; executions: Exec[]; rollbacks?: { stage: string; target: string }[] }; ecs: EcsWorld }
        interface EcsWorld { taskDefinitions: Record<string, unknown>; services: Record<string, { taskDefinition: string; desiredCount: number }>; registered: string[]; updates: { service: string; taskDefinition: string }[] }
        const id = (n: number) => `0000000${n}-0000-4000-8000-000000000000`;
        const td = (rev: number, image: string) => {
            const arn = `arn:aws:ecs:eu-west-1:123456789012:task-definition/prod-web:${rev}`;
            return [arn, { family: "prod-web", revision: rev, taskDefinitionArn: arn, status: "ACTIVE", containerDefinitions: [{ name: "web", image }] }] as const;
        };
        const REPO = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/prod-web";
        const ecsWorld = (): EcsWorld => ({
            // 5: the release before; 6: what `pulumi up` registered (bootstrap tag); 7: the rejected release, running.
            taskDefinitions: Object.fromEntries([td(5, `${REPO}@sha256:${"5".repeat(64)}`), td(6, `${REPO}:bootstrap`), td(7, `${REPO}@sha256:${"7".repeat(64)}`)]),
            services: { "prod/prod-web": { taskDefinition: td(7, "")[0], desiredCount: 2 } },
            registered: [],
            updates: [],
        });
        // The pipeline is at version 3: `pulumi up` changed it after executions 1 and 2 (version 2) succeeded; 4 was rejected.
        const changed = (): PipelineWorld => ({
            codepipeline: {
                version: 3,
                stages: ["Source", "Approve", "Snapshot", "Deploy"],
                stageLatest: { Deploy: id(4) },
                executions: [{ id: id(4), status: "Failed", version: 3 }, { id: id(2), status: "Succeeded", version: 2 }, { id: id(1), status: "Succeeded", version: 2 }],
            },
            ecs: ecsWorld(),
        });

        it("the stand-in refuses, as CodePipeline does, a stage rollback to an execution of an earlier pipeline version", () => {
            const w = new World<PipelineWorld>(changed());
            fs.writeFileSync(path.join(w.dir, "state.json"), JSON.stringify(w.state));
            const r = spawnSync(path.join(__dirname, "fixtures", "standin", "aws"), ["codepipeline", "rollback-stage", "--pipeline-name", "prod", "--stage-name", "Deploy", "--target-pipeline-execution-id", id(2)], {
                env: { ...process.env, STANDIN_STATE: path.join(w.dir, "state.json") },
                encoding: "utf8",
            });
            assert.equal(r.status, 254);
            assert.match(r.stderr, /An error occurred \(UnableToRollbackStageException\) when calling the RollbackStage operation/);
            w.dispose();
        });
        it("GIVEN an earlier successful execution of the current version THEN it rolls the stage back to it through CodePipeline", () => {
            const world = changed();
            world.codepipeline.executions.splice(1, 0, { id: id(3), status: "Succeeded", version: 3 });
            const w = new World<PipelineWorld>(world);
            const r = w.run("rollback.sh", {}, { args: ["--pipeline", "prod", "--cluster", "prod", "--service", "prod-web"] });
            assert.equal(r.status, 0, r.err);
            assert.deepEqual(r.state.codepipeline.rollbacks, [{ stage: "Deploy", target: id(3) }]);
            assert.deepEqual(r.state.ecs.updates, [], "the services are left to CodePipeline");
            w.dispose();
        });
        it("GIVEN only executions of an earlier pipeline version THEN it says so and returns each service to its previous pipeline-deployed revision, skipping the one pulumi up registered", () => {
            const w = new World<PipelineWorld>(changed());
            const r = w.run("rollback.sh", {}, { args: ["--pipeline", "prod", "--cluster", "prod", "--service", "prod-web"] });
            assert.equal(r.status, 0, r.err);
            assert.match(r.err, /prod: no earlier successful execution of pipeline version 3 \(a pulumi up changed the pipeline since\): CodePipeline cannot roll Deploy back/);
            assert.equal(r.state.codepipeline.rollbacks, undefined, "no RollbackStage call CodePipeline would refuse");
            assert.deepEqual(r.state.ecs.updates.map((u) => u.taskDefinition), ["arn:aws:ecs:eu-west-1:123456789012:task-definition/prod-web:5"]);
            assert.ok(r.calls.includes("aws ecs wait services-stable --cluster prod --services prod-web"));
            w.dispose();
        });
        it("GIVEN no earlier version's execution and no services named THEN it fails with the ways back", () => {
            const w = new World<PipelineWorld>(changed());
            const r = w.run("rollback.sh", {}, { args: ["--pipeline", "prod"] });
            assert.equal(r.status, 1);
            assert.match(r.err, /Roll the services back with --cluster <cluster> --service <service> \.\.\., or re-run an earlier release:/);
            assert.match(r.err, /aws codepipeline start-pipeline-execution --name prod --source-revisions actionName=App,revisionType=COMMIT_ID,revisionValue=<commit>/);
            w.dispose();
        });
    });
});
