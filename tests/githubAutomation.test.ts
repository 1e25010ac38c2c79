/**
 * Issue 18, finding 7: what GitHub would refuse after the first deploy, made explicit.
 * - The release gate is committed to `main` of the software repositories; once the rulesets
 *   require pull requests, only a bypass actor can commit there. The automation's GitHub App
 *   (`github.automationAppId`) is that actor, on exactly the rulesets protecting the file.
 * - Required reviewers on a private repository's Environment need GitHub Enterprise: the stack
 *   file states the plan (`github.plan`) and a plan that cannot enforce the approval is refused.
 */
import { strict as assert } from "node:assert";
import * as path from "path";
import { ofType, planStackFile, ROOT, stackSettings, StackPlan } from "../tools/harness";
import { RawConfig, readStackFile } from "../infra/config";
import { configProblems } from "./fixtures/configProblems";
import { RELEASE_WORKFLOW_PATH, validateGitHubArgs } from "../components/githubRepos";

const RULESET = "github:index/repositoryRuleset:RepositoryRuleset";
const FILE = "github:index/repositoryFile:RepositoryFile";

const raw = (stack: string): RawConfig => readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`), stack).config;
const withGithub = (stack: string, change: Record<string, unknown>): RawConfig => {
    const c = raw(stack);
    const g = { ...JSON.parse(c["stageline:github"]), ...change };
    for (const [k, v] of Object.entries(change)) if (v === undefined) delete g[k];
    return { ...c, "stageline:github": JSON.stringify(g) };
};
const problems = configProblems;

describe("GitHub automation and plan (finding 7)", () => {
    let prod: StackPlan;
    before(async () => {
        prod = await planStackFile("prod");
    });

    describe("the release gate on a protected main", () => {
        it("GIVEN prod THEN every ruleset over a branch carrying the gate file lists the automation's App as its one bypass actor", () => {
            const gates = ofType(prod, FILE).filter((f) => f.inputs.file === RELEASE_WORKFLOW_PATH);
            assert.ok(gates.length > 0);
            for (const gate of gates) {
                assert.equal(gate.inputs.branch, "main");
                const rulesets = ofType(prod, RULESET).filter((r) => r.inputs.repository === gate.inputs.repository && (r.inputs.conditions as { refName: { includes: string[] } }).refName.includes.includes("refs/heads/main"));
                assert.equal(rulesets.length, 2, String(gate.inputs.repository));
                for (const r of rulesets) assert.deepEqual(r.inputs.bypassActors, [{ actorId: 912345, actorType: "Integration", bypassMode: "always" }], r.name);
            }
        });

        it("THEN repositories stageline commits nothing to keep rulesets with no bypass at all", () => {
            const gated = new Set(ofType(prod, FILE).map((f) => f.inputs.repository));
            const others = ofType(prod, RULESET).filter((r) => !gated.has(r.inputs.repository));
            assert.ok(others.length > 0);
            for (const r of others) assert.equal(r.inputs.bypassActors, undefined, r.name);
        });

        it("GIVEN prod without github.automationAppId THEN the stack is refused, saying why", () => {
            assert.deepEqual(problems("prod", withGithub("prod", { automationAppId: undefined })), [
                "stageline:github.automationAppId is (missing); allowed: the id of the GitHub App prod's pulumi up authenticates as (github:appAuth): it goes on the rulesets' bypass list, so a changed release-gate workflow can still be committed to main once pull requests are required (https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-rulesets/creating-rulesets-for-a-repository#granting-bypass-permissions-for-your-ruleset)",
            ]);
        });

        it("GIVEN args built around the config THEN the component refuses a missing App id too, before any resource", () => {
            const s = stackSettings("prod");
            const args = { stage: s.stage, github: { ...s.github, automationAppId: undefined }, region: s.region, accountId: "123456789012", tags: {} };
            assert.deepEqual(validateGitHubArgs(args), ["github.automationAppId is missing; allowed: the GitHub App id pulumi up runs as (the rulesets' bypass actor, so the release gate file on main can be updated)"]);
        });
    });

    describe("the organisation's plan and required reviewers", () => {
        const DOC = "https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-deployments/managing-environments-for-deployment";

        it("GIVEN a stack file without github.plan THEN it is refused, listing the plans", () => {
            assert.deepEqual(problems("dev", withGithub("dev", { plan: undefined })), [
                `stageline:github.plan is (missing); allowed: the organisation's GitHub plan, one of "free", "team", "enterprise" (what its Environments can enforce: ${DOC})`,
            ]);
        });

        it("GIVEN staging (required reviewers) on GitHub Team with a private infrastructure repository THEN it is refused: the approval would not be enforced", () => {
            assert.deepEqual(problems("staging", withGithub("staging", { plan: "team" })), [
                `stageline:github.plan is "team"; allowed: "enterprise" while staging's Environment has required reviewers on the private infrastructure repository (on GitHub team they are public-repository only, so the approval would not be enforced: ${DOC}), or make the repository public`,
            ]);
        });

        it("GIVEN dev (no reviewers) on GitHub Team THEN it is accepted; on GitHub Free it is refused (no Environments in private repositories)", () => {
            assert.deepEqual(problems("dev", withGithub("dev", { plan: "team" })), []);
            assert.deepEqual(problems("dev", withGithub("dev", { plan: "free" })), [
                `stageline:github.plan is "free"; allowed: "team" or "enterprise" while the infrastructure repository is private (GitHub Free has no Environments in private repositories: ${DOC}), or make it public`,
            ]);
        });

        it("GIVEN a public infrastructure repository THEN reviewers work on every plan", () => {
            const repos = stackSettings("staging").github.repositories.map((r) => (r.name === "infrastructure" ? { ...r, visibility: "public" } : r));
            assert.deepEqual(problems("staging", withGithub("staging", { plan: "free", repositories: repos })), []);
        });

        it("GIVEN an unknown plan THEN the shape names the allowed values", () => {
            assert.deepEqual(problems("dev", withGithub("dev", { plan: "pro" })), ['stageline:github.plan is "pro"; allowed: one of "free", "team", "enterprise"']);
        });
    });
});
