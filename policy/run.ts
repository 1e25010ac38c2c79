/**
 * Runs the policy pack in-process, without the gRPC analyzer server: the offline plan
 * (tools/plan.ts) and the tests judge planned resources with the very policy objects the Pulumi
 * CLI loads from `policy/index.ts`, through the same arguments the analyzer builds (props behind
 * @pulumi/policy's unknown-checking proxy, `notApplicable` that throws, per-policy `getConfig`).
 *
 * Messages are the rule's own text; the CLI prints the policy description above it.
 */
import { PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { allPolicies, policyInfos } from "./policies";
import { NotApplicable, policyResourceTypes, UNKNOWN, unknownCheckingProxy } from "./rule";
import { isUnknown } from "@pulumi/pulumi";

/** A policy's enforcement as reported to users. */
export type Enforcement = "mandatory" | "advisory" | "disabled";

/** One planned resource as the pack sees it: type, name, URN and input properties. */
export interface JudgedResource {
    urn: string;
    type: string;
    name: string;
    props: Record<string, unknown>;
    /**
     * URNs the resource depends on (the harness's `options.dependsOn`). Optional: without them,
     * rules that link resources (flow log → VPC, WAF → load balancer) fall back to names and counts.
     */
    dependencies?: string[];
}

/** One violation, as the CLI would print it. */
export interface PolicyViolation {
    policy: string;
    enforcement: Enforcement;
    message: string;
    urn?: string;
    type?: string;
    name?: string;
}

/** Pack configuration, as `pulumi preview --policy-pack-config` would pass it. */
export interface JudgeOptions {
    config?: { stages?: Record<string, string> };
}

function isResourcePolicy(p: unknown): p is ResourceValidationPolicy {
    return typeof (p as ResourceValidationPolicy).validateResource === "function";
}
function isStackPolicy(p: unknown): p is StackValidationPolicy {
    return typeof (p as StackValidationPolicy).validateStack === "function";
}

const notApplicable = (reason?: string): never => {
    throw new NotApplicable(reason);
};

const OPTS = { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] };

function typeCheckers(type: string, props: Record<string, unknown>) {
    const isType = (cls: unknown) => (cls as { __pulumiType?: string }).__pulumiType === type;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { isType, asType: ((cls: unknown) => (isType(cls) ? props : undefined)) as any };
}

/**
 * A program run in preview (mocks included) hands unknown inputs over as Pulumi's own `unknown`
 * value; the analyzer receives them as @pulumi/policy's unknown sentinels. Translate, so the
 * in-process run sees unknowns exactly as the CLI's analyzer does.
 */
function asAnalyzerSees(value: unknown): unknown {
    if (isUnknown(value)) return UNKNOWN.string;
    if (Array.isArray(value)) return value.map(asAnalyzerSees);
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, asAnalyzerSees(v)]));
    }
    return value;
}

/** Runs every resource and stack policy of the pack in-process (no gRPC server), as the CLI would. */
export function judgeStack(input: JudgedResource[], opts: JudgeOptions = {}): PolicyViolation[] {
    const resources = input.map((r) => ({ ...r, props: asAnalyzerSees(r.props) as Record<string, unknown> }));
    const config = { stages: opts.config?.stages ?? {} };
    const out: PolicyViolation[] = [];
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const stackTags: ReadonlyMap<string, string> = new Map();

    for (const policy of allPolicies) {
        const enforcement = (policy.enforcementLevel ?? "advisory") as Enforcement;
        if (enforcement === "disabled") continue;
        const collect =
            (fallback?: JudgedResource): ReportViolation =>
            (message: string, urn?: string) => {
                const r = urn !== undefined ? byUrn.get(urn) : fallback;
                out.push({ policy: policy.name, enforcement, message, urn: urn ?? fallback?.urn, type: r?.type, name: r?.name });
            };
        const run = (fn: () => void | Promise<void>) => {
            try {
                const result = fn();
                if (result instanceof Promise) throw new Error(`policy ${policy.name} is asynchronous; judgeStack runs synchronous policies only`);
            } catch (e) {
                if (!(e instanceof NotApplicable)) throw new Error(`policy ${policy.name} failed: ${(e as Error).message}`, { cause: e });
            }
        };
        if (isResourcePolicy(policy)) {
            const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
            const types = policyResourceTypes.get(policy);
            for (const r of resources) {
                if (types && !types.includes(r.type)) continue; // not applicable to this type
                const props = unknownCheckingProxy(r.props);
                const args: ResourceValidationArgs = { type: r.type, props, urn: r.urn, name: r.name, opts: OPTS, stackTags, ...typeCheckers(r.type, props), getConfig: <T>() => config as T, notApplicable };
                for (const v of validations) run(() => v(args, collect(r)));
            }
        } else if (isStackPolicy(policy)) {
            const policyResources: PolicyResource[] = resources.map((r) => {
                const props = unknownCheckingProxy(r.props);
                // Without dependency information, rules fall back to names and counts (see rule.ts).
                return { type: r.type, props, urn: r.urn, name: r.name, opts: OPTS, dependencies: undefined as unknown as PolicyResource[], propertyDependencies: {}, ...typeCheckers(r.type, props) };
            });
            resources.forEach((r, i) => {
                if (r.dependencies) policyResources[i].dependencies = r.dependencies.map((d) => policyResources.find((x) => x.urn === d)).filter((x): x is PolicyResource => x !== undefined);
            });
            const args: StackValidationArgs = { resources: policyResources, stackTags, getConfig: <T>() => config as T, notApplicable };
            run(() => policy.validateStack(args, collect()));
        }
    }
    return out;
}

/** Name, description, enforcement and stage scope of every policy in the pack. */
export const policyCatalog: { name: string; description: string; enforcement: Enforcement; stages: string[] }[] = policyInfos.map((p) => ({
    name: p.name,
    description: p.description,
    enforcement: p.enforcement,
    stages: [...p.stages],
}));
