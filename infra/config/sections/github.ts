/** Config rules of the `github` section: its values after defaults, and what is wrong with them. */
import { renderGiven } from "../../errors";
import { GitHubSettings, RepositorySettings } from "../../settings";
import { githubRuleProblems } from "../../githubRules";
import { DEFAULT_REPOSITORIES, MANAGED_BRANCHES } from "../defaults";
import { isBranch, STAGE_BRANCH } from "../../../lib/branches";
import { definedOnly, SectionContext } from "./context";

/** GitHub: repositories, rulesets, the stage's deployment gate and its reviewers. */
export function resolveGitHub(ctx: SectionContext): GitHubSettings {
    const { stage, c, d, k, problems } = ctx;
    const g = c.github ?? {};
    const repos: RepositorySettings[] = (g.repositories ?? DEFAULT_REPOSITORIES).map((r, i) => ({
        name: r.name ?? "",
        description: r.description ?? "",
        kind: r.kind ?? "software",
        deploys: r.deploys ?? (r.kind === undefined || r.kind !== "mobile"),
        visibility: r.visibility ?? "private",
        ...(r.name === undefined ? (problems.push({ key: k(`github.repositories[${i}].name`), given: "(missing)", allowed: "a repository name" }), {}) : {}),
    }));
    const github: GitHubSettings = {
        ...d.github,
        ...definedOnly(g),
        owner: g.owner ?? "",
        repositories: repos,
    };
    if (github.enabled && g.owner === undefined) {
        problems.push({ key: k("github.owner"), given: "(missing)", allowed: "the GitHub organisation name, or github.enabled: false" });
    }
    const repoCount = new Map<string, number>();
    for (const r of repos) repoCount.set(r.name.toLowerCase(), (repoCount.get(r.name.toLowerCase()) ?? 0) + 1);
    for (const [name, count] of repoCount) {
        if (name && count > 1) problems.push({ key: k(`github.repositories[${name}].name`), given: `"${name}" ${count} times`, allowed: "a repository name unique in the organisation (GitHub ignores case)" });
    }
    if (github.enabled && !repos.some((r) => r.name === github.infraRepository)) {
        problems.push({ key: k("github.infraRepository"), given: renderGiven(github.infraRepository), allowed: `one of the configured repositories (${repos.map((r) => r.name).join(", ")})` });
    }
    if (stage === "prod" && github.requiredApprovals < 1) {
        problems.push({ key: k("github.requiredApprovals"), given: String(github.requiredApprovals), allowed: "an integer from 1 to 6 in prod (merges only through reviewed pull requests)" });
    }
    if (!isBranch(github.deployBranch)) {
        problems.push({ key: k("github.deployBranch"), given: renderGiven(github.deployBranch), allowed: `one of the managed branches ${MANAGED_BRANCHES.map((b) => `"${b}"`).join(", ")}` });
    } else if (stage === "prod" && github.deployBranch !== STAGE_BRANCH.prod) {
        problems.push({ key: k("github.deployBranch"), given: renderGiven(github.deployBranch), allowed: `"${STAGE_BRANCH.prod}" in prod (only reviewed, released code deploys production)` });
    }
    if (github.enabled && (stage === "staging" || stage === "prod") && github.reviewers.length + github.reviewerTeams.length === 0) {
        problems.push({ key: k("github.reviewers"), given: "an empty list", allowed: `at least one reviewer or reviewer team in ${stage} (deployments need an approval)` });
    }

    problems.push(...githubRuleProblems(stage, github, k));
    return github;
}
