/**
 * Release notes on a fixture git history: a temporary repository with two release tags and
 * commits that mention work items (KW-123). The TypeScript script and the shell in
 * buildspecs/release-notes.yml (what CodeBuild runs) must produce the same notes.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { compareKeys, groupByWorkItem, parseArgs, releaseNotes, workItemKeys } from "../scripts/release-notes";

const BUILDSPEC = path.resolve(__dirname, "..", "buildspecs", "release-notes.yml");

function git(cwd: string, ...args: string[]): string {
    return execFileSync("git", ["-c", "user.name=Fixture", "-c", "user.email=fixture@example.com", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", ...args], {
        cwd,
        encoding: "utf8",
    }).trim();
}

function commit(cwd: string, subject: string): void {
    git(cwd, "commit", "--allow-empty", "-q", "-m", subject);
}

/** main: KW-1 → tag release-2026-01-01 → five commits (one merge) → tag release-2026-01-15. */
function fixtureRepo(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "release-notes-"));
    git(dir, "init", "-q", "-b", "main");
    commit(dir, "KW-1 project skeleton");
    commit(dir, "KW-2 first page");
    git(dir, "tag", "release-2026-01-01");
    commit(dir, "KW-123 add login form");
    commit(dir, "Fix typo in footer");
    git(dir, "checkout", "-q", "-b", "feature");
    commit(dir, "KW-123 login tests");
    commit(dir, "KW-45 and KW-123: shared session store");
    git(dir, "checkout", "-q", "main");
    git(dir, "merge", "-q", "--no-ff", "-m", "Merge pull request #7 from acme/feature (KW-999)", "feature");
    commit(dir, "KW-9 bump dependency");
    git(dir, "tag", "release-2026-01-15");
    return dir;
}

describe("release notes", () => {
    describe("pure helpers", () => {
        it("finds each work-item key once, and ignores lower-case or key-like noise", () => {
            assert.deepEqual(workItemKeys("KW-123 and KW-45, again KW-123"), ["KW-123", "KW-45"]);
            assert.deepEqual(workItemKeys("kw-1 abc-2 K-x HTTP-"), []);
            assert.deepEqual(workItemKeys("OPS2-7 done"), ["OPS2-7"]);
        });

        it("orders keys by project then number (KW-9 before KW-10)", () => {
            assert.deepEqual(["KW-10", "AB-3", "KW-9"].sort(compareKeys), ["AB-3", "KW-9", "KW-10"]);
        });

        it("lists a commit naming two work items under both, and keyless commits as other changes", () => {
            const { items, other } = groupByWorkItem([
                { sha: "a", subject: "KW-1 and KW-2" },
                { sha: "b", subject: "cleanup" },
            ]);
            assert.deepEqual([...items.keys()], ["KW-1", "KW-2"]);
            assert.equal(items.get("KW-2")?.[0].sha, "a");
            assert.deepEqual(other.map((c) => c.sha), ["b"]);
        });

        it("rejects unknown CLI options and collects repeated --backup", () => {
            assert.deepEqual(parseArgs(["--backup", "db", "--backup", "files"]).backups, ["db", "files"]);
            assert.throws(() => parseArgs(["--nope", "x"]), /unknown option --nope/);
        });
    });

    describe("GIVEN a fixture history with releases release-2026-01-01 and release-2026-01-15", () => {
        let repo: string;
        before(() => {
            repo = fixtureRepo();
        });
        after(() => fs.rmSync(repo, { recursive: true, force: true }));

        it("WHEN the tagged head is released THEN the notes cover only the commits since the previous tag", () => {
            const notes = releaseNotes({ cwd: repo });
            assert.equal(notes.tag, "release-2026-01-15");
            assert.equal(notes.previousTag, "release-2026-01-01");
            assert.equal(notes.commits.length, 5, "five non-merge commits since the previous release");
            assert.ok(!notes.items.has("KW-1") && !notes.items.has("KW-2"), "work released before is not repeated");
            assert.ok(!notes.items.has("KW-999"), "merge commits are not listed");
        });

        it("THEN commits are grouped by work item, in key order, with other changes apart", () => {
            const notes = releaseNotes({ cwd: repo });
            assert.deepEqual([...notes.items.keys()], ["KW-9", "KW-45", "KW-123"]);
            assert.deepEqual(
                notes.items.get("KW-123")?.map((c) => c.subject).sort(),
                ["KW-123 add login form", "KW-123 login tests", "KW-45 and KW-123: shared session store"],
            );
            assert.deepEqual(notes.other.map((c) => c.subject), ["Fix typo in footer"]);
            assert.match(notes.markdown, /^# Release release-2026-01-15 \(staging\)$/m);
            assert.match(notes.markdown, /### KW-123\n(- KW-[^\n]+ \([0-9a-f]+\)\n){3}\n## Other changes\n\n- Fix typo in footer \([0-9a-f]+\)\n/);
        });

        it("THEN the backups taken are listed in the notes", () => {
            const notes = releaseNotes({ cwd: repo, backups: ["Database: RDS snapshot `staging-pre-release-1`"] });
            assert.match(notes.markdown, /## Backups taken before deploy\n\n- Database: RDS snapshot `staging-pre-release-1`\n$/);
        });

        it("WHEN the first release is described THEN the notes start at the first commit", () => {
            const notes = releaseNotes({ cwd: repo, head: "release-2026-01-01" });
            assert.equal(notes.previousTag, undefined);
            assert.deepEqual([...notes.items.keys()], ["KW-1", "KW-2"]);
            assert.match(notes.markdown, /Commits since the first commit: 2/);
        });

        it("WHEN the buildspec's shell runs on the same history THEN it writes the same notes as the script", function () {
            const spec = YAML.parse(fs.readFileSync(BUILDSPEC, "utf8")) as { phases: { build: { commands: string[] } } };
            const bin = fs.mkdtempSync(path.join(os.tmpdir(), "fake-aws-"));
            const awsLog = path.join(bin, "calls.log");
            fs.writeFileSync(path.join(bin, "aws"), `#!/bin/sh\necho "$@" >> ${awsLog}\n`, { mode: 0o755 });
            try {
                execFileSync("bash", ["-c", spec.phases.build.commands.join("\n")], {
                    cwd: repo,
                    env: {
                        ...process.env,
                        PATH: `${bin}:${process.env.PATH}`,
                        TAG_PATTERN: "release-*",
                        RELEASE_BRANCH: "main",
                        ARTIFACT_BUCKET: "artifacts-bucket",
                        STAGE: "staging",
                        PIPELINE_EXECUTION_ID: "exec-1",
                    },
                    stdio: ["ignore", "pipe", "pipe"],
                });
                const shellNotes = fs.readFileSync(path.join(repo, "NOTES.md"), "utf8");
                assert.equal(shellNotes, releaseNotes({ cwd: repo }).markdown);
                assert.match(fs.readFileSync(awsLog, "utf8"), /^s3 cp NOTES.md s3:\/\/artifacts-bucket\/release-notes\/exec-1\/NOTES.md$/m, "the notes are stored where the approval links");
            } finally {
                fs.rmSync(bin, { recursive: true, force: true });
                for (const f of ["NOTES.md", "commits.tsv"]) fs.rmSync(path.join(repo, f), { force: true });
            }
        });
    });
});
