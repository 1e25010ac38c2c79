/**
 * Every policy of the stageline pack, in one list, with no side effects: `policy/index.ts` hands
 * this list to `new PolicyPack`, and `policy/run.ts` runs it in-process for the offline plan and
 * the tests.
 */
import { Policy } from "@pulumi/policy";

/** All policies of the pack, grouped by domain module. */
export const allPolicies: Policy[] = [];
