/**
 * Resources the pack cannot see into: a Cloud Control resource (`aws:cloudcontrol/resource`, and
 * every `aws-native:` resource, which Pulumi creates through Cloud Control) carries its settings
 * as an opaque JSON document in another provider's schema, and a CloudFormation stack (or stack
 * set) creates resources from a template the pack never receives. None of our rules can judge
 * them, so each is reported "cannot judge" (advisory) instead of passing silently.
 */
import { Rule } from "./rule";
import { STAGES } from "./stage";
import { T } from "./types";

const OPAQUE_TYPES: readonly string[] = [T.cloudControlResource, T.cloudFormationStack, T.cloudFormationStackSet];

/** Whether the pack cannot judge a resource of this type. */
export function isOpaqueType(type: string): boolean {
    return type.startsWith("aws-native:") || OPAQUE_TYPES.includes(type);
}

export const opaqueRules: Rule[] = [
    {
        kind: "stack",
        name: "cannot-judge-opaque-resources",
        description: "Resources the pack cannot see into (Cloud Control, aws-native, CloudFormation stacks and stack sets) are reported as not judged, so they never pass the rules silently: review them by hand or use the aws provider's own type.",
        enforcement: "advisory",
        stages: [...STAGES],
        readsValues: false,
        check(resources, f) {
            for (const r of resources.filter((x) => isOpaqueType(x.type))) {
                f.fail(`cannot judge ${r.type} "${r.name}": its settings are not visible to the policy pack (no rule can check them); review it by hand or use the aws provider's own resource type.`, r.urn);
            }
        },
    },
];
