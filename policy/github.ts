/** GitHub rules: repositories private, `main` changed only through reviewed pull requests. */
import { asList, baseline, dependsOn, ofTypes, ResourceRule, Rule, StackRule, Subject } from "./rule";
import { T } from "./types";

interface RulesetProps {
    repository?: string;
    target?: string;
    enforcement?: string;
    conditions?: { refName?: { includes?: string[]; excludes?: string[] } };
    rules?: { pullRequest?: { requiredApprovingReviewCount?: number } };
}

/** True when a ruleset (repository or organization) requires a reviewed PR on `main` of `repo`. */
export function rulesetProtectsMain(ruleset: Subject, repo: Subject): boolean {
    const p = ruleset.props as RulesetProps;
    if (ruleset.type === T.githubRuleset) {
        const linked = p.repository === repo.props.name || p.repository === repo.name || (ruleset.dependencies !== undefined && dependsOn(ruleset, repo));
        if (!linked) return false;
    }
    if ((p.target ?? "branch") !== "branch" || (p.enforcement ?? "active") !== "active") return false;
    const includes = asList(p.conditions?.refName?.includes);
    const coversMain = includes.some((x) => ["~DEFAULT_BRANCH", "~ALL", "refs/heads/main", "main"].includes(x));
    return coversMain && Number(p.rules?.pullRequest?.requiredApprovingReviewCount ?? 0) >= 1;
}

function branchProtectionProtectsMain(bp: Subject, repo: Subject): boolean {
    const p = bp.props as { repositoryId?: string; pattern?: string; requiredPullRequestReviews?: { requiredApprovingReviewCount?: number }[] };
    const linked = p.repositoryId === repo.props.name || p.repositoryId === repo.name || (bp.dependencies !== undefined && dependsOn(bp, repo));
    return linked && p.pattern === "main" && asList(p.requiredPullRequestReviews).some((r) => Number(r.requiredApprovingReviewCount ?? 0) >= 1);
}

export const githubRules: Rule[] = [
    ...baseline<ResourceRule>("github-repository-private", {
        kind: "resource",
        description: "Our repositories are not public: source, workflows and infrastructure stay inside the organisation.",
        types: [T.githubRepository],
        check(r, f) {
            const visibility = (r.props.visibility as string | undefined) ?? (r.props.private === true ? "private" : "public");
            if (visibility === "public") f.fail(`GitHub repository "${r.props.name ?? r.name}" must be private (visibility is ${visibility}).`, r.urn);
        },
    }),
    ...baseline<StackRule>("github-main-reviewed-prs", {
        kind: "stack",
        description: "Every repository's main branch changes only through pull requests with at least one approving review (an active ruleset).",
        check(resources, f) {
            const rulesets = ofTypes(resources, T.githubRuleset, T.githubOrgRuleset);
            const protections = ofTypes(resources, T.githubBranchProtection);
            for (const repo of ofTypes(resources, T.githubRepository)) {
                f.guard(repo, () => {
                    const ok = rulesets.some((rs) => rulesetProtectsMain(rs, repo)) || protections.some((bp) => branchProtectionProtectsMain(bp, repo));
                    if (!ok) f.fail(`GitHub repository "${repo.props.name ?? repo.name}" needs an active ruleset on main requiring pull requests with at least 1 approving review.`, repo.urn);
                });
            }
        },
    }),
];
