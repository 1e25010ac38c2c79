/**
 * GitHub rules the stack files must satisfy before anything is created (issue 18, finding 7):
 * what the organisation's GitHub plan allows for the stage's deployment gate (its GitHub Environment), and the automation's
 * place on the rulesets' bypass list. Called from infra/config/sections/github.ts.
 */
import { ConfigProblem, renderGiven } from "./errors";
import { GitHubSettings, Stage } from "./settings";

/** GitHub's plans, as far as Environments care. */
export const GITHUB_PLANS = ["free", "team", "enterprise"] as const;
export type GitHubPlan = (typeof GITHUB_PLANS)[number];

/**
 * Environments in a private or internal repository need GitHub Team (or Pro) at least; required
 * reviewers there need GitHub Enterprise — "If you are on a GitHub Free, GitHub Pro, or GitHub
 * Team plan, other deployment protection rules, such as a wait timer or required reviewers, are
 * only available for public repositories":
 * https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-deployments/managing-environments-for-deployment
 * Without the plan, GitHub would not enforce the approval: refuse rather than deploy unguarded.
 */
export const ENVIRONMENTS_PLAN_DOC = "https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-deployments/managing-environments-for-deployment";

/** The rulesets' bypass list (GitHub Apps are eligible). */
export const RULESET_BYPASS_DOC = "https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-rulesets/creating-rulesets-for-a-repository#granting-bypass-permissions-for-your-ruleset";

/** Does this stage's deployment gate have required reviewers? */
export function hasRequiredReviewers(g: Pick<GitHubSettings, "reviewers" | "reviewerTeams">): boolean {
    return g.reviewers.length + g.reviewerTeams.length > 0;
}

/** Does this stack commit a file (the release gate) to a repository's protected `main`? */
export function commitsToProtectedMain(g: Pick<GitHubSettings, "enabled" | "manageOrgResources" | "repositories">): boolean {
    return g.enabled && g.manageOrgResources && g.repositories.some((r) => r.kind === "software");
}

/** Problems with `github.plan` and `github.automationAppId`; `key` builds full key names. */
export function githubRuleProblems(stage: Stage, g: GitHubSettings, key: (k: string) => string): ConfigProblem[] {
    if (!g.enabled) return [];
    const out: ConfigProblem[] = [];
    const infra = g.repositories.find((r) => r.name === g.infraRepository);
    const privateInfra = infra !== undefined && infra.visibility !== "public";
    if (g.plan === undefined) {
        out.push({ key: key("github.plan"), given: "(missing)", allowed: `the organisation's GitHub plan, one of ${GITHUB_PLANS.map((p) => `"${p}"`).join(", ")} (what its Environments can enforce: ${ENVIRONMENTS_PLAN_DOC})` });
    } else if (privateInfra && g.plan === "free") {
        out.push({
            key: key("github.plan"),
            given: renderGiven(g.plan),
            allowed: `"team" or "enterprise" while the ${g.infraRepository} repository is ${infra.visibility} (GitHub Free has no Environments in private repositories: ${ENVIRONMENTS_PLAN_DOC}), or make it public`,
        });
    } else if (privateInfra && g.plan !== "enterprise" && hasRequiredReviewers(g)) {
        out.push({
            key: key("github.plan"),
            given: renderGiven(g.plan),
            allowed: `"enterprise" while ${stage}'s Environment has required reviewers on the ${infra.visibility} ${g.infraRepository} repository (on GitHub ${g.plan} they are public-repository only, so the approval would not be enforced: ${ENVIRONMENTS_PLAN_DOC}), or make the repository public`,
        });
    }
    if (commitsToProtectedMain(g) && g.automationAppId === undefined) {
        out.push({
            key: key("github.automationAppId"),
            given: "(missing)",
            allowed: `the id of the GitHub App ${stage}'s pulumi up authenticates as (github:appAuth): it goes on the rulesets' bypass list, so a changed release-gate workflow can still be committed to main once pull requests are required (${RULESET_BYPASS_DOC})`,
        });
    }
    return out;
}
