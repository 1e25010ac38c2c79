/**
 * GitHubRepos: the GitHub side of the platform and the keyless deploy identity.
 *
 * Org-wide objects — repositories, their branches and rulesets, the work-state labels, the
 * release-gate workflow and the AWS OIDC provider for GitHub — are created only by the stack whose
 * `github.manageOrgResources` is true (prod by default). Every stack owns its stage's deployment
 * gate — the GitHub Environment named after the stage on the infrastructure repository, with its
 * reviewers and branch policy — the IAM role deploys through that gate assume, and the gate's
 * Actions variables holding that role's ARN and the region. No two stacks manage the same GitHub object.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as github from "@pulumi/github";
import type { Stage } from "../lib/stage";
import { BRANCHES, isBranch, RELEASE_BRANCH } from "../lib/branches";
import { Tags } from "./types";
import { OIDC_HOST, PREVIEW_ROLE_NAME, deployPolicyDocuments, deployTrustPolicy } from "./deployRolePolicy";
import type { TrustPolicyDocument } from "./deployRolePolicy";
import { ArgsError, checkArgs } from "./argsError";

// The deploy role's catalogue (components/deployRolePolicy.ts), where callers have always imported it.
export { OIDC_HOST, PREVIEW_ROLE_NAME, deployPolicyDocuments, deployTrustPolicy } from "./deployRolePolicy";
export type { DeployPolicyInput, PolicyDocument, PolicyStatement } from "./deployRolePolicy";

export type RepositoryKind = "software" | "image" | "infrastructure" | "devops" | "mobile";

export interface RepositoryArgs {
    readonly name: string;
    readonly description: string;
    readonly kind: RepositoryKind;
    /** Whether the repository deploys through stage branches (dev/qa/main). */
    readonly deploys: boolean;
    readonly visibility: "private" | "internal" | "public";
}

export interface GitHubArgs {
    /** Manage GitHub at all from this stack. */
    readonly enabled: boolean;
    /** The GitHub organisation. */
    readonly owner: string;
    /** Whether this stack owns org-wide objects (repositories, rulesets, labels, OIDC provider). */
    readonly manageOrgResources: boolean;
    /** The infrastructure repository (this one), holding the per-stage deployment gates (GitHub Environments). */
    readonly infraRepository: string;
    readonly repositories: readonly RepositoryArgs[];
    /** Approving reviews a pull request needs. */
    readonly requiredApprovals: number;
    /** GitHub user logins who approve deployments of this stage. */
    readonly reviewers: readonly string[];
    /** Team slugs who approve deployments of this stage. */
    readonly reviewerTeams: readonly string[];
    /**
     * Status checks required on the infrastructure repository's protected branches (dev, qa,
     * main): the offline plan and the per-stack previews. Other repositories run other CI.
     */
    readonly requiredChecks: readonly string[];
    /**
     * The infrastructure repository's branch allowed to deploy this stage (the branch policy of
     * its deployment gate): one of the managed branches `dev`, `qa`, `main` (lib/branches.ts).
     * Defaults: dev → dev, test → qa, staging → main, prod → main.
     */
    readonly deployBranch: string;
    /** The organisation's GitHub plan: what its deployment gates (Environments) can enforce in private repositories (infra/githubRules.ts). */
    readonly plan?: "free" | "team" | "enterprise";
    /**
     * The GitHub App the org-owning stack's `pulumi up` authenticates as: the one bypass actor of
     * the rulesets, so stageline can update the files it commits to protected branches.
     */
    readonly automationAppId?: number;
}

/** The branches created and protected in every repository that deploys (the one list: lib/branches.ts). */
export const STAGE_BRANCHES = BRANCHES;
/** The team's work states, as issue/PR labels. */
export const WORK_LABELS: readonly { name: string; color: string; description: string }[] = [
    { name: "In Progress", color: "fbca04", description: "Someone is working on it" },
    { name: "In Review", color: "1d76db", description: "Waiting for review" },
    { name: "Done", color: "0e8a16", description: "Reviewed and merged" },
    { name: "Release to Staging", color: "5319e7", description: "Approved for the next staging release (required to merge into main)" },
];
/** The label a pull request into `main` must carry. */
export const RELEASE_LABEL = "Release to Staging";
/** The status check (the workflow's job name) the `main` ruleset of software repositories requires. */
export const RELEASE_CHECK = "release-label";
/** Where the release gate workflow is committed in the software repositories. */
export const RELEASE_WORKFLOW_PATH = ".github/workflows/release-label-check.yml";
/** The workflow's source in this repository. */
export const RELEASE_WORKFLOW_TEMPLATE = path.resolve(__dirname, "..", "templates", "release-label-check.yml");
/** The Actions variable of each deployment gate holding the stage's deploy role ARN. */
export const DEPLOY_ROLE_VARIABLE = "AWS_DEPLOY_ROLE_ARN";
/** Repository variable holding the read-only role pull-request previews assume. */
export const PREVIEW_ROLE_VARIABLE = "AWS_PREVIEW_ROLE_ARN";

export interface GitHubReposArgs {
    /** The stage this stack is; names its deployment gate and scopes its deploy role. @default none (required) */
    readonly stage: Stage;
    /** Validated GitHub settings of the stage (owner, repositories, reviewers, branch). @default none (required) */
    readonly github: GitHubArgs;
    /** AWS region of the stage (deploy role scoping, Actions variable `AWS_REGION`). @default none (required) */
    readonly region: string;
    /** AWS account id (the OIDC provider ARN in stacks that do not own it, policy ARNs). @default none (required) */
    readonly accountId: pulumi.Input<string>;
    /** Tags on every AWS resource. @default none (required) */
    readonly tags: Tags;
    /**
     * Stages whose network resources this stage's deploy also changes (staging peers with prod
     * and adds routes to prod's route tables), granted a few EC2 network actions.
     * @default [] — pass `["prod"]` for a stage on prod's shared database
     */
    readonly peerStages?: readonly Stage[];
    /**
     * The release gate workflow's file (read at construction, so its content is known at plan time).
     * @default templates/release-label-check.yml
     */
    readonly releaseWorkflowFile?: string;
    /**
     * The DNS name the stage serves (`staging.example.com`): the only record names (it and names
     * under it, such as the certificate's validation record) its deploy role may change.
     * @default none — the deploy role may change no DNS record
     */
    readonly hostname?: string;
    /**
     * The organisation objects this stage's deployment gate and deploy role hang on, when another
     * stack (prod) owns them: read by the program (infra/stacks.ts), never by this component.
     * @default none (required unless `github.manageOrgResources`)
     */
    readonly org?: { readonly oidcProviderArn: pulumi.Input<string>; readonly infraRepository: pulumi.Input<string> };
}

/** What a stage's deployment gate (GitHub Environment) accepts and which identity it deploys as. */
export class GitHubRepos extends pulumi.ComponentResource {
    /** ARN of the stage's deploy role (assumed through the stage's deployment gate, by OIDC). */
    readonly deployRoleArn: pulumi.Output<string>;
    /** The deployment gate (GitHub Environment) this stack owns: the stage's name. Output name kept (`environmentName`): it is the users' contract. */
    readonly environmentName: string;
    /** The repositories this stack manages (empty unless it owns org-wide resources). */
    readonly repositoryNames: readonly string[];
    /** When this stack owns the organisation objects: what the other stages' deployment gates and roles hang on. */
    readonly org?: pulumi.Output<{ oidcProviderArn: string; infraRepository: string }>;

    constructor(name: string, args: GitHubReposArgs, opts?: pulumi.ComponentResourceOptions) {
        super("stageline:github:GitHubRepos", name, {}, opts);
        checkArgs("GitHubRepos", name, validateGitHubArgs(args), this);
        const g = args.github;
        const workflow = fs.readFileSync(args.releaseWorkflowFile ?? RELEASE_WORKFLOW_TEMPLATE, "utf8");

        // The GitHub provider comes from opts (`providers: [github]` or `provider`, e.g. a program
        // that authenticates as its App); without one, the component makes one for the organisation.
        // https://www.pulumi.com/docs/iac/concepts/resources/options/providers/
        const provider = this.getProvider("github:index:Repository") ?? new github.Provider(`${name}-github`, { owner: g.owner }, { parent: this });
        const ctx: Ctx = { name, args, parent: this, gh: { parent: this, provider } };

        const org = g.manageOrgResources ? createOrgResources(ctx, workflow) : undefined;
        // Not the owner: prod's provider and repository, so this stack cannot deploy before prod's (infra/stacks.ts).
        const hangOn = org
            ? { oidcProviderArn: org.oidcProvider.arn, infraRepository: org.repositories.get(g.infraRepository)?.name.apply((n) => n ?? g.infraRepository) ?? g.infraRepository }
            : args.org;
        // validateGitHubArgs has refused a stack that neither owns the organisation objects nor is given them.
        if (hangOn === undefined) throw new ArgsError("GitHubRepos", name, [ORG_MISSING], this);
        const providerArn = hangOn.oidcProviderArn;
        const infraRepo = hangOn.infraRepository;

        const deploymentGate = createDeploymentGate(ctx, infraRepo);
        const role = createDeployRole(ctx, providerArn);
        createDeploymentGateVariables(ctx, infraRepo, deploymentGate, role.arn);
        if (org) createPreviewRole(ctx, providerArn, infraRepo);

        this.deployRoleArn = role.arn;
        this.environmentName = args.stage;
        this.repositoryNames = org ? [...org.repositories.keys()] : [];
        this.org = org ? pulumi.all([providerArn, infraRepo]).apply(([oidcProviderArn, infraRepository]) => ({ oidcProviderArn, infraRepository })) : undefined;
        this.registerOutputs({ deployRoleArn: this.deployRoleArn, environmentName: this.environmentName, repositoryNames: this.repositoryNames, org: this.org });
    }
}

const ORG_MISSING = "org is missing; allowed: the OIDC provider and infrastructure repository of the stack that owns them (prod; infra/stacks.ts)";

/** Checks the args before any resource is made; returns every problem, in words a user can act on. */
export function validateGitHubArgs(args: GitHubReposArgs): string[] {
    const g = args.github;
    const out: string[] = [];
    if (!g.owner) out.push("github.owner is empty; set the GitHub organisation");
    if (g.manageOrgResources && g.repositories.some((r) => r.kind === "software") && g.automationAppId === undefined) {
        out.push("github.automationAppId is missing; allowed: the GitHub App id pulumi up runs as (the rulesets' bypass actor, so the release gate file on main can be updated)");
    }
    if (!g.manageOrgResources && args.org === undefined) out.push(ORG_MISSING);
    const seen = new Set<string>();
    for (const r of g.repositories) {
        const key = r.name.toLowerCase();
        if (seen.has(key)) out.push(`repository "${r.name}" is listed twice (GitHub ignores case)`);
        seen.add(key);
    }
    if (!g.repositories.some((r) => r.name === g.infraRepository)) out.push(`infraRepository "${g.infraRepository}" is not one of the repositories`);
    if (!isBranch(g.deployBranch)) out.push(`deployBranch "${g.deployBranch}" is not a managed branch (${STAGE_BRANCHES.join(", ")})`);
    return out;
}

interface Ctx {
    name: string;
    args: GitHubReposArgs;
    parent: pulumi.Resource;
    /** Options of every GitHub child: this component as parent, the explicit provider. */
    gh: pulumi.CustomResourceOptions;
}

interface OrgResources {
    repositories: Map<string, github.Repository>;
    oidcProvider: aws.iam.OpenIdConnectProvider;
}

/** Repositories, branches, labels, the release gate, rulesets and the OIDC provider. */
function createOrgResources(ctx: Ctx, workflow: string): OrgResources {
    const repositories = new Map<string, github.Repository>();
    for (const r of ctx.args.github.repositories) {
        const repo = createRepository(ctx, r);
        repositories.set(r.name, repo);
        const labels = r.kind === "software" ? createLabels(ctx, r, repo) : [];
        const gate = r.kind === "software" ? commitReleaseGate(ctx, r, repo, workflow) : undefined;
        const branches = createBranches(ctx, r, repo, gate ? [gate] : []);
        createRulesets(ctx, r, repo, [...branches, ...labels, ...(gate ? [gate] : [])]);
    }
    const oidcProvider = new aws.iam.OpenIdConnectProvider(
        `${ctx.name}-github-oidc`,
        { url: `https://${OIDC_HOST}`, clientIdLists: ["sts.amazonaws.com"], tags: { ...ctx.args.tags, Name: `${ctx.name}-github-oidc` } },
        // Every stage's deploy role trusts it: losing it stops all deploys.
        { parent: ctx.parent, protect: true },
    );
    return { repositories, oidcProvider };
}

function createRepository(ctx: Ctx, r: RepositoryArgs): github.Repository {
    return new github.Repository(
        `${ctx.name}-repo-${r.name}`,
        {
            name: r.name,
            description: r.description,
            visibility: r.visibility,
            autoInit: true, // `main` exists, so branches and the gate file can be created from it
            vulnerabilityAlerts: true,
            deleteBranchOnMerge: true,
            allowSquashMerge: true,
            allowMergeCommit: false,
            allowRebaseMerge: false,
            squashMergeCommitTitle: "PR_TITLE",
            squashMergeCommitMessage: "PR_BODY",
            hasIssues: true,
            hasWiki: false,
            hasProjects: false,
            archiveOnDestroy: true,
        },
        // A deploy never deletes code: protected in the state, archived (not deleted) if removed.
        { ...ctx.gh, protect: true },
    );
}

/** `main` as default; `dev` and `qa` from `main` where the repository deploys. */
function createBranches(ctx: Ctx, r: RepositoryArgs, repo: github.Repository, after: pulumi.Resource[]): pulumi.Resource[] {
    const out: pulumi.Resource[] = [];
    if (r.deploys) {
        for (const b of STAGE_BRANCHES.filter((x) => x !== RELEASE_BRANCH)) {
            // Created after the gate file is on main, so every stage branch carries it.
            out.push(new github.Branch(`${ctx.name}-${r.name}-branch-${b}`, { repository: repo.name, branch: b, sourceBranch: RELEASE_BRANCH }, { ...ctx.gh, dependsOn: after }));
        }
    }
    out.push(new github.BranchDefault(`${ctx.name}-${r.name}-default-branch`, { repository: repo.name, branch: RELEASE_BRANCH }, ctx.gh));
    return out;
}

function createLabels(ctx: Ctx, r: RepositoryArgs, repo: github.Repository): pulumi.Resource[] {
    return WORK_LABELS.map(
        (l) =>
            new github.IssueLabel(
                `${ctx.name}-${r.name}-label-${l.name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`,
                { repository: repo.name, name: l.name, color: l.color, description: l.description },
                ctx.gh,
            ),
    );
}

/** Commits the label check to `main` before the ruleset that then protects it exists. */
function commitReleaseGate(ctx: Ctx, r: RepositoryArgs, repo: github.Repository, workflow: string): github.RepositoryFile {
    return new github.RepositoryFile(
        `${ctx.name}-${r.name}-release-gate`,
        {
            repository: repo.name,
            branch: RELEASE_BRANCH,
            file: RELEASE_WORKFLOW_PATH,
            content: workflow,
            commitMessage: `Release gate: PRs into main need the "${RELEASE_LABEL}" label (managed by stageline)`,
            overwriteOnCreate: true,
        },
        ctx.gh,
    );
}

/**
 * The rules of a repository's branches, in two rulesets GitHub layers together:
 * `<repo>-branches` on every stage branch (PR with approvals, stale reviews dismissed, required
 * checks, no force push, no deletion) and `<repo>-main` on `main` (linear history, and in software
 * repositories the release-label check). People, administrators included, are bound. In software
 * repositories, where stageline commits the release gate to `main`, the automation's GitHub App
 * (`github.automationAppId`) is the one bypass actor, so a changed gate can still be committed
 * once pull requests are required — else GitHub refuses it ("Repository rule violations found")
 * and prod's `pulumi up` fails. GitHub Apps may be on a ruleset's bypass list:
 * https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-rulesets/creating-rulesets-for-a-repository#granting-bypass-permissions-for-your-ruleset
 * (`bypassActors`, actorType "Integration" with the App id: https://www.pulumi.com/registry/packages/github/api-docs/repositoryruleset/)
 */
function createRulesets(ctx: Ctx, r: RepositoryArgs, repo: github.Repository, after: pulumi.Resource[]): void {
    const g = ctx.args.github;
    const branches = r.deploys ? [...STAGE_BRANCHES] : [RELEASE_BRANCH];
    const checks = r.kind === "infrastructure" ? [...g.requiredChecks] : [];
    const bypassActors = releaseGateBypass(g, r);
    const statusChecks = (names: string[]) =>
        names.length > 0 ? { requiredChecks: names.map((context) => ({ context })), strictRequiredStatusChecksPolicy: true } : undefined;
    new github.RepositoryRuleset(
        `${ctx.name}-${r.name}-ruleset-branches`,
        {
            repository: repo.name,
            name: `${r.name}-branches`,
            target: "branch",
            enforcement: "active",
            bypassActors,
            conditions: { refName: { includes: branches.map((b) => `refs/heads/${b}`), excludes: [] } },
            rules: {
                pullRequest: {
                    requiredApprovingReviewCount: g.requiredApprovals,
                    dismissStaleReviewsOnPush: true,
                    requireLastPushApproval: g.requiredApprovals > 0,
                    requiredReviewThreadResolution: true,
                    allowedMergeMethods: ["squash"],
                },
                requiredStatusChecks: statusChecks(checks),
                nonFastForward: true,
                deletion: true,
            },
        },
        { ...ctx.gh, dependsOn: after },
    );
    new github.RepositoryRuleset(
        `${ctx.name}-${r.name}-ruleset-main`,
        {
            repository: repo.name,
            name: `${r.name}-main`,
            target: "branch",
            enforcement: "active",
            bypassActors,
            conditions: { refName: { includes: [`refs/heads/${RELEASE_BRANCH}`], excludes: [] } },
            rules: {
                requiredLinearHistory: true,
                nonFastForward: true,
                deletion: true,
                requiredStatusChecks: statusChecks(r.kind === "software" ? [RELEASE_CHECK] : []),
            },
        },
        { ...ctx.gh, dependsOn: after },
    );
}

/** The rulesets' bypass list: the automation's App where stageline commits to `main` (software repositories), else none. */
export function releaseGateBypass(g: Pick<GitHubArgs, "automationAppId">, r: Pick<RepositoryArgs, "kind">): { actorId: number; actorType: string; bypassMode: string }[] | undefined {
    if (r.kind !== "software" || g.automationAppId === undefined) return undefined;
    return [{ actorId: g.automationAppId, actorType: "Integration", bypassMode: "always" }];
}

/** The stage's deployment gate, a GitHub Environment on the infrastructure repository: reviewers and the one branch it accepts. */
function createDeploymentGate(ctx: Ctx, infraRepo: pulumi.Input<string>): github.RepositoryEnvironment {
    const { args, name } = ctx;
    const g = args.github;
    const users = g.reviewers.map((login) => github.getUserOutput({ username: login }, { parent: ctx.parent, provider: ctx.gh.provider }).id.apply(Number));
    const teams = g.reviewerTeams.map((slug) => github.getTeamOutput({ slug, summaryOnly: true }, { parent: ctx.parent, provider: ctx.gh.provider }).id.apply(Number));
    const hasReviewers = users.length + teams.length > 0;
    const deploymentGate = new github.RepositoryEnvironment(
        `${name}-environment`,
        {
            repository: infraRepo,
            environment: args.stage,
            canAdminsBypass: false,
            preventSelfReview: hasReviewers,
            reviewers: hasReviewers ? [{ users, teams }] : undefined,
            deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
        },
        ctx.gh,
    );
    new github.RepositoryEnvironmentDeploymentPolicy(
        `${name}-environment-branch-${g.deployBranch}`,
        { repository: infraRepo, environment: deploymentGate.environment, branchPattern: g.deployBranch },
        ctx.gh,
    );
    return deploymentGate;
}

/** The deploy role's physical name: fixed, so its own policy can deny editing it. */
export function deployRoleName(stage: Stage): string {
    return `${stage}-github-deploy`;
}

/** The IAM role `pulumi up` runs as behind the stage's deployment gate; no long-lived keys anywhere. */
function createDeployRole(ctx: Ctx, providerArn: pulumi.Input<string>): aws.iam.Role {
    const { args, name } = ctx;
    const g = args.github;
    const roleName = deployRoleName(args.stage);
    const role = new aws.iam.Role(
        `${name}-deploy-role`,
        {
            name: roleName,
            description: `pulumi up for stage ${args.stage}, assumed only from ${g.owner}/${g.infraRepository} environment ${args.stage}`,
            assumeRolePolicy: pulumi.output(providerArn).apply((arn) => JSON.stringify(deployTrustPolicy(arn, g.owner, g.infraRepository, args.stage))),
            maxSessionDuration: 3600,
            tags: { ...args.tags, Name: roleName },
        },
        { parent: ctx.parent },
    );
    const docs = pulumi.output(args.accountId).apply((accountId) =>
        deployPolicyDocuments({
            stage: args.stage,
            region: args.region,
            accountId,
            peerStages: args.peerStages ?? [],
            manageOidcProvider: g.manageOrgResources,
            roleName,
            policyNamePrefix: `${roleName}-`,
            recordNames: args.hostname ? [args.hostname] : [],
            // AppService names the stage dashboard `<project>-<stack>` (the stack may be `prod-eu`).
            dashboardNames: [`${pulumi.getProject()}-${pulumi.getStack()}`],
        }),
    );
    for (const group of ["read", "create", "manage", "named"] as const) {
        const policy = new aws.iam.Policy(
            `${name}-deploy-${group}`,
            {
                name: `${roleName}-${group}`,
                description: `stageline ${args.stage} deploy role: ${group}`,
                policy: docs.apply((d) => JSON.stringify(d[group])),
                tags: args.tags,
            },
            { parent: ctx.parent },
        );
        new aws.iam.RolePolicyAttachment(`${name}-deploy-${group}`, { role: role.name, policyArn: policy.arn }, { parent: ctx.parent });
    }
    return role;
}

/**
 * The role pull-request previews assume (`pulumi preview` of every stack): trusted only for the
 * infrastructure repository's pull requests, allowed only the deploy roles' read actions, so a pull
 * request, even one that edits the workflows, can describe the platform but never change it. One
 * role for all stages, owned (like the repository variable naming it) by the org-owning stack.
 */
function createPreviewRole(ctx: Ctx, providerArn: pulumi.Input<string>, infraRepo: pulumi.Input<string>): aws.iam.Role {
    const { args, name } = ctx;
    const g = args.github;
    const role = new aws.iam.Role(
        `${name}-preview-role`,
        {
            name: PREVIEW_ROLE_NAME,
            description: `pulumi preview of pull requests to ${g.owner}/${g.infraRepository}: read-only`,
            assumeRolePolicy: pulumi.output(providerArn).apply((arn) => JSON.stringify(previewTrustPolicy(arn, g.owner, g.infraRepository))),
            maxSessionDuration: 3600,
            tags: { ...args.tags, Name: PREVIEW_ROLE_NAME },
        },
        { parent: ctx.parent },
    );
    const read = pulumi.output(args.accountId).apply((accountId) =>
        JSON.stringify(
            deployPolicyDocuments({
                stage: args.stage,
                region: args.region,
                accountId,
                peerStages: [],
                manageOidcProvider: false,
                roleName: PREVIEW_ROLE_NAME,
                policyNamePrefix: `${PREVIEW_ROLE_NAME}-`,
            }).read,
        ),
    );
    const policy = new aws.iam.Policy(
        `${name}-preview-read`,
        { name: `${PREVIEW_ROLE_NAME}-read`, description: "stageline pull-request previews: read only", policy: read, tags: args.tags },
        { parent: ctx.parent },
    );
    new aws.iam.RolePolicyAttachment(`${name}-preview-read`, { role: role.name, policyArn: policy.arn }, { parent: ctx.parent });
    new github.ActionsVariable(`${name}-preview-role-variable`, { repository: infraRepo, variableName: PREVIEW_ROLE_VARIABLE, value: role.arn }, ctx.gh);
    return role;
}

/** The preview role's trust policy: only pull requests of the infrastructure repository. */
export function previewTrustPolicy(providerArn: string, owner: string, infraRepository: string): TrustPolicyDocument {
    const trust = deployTrustPolicy(providerArn, owner, infraRepository, "unused");
    const statement = trust.Statement[0];
    statement.Sid = "GitHubPullRequestsOnly";
    statement.Condition.StringEquals[`${OIDC_HOST}:sub`] = `repo:${owner}/${infraRepository}:pull_request`;
    return trust;
}

/** Actions variables of the stage's deployment gate: the role to assume and the region. */
function createDeploymentGateVariables(ctx: Ctx, infraRepo: pulumi.Input<string>, deploymentGate: github.RepositoryEnvironment, roleArn: pulumi.Output<string>): void {
    new github.ActionsEnvironmentVariable(
        `${ctx.name}-deploy-role-variable`,
        { repository: infraRepo, environment: deploymentGate.environment, variableName: DEPLOY_ROLE_VARIABLE, value: roleArn },
        ctx.gh,
    );
    new github.ActionsEnvironmentVariable(
        `${ctx.name}-region-variable`,
        { repository: infraRepo, environment: deploymentGate.environment, variableName: "AWS_REGION", value: ctx.args.region },
        ctx.gh,
    );
}
