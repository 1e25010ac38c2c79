/**
 * Runs AWS's offline CloudFormation validator (`@aws/cloudformation-validate`) over a planned
 * stack, translated by `./template`, and reports findings in our resource names — the name and
 * type a user sees in the plan, the Pulumi input at fault — not in CloudFormation logical ids.
 *
 * The WebAssembly engine takes seconds to build: it is made once per process and reused.
 */
import { RegoEngine, TemplateFile, type Engine, type StandardDiagnostic, type ValidateConfig } from "@aws/cloudformation-validate";
import type { PlannedResource, StackPlan } from "../harness";
import { MOCK_ACCOUNT } from "../mocks";
import { ALB_MIN_AZS } from "../../lib/awsLimits";
import { MAPPINGS } from "./mappings";
import { translatePlan, Translation, Skipped } from "./template";

export { translatePlan, logicalIdFor } from "./template";
export type { Translation, CfnTemplate } from "./template";

export type Severity = "ERROR" | "WARN" | "INFO";

/** One finding, in our names. */
export interface Finding {
    severity: Severity;
    ruleId: string;
    /** Our resource name (`prod-alb`), or `(template)` for findings on no resource. */
    resource: string;
    /** Our resource type (`aws:lb/loadBalancer:LoadBalancer`). */
    type: string;
    /** The Pulumi input at fault when known (`instanceClass`), else the CloudFormation property path. */
    property?: string;
    message: string;
}

export interface ValidationResult {
    stack: string;
    region: string;
    errors: Finding[];
    warnings: Finding[];
    /** Info-level findings are counted; listed only when asked for. */
    infoCount: number;
    info: Finding[];
    notValidated: Skipped[];
    /** Inputs no mapping table covers (each is a gap to close). */
    unmapped: Translation["unmapped"];
    /** Resources checked (CloudFormation resources in the template). */
    checked: number;
    /** Validation time, milliseconds (engine build excluded). */
    millis: number;
}

/**
 * Rules switched off, each because the translation, not our program, triggers it.
 * - W3010 "AZ hardcoded": the plan holds AZs Pulumi already resolved (getAvailabilityZones).
 */
export const EXCLUDED_RULES: Readonly<Record<string, string>> = {
    W3010: "the plan holds availability zones Pulumi resolved from getAvailabilityZones",
};

/**
 * Findings the validator raises on values AWS documents as valid: each is kept as INFO (listed
 * with `--validate-info`, the reason in front of the message), never dropped, and only where the
 * property and value match — the rule still fires everywhere else.
 */
export const KNOWN_FALSE_POSITIVES: readonly { ruleId: string; path: RegExp; message: RegExp; reason: string }[] = [
    {
        ruleId: "E1152",
        path: /LaunchTemplateData[./]ImageId$/,
        message: /^'resolve:ssm:[^']+' does not match format 'AWS::EC2::Image\.Id'/,
        reason:
            "EC2 resolves resolve:ssm:<parameter> to an AMI at launch (CloudFormation's LaunchTemplateData.ImageId documents the form); the validator's format check knows only ami-…",
    },
];

/** Our own rule (the validator counts subnets, not zones): an ALB needs subnets in ≥ 2 AZs. */
export const ALB_AZ_RULE = "SL3680";

/**
 * Our stand-in for E3628 on launch templates and Image Builder: the validator knows each region's
 * instance types but checks them only on AWS::EC2::Instance. We ask it about every instance type
 * a launch template or infrastructure configuration names, through a probe template of one
 * AWS::EC2::Instance per type, and report its answer on our resource.
 */
export const INSTANCE_TYPE_RULE = "SL3628";

/** A template held in memory, passed to the engine without touching the disk. */
class MemoryTemplate extends TemplateFile {
    constructor(
        name: string,
        private readonly bytes: Uint8Array,
    ) {
        super(name);
    }
    override readBytes(): Uint8Array {
        return this.bytes;
    }
}

let engine: Engine | undefined;

/** The process-wide engine (built on first use, ~5 s). */
export function validatorEngine(): Engine {
    engine ??= new RegoEngine();
    return engine;
}

function severityOf(d: StandardDiagnostic): Severity {
    if (d.severity === "FATAL" || d.severity === "ERROR") return "ERROR";
    if (d.severity === "WARN") return "WARN";
    return "INFO";
}

/** `Properties.DefaultActions.0.Type` → the Pulumi input it came from (`defaultActions`). */
function propertyOf(path: string | undefined, owner: Translation["owners"][string] | undefined): string | undefined {
    if (!path) return undefined;
    const parts = path.replace(/^Properties[./]?/, "").split(/[./]/).filter(Boolean);
    if (parts.length === 0) return undefined;
    const origin = (parts.length > 1 ? owner?.origins[`${parts[0]}.${parts[1]}`] : undefined) ?? owner?.origins[parts[0]] ?? inputFor(owner?.type, parts[0]);
    return origin ? (parts.length > 1 ? `${origin} (${parts.join(".")})` : origin) : parts.join(".");
}

/** The Pulumi input a table maps to this CloudFormation property (for findings on a missing one). */
function inputFor(type: string | undefined, property: string): string | undefined {
    const props = type ? MAPPINGS[type]?.props : undefined;
    if (!props) return undefined;
    return Object.entries(props).find(([, rule]) => rule === property || (typeof rule === "object" && "to" in rule && rule.to === property))?.[0];
}

/** Replaces logical ids quoted in a message with our names. */
function inOurNames(message: string, t: Translation): string {
    return message.replace(/'([A-Za-z0-9]+)'/g, (all, id: string) => (t.owners[id] ? `'${t.owners[id].name}'` : all));
}

/** Subnets of every application load balancer span ≥ ALB_MIN_AZS availability zones (internal ones too; lib/awsLimits.ts, with AWS's page). */
export function albZoneFindings(plan: Pick<StackPlan, "resources">): Finding[] {
    const subnets = new Map<string, PlannedResource>();
    for (const r of plan.resources) if (r.type === "aws:ec2/subnet:Subnet" && r.id) subnets.set(r.id, r);
    const findings: Finding[] = [];
    for (const lb of plan.resources.filter((r) => r.type === "aws:lb/loadBalancer:LoadBalancer")) {
        if ((lb.inputs.loadBalancerType ?? "application") !== "application") continue;
        const ids = (lb.inputs.subnets as string[] | undefined) ?? ((lb.inputs.subnetMappings as { subnetId: string }[] | undefined) ?? []).map((m) => m.subnetId);
        const zones = new Set(ids.map((id) => subnets.get(id)?.inputs.availabilityZone ?? `unknown:${id}`));
        if (zones.size < ALB_MIN_AZS.value) {
            findings.push({
                severity: "ERROR",
                ruleId: ALB_AZ_RULE,
                resource: lb.name,
                type: lb.type,
                property: "subnets",
                message: `An application load balancer needs subnets in at least ${ALB_MIN_AZS.value} Availability Zones (internal ones too); ${lb.name} has ${ids.length} subnet(s) in ${zones.size} zone(s)`,
            });
        }
    }
    return findings;
}

/** Instance types AWS does not offer in the region, on the launch template / infrastructure configuration naming them. */
export function instanceTypeFindings(plan: Pick<StackPlan, "resources">, region: string): Finding[] {
    const uses: { r: PlannedResource; input: string; type: string }[] = [];
    for (const r of plan.resources) {
        if (r.type === "aws:ec2/launchTemplate:LaunchTemplate" && typeof r.inputs.instanceType === "string") uses.push({ r, input: "instanceType", type: r.inputs.instanceType });
        if (r.type === "aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration" && Array.isArray(r.inputs.instanceTypes)) {
            for (const t of r.inputs.instanceTypes) if (typeof t === "string") uses.push({ r, input: "instanceTypes", type: t });
        }
    }
    const types = [...new Set(uses.map((u) => u.type))];
    if (types.length === 0) return [];
    const probe = { AWSTemplateFormatVersion: "2010-09-09", Resources: Object.fromEntries(types.map((t, i) => [`Probe${i}`, { Type: "AWS::EC2::Instance", Properties: { InstanceType: t } }])) };
    const report = validatorEngine().validateStandard(new MemoryTemplate("instance-types.template.json", Buffer.from(JSON.stringify(probe))), {
        pseudoParameterOverrides: { region, accountId: MOCK_ACCOUNT, partition: "aws", stackName: "probe" },
    });
    const invalid = new Map<string, string>();
    for (const d of report.diagnostics) {
        const i = Number(d.entity?.logicalId?.replace(/^Probe/, ""));
        if (d.ruleId === "E3628" && Number.isInteger(i) && types[i] !== undefined) invalid.set(types[i], d.message);
    }
    return uses
        .filter((u) => invalid.has(u.type))
        .map((u) => ({ severity: "ERROR", ruleId: INSTANCE_TYPE_RULE, resource: u.r.name, type: u.r.type, property: u.input, message: `${invalid.get(u.type)} (AWS's E3628, asked for this instance type)` }));
}

export interface ValidateOptions {
    /** AWS region the rules judge against. @default the plan's settings.region, else us-east-1 */
    readonly region?: string;
    /** List info-level findings too (they are always counted). @default false */
    readonly includeInfo?: boolean;
}

/** Validates a translated template with AWS's rules; findings in our names. */
export function validateTranslation(t: Translation, stack: string, opts: { region: string; includeInfo?: boolean }): Omit<ValidationResult, "notValidated" | "unmapped"> {
    const config: ValidateConfig = {
        pseudoParameterOverrides: { region: opts.region, accountId: MOCK_ACCOUNT, partition: "aws", stackName: stack },
        exclude: { ids: Object.keys(EXCLUDED_RULES) },
    };
    const bytes = Buffer.from(JSON.stringify(t.template, null, 1));
    const started = process.hrtime.bigint();
    const report = validatorEngine().validateStandard(new MemoryTemplate(`${stack}.template.json`, bytes), config);
    const millis = Number(process.hrtime.bigint() - started) / 1e6;
    if (report.status === "ERROR") throw new Error(`the CloudFormation validator failed on ${stack}'s template`);

    const findings: Finding[] = report.diagnostics.map((d) => {
        const owner = d.entity?.logicalId ? t.owners[d.entity.logicalId] : undefined;
        const known = KNOWN_FALSE_POSITIVES.find((k) => k.ruleId === d.ruleId && k.path.test(d.propertyPath ?? "") && k.message.test(d.message));
        if (known) {
            return {
                severity: "INFO",
                ruleId: d.ruleId,
                resource: owner?.name ?? d.entity?.logicalId ?? "(template)",
                type: owner?.type ?? d.entity?.resourceType ?? "",
                property: propertyOf(d.propertyPath, owner),
                message: `known false positive (${known.reason}): ${inOurNames(d.message, t)}`,
            } satisfies Finding;
        }
        return {
            severity: severityOf(d),
            ruleId: d.ruleId,
            resource: owner?.name ?? d.entity?.logicalId ?? "(template)",
            type: owner?.type ?? d.entity?.resourceType ?? "",
            property: propertyOf(d.propertyPath, owner),
            message: inOurNames(d.message, t),
        };
    });
    const info = findings.filter((f) => f.severity === "INFO");
    return {
        stack,
        region: opts.region,
        errors: findings.filter((f) => f.severity === "ERROR"),
        warnings: findings.filter((f) => f.severity === "WARN"),
        infoCount: info.length,
        info: opts.includeInfo ? info : [],
        checked: Object.keys(t.template.Resources).length,
        millis,
    };
}

/** Translates a planned stack and validates it: `{ errors, warnings, infoCount, notValidated }`. */
export function validateStackPlan(plan: Pick<StackPlan, "stack" | "resources"> & { settings?: { region?: string } }, opts: ValidateOptions = {}): ValidationResult {
    const region = opts.region ?? plan.settings?.region ?? "us-east-1";
    const t = translatePlan(plan);
    const result = validateTranslation(t, plan.stack, { region, includeInfo: opts.includeInfo });
    const ownErrors = [...albZoneFindings(plan), ...instanceTypeFindings(plan, region)];
    return { ...result, errors: [...result.errors, ...ownErrors], notValidated: t.notValidated, unmapped: t.unmapped };
}

/** `is not one of ['a', 'b', … 300 more]`: long allowed-value lists cut to their first few items. */
function shortLists(message: string): string {
    return message.replace(/\[((?:'[^']*',\s*){8,}'[^']*')\]/g, (_all, items: string) => {
        const all = items.split(/,\s*/);
        return `[${all.slice(0, 6).join(", ")}, … ${all.length - 6} more]`;
    });
}

/** Human-readable lines for a result (errors and warnings per resource, info counted). */
export function formatValidation(r: ValidationResult): string[] {
    const lines: string[] = [];
    const byResource = new Map<string, Finding[]>();
    for (const f of [...r.errors, ...r.warnings, ...r.info]) {
        const key = `${f.resource} (${f.type})`;
        byResource.set(key, [...(byResource.get(key) ?? []), f]);
    }
    lines.push(
        `${r.stack} (${r.region}): ${r.errors.length} error(s), ${r.warnings.length} warning(s), ${r.infoCount} info; ${r.checked} CloudFormation resources checked in ${Math.round(r.millis)} ms, ${r.notValidated.length} not validated`,
    );
    for (const [resource, fs] of byResource) {
        lines.push(`  ${resource}`);
        for (const f of fs) lines.push(`    ${f.severity.padEnd(5)} ${f.ruleId} ${f.property ? `[${f.property}] ` : ""}${shortLists(f.message)}`);
    }
    if (r.notValidated.length > 0) {
        const reasons = new Map<string, string[]>();
        for (const s of r.notValidated) reasons.set(`${s.type}: ${s.reason}`, [...(reasons.get(`${s.type}: ${s.reason}`) ?? []), s.name]);
        lines.push("  not validated:");
        for (const [reason, names] of reasons) lines.push(`    ${names.length} × ${reason}`);
    }
    for (const u of r.unmapped) lines.push(`  unmapped input: ${u.name} (${u.type}) .${u.input}`);
    return lines;
}
