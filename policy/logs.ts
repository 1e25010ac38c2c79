/** Logging rules: every log group has a retention period CloudWatch Logs accepts. */
import { LOG_RETENTION_DAYS } from "../lib/awsLimits";
import { baseline, ResourceRule, Rule } from "./rule";
import { T } from "./types";

export const logsRules: Rule[] = [
    ...baseline<ResourceRule>("log-group-retention", {
        kind: "resource",
        description: "Every CloudWatch log group expires its events (retentionInDays, one of the periods CloudWatch Logs accepts), so logs neither vanish early nor grow forever.",
        types: [T.logGroup],
        check(r, f) {
            const days = Number(r.props.retentionInDays ?? 0);
            if (!(days > 0)) f.fail(`log group "${r.name}" must set retentionInDays (it keeps logs forever).`, r.urn);
            // The same list the config checks a stack file's retention against (lib/awsLimits.ts).
            else if (!LOG_RETENTION_DAYS.values.includes(days)) {
                f.fail(`log group "${r.name}" has retentionInDays ${days}, which CloudWatch Logs refuses; allowed: ${LOG_RETENTION_DAYS.values.join(", ")} (${LOG_RETENTION_DAYS.doc}).`, r.urn);
            }
        },
    }),
];
