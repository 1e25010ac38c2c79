/**
 * The translator: a planned stack's `aws.*` resources → an equivalent CloudFormation template,
 * through the per-type tables in `./mappings`. References between resources stay references:
 * a mocked id or ARN that another resource produced becomes `Ref` / `Fn::GetAtt` on it, so
 * AWS's rules check our wiring (a subnet list, a certificate) and not the mock's strings.
 */
import type { PlannedResource, StackPlan } from "../harness";
import { CfnValue, pascalDeep } from "./convert";
import { FOLDS, MAPPINGS, mapTags, NOT_VALIDATED, PropRule, TypeMapping } from "./mappings";

export interface CfnResource {
    Type: string;
    Properties: Record<string, CfnValue>;
    DeletionPolicy?: string;
    UpdateReplacePolicy?: string;
}

export interface CfnTemplate {
    AWSTemplateFormatVersion: "2010-09-09";
    Description: string;
    Resources: Record<string, CfnResource>;
}

/** Our resource behind a logical id. */
export interface Owner {
    type: string;
    name: string;
    /** Resources folded into this one (S3 bucket settings, policy attachments …). */
    folded: { type: string; name: string }[];
    /** CloudFormation property (top level, or `Parent.Child` for merged inputs) → the Pulumi input it came from. */
    origins: Record<string, string>;
}

export interface Skipped {
    type: string;
    name: string;
    reason: string;
}

export interface Translation {
    template: CfnTemplate;
    /** Logical id → our resource. */
    owners: Record<string, Owner>;
    /** Resources with no CloudFormation equivalent, and why. */
    notValidated: Skipped[];
    /** Inputs no table maps (a gap in the tables, shown, never dropped silently). */
    unmapped: { type: string; name: string; input: string }[];
}

/**
 * Keys never rewritten into references: tag values are labels, not wiring; policy documents keep
 * literal ARNs because in Pulumi a policy naming a role and its attachment to that role are
 * separate resources, while in one CloudFormation template they would form a dependency cycle.
 */
const NO_REFS = new Set([
    "Tags",
    "HostedZoneTags",
    "BackupVaultTags",
    "BackupPlanTags",
    "RecoveryPointTags",
    "PolicyDocument",
    "AssumeRolePolicyDocument",
    "KeyPolicy",
]);

/** `prod-web-tg` + `TargetGroup` → `ProdWebTgTargetGroup`. */
export function logicalIdFor(r: Pick<PlannedResource, "name" | "type">): string {
    const base = r.name
        .split(/[^A-Za-z0-9]+/)
        .filter(Boolean)
        .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
        .join("");
    const kind = (r.type.split(":").pop() ?? "").replace(/[^A-Za-z0-9]/g, "");
    return `${base}${kind}`;
}

function deepMerge(a: CfnValue, b: CfnValue): CfnValue {
    if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
    if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
        const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
        for (const [k, v] of Object.entries(b as Record<string, unknown>)) out[k] = k in out ? deepMerge(out[k], v) : v;
        return out;
    }
    return b === undefined ? a : b;
}

function applyRule(rule: PropRule, value: unknown, r: PlannedResource): Record<string, CfnValue> | undefined {
    if (typeof rule === "string") return { [rule]: pascalDeep(value) };
    if ("skip" in rule) return undefined;
    if ("merge" in rule) return rule.merge(value, r);
    return { [rule.to]: rule.value(value, r) };
}

/** Where other resources' values point: a mocked id/ARN → the intrinsic that yields it. */
function referenceIndex(resources: PlannedResource[], ids: Map<PlannedResource, string>): Map<string, { logicalId: string; value: CfnValue }> {
    const index = new Map<string, { logicalId: string; value: CfnValue }>();
    const ambiguous = new Set<string>();
    for (const r of resources) {
        const m = MAPPINGS[r.type];
        const logicalId = ids.get(r);
        if (!m?.refs || !logicalId) continue;
        for (const [key, how] of Object.entries(m.refs)) {
            const v = key === "id" ? r.id : r.outputs[key];
            if (typeof v !== "string" || v === "") continue;
            const value = how === "Ref" ? { Ref: logicalId } : how.startsWith("Fn::Sub ") ? { "Fn::Sub": how.slice(8).replace("${Self}", `\${${logicalId}}`) } : { "Fn::GetAtt": [logicalId, how] };
            const seen = index.get(v);
            if (seen && seen.logicalId !== logicalId) ambiguous.add(v);
            else if (!seen || how === "Ref") index.set(v, { logicalId, value });
        }
    }
    for (const v of ambiguous) index.delete(v);
    return index;
}

function withRefs(value: CfnValue, index: Map<string, { logicalId: string; value: CfnValue }>, self: string): CfnValue {
    if (typeof value === "string") {
        const hit = index.get(value);
        return hit && hit.logicalId !== self ? hit.value : value;
    }
    if (Array.isArray(value)) return value.map((v) => withRefs(v, index, self));
    if (value && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if ("Ref" in o || "Fn::GetAtt" in o) return o;
        return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, NO_REFS.has(k) ? v : withRefs(v, index, self)]));
    }
    return value;
}

function deletionPolicy(r: PlannedResource): string | undefined {
    if (r.options.retainOnDelete) return "Retain";
    if (r.type === "aws:rds/instance:Instance") return r.inputs.skipFinalSnapshot === true ? "Delete" : "Snapshot";
    return undefined;
}

/** Translates one mapped resource's inputs (before folds and references). */
export function translateResource(r: PlannedResource, m: TypeMapping): { properties: Record<string, CfnValue>; origins: Record<string, string>; unmapped: string[] } {
    let properties: Record<string, CfnValue> = {};
    const origins: Record<string, string> = {};
    const unmapped: string[] = [];
    for (const [input, value] of Object.entries(r.inputs)) {
        if (value === undefined || input.startsWith("__")) continue;
        if (input === "tags" || input === "tagsAll") {
            const t = input === "tags" ? mapTags(m, value) : undefined;
            if (t) {
                properties[t[0]] = t[1];
                origins[t[0]] = "tags";
            }
            continue;
        }
        const rule = m.props[input];
        if (rule === undefined) {
            unmapped.push(input);
            continue;
        }
        const out = applyRule(rule, value, r);
        if (!out) continue;
        for (const [k, v] of Object.entries(out)) {
            if (v === undefined) continue;
            properties = { ...properties, [k]: k in properties ? deepMerge(properties[k], v) : v };
            origins[k] ??= input;
            // Inputs merged into one property (LaunchTemplateData.ImageId ← imageId) keep their own origin.
            if (typeof rule === "object" && "merge" in rule && v && typeof v === "object" && !Array.isArray(v)) {
                for (const sub of Object.keys(v)) origins[`${k}.${sub}`] ??= input;
            }
        }
    }
    if (m.physicalName && properties[m.physicalName] === undefined) {
        properties[m.physicalName] = String(r.outputs.name ?? r.inputs.name ?? r.name);
        origins[m.physicalName] = "name";
    }
    return { properties, origins, unmapped };
}

/** Translates a planned stack into a CloudFormation template and the map back to our names. */
export function translatePlan(plan: Pick<StackPlan, "stack" | "resources">): Translation {
    const resources = plan.resources.filter((r) => r.custom);
    const notValidated: Skipped[] = [];
    const unmapped: Translation["unmapped"] = [];
    const ids = new Map<PlannedResource, string>();
    const taken = new Set<string>();
    for (const r of resources) {
        if (!MAPPINGS[r.type]) continue;
        let id = logicalIdFor(r);
        for (let n = 2; taken.has(id); n++) id = `${logicalIdFor(r)}${n}`;
        taken.add(id);
        ids.set(r, id);
    }
    const index = referenceIndex(resources, ids);
    const template: CfnTemplate = { AWSTemplateFormatVersion: "2010-09-09", Description: `stageline ${plan.stack}, translated from the offline plan`, Resources: {} };
    const owners: Record<string, Owner> = {};

    for (const r of resources) {
        const m = MAPPINGS[r.type];
        const id = ids.get(r);
        if (!m || !id) continue;
        const t = translateResource(r, m);
        unmapped.push(...t.unmapped.map((input) => ({ type: r.type, name: r.name, input })));
        const res: CfnResource = { Type: m.cfnType, Properties: t.properties };
        const policy = deletionPolicy(r);
        if (policy) {
            res.DeletionPolicy = policy;
            res.UpdateReplacePolicy = policy === "Snapshot" ? "Snapshot" : policy;
        }
        template.Resources[id] = res;
        owners[id] = { type: r.type, name: r.name, folded: [], origins: t.origins };
        for (const [suffix, extra] of Object.entries(m.extras?.(r, t.properties, id) ?? {})) {
            template.Resources[`${id}${suffix}`] = extra;
            owners[`${id}${suffix}`] = { type: r.type, name: r.name, folded: [], origins: {} };
        }
    }

    for (const r of resources) {
        if (MAPPINGS[r.type]) continue;
        const fold = FOLDS[r.type];
        if (fold) {
            const parent = resources.find((p) => p.type === fold.into && p.outputs[fold.parentKey] === r.inputs[fold.by]);
            const parentId = parent && ids.get(parent);
            if (!parent || !parentId) {
                notValidated.push({ type: r.type, name: r.name, reason: `folds into a ${fold.into} that is not in this plan` });
                continue;
            }
            for (const input of Object.keys(r.inputs)) {
                if (!fold.reads.includes(input) && !input.startsWith("__")) unmapped.push({ type: r.type, name: r.name, input });
            }
            const target = template.Resources[parentId];
            const contributed = fold.props(r.inputs, r);
            for (const [k, v] of Object.entries(contributed)) {
                target.Properties[k] = k in target.Properties ? deepMerge(target.Properties[k], v) : v;
                owners[parentId].origins[k] ??= `${r.name} (${r.type.split(":").pop()})`;
            }
            owners[parentId].folded.push({ type: r.type, name: r.name });
            continue;
        }
        const reason =
            NOT_VALIDATED[r.type] ??
            (r.type.startsWith("pulumi:providers:") ? "a Pulumi provider, not a cloud resource" : r.type.startsWith("aws:") ? "no mapping table for this type yet" : "not an AWS resource");
        notValidated.push({ type: r.type, name: r.name, reason });
    }

    for (const [id, res] of Object.entries(template.Resources)) res.Properties = withRefs(res.Properties, index, id) as Record<string, CfnValue>;
    return { template, owners, notValidated, unmapped };
}
