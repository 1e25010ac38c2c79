/**
 * Config checked against AWS's limits (lib/awsLimits.ts) and against contradictions the shapes
 * cannot see: each problem names the key and the limit with its AWS page, so a value AWS would
 * refuse at deploy time — or a component would refuse inside an `apply`, wrapped in
 * serialisation noise — is refused by config, once, naming the stack and the key.
 */
import {
    ALB_CONDITION_VALUES_PER_RULE,
    ALB_CONDITION_WILDCARDS_PER_RULE,
    ALB_HOST_HEADER_LENGTH,
    ALB_PATH_PATTERN_LENGTH,
    ALB_RULES_PER_LOAD_BALANCER,
    AwsLimit,
    AZ_LETTERS,
    HEALTH_CHECK_PATH_LENGTH,
    LOG_RETENTION_DAYS,
    RESERVED_TAG_PREFIX,
    TAG_KEY_LENGTH,
    TAG_VALUE_LENGTH,
    TAGS_PER_RESOURCE,
} from "../lib/awsLimits";
import type { ConfigProblem } from "./errors";
import { renderGiven } from "./errors";
import { Stage, StageSettings } from "./settings";
import { isStage } from "../lib/stage";

const NS = "stageline";
const k = (s: string) => `${NS}:${s}`;
const limitText = (l: AwsLimit) => `at most ${l.value} ${l.what} (AWS limit: ${l.doc})`;

/**
 * Tag keys the program sets on resources besides the stack's `tags` (infra/program.ts stageTags,
 * components' `Name` and `service`): they count against the per-resource limit too.
 */
export const PROGRAM_TAG_KEYS = ["project", "stage", "stack", "managed-by", "service", "Name"] as const;

/**
 * Container variables AppService sets from the database connection (components/appService.ts
 * RESERVED_ENVIRONMENT; tests/limits.test.ts keeps the two lists equal).
 */
export const RESERVED_ENVIRONMENT_KEYS = ["DB_HOST", "DB_PORT", "DB_NAME", "DB_USERNAME", "DB_PASSWORD"] as const;

/** Unicode characters (code points), as AWS counts tag lengths. */
const chars = (s: string) => [...s].length;

/** Problems with values that exceed an AWS limit or that a component would refuse. */
export function limitProblems(s: StageSettings, raw: { tags?: Record<string, string>; network?: { cidr?: string; availabilityZones?: string[] } }): ConfigProblem[] {
    const out: ConfigProblem[] = [];

    // Network: CIDR written with leading zeros (10.040.0.0/16 is read as 10.40 by some tools and
    // as octal by others): refused rather than guessed.
    const cidr = raw.network?.cidr;
    if (cidr !== undefined && /(^|[./])0\d/.test(cidr)) {
        out.push({ key: k("network.cidr"), given: renderGiven(cidr), allowed: "an IPv4 CIDR block without leading zeros, e.g. 10.40.0.0/16" });
    }
    const badLetters = s.network.availabilityZones.filter((az) => !AZ_LETTERS.includes(az.slice(-1)));
    if (raw.network?.availabilityZones !== undefined && badLetters.length > 0) {
        out.push({
            key: k("network.availabilityZones"),
            given: renderGiven(badLetters.join(", ")),
            allowed: `Availability Zones ending in a letter from a to h (the VPC has a subnet block for each of those eight letters)`,
        });
    }
    const retention = (key: string, days: number) => {
        if (!LOG_RETENTION_DAYS.values.includes(days)) {
            out.push({ key: k(key), given: String(days), allowed: `one of the CloudWatch Logs retention periods ${LOG_RETENTION_DAYS.values.join(", ")} (${LOG_RETENTION_DAYS.doc})` });
        }
    };
    retention("network.flowLogRetentionDays", s.network.flowLogRetentionDays);
    retention("pipeline.logRetentionDays", s.pipeline.logRetentionDays);

    // Services: one listener rule each.
    if (s.services.length > ALB_RULES_PER_LOAD_BALANCER.value) {
        out.push({ key: k("services"), given: `a list of ${s.services.length}`, allowed: `${limitText(ALB_RULES_PER_LOAD_BALANCER)}: each service is one listener rule` });
    }
    s.services.forEach((svc, i) => {
        const label = svc.name ? `services[${svc.name}]` : `services[${i}]`;
        const values = svc.pathPatterns.length + svc.hostHeaders.length;
        if (values > ALB_CONDITION_VALUES_PER_RULE.value) {
            out.push({ key: k(`${label}.pathPatterns`), given: `${values} path patterns and host headers`, allowed: `${limitText(ALB_CONDITION_VALUES_PER_RULE)}: split the service's routes or use a broader pattern` });
        } else {
            const wildcards = [...svc.pathPatterns, ...svc.hostHeaders].join("").replace(/[^*?]/g, "").length;
            if (wildcards > ALB_CONDITION_WILDCARDS_PER_RULE.value) {
                out.push({ key: k(`${label}.pathPatterns`), given: `${wildcards} wildcards`, allowed: limitText(ALB_CONDITION_WILDCARDS_PER_RULE) });
            }
        }
        svc.pathPatterns.forEach((p, j) => {
            if (chars(p) > ALB_PATH_PATTERN_LENGTH.value) out.push({ key: k(`${label}.pathPatterns[${j}]`), given: `${chars(p)} characters`, allowed: limitText(ALB_PATH_PATTERN_LENGTH) });
        });
        svc.hostHeaders.forEach((h, j) => {
            if (chars(h) > ALB_HOST_HEADER_LENGTH.value) out.push({ key: k(`${label}.hostHeaders[${j}]`), given: `${chars(h)} characters`, allowed: limitText(ALB_HOST_HEADER_LENGTH) });
        });
        if (chars(svc.healthCheckPath) > HEALTH_CHECK_PATH_LENGTH.value) {
            out.push({ key: k(`${label}.healthCheckPath`), given: `${chars(svc.healthCheckPath)} characters`, allowed: limitText(HEALTH_CHECK_PATH_LENGTH) });
        }
        retention(`${label}.logRetentionDays`, svc.logRetentionDays);
        for (const env of RESERVED_ENVIRONMENT_KEYS) {
            if (env in svc.environment) {
                out.push({ key: k(`${label}.environment.${env}`), given: "set", allowed: `nothing: the service sets ${env} itself from the database connection (${RESERVED_ENVIRONMENT_KEYS.join(", ")} are reserved)` });
            }
        }
    });

    // Tags: the stack's tags go on every resource with the program's own.
    const tags = raw.tags ?? {};
    for (const [key, value] of Object.entries(tags)) {
        if (key.toLowerCase().startsWith(RESERVED_TAG_PREFIX.prefix)) {
            out.push({ key: k(`tags.${key}`), given: "a tag key starting with aws:", allowed: `a tag key not starting with "aws:" in any case (AWS reserves it: ${RESERVED_TAG_PREFIX.doc})` });
        } else if (chars(key) > TAG_KEY_LENGTH.value) {
            out.push({ key: k("tags"), given: `a tag key of ${chars(key)} characters`, allowed: limitText(TAG_KEY_LENGTH) });
        }
        if (value.toLowerCase().startsWith(RESERVED_TAG_PREFIX.prefix)) {
            out.push({ key: k(`tags.${key}`), given: "a tag value starting with aws:", allowed: `a tag value not starting with "aws:" in any case (AWS reserves it: ${RESERVED_TAG_PREFIX.doc})` });
        } else if (chars(value) > TAG_VALUE_LENGTH.value) {
            out.push({ key: k(`tags.${key}`), given: `${chars(value)} characters`, allowed: limitText(TAG_VALUE_LENGTH) });
        }
    }
    const total = new Set([...Object.keys(tags), ...PROGRAM_TAG_KEYS]).size;
    if (total > TAGS_PER_RESOURCE.value) {
        const room = TAGS_PER_RESOURCE.value - PROGRAM_TAG_KEYS.length;
        out.push({ key: k("tags"), given: `${Object.keys(tags).length} tags`, allowed: `at most ${room}: the program adds ${PROGRAM_TAG_KEYS.join(", ")} and a resource holds ${limitText(TAGS_PER_RESOURCE)}` });
    }
    return out;
}

/** The stage a stack's name says: `prod`, or the first word of `prod-eu` / `test_ec2`. */
export function stageOfStackName(stack: string): Stage | undefined {
    const first = stack.toLowerCase().split(/[-_.]/)[0];
    return isStage(first) ? first : undefined;
}

/**
 * A stack named like a stage must not declare another: the policy pack judges a stack by its
 * name (policy/stage.ts), so `prod` declaring `stage: test` would be planned as test offline and
 * judged as prod by `pulumi up --policy-pack policy` — the two must never disagree.
 */
export function stageNameProblems(stack: string, stage: Stage, declared: boolean): ConfigProblem[] {
    const named = stageOfStackName(stack);
    if (!declared || named === undefined || named === stage) return [];
    return [
        {
            key: k("stage"),
            given: renderGiven(stage),
            allowed: `"${named}" for the stack "${stack}": its name says ${named}, and the policy pack judges it as ${named}; a ${stage} stack needs a name that does not start with another stage (e.g. "${stage}-${stack}")`,
        },
    ];
}
