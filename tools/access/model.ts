/**
 * The IAM side of a planned stack: every principal (IAM role) the stack creates with the identity
 * policies the plan attaches to it, and the resource policies that apply to its calls (S3 bucket
 * policies, KMS key policies, Secrets Manager and SNS resource policies, the role trust policies).
 * Read from the planned inputs only (tools/harness.ts), so what is evaluated is what the stack
 * would send to AWS.
 */
import { PlannedResource, StackPlan, ofType } from "../harness";

export interface PolicyDoc {
    Version?: string;
    Statement: Record<string, unknown>[] | Record<string, unknown>;
}

/** One IAM role of a stack, with everything that grants it anything. */
export interface Principal {
    stack: string;
    /** Pulumi resource name of the role (`staging-db-snapshot-role`): what jobs are declared by. */
    resourceName: string;
    /** Physical role name. */
    roleName: string;
    arn: string;
    /** The trust policy (who may assume it). */
    trust: PolicyDoc;
    /** Inline and customer-managed policies, by name. */
    identityPolicies: { name: string; policy: PolicyDoc }[];
    /** AWS-managed policies attached (their text is AWS's, not ours; named so a job can say so). */
    managedPolicyArns: string[];
}

/** A resource policy and the ARNs it governs (the bucket and its objects, the key...). */
export interface ResourcePolicy {
    /** Where it comes from: `aws:s3/bucketPolicy:BucketPolicy staging-releases-policy`. */
    source: string;
    /** True when the policy governs this ARN. */
    covers: (arn: string) => boolean;
    policy: PolicyDoc;
}

export interface AccessModel {
    stack: string;
    principals: Principal[];
    resourcePolicies: ResourcePolicy[];
    /** Every planned policy document (identity, resource, trust), for the action catalogue check. */
    documents: { source: string; policy: PolicyDoc }[];
}

function parse(source: string, value: unknown): PolicyDoc {
    if (typeof value === "string") return JSON.parse(value) as PolicyDoc;
    if (value && typeof value === "object") return value as PolicyDoc;
    throw new Error(`${source}: policy is not known in the plan (${JSON.stringify(value)})`);
}

function label(r: PlannedResource): string {
    return `${r.type} ${r.name}`;
}

/** Reads the principals and resource policies of one planned stack. */
export function accessModel(plan: StackPlan): AccessModel {
    const documents: AccessModel["documents"] = [];
    const doc = (r: PlannedResource, value: unknown) => {
        const policy = parse(`${plan.stack}: ${label(r)}`, value);
        documents.push({ source: `${plan.stack}: ${label(r)}`, policy });
        return policy;
    };
    const managed = new Map<string, { name: string; policy: PolicyDoc }>();
    for (const p of ofType(plan, "aws:iam/policy:Policy")) managed.set(String(p.outputs.arn), { name: String(p.outputs.name), policy: doc(p, p.inputs.policy) });

    const principals: Principal[] = ofType(plan, "aws:iam/role:Role").map((r) => {
        const roleName = String(r.outputs.name);
        const matches = (x: PlannedResource) => x.inputs.role === roleName;
        const inline = ofType(plan, "aws:iam/rolePolicy:RolePolicy")
            .filter(matches)
            .map((p) => ({ name: p.name, policy: doc(p, p.inputs.policy) }));
        const attached = ofType(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter(matches);
        const customer = attached.flatMap((a) => {
            const m = managed.get(String(a.inputs.policyArn));
            return m ? [m] : [];
        });
        return {
            stack: plan.stack,
            resourceName: r.name,
            roleName,
            arn: String(r.outputs.arn),
            trust: doc(r, r.inputs.assumeRolePolicy),
            identityPolicies: [...inline, ...customer],
            managedPolicyArns: attached.map((a) => String(a.inputs.policyArn)).filter((a) => !managed.has(a)),
        };
    });

    const resourcePolicies: ResourcePolicy[] = [];
    const buckets = new Map(ofType(plan, "aws:s3/bucket:Bucket").map((b) => [String(b.outputs.bucket), b]));
    for (const bp of ofType(plan, "aws:s3/bucketPolicy:BucketPolicy")) {
        const bucket = String(bp.inputs.bucket);
        if (!buckets.has(bucket)) throw new Error(`${plan.stack}: ${label(bp)} is on bucket "${bucket}", which the stack does not plan`);
        const arn = `arn:aws:s3:::${bucket}`;
        resourcePolicies.push({ source: label(bp), covers: (a) => a === arn || a.startsWith(`${arn}/`), policy: doc(bp, bp.inputs.policy) });
    }
    for (const k of ofType(plan, "aws:kms/key:Key")) {
        const arn = String(k.outputs.arn);
        // A key without a policy gets AWS's default key policy: the account administers it.
        const policy = k.inputs.policy !== undefined ? doc(k, k.inputs.policy) : defaultKeyPolicy(arn);
        resourcePolicies.push({ source: label(k), covers: (a) => a === arn, policy });
    }
    for (const sp of ofType(plan, "aws:secretsmanager/secretPolicy:SecretPolicy")) {
        const arn = String(sp.inputs.secretArn);
        resourcePolicies.push({ source: label(sp), covers: (a) => a === arn, policy: doc(sp, sp.inputs.policy) });
    }
    for (const tp of ofType(plan, "aws:sns/topicPolicy:TopicPolicy")) {
        const arn = String(tp.inputs.arn);
        resourcePolicies.push({ source: label(tp), covers: (a) => a === arn, policy: doc(tp, tp.inputs.policy) });
    }
    return { stack: plan.stack, principals, resourcePolicies, documents };
}

/** https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html */
export function defaultKeyPolicy(keyArn: string): PolicyDoc {
    const account = keyArn.split(":")[4];
    return { Version: "2012-10-17", Statement: [{ Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" }] };
}
