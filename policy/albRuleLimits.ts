/**
 * Listener rule limits: the condition values, wildcards and value lengths an Application Load
 * Balancer accepts in one rule. Mocks and previews accept any rule; CreateRule refuses one past
 * these at deploy time. The limits are the ones the config checks a service's routes against
 * (lib/awsLimits.ts), each with its AWS page.
 */
import { ALB_CONDITION_VALUES_PER_RULE, ALB_CONDITION_WILDCARDS_PER_RULE, ALB_HOST_HEADER_LENGTH, ALB_PATH_PATTERN_LENGTH, AwsLimit } from "../lib/awsLimits";
import { asList, baseline, known, ResourceRule, Rule } from "./rule";
import { T } from "./types";

interface Condition {
    pathPattern?: { values?: string[] };
    hostHeader?: { values?: string[] };
    httpHeader?: { values?: string[] };
    httpRequestMethod?: { values?: string[] };
    queryStrings?: { key?: string; value?: string }[];
    sourceIp?: { values?: string[] };
}

const chars = (s: string) => [...s].length;
const atMost = (l: AwsLimit) => `AWS allows at most ${l.value} ${l.what} (${l.doc})`;

export const albRuleLimitRules: Rule[] = [
    ...baseline<ResourceRule>("alb-rule-condition-limits", {
        kind: "resource",
        description: "A listener rule stays within the ALB's limits on condition values, wildcards and path-pattern / host-header lengths (lib/awsLimits.ts), so CreateRule does not refuse it at deploy time.",
        types: [T.listenerRule, T.albListenerRule],
        check(r, f) {
            const conditions = asList(known(r.props.conditions, "conditions") as Condition[]);
            const paths = conditions.flatMap((c) => asList(c.pathPattern?.values));
            const hosts = conditions.flatMap((c) => asList(c.hostHeader?.values));
            const others = conditions.flatMap((c) => [...asList(c.httpHeader?.values), ...asList(c.httpRequestMethod?.values), ...asList(c.sourceIp?.values)]);
            const queries = conditions.flatMap((c) => asList(c.queryStrings).map((q) => `${q.key ?? ""}${q.value ?? ""}`));
            const values = paths.length + hosts.length + others.length + queries.length;
            if (values > ALB_CONDITION_VALUES_PER_RULE.value) f.fail(`listener rule "${r.name}" has ${values} condition values; ${atMost(ALB_CONDITION_VALUES_PER_RULE)}.`, r.urn);
            const wildcards = [...paths, ...hosts, ...conditions.flatMap((c) => asList(c.httpHeader?.values)), ...queries].join("").replace(/[^*?]/g, "").length;
            if (wildcards > ALB_CONDITION_WILDCARDS_PER_RULE.value) f.fail(`listener rule "${r.name}" has ${wildcards} wildcards in its conditions; ${atMost(ALB_CONDITION_WILDCARDS_PER_RULE)}.`, r.urn);
            for (const p of paths) if (chars(p) > ALB_PATH_PATTERN_LENGTH.value) f.fail(`listener rule "${r.name}": path pattern "${p}" is ${chars(p)} characters; ${atMost(ALB_PATH_PATTERN_LENGTH)}.`, r.urn);
            for (const h of hosts) if (chars(h) > ALB_HOST_HEADER_LENGTH.value) f.fail(`listener rule "${r.name}": host header "${h}" is ${chars(h)} characters; ${atMost(ALB_HOST_HEADER_LENGTH)}.`, r.urn);
        },
    }),
];
