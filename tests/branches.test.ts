// Issue 23 step 5, "one list of branches": which branch deploys which stage is written once, in
// lib/branches.ts. The code derives from it (no branch name spelled again under components/,
// infra/, lib/, tools/), and what cannot import it — the release gate template, the README — is
// held to it here (deploy.yml is held to it in tests/workflows.test.ts).
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { BRANCHES, RELEASE_BRANCH, STAGE_BRANCH } from "../lib/branches";
import { STAGES } from "../lib/stage";
import { MANAGED_BRANCHES, STAGE_DEFAULTS } from "../infra/config";
import { STAGE_BRANCHES } from "../components/githubRepos";
import { ROOT, sourcesUnder } from "./fixtures/sources";



/** A branch name as a string literal, `"qa"` or `'main'` (not `"main-…"`, not `name + "main"`, not a comment's `main`). */
function branchLiterals(text: string, branches: readonly string[]): string[] {
    const literal = new RegExp(`(?<![+]\\s*)(["'])(${branches.join("|")})\\1`);
    return text.split("\n").filter((line) => literal.test(line));
}

describe("branches: one list (lib/branches.ts)", () => {
    it("GIVEN the four stages THEN dev deploys from dev, test from qa, staging and prod from main, and the managed branches are dev, qa, main", () => {
        assert.deepEqual(STAGE_BRANCH, { dev: "dev", test: "qa", staging: "main", prod: "main" });
        assert.deepEqual(BRANCHES, ["dev", "qa", "main"]);
        assert.equal(RELEASE_BRANCH, "main");
    });

    it("GIVEN the stage defaults and GitHubRepos THEN every branch list is the one list", () => {
        assert.equal(MANAGED_BRANCHES, BRANCHES, "infra/config's managed branches are lib/branches' list");
        assert.equal(STAGE_BRANCHES, BRANCHES, "GitHubRepos' branches are lib/branches' list");
        for (const stage of STAGES) {
            assert.equal(STAGE_DEFAULTS[stage].github.deployBranch, STAGE_BRANCH[stage], `${stage}: github.deployBranch`);
            assert.equal(STAGE_DEFAULTS[stage].pipeline.branch, STAGE_BRANCH[stage], `${stage}: pipeline.branch`);
        }
    });

    it("GIVEN the sources under components/, infra/, lib/, tools/ THEN no file but lib/branches.ts spells a branch name (qa, main) as a literal", () => {
        const found: string[] = [];
        for (const dir of ["components", "infra", "lib", "tools"]) {
            for (const file of sourcesUnder(dir, /\.ts$/)) {
                if (file === path.join("lib", "branches.ts")) continue;
                const text = fs.readFileSync(path.join(ROOT, file), "utf8");
                for (const line of branchLiterals(text, ["qa", "main"])) found.push(`${file}: ${line.trim()}`);
            }
        }
        assert.deepEqual(found, []);
    });

    it("GIVEN templates/release-label-check.yml THEN it gates pull requests into the release branch", () => {
        const workflow = parse(fs.readFileSync(path.join(ROOT, "templates", "release-label-check.yml"), "utf8")) as { on: { pull_request: { branches: string[] } } };
        assert.deepEqual(workflow.on.pull_request.branches, [RELEASE_BRANCH]);
    });

    it("GIVEN the README's stage table THEN each stage that builds names the branch it deploys from", () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        for (const stage of STAGES.filter((s) => STAGE_DEFAULTS[s].pipeline.trigger !== "promote")) {
            const row = readme.split("\n").find((l) => l.startsWith(`| ${stage} |`));
            assert.ok(row, `README has a row for ${stage}`);
            assert.ok(row.includes(`\`${STAGE_BRANCH[stage]}\``), `README's ${stage} row names \`${STAGE_BRANCH[stage]}\`: ${row}`);
        }
    });
});
