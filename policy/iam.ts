/** IAM rules: least privilege — no wildcard actions on wildcard resources. */
import { asList, baseline, parseJson, ResourceRule, Rule } from "./rule";
import { T } from "./types";

interface Statement {
    Effect?: string;
    Action?: string | string[];
    NotAction?: string | string[];
    Resource?: string | string[];
}

/** The wildcard grants of a policy document: `*` or `service:*` actions on `*` resources. */
export function wildcardGrants(doc: unknown): string[] {
    const statements = asList((doc as { Statement?: Statement | Statement[] } | undefined)?.Statement);
    const found: string[] = [];
    for (const s of statements) {
        if (s.Effect !== "Allow") continue;
        if (!asList(s.Resource).includes("*")) continue;
        if (s.NotAction !== undefined) found.push(`NotAction on "*"`);
        for (const a of asList(s.Action)) if (a === "*" || /^[a-z0-9-]+:\*$/i.test(a)) found.push(`"${a}" on "*"`);
    }
    return found;
}

const POLICY_TYPES = [T.iamPolicy, T.iamRolePolicy, T.iamUserPolicy, T.iamGroupPolicy, T.iamRole];

export const iamRules: Rule[] = [
    ...baseline<ResourceRule>("iam-no-wildcard-grants", {
        kind: "resource",
        description: "Least privilege: no IAM policy allows every action (`*`) or every action of a service (`s3:*`) on every resource (`*`).",
        types: POLICY_TYPES,
        check(r, f) {
            const docs: { label: string; doc: unknown }[] =
                r.type === T.iamRole
                    ? asList(r.props.inlinePolicies as { name?: string; policy?: string }[]).map((p, i) => ({ label: `inline policy "${p.name ?? i}"`, doc: parseJson(p.policy, "inlinePolicies.policy") }))
                    : [{ label: "policy", doc: parseJson(r.props.policy, "policy") }];
            for (const { label, doc } of docs) {
                const grants = wildcardGrants(doc);
                if (grants.length > 0) f.fail(`${r.type} "${r.name}" ${label} allows ${grants.join(", ")}.`, r.urn);
            }
        },
    }),
];
