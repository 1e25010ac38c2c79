/**
 * The shape of every rule in the pack and how rules become @pulumi/policy policies.
 *
 * A rule is a pure function over (stage, resources) that records findings; it never touches
 * @pulumi/policy. `toPolicies` wraps it:
 * - the rule's own policy, with its enforcement level, applicable only to the stages it names
 *   (`notApplicable` elsewhere, so the CLI shows why it was skipped);
 * - for a mandatory rule, a companion advisory policy `<name>-unknown` that reports the values the
 *   rule needed but could not see during a preview. @pulumi/policy fixes a policy's enforcement
 *   level, so a mandatory policy cannot report "unknown" as advisory itself; the companion does,
 *   so an unknown value neither passes silently nor fails the preview. Advisory rules report
 *   unknowns themselves.
 * - `baseline(...)` makes the security-baseline pair: `prod-<id>` mandatory in prod and `<id>`
 *   advisory in dev/test/staging (stage comes from the URN, the level from the policy's name).
 */
import { EnforcementLevel, Policy, PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { Stage, STAGES, StageConfig, stageOfUrn, STAGES_CONFIG_SCHEMA } from "./stage";

/** A resource as a rule reads it: inputs (`props`), identity, and what it depends on (URNs). */
export interface Subject {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly props: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    /** URNs this resource depends on, when the caller knows them (the CLI always sends them). */
    readonly dependencies?: readonly string[];
}

/** A value a rule needs that is not known yet (undefined, or an unknown sentinel in a preview). */
export class UnknownValue extends Error {
    constructor(
        readonly path: string,
        readonly detail: string,
    ) {
        super(`${path} is unknown during preview (${detail})`);
    }
}

// The unknown sentinels @pulumi/policy deserializes preview unknowns into, and its proxy's error.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const policyProxy = require("@pulumi/policy/proxy") as {
    UnknownValueError: new (...a: unknown[]) => Error & { props: string[] };
    unknownCheckingProxy<T>(o: T): T;
    unknownBooleanValue: string;
    unknownNumberValue: string;
    unknownStringValue: string;
    unknownArrayValue: string;
    unknownObjectValue: string;
};
const SENTINELS = new Set<unknown>([
    policyProxy.unknownBooleanValue,
    policyProxy.unknownNumberValue,
    policyProxy.unknownStringValue,
    policyProxy.unknownArrayValue,
    policyProxy.unknownObjectValue,
]);

/** The sentinels a preview's unknown values arrive as (for fixtures of unknown values). */
export const UNKNOWN = {
    boolean: policyProxy.unknownBooleanValue,
    number: policyProxy.unknownNumberValue,
    string: policyProxy.unknownStringValue,
    array: policyProxy.unknownArrayValue,
    object: policyProxy.unknownObjectValue,
} as const;

/** Wraps props as the analyzer does: reading an unknown sentinel throws. */
export const unknownCheckingProxy = policyProxy.unknownCheckingProxy;

/**
 * The value a rule cannot decide without: returns it, or throws `UnknownValue` when it is
 * undefined (in-process preview: unknown inputs are dropped) or an unknown sentinel.
 */
export function known<T>(value: T | undefined | null, path: string): T {
    if (value === undefined || value === null) throw new UnknownValue(path, "no value yet, probably computed from another resource");
    if (SENTINELS.has(value)) throw new UnknownValue(path, "computed by the provider");
    return value;
}

/** One thing a rule found. */
export interface Finding {
    readonly message: string;
    readonly urn?: string;
    /** True when the rule could not decide because a value was unknown. */
    readonly unknown?: boolean;
}

/** Collects a rule's findings. */
export class Findings {
    readonly list: Finding[] = [];
    /** True once any value was unknown (a count built from the rest would be wrong). */
    get sawUnknown(): boolean {
        return this.list.some((x) => x.unknown === true);
    }
    fail(message: string, urn?: string): void {
        this.list.push({ message, urn });
    }
    /** Runs `check`; a value it needs that is unknown becomes an "unknown" finding instead of a pass or a failure. */
    guard(subject: Pick<Subject, "type" | "name" | "urn">, check: () => void): void {
        try {
            check();
        } catch (e) {
            const u = asUnknown(e);
            if (!u) throw e;
            this.list.push({
                message: `${subject.type} "${subject.name}": ${u.path} is unknown during preview (${u.detail}); it will be checked on update`,
                urn: subject.urn,
                unknown: true,
            });
        }
    }
}

function asUnknown(e: unknown): UnknownValue | undefined {
    if (e instanceof UnknownValue) return e;
    if (e instanceof policyProxy.UnknownValueError) return new UnknownValue(e.props.join("."), "computed during the update");
    return undefined;
}

export type RuleEnforcement = "mandatory" | "advisory";

interface RuleBase {
    /** Kebab-case name that reads as the rule. */
    readonly name: string;
    /** Why the rule exists. */
    readonly description: string;
    readonly enforcement: RuleEnforcement;
    /** Stages the rule applies to. */
    readonly stages: readonly Stage[];
    /**
     * False for a rule that decides on resource types and links alone, reading no property value
     * that could be unknown; it then gets no `-unknown` companion. @default true
     */
    readonly readsValues?: boolean;
    /** Extra config properties (JSON schema) beyond `stages`. */
    readonly config?: Record<string, { type: "integer" | "string" | "boolean"; default: unknown; description?: string }>;
}

/** A rule over one resource at a time. */
export interface ResourceRule extends RuleBase {
    readonly kind: "resource";
    /** Resource types the rule judges. */
    readonly types: readonly string[];
    /** Records findings about `r` (use `known()` for values the rule cannot decide without). */
    check(r: Subject, f: Findings, ctx: RuleContext): void;
}

/** A rule over all resources of a stack (links between resources, counts, AZ spread). */
export interface StackRule extends RuleBase {
    readonly kind: "stack";
    check(resources: readonly Subject[], f: Findings, ctx: RuleContext): void;
}

export type Rule = ResourceRule | StackRule;

export interface RuleContext {
    readonly stage: Stage;
    /** The policy's config (with defaults of `Rule.config` applied). */
    readonly config: Record<string, unknown>;
}

type RuleSpec<R extends Rule> = Omit<R, "name" | "enforcement" | "stages">;

/** The security-baseline pair: `prod-<id>` mandatory in prod, `<id>` advisory in the other stages. */
export function baseline<R extends Rule>(id: string, spec: RuleSpec<R>): R[] {
    return [
        { ...spec, name: `prod-${id}`, enforcement: "mandatory", stages: ["prod"] } as unknown as R,
        { ...spec, name: id, enforcement: "advisory", stages: STAGES.filter((s) => s !== "prod") } as unknown as R,
    ];
}

/** Catalog entry of one policy. */
export interface PolicyInfo {
    name: string;
    description: string;
    enforcement: RuleEnforcement;
    stages: Stage[];
    kind: "resource" | "stack";
}

/**
 * The resource types each resource policy judges: its first act is `notApplicable` for any other
 * type, so the in-process runner (run.ts) skips those resources instead of throwing once per
 * resource and policy (66,000 throws for the four stacks, a fifth of the plan's time).
 */
export const policyResourceTypes = new WeakMap<Policy, readonly string[]>();

/** Thrown by the in-process runner's `notApplicable`, as the server's own is. */
export class NotApplicable extends Error {}

function configOf(rule: Rule, raw: Record<string, unknown>): { stages: StageConfig; config: Record<string, unknown> } {
    const config: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rule.config ?? {})) config[k] = raw[k] ?? v.default;
    return { stages: { stages: (raw.stages as Record<string, string> | undefined) ?? {} }, config };
}

/** Turns a rule into its policy (and, when mandatory, its `-unknown` advisory companion). */
export function toPolicies(rule: Rule): { policy: Policy; info: PolicyInfo }[] {
    const variants: { name: string; description: string; level: EnforcementLevel; report: (f: Finding) => boolean }[] = [
        { name: rule.name, description: rule.description, level: rule.enforcement, report: (f) => rule.enforcement === "advisory" || !f.unknown },
    ];
    if (rule.enforcement === "mandatory" && rule.readsValues !== false) {
        variants.push({
            name: `${rule.name}-unknown`,
            description: `Reports values ${rule.name} needs that are unknown during a preview, so the mandatory rule neither passes silently nor blocks the preview; ${rule.name} checks them on update.`,
            level: "advisory",
            report: (f) => f.unknown === true,
        });
    }
    const configSchema = {
        properties: {
            stages: STAGES_CONFIG_SCHEMA,
            ...Object.fromEntries(Object.entries(rule.config ?? {}).map(([k, v]) => [k, { ...v }])),
        },
    };
    return variants.map((v) => {
        const info: PolicyInfo = { name: v.name, description: v.description, enforcement: v.level as RuleEnforcement, stages: [...rule.stages], kind: rule.kind };
        const emit = (f: Findings, report: ReportViolation) => {
            for (const finding of f.list) if (v.report(finding)) report(finding.message, finding.urn);
        };
        const notHere = (stage: Stage) => `applies to stages ${rule.stages.join(", ")}; this stack is ${stage}`;
        /** What both kinds do once the subject is theirs: read the config, skip other stages, check, report. */
        const judge = (
            args: Pick<ResourceValidationArgs, "getConfig" | "notApplicable">,
            urn: string,
            report: ReportViolation,
            check: (f: Findings, ctx: RuleContext) => void,
        ) => {
            const { stages, config } = configOf(rule, args.getConfig<Record<string, unknown>>());
            const stage = stageOfUrn(urn, stages);
            if (!rule.stages.includes(stage)) args.notApplicable(notHere(stage));
            const f = new Findings();
            check(f, { stage, config });
            emit(f, report);
        };
        const common = { name: v.name, description: v.description, enforcementLevel: v.level, configSchema };
        if (rule.kind === "resource") {
            const policy: ResourceValidationPolicy = {
                ...common,
                validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
                    if (!rule.types.includes(args.type)) args.notApplicable(`applies to ${rule.types.join(", ")}`);
                    judge(args, args.urn, report, (f, ctx) => {
                        const subject: Subject = { urn: args.urn, type: args.type, name: args.name, props: args.props };
                        f.guard(subject, () => rule.check(subject, f, ctx));
                    });
                },
            };
            policyResourceTypes.set(policy, rule.types);
            return { policy, info };
        }
        const policy: StackValidationPolicy = {
            ...common,
            validateStack: (args: StackValidationArgs, report: ReportViolation) => {
                if (args.resources.length === 0) args.notApplicable("the stack has no resources");
                judge(args, args.resources[0].urn, report, (f, ctx) => {
                    const subjects = args.resources.map(toSubject);
                    f.guard({ type: "stack", name: ctx.stage, urn: "" }, () => rule.check(subjects, f, ctx));
                });
            },
        };
        return { policy, info };
    });
}

function toSubject(r: PolicyResource): Subject {
    // `dependencies` is always a list from the CLI; the in-process runner leaves it undefined when unknown.
    return { urn: r.urn, type: r.type, name: r.name, props: r.props, dependencies: r.dependencies?.map((d) => d.urn) };
}

// ---------------------------------------------------------------------------------------------
// Small readers shared by the domain modules
// ---------------------------------------------------------------------------------------------

/** Resources of the given types. */
export function ofTypes(resources: readonly Subject[], ...types: string[]): Subject[] {
    return resources.filter((r) => types.includes(r.type));
}

/** True when `from` depends on `to` (by the engine's dependency list). */
export function dependsOn(from: Subject, to: Subject): boolean {
    return from.dependencies?.includes(to.urn) ?? false;
}

/** A JSON document held as a string (policy documents, container definitions) or already parsed. */
export function parseJson(value: unknown, path: string): unknown {
    const v = known(value, path);
    if (typeof v !== "string") return v;
    try {
        return JSON.parse(v);
    } catch {
        throw new UnknownValue(path, "not valid JSON yet");
    }
}

/** Wraps a value in an array (AWS docs allow a single value or a list). */
export function asList<T>(v: T | T[] | undefined): T[] {
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
