/**
 * The IAM vocabulary every component speaks: one spelling of a policy document and one of a role
 * an AWS service assumes. Policies are JSON strings IAM takes; the builders keep the key order
 * IAM's examples use (Version, Statement; Effect, Principal, Action, Condition), so a document
 * reads the same wherever it is built.
 */
import * as pulumi from "@pulumi/pulumi";

/** One statement of an identity or trust policy. */
export interface Statement {
    readonly Sid?: string;
    readonly Effect: "Allow" | "Deny";
    readonly Principal?: pulumi.Input<Record<string, pulumi.Input<string | readonly pulumi.Input<string>[]>>>;
    readonly Action: string | readonly string[];
    readonly Resource?: pulumi.Input<string> | readonly pulumi.Input<string>[] | pulumi.Input<pulumi.Input<string>[]>;
    readonly Condition?: Record<string, Record<string, unknown>>;
}

/** `{ Version, Statement }` as the JSON string IAM takes. */
export function policyDocument(statements: readonly pulumi.Input<Statement | Record<string, unknown>>[]): pulumi.Output<string> {
    return pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements });
}

/**
 * The AWS services stageline's roles trust, and whether each role's trust policy also requires
 * `aws:SourceAccount` = the stage's account (confused-deputy protection: the service may assume
 * the role only on behalf of this account;
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html, "Cross-service confused
 * deputy prevention"). One table, so a role's trust is decided per service, never per call site.
 *
 * - `true`: the services whose roles already carried the condition (ECS tasks, VPC flow logs,
 *   RDS enhanced monitoring, AWS Backup, Step Functions, EventBridge).
 * - `false`: EC2 instance roles (ec2.amazonaws.com: EC2 assumes the role for the instance profile;
 *   the instance, not another account's request, is the caller) and the pipeline's CodeBuild,
 *   CodePipeline roles, which have never carried it: adding it changes who can
 *   assume a role in production, so it comes with its own review (listed in the issue 23 report),
 *   never as a side effect of this refactor. Each of those roles is only passable by this account's
 *   deploy role (`iam:PassRole` scoped to the stage's roles), which already keeps other accounts out.
 */
export const SOURCE_ACCOUNT_TRUST = {
    "ecs-tasks.amazonaws.com": true,
    "vpc-flow-logs.amazonaws.com": true,
    "monitoring.rds.amazonaws.com": true,
    "backup.amazonaws.com": true,
    "states.amazonaws.com": true,
    // EventBridge sets aws:SourceAccount to the account of the rule that assumes the role
    // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-conditions.html): the
    // rotation restart's role had it, the pipeline schedule's role gains it (issue 23).
    "events.amazonaws.com": true,
    "ec2.amazonaws.com": false,
    "codebuild.amazonaws.com": false,
    "codepipeline.amazonaws.com": false,
} as const;

/** A service principal stageline's roles trust. */
export type TrustedService = keyof typeof SOURCE_ACCOUNT_TRUST;

/**
 * The trust policy of a role an AWS service assumes: `sts:AssumeRole` by `service`, only on behalf
 * of `sourceAccount` (`aws:SourceAccount`) where `SOURCE_ACCOUNT_TRUST` says the service sets it.
 */
export function serviceTrustPolicy(service: TrustedService, opts: { readonly sourceAccount: pulumi.Input<string> }): pulumi.Output<string> {
    const statement: Statement = {
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        ...(SOURCE_ACCOUNT_TRUST[service] ? { Condition: { StringEquals: { "aws:SourceAccount": opts.sourceAccount } } } : {}),
    };
    return policyDocument([statement]);
}
