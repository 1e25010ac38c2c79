/** Logging rules: every log group has a retention period. */
import { baseline, ResourceRule, Rule } from "./rule";
import { T } from "./types";

export const logsRules: Rule[] = [
    ...baseline<ResourceRule>("log-group-retention", {
        kind: "resource",
        description: "Every CloudWatch log group expires its events (retentionInDays), so logs neither vanish early nor grow forever.",
        types: [T.logGroup],
        check(r, f) {
            const days = Number(r.props.retentionInDays ?? 0);
            if (!(days > 0)) f.fail(`log group "${r.name}" must set retentionInDays (it keeps logs forever).`, r.urn);
        },
    }),
];
