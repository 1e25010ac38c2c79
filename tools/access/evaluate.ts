/**
 * Evaluates one API call of one principal as AWS would, with @cloud-copilot/iam-simulate
 * (AGPL: a devDependency, used only by tests and the doc generator): the principal's planned
 * identity policies plus the planned resource policy that governs the call's resource (bucket,
 * key, secret, topic), conditions and ARNs included. A trust check evaluates the role's trust
 * policy as the resource policy of `sts:AssumeRole*` with no identity policy (a service or a web
 * identity is not an IAM principal of ours).
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { MOCK_ACCOUNT } from "../mocks";
import { AccessModel, Principal, defaultKeyPolicy as accountKeyPolicy } from "./model";

/** One API call a job makes (or must never make). */
export interface Call {
    /** `service:Action` as IAM names it. */
    action: string;
    /** The resource ARN as planned (`*` for actions AWS scopes to nothing). */
    resource: string;
    /** Request context the call carries (`ec2:CreateAction`, `aws:RequestTag/stage`...). */
    context?: Record<string, string | string[]>;
    /** A short note shown in the matrix (what the call is for). */
    note?: string;
}

export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

export interface Evaluation {
    decision: Decision;
    /** The resource policy that took part, if any. */
    resourcePolicy?: string;
    /** A validation error of the simulator (an unknown action, a malformed ARN...). */
    error?: string;
}

/** Context every call of ours carries: TLS (the buckets deny anything else), the region. */
function baseContext(principal: Principal, region: string): Record<string, string | string[]> {
    return {
        "aws:SecureTransport": "true",
        "aws:RequestedRegion": region,
        "aws:PrincipalArn": principal.arn,
        "aws:PrincipalAccount": MOCK_ACCOUNT,
        "aws:PrincipalType": "AssumedRole",
    };
}

/** The calling principal as IAM sees an assumed role's session. */
function sessionArn(p: Principal): string {
    return `arn:aws:sts::${MOCK_ACCOUNT}:assumed-role/${p.roleName}/session`;
}

function accountOf(resource: string): string {
    const parts = resource.split(":");
    return parts.length > 4 && /^\d{12}$/.test(parts[4]) ? parts[4] : MOCK_ACCOUNT;
}

/** Evaluates a call the principal makes with its identity policies and the applicable resource policy. */
export async function evaluateCall(model: AccessModel, principal: Principal, call: Call, region: string, others: AccessModel[] = []): Promise<Evaluation> {
    // The four stacks share one account: prod's key or secret governs staging's call on it.
    const rp =
        call.resource === "*"
            ? undefined
            : ([model, ...others].flatMap((m) => m.resourcePolicies).find((r) => r.covers(call.resource)) ??
              // A key no planned stack owns (a StackReference fixture's): its stack's key policy lets
              // the account's IAM policies decide, as every key policy here does.
              (/^arn:aws:kms:[^:]+:\d{12}:key\//.test(call.resource) ? { source: "account key policy (key of another stack)", covers: () => true, policy: accountKeyPolicy(call.resource) } : undefined));
    const result = await runSimulation(
        {
            request: {
                principal: sessionArn(principal),
                action: call.action,
                resource: { resource: call.resource, accountId: accountOf(call.resource) },
                contextVariables: { ...baseContext(principal, region), ...(call.context ?? {}) },
            },
            identityPolicies: principal.identityPolicies.map((p) => ({ name: p.name, policy: p.policy })),
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            resourcePolicy: rp?.policy,
        },
        {},
    );
    if (result.resultType === "error") return { decision: "ImplicitlyDenied", resourcePolicy: rp?.source, error: JSON.stringify(result.errors) };
    // The simulator drops context keys the action does not know: a declared key it dropped would
    // make the row prove nothing, so it is an error.
    const ignored = result.resultType === "single" ? (result.result.ignoredContextKeys ?? []) : result.results.flatMap((r) => r.ignoredContextKeys ?? []);
    const declared = new Set(Object.keys(call.context ?? {}).map((k) => k.toLowerCase()));
    const dropped = ignored.filter((k) => declared.has(k.toLowerCase()));
    if (dropped.length > 0) return { decision: "ImplicitlyDenied", resourcePolicy: rp?.source, error: `context keys ${dropped.join(", ")} are not keys of ${call.action}` };
    return { decision: result.overallResult as Decision, resourcePolicy: rp?.source };
}

/** Who assumes a role: a service (`codebuild.amazonaws.com`) or GitHub's OIDC web identity. */
export type Assumer =
    | { service: string }
    | { federated: "token.actions.githubusercontent.com"; sub: string; aud?: string };

/**
 * Evaluates `sts:AssumeRole` against the planned trust policy with the simulator. For GitHub's web
 * identity the simulator drops the provider's `sub`/`aud` keys (they are not keys of
 * `sts:AssumeRoleWithWebIdentity` in its catalogue), so the trust is matched here: a statement
 * allows when its Federated principal is the provider and every StringEquals/StringLike holds.
 * https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services
 */
export async function evaluateTrust(principal: Principal, who: Assumer): Promise<Evaluation> {
    const web = "federated" in who;
    if (web) return { decision: webIdentityTrust(principal, who) ? "Allowed" : "ImplicitlyDenied", resourcePolicy: "trust policy" };
    const result = await runSimulation(
        {
            request: {
                principal: web ? `arn:aws:iam::${MOCK_ACCOUNT}:oidc-provider/${who.federated}` : who.service,
                action: web ? "sts:AssumeRoleWithWebIdentity" : "sts:AssumeRole",
                resource: { resource: principal.arn, accountId: MOCK_ACCOUNT },
                // A service assuming a role for this account names it (the confused-deputy guard).
                contextVariables: { "aws:SourceAccount": MOCK_ACCOUNT },
            },
            identityPolicies: [],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            resourcePolicy: principal.trust,
        },
        {},
    );
    if (result.resultType === "error") return { decision: "ImplicitlyDenied", resourcePolicy: "trust policy", error: JSON.stringify(result.errors) };
    return { decision: result.overallResult as Decision, resourcePolicy: "trust policy" };
}

function webIdentityTrust(principal: Principal, who: { federated: string; sub: string; aud?: string }): boolean {
    const ctx: Record<string, string> = { [`${who.federated}:sub`]: who.sub, [`${who.federated}:aud`]: who.aud ?? "sts.amazonaws.com" };
    const glob = (pattern: string, v: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`).test(v);
    const statements = [principal.trust.Statement].flat() as { Effect: string; Principal?: { Federated?: string }; Action: string | string[]; Condition?: Record<string, Record<string, string | string[]>> }[];
    return statements.some((st) => {
        if (st.Effect !== "Allow" || !String(st.Principal?.Federated ?? "").endsWith(`oidc-provider/${who.federated}`)) return false;
        if (![st.Action].flat().includes("sts:AssumeRoleWithWebIdentity")) return false;
        return Object.entries(st.Condition ?? {}).every(([op, kv]) =>
            Object.entries(kv).every(([k, want]) => {
                const have = ctx[k];
                if (have === undefined) return false;
                if (op === "StringEquals") return [want].flat().includes(have);
                if (op === "StringLike") return [want].flat().some((w) => glob(w, have));
                return false; // an operator this check does not know never allows
            }),
        );
    });
}
