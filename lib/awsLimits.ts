/**
 * AWS limits that a stack file's values flow into, in one table: each a named constant with the
 * AWS page that states it. `infra/limits.ts` checks config against them, so a value AWS would
 * refuse at deploy time is refused by the plan with the limit named.
 */

/** A limit, where AWS states it, and what it is about (for the message). */
export interface AwsLimit {
    readonly value: number;
    readonly what: string;
    readonly doc: string;
}

const ALB_QUOTAS = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html";
// RuleCondition.Values: a host name / path pattern "can be up to 128 characters in length".
const RULE_CONDITION = "https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/elasticloadbalancingv2/aws.sdk.kotlin.services.elasticloadbalancingv2.model/-rule-condition/values.html";
const CREATE_TARGET_GROUP = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html";
// ECS Tag: "Maximum number of tags per resource - 50 … key length - 128 … value length - 256 … Do not use aws:".
const TAG_RESTRICTIONS = "https://docs.aws.amazon.com/sdkfornet/v3/apidocs/items/ECS/TTag.html";
const LOG_RETENTION = "https://docs.aws.amazon.com/goto/WebAPI/logs/PutRetentionPolicy";
// CreateLoadBalancer Subnets / SubnetMappings: "[Application Load Balancers] You must specify subnets from at least two Availability Zones."
const CREATE_LOAD_BALANCER_SUBNETS = "https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/elasticloadbalancingv2/aws.sdk.kotlin.services.elasticloadbalancingv2.model/-create-load-balancer-request/subnet-mappings.html";
// CreateDBSubnetGroup: "DB subnet groups must contain at least one subnet in at least two AZs in the AWS Region."
const CREATE_DB_SUBNET_GROUP = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSubnetGroup.html";

/** Rules per Application Load Balancer, excluding default rules (adjustable quota). */
export const ALB_RULES_PER_LOAD_BALANCER: AwsLimit = { value: 100, what: "rules per Application Load Balancer (excluding the default rule)", doc: ALB_QUOTAS };
/** Condition values (path patterns + host headers) in one listener rule. */
export const ALB_CONDITION_VALUES_PER_RULE: AwsLimit = { value: 5, what: "condition values per listener rule", doc: ALB_QUOTAS };
/** Wildcards (`*`, `?`) across one rule's conditions. */
export const ALB_CONDITION_WILDCARDS_PER_RULE: AwsLimit = { value: 5, what: "condition wildcards per listener rule", doc: ALB_QUOTAS };
/** Characters of one path-pattern value. */
export const ALB_PATH_PATTERN_LENGTH: AwsLimit = { value: 128, what: "characters in a path pattern", doc: RULE_CONDITION };
/** Characters of one host-header value. */
export const ALB_HOST_HEADER_LENGTH: AwsLimit = { value: 128, what: "characters in a host header", doc: RULE_CONDITION };
/** Characters of a target group's health-check path (HealthCheckPath: length 1 to 1024). */
export const HEALTH_CHECK_PATH_LENGTH: AwsLimit = { value: 1024, what: "characters in a health check path", doc: CREATE_TARGET_GROUP };
/** User tags on one resource (`aws:` tags do not count, and cannot be set). */
export const TAGS_PER_RESOURCE: AwsLimit = { value: 50, what: "tags per resource", doc: TAG_RESTRICTIONS };
/** Unicode characters of a tag key. */
export const TAG_KEY_LENGTH: AwsLimit = { value: 128, what: "characters in a tag key", doc: TAG_RESTRICTIONS };
/** Unicode characters of a tag value. */
export const TAG_VALUE_LENGTH: AwsLimit = { value: 256, what: "characters in a tag value", doc: TAG_RESTRICTIONS };
/** The tag prefix AWS reserves for itself (any case). */
export const RESERVED_TAG_PREFIX = { prefix: "aws:", doc: TAG_RESTRICTIONS } as const;

/** Availability Zones an Application Load Balancer's subnets must span, internal ones too (any stage). */
export const ALB_MIN_AZS: AwsLimit = { value: 2, what: "Availability Zones an Application Load Balancer's subnets span", doc: CREATE_LOAD_BALANCER_SUBNETS };
/** Availability Zones an RDS DB subnet group must cover (DBSubnetGroupDoesNotCoverEnoughAZs otherwise). */
export const DB_SUBNET_GROUP_MIN_AZS: AwsLimit = { value: 2, what: "Availability Zones a DB subnet group covers", doc: CREATE_DB_SUBNET_GROUP };
/**
 * Availability Zones that get subnets in every stage, even a one-AZ dev: the load balancer and the
 * database subnet group live in them, so both AWS minimums above hold.
 */
export const SUBNET_MIN_AZS = Math.max(ALB_MIN_AZS.value, DB_SUBNET_GROUP_MIN_AZS.value);

/** The only retention periods CloudWatch Logs accepts (PutRetentionPolicy retentionInDays). */
export const LOG_RETENTION_DAYS = { values: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as readonly number[], doc: LOG_RETENTION } as const;

/** Where AWS states the Fargate CPU/memory pairs (FARGATE_MEMORY below). */
export const FARGATE_TASK_SIZES_DOC = "https://docs.aws.amazon.com/AmazonECS/latest/userguide/task-cpu-memory-error.html";

/**
 * Fargate task sizes: the memory (MiB) each CPU value accepts (Linux; the sizes stageline offers,
 * 8 and 16 vCPU left out). RegisterTaskDefinition refuses any other pair ("No Fargate
 * configuration exists for given values"): FARGATE_TASK_SIZES_DOC.
 */
export const FARGATE_MEMORY: Readonly<Record<number, { readonly min: number; readonly max: number; readonly step: number }>> = {
    256: { min: 512, max: 2048, step: 1024 }, // 512, 1024, 2048
    512: { min: 1024, max: 4096, step: 1024 },
    1024: { min: 2048, max: 8192, step: 1024 },
    2048: { min: 4096, max: 16384, step: 1024 },
    4096: { min: 8192, max: 30720, step: 1024 },
};

/** Whether Fargate runs a task of `cpu` units with `memory` MiB. */
export function fargateMemoryAllowed(cpu: number, memory: number): boolean {
    if (cpu === 256) return memory === 512 || memory === 1024 || memory === 2048;
    const r = FARGATE_MEMORY[cpu];
    return !!r && memory >= r.min && memory <= r.max && memory % r.step === 0;
}

/** The memory sizes Fargate accepts for `cpu` units, in words. */
export function fargateMemoryText(cpu: number): string {
    if (cpu === 256) return "512, 1024 or 2048 for 256 CPU units";
    const r = FARGATE_MEMORY[cpu];
    return r ? `${r.min} to ${r.max} in steps of ${r.step} for ${cpu} CPU units` : "a Fargate memory size";
}

/** Every (cpu, memory) pair Fargate accepts, from the table above. */
export function fargateSizes(): { cpu: number; memory: number }[] {
    return Object.keys(FARGATE_MEMORY).flatMap((c) => {
        const cpu = Number(c);
        const r = FARGATE_MEMORY[cpu];
        const sizes: number[] = [];
        for (let m = r.min; m <= r.max; m += cpu === 256 ? 512 : r.step) if (fargateMemoryAllowed(cpu, m)) sizes.push(m);
        return sizes.map((memory) => ({ cpu, memory }));
    });
}

/** Availability Zone letters our subnet layout has a block for (eight per tier; infra/cidr.ts). */
export const AZ_LETTERS = "abcdefgh";

/**
 * The size of a stack file the plan reads at all. Not an AWS limit: a sane bound so a pasted
 * multi-megabyte file ends at once with its size named, never a hang or a megabyte message.
 */
export const STACK_FILE_MAX_BYTES = 256 * 1024;
