/**
 * The release scripts the buildspecs run (scripts/*.sh), driven against a stand-in `aws` and
 * `docker` that behave as ECR, ECS, RDS and CodePipeline do for the calls they make — above all,
 * an IMMUTABLE ECR repository refuses a push of a tag that exists, even with the same digest
 * (https://github.com/aws/containers-roadmap/issues/2380).
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "child_process";
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
            const { spawnSync } = require("child_process") as typeof import("child_process");
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
                assert.ok(command.includes(fs.readFileSync(path.join(SCRIPTS, script), "utf8").trimEnd()), `${file}: the script body arrives unchanged`);
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
});
