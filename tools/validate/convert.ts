/**
 * Value conversions shared by the mapping tables: Pulumi's camelCase shapes to CloudFormation's
 * PascalCase ones, tags, JSON documents and ELB attribute lists.
 */

/** A CloudFormation value: literals, lists, objects and intrinsics (`{ Ref }`, `{ "Fn::GetAtt" }`). */
export type CfnValue = unknown;

/** Keys whose CloudFormation spelling is not the plain PascalCase of Pulumi's name. */
export const KEY_SPELLING: Record<string, string> = {
    cloudwatchMetricsEnabled: "CloudWatchMetricsEnabled",
    cloudwatchLogs: "CloudWatchLogs",
    s3Logs: "S3Logs",
    buildspec: "BuildSpec",
    vpcId: "VpcId",
    kmsKey: "KmsKey",
    targetGroupArn: "TargetGroupArn",
    ipSetReferenceStatement: "IPSetReferenceStatement",
};

/** `someName` → `SomeName`, with the exceptions above. */
export function pascalKey(key: string): string {
    return KEY_SPELLING[key] ?? key.charAt(0).toUpperCase() + key.slice(1);
}

/**
 * Deep PascalCase of object keys. Keys listed in `opaque` (CloudFormation spelling) keep their
 * value as-is: maps whose keys are data (`Options`, `Configuration`), not schema.
 */
export function pascalDeep(value: unknown, opaque: ReadonlySet<string> = new Set()): CfnValue {
    if (Array.isArray(value)) return value.map((v) => pascalDeep(v, opaque));
    if (value !== null && typeof value === "object") {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
            if (v === undefined) continue;
            const key = pascalKey(k);
            out[key] = opaque.has(key) ? v : pascalDeep(v, opaque);
        }
        return out;
    }
    return value;
}

/** Pulumi's `{ k: v }` tags → CloudFormation's `[{ Key, Value }]`, sorted by key. */
export function tagList(tags: unknown): CfnValue {
    if (!tags || typeof tags !== "object") return undefined;
    const entries = Object.entries(tags as Record<string, unknown>);
    if (entries.length === 0) return undefined;
    return entries.sort(([a], [b]) => a.localeCompare(b)).map(([Key, Value]) => ({ Key, Value: String(Value) }));
}

/**
 * Auto Scaling's tag list (`[{ key, value, propagateAtLaunch }]`) → `[{ Key, Value, PropagateAtLaunch }]`,
 * sorted by key.
 */
export function propagatingTagList(tags: unknown): CfnValue {
    if (!Array.isArray(tags) || tags.length === 0) return undefined;
    return (tags as Record<string, unknown>[])
        .map((t) => compact({ Key: t.key, Value: String(t.value), PropagateAtLaunch: t.propagateAtLaunch }))
        .sort((a, b) => String(a?.Key).localeCompare(String(b?.Key)));
}

/** The EC2 provider's string booleans (`"true"`, `"false"`) → booleans; anything else as given. */
export function bool(v: unknown): CfnValue {
    return v === "true" ? true : v === "false" ? false : v;
}

/** Tags as a string map (the few CloudFormation types that take them so). */
export function tagMap(tags: unknown): CfnValue {
    if (!tags || typeof tags !== "object" || Object.keys(tags).length === 0) return undefined;
    return Object.fromEntries(Object.entries(tags as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

/** A JSON document given as a string (IAM policies, dashboards) → an object, or the string if not JSON. */
export function jsonDoc(value: unknown): CfnValue {
    if (typeof value !== "string") return value;
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

/** `{ a: 1 }` → `[{ Key: "a", Value: "1" }]` (ELB attributes). */
export function attributes(pairs: Record<string, unknown>): CfnValue {
    const list = Object.entries(pairs)
        .filter(([, v]) => v !== undefined)
        .map(([Key, Value]) => ({ Key, Value: String(Value) }));
    return list.length > 0 ? list : undefined;
}

/** Drops undefined fields; returns undefined for an empty object. */
export function compact(obj: Record<string, unknown>): Record<string, unknown> | undefined {
    const out = Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
    return Object.keys(out).length > 0 ? out : undefined;
}

/** An ELB listener or rule action, Pulumi shape → CloudFormation shape. */
export function elbAction(a: Record<string, unknown>): CfnValue {
    const redirect = a.redirect as Record<string, unknown> | undefined;
    const fixed = a.fixedResponse as Record<string, unknown> | undefined;
    const forward = a.forward as Record<string, unknown> | undefined;
    return compact({
        Type: a.type,
        Order: a.order,
        TargetGroupArn: a.targetGroupArn,
        RedirectConfig: redirect ? pascalDeep(redirect) : undefined,
        FixedResponseConfig: fixed ? pascalDeep(fixed) : undefined,
        ForwardConfig: forward
            ? compact({
                  TargetGroups: ((forward.targetGroups as Record<string, unknown>[]) ?? []).map((t) => compact({ TargetGroupArn: t.arn, Weight: t.weight })),
                  TargetGroupStickinessConfig: forward.stickiness ? pascalDeep(forward.stickiness) : undefined,
              })
            : undefined,
    });
}

/** Field names of ELB rule conditions, Pulumi key → CloudFormation `Field` and config key. */
const CONDITION_FIELDS: Record<string, [string, string]> = {
    pathPattern: ["path-pattern", "PathPatternConfig"],
    hostHeader: ["host-header", "HostHeaderConfig"],
    httpHeader: ["http-header", "HttpHeaderConfig"],
    httpRequestMethod: ["http-request-method", "HttpRequestMethodConfig"],
    queryStrings: ["query-string", "QueryStringConfig"],
    sourceIp: ["source-ip", "SourceIpConfig"],
};

/** An ELB listener rule condition, Pulumi shape → CloudFormation shape. */
export function elbCondition(c: Record<string, unknown>): CfnValue {
    for (const [key, [field, configKey]] of Object.entries(CONDITION_FIELDS)) {
        if (c[key] === undefined) continue;
        const config = key === "queryStrings" ? { Values: pascalDeep(c[key]) } : pascalDeep(c[key]);
        return { Field: field, [configKey]: config };
    }
    return pascalDeep(c);
}
