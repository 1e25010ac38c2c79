/**
 * Every policy of the stageline pack, in one list, with no side effects: `policy/index.ts` hands
 * this list to `new PolicyPack`, and `policy/run.ts` runs it in-process for the offline plan and
 * the tests.
 */
import { Policy } from "@pulumi/policy";
import { albRules } from "./alb";
import { albRuleLimitRules } from "./albRuleLimits";
import { ec2Rules } from "./ec2";
import { ecsRules } from "./ecs";
import { fargateRules } from "./fargate";
import { githubRules } from "./github";
import { iamRules } from "./iam";
import { logsRules } from "./logs";
import { nameLengthRules } from "./nameLength";
import { networkRules } from "./network";
import { opaqueRules } from "./opaque";
import { pipelineRules } from "./pipeline";
import { rdsRules } from "./rds";
import { PolicyInfo, Rule, toPolicies } from "./rule";
import { s3Rules } from "./s3";

/** Every rule, by domain. */
export const allRules: readonly Rule[] = [...networkRules, ...albRules, ...albRuleLimitRules, ...rdsRules, ...ecsRules, ...fargateRules, ...ec2Rules, ...pipelineRules, ...s3Rules, ...iamRules, ...logsRules, ...nameLengthRules, ...githubRules, ...opaqueRules];

const built = allRules.flatMap(toPolicies);

/** All policies of the pack (each rule, plus the `-unknown` companion of each mandatory rule). */
export const allPolicies: Policy[] = built.map((b) => b.policy);

/** Name, description, enforcement, stage scope and kind of every policy, in pack order. */
export const policyInfos: readonly PolicyInfo[] = built.map((b) => b.info);
