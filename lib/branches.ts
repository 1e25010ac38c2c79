/**
 * The one list of branches: which git branch each stage deploys from. GitHubRepos' branches and
 * rulesets, the stage defaults (`pipeline.branch`, `github.deployBranch`) and the config rules
 * derive from it; `.github/workflows/deploy.yml`, `templates/release-label-check.yml` and the docs
 * cannot import it, so tests/workflows.test.ts and tests/branches.test.ts hold them to it.
 */
import { STAGES, Stage } from "./stage";

/** The branch each stage deploys from: dev → dev, test → qa, staging and prod → main. */
export const STAGE_BRANCH = { dev: "dev", test: "qa", staging: "main", prod: "main" } as const satisfies Record<Stage, string>;

/** One of the branches a stage deploys from. */
export type Branch = (typeof STAGE_BRANCH)[Stage];

/** The repositories' default branch: releases are tagged on it, staging and prod deploy from it. */
export const RELEASE_BRANCH: Branch = STAGE_BRANCH.staging;

/** Is `x` one of the branches stages deploy from? (A type guard: no cast where a setting is checked.) */
export function isBranch(x: unknown): x is Branch {
    return BRANCHES.some((b) => b === x);
}

/** The branches every repository that deploys has and protects, in promotion order (dev, qa, main). */
export const BRANCHES: readonly Branch[] = STAGES.map((s) => STAGE_BRANCH[s]).filter((b, i, all) => all.indexOf(b) === i);
