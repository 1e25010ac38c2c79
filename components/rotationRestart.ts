/**
 * RotationRestart: when RDS rotates the database's master secret, every ECS service of the stage
 * that reads it is redeployed, so its tasks start again with the new password.
 *
 * Why: RDS rotates a managed master secret every seven days by default
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html), and ECS
 * injects a secret into a container only when the container starts: "If the secret is
 * subsequently updated or rotated, the container will not receive the updated value
 * automatically ... update the service and use the Force new deployment option"
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html).
 * Without this, new connections from running tasks fail after each rotation.
 *
 * How (no code to ship, nothing polled):
 * 1. An EventBridge rule on the default bus matches Secrets Manager's `RotationSucceeded` for this
 *    one secret. Secrets Manager logs rotation outcomes as CloudTrail service events
 *    (`detail-type: AWS Service Event via CloudTrail`, the secret in
 *    `detail.additionalEventData.SecretId`), which CloudTrail delivers to the default bus
 *    without a trail:
 *    https://docs.aws.amazon.com/secretsmanager/latest/userguide/cloudtrail_log_entries.html
 *    https://docs.aws.amazon.com/secretsmanager/latest/userguide/monitoring-eventbridge.html
 *    https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
 *    `RotationSucceeded`, not the `RotateSecret` API call: that one fires when a rotation is
 *    requested, before the new password is in place.
 * 2. Its target is a Step Functions state machine that calls ECS `UpdateService` with
 *    `ForceNewDeployment: true` for each of the stage's services (AWS SDK integration
 *    `arn:aws:states:::aws-sdk:ecs:updateService`):
 *    https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
 *    https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html
 *    A forced deployment keeps the service's current task definition (the image the pipeline
 *    deployed) and replaces the tasks with the usual rolling deployment (100 % / 200 %, circuit
 *    breaker), so there is no downtime and no rollback of the image.
 *
 * Every stack that READS the secret has its own rule: staging's services run on prod's database,
 * so staging matches prod's secret ARN (from the contract) and restarts staging's services; prod's
 * rule restarts prod's. Both are in one account, so both see the same event on their default bus.
 *
 * IAM (scoped): EventBridge's role may only `states:StartExecution` this state machine; the state
 * machine's role may only `ecs:UpdateService` on this stage's services, by ARN.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html
 *
 * Delivery of CloudTrail service events to EventBridge is best effort; docs/database.md says how to
 * restart by hand (`aws stepfunctions start-execution`) if a rotation is ever missed.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { Stage } from "../lib/stage";
import { Tags } from "./types";
import { policyDocument, serviceTrustPolicy } from "./iam";
import { checkArgs } from "./argsError";

/** One ECS service the state machine redeploys. */
export interface RestartedService {
    /** The service's name in config (names the state). */
    readonly name: string;
    /** The ECS service's physical name. */
    readonly ecsServiceName: pulumi.Input<string>;
}

export interface RotationRestartArgs {
    /** The stage (descriptions). @default none (required) */
    readonly stage: Stage;
    /** ARN of the RDS-managed master secret the services read (prod's, in staging). @default none (required) */
    readonly secretArn: pulumi.Input<string>;
    /** Region of the stage's cluster and services. @default none (required) */
    readonly region: string;
    /** Account of the stage's cluster and services. @default none (required) */
    readonly accountId: pulumi.Input<string>;
    /** Name of the ECS cluster the services run in. @default none (required) */
    readonly clusterName: pulumi.Input<string>;
    /** The ECS services that read the secret; at least one. @default none (required) */
    readonly services: readonly RestartedService[];
    /** Tags on every AWS resource. @default none (required) */
    readonly tags: Tags;
}

/** The Step Functions resource of the ECS UpdateService SDK call. */
export const UPDATE_SERVICE_RESOURCE = "arn:aws:states:::aws-sdk:ecs:updateService";

/** Problems with the args, as messages a user can act on (empty when valid). */
export function validateRotationRestartArgs(args: RotationRestartArgs): string[] {
    const out: string[] = [];
    if (args.services.length === 0) out.push("services is empty; allowed: at least one ECS service that reads the secret");
    const names = args.services.map((s) => s.name);
    const dupes = names.filter((n, i) => names.indexOf(n) !== i);
    if (dupes.length > 0) out.push(`services lists ${dupes.join(", ")} more than once; allowed: each service once`);
    return out;
}

/** The event pattern: Secrets Manager's RotationSucceeded for exactly this secret. */
export function rotationEventPattern(secretArn: string): Record<string, unknown> {
    return {
        source: ["aws.secretsmanager"],
        "detail-type": ["AWS Service Event via CloudTrail"],
        detail: {
            eventSource: ["secretsmanager.amazonaws.com"],
            eventName: ["RotationSucceeded"],
            additionalEventData: { SecretId: [secretArn] },
        },
    };
}

/** The ARN of an ECS service (the long format, with the cluster). */
export function ecsServiceArn(region: string, accountId: string, cluster: string, service: string): string {
    return `arn:aws:ecs:${region}:${accountId}:service/${cluster}/${service}`;
}

/** The state machine: one parallel branch per service, each a forced new deployment, retried. */
export function restartDefinition(cluster: string, services: readonly { name: string; ecsServiceName: string }[]): Record<string, unknown> {
    return {
        Comment: "The database secret rotated: redeploy every service that reads it, so new tasks start with the new password",
        StartAt: "RestartServices",
        States: {
            RestartServices: {
                Type: "Parallel",
                End: true,
                Branches: services.map((s) => ({
                    StartAt: `Restart ${s.name}`,
                    States: {
                        [`Restart ${s.name}`]: {
                            Type: "Task",
                            Resource: UPDATE_SERVICE_RESOURCE,
                            Parameters: { Cluster: cluster, Service: s.ecsServiceName, ForceNewDeployment: true },
                            Retry: [{ ErrorEquals: ["States.ALL"], IntervalSeconds: 30, MaxAttempts: 4, BackoffRate: 2 }],
                            End: true,
                        },
                    },
                })),
            },
        },
    };
}

export class RotationRestart extends pulumi.ComponentResource {
    /** The EventBridge rule that matches the secret's rotation. */
    readonly ruleName: pulumi.Output<string>;
    /** The state machine that redeploys the services (start it by hand if a rotation was missed). */
    readonly stateMachineArn: pulumi.Output<string>;

    constructor(name: string, args: RotationRestartArgs, opts?: pulumi.ComponentResourceOptions) {
        super("stageline:stage:RotationRestart", name, {}, opts);
        checkArgs("RotationRestart", name, validateRotationRestartArgs(args), this);
        const parent = this;
        const { tags } = args;

        const machineRole = new aws.iam.Role(
            `${name}-restart-sfn`,
            { description: `${name}: redeploys the stage's services after the database secret rotates`, assumeRolePolicy: serviceTrustPolicy("states.amazonaws.com", { sourceAccount: args.accountId }), tags },
            { parent },
        );
        const serviceArns = pulumi
            .all([args.accountId, args.clusterName, pulumi.all(args.services.map((s) => s.ecsServiceName))])
            .apply(([account, cluster, names]) => names.map((n) => ecsServiceArn(args.region, account, cluster, n)));
        const machinePolicy = new aws.iam.RolePolicy(
            `${name}-restart-sfn`,
            {
                role: machineRole.name,
                policy: policyDocument([{ Sid: "RedeployTheStageServices", Effect: "Allow", Action: ["ecs:UpdateService"], Resource: serviceArns }]),
            },
            { parent },
        );
        const definition = pulumi
            .all([args.clusterName, pulumi.all(args.services.map((s) => pulumi.output(s.ecsServiceName)))])
            .apply(([cluster, names]) => JSON.stringify(restartDefinition(cluster, args.services.map((s, i) => ({ name: s.name, ecsServiceName: names[i] })))));
        const machine = new aws.sfn.StateMachine(
            `${name}-restart`,
            { roleArn: machineRole.arn, type: "STANDARD", definition, tags },
            { parent, dependsOn: [machinePolicy] },
        );

        const eventsRole = new aws.iam.Role(
            `${name}-restart-events`,
            { description: `${name}: EventBridge starts the restart after the database secret rotates`, assumeRolePolicy: serviceTrustPolicy("events.amazonaws.com", { sourceAccount: args.accountId }), tags },
            { parent },
        );
        new aws.iam.RolePolicy(
            `${name}-restart-events`,
            {
                role: eventsRole.name,
                policy: policyDocument([{ Sid: "StartTheRestart", Effect: "Allow", Action: ["states:StartExecution"], Resource: machine.arn }]),
            },
            { parent },
        );
        const rule = new aws.cloudwatch.EventRule(
            `${name}-db-rotated`,
            {
                description: `The ${args.stage} services' database secret rotated (RotationSucceeded): redeploy them`,
                eventPattern: pulumi.output(args.secretArn).apply((arn) => JSON.stringify(rotationEventPattern(arn))),
                tags,
            },
            { parent },
        );
        new aws.cloudwatch.EventTarget(`${name}-db-rotated-restart`, { rule: rule.name, arn: machine.arn, roleArn: eventsRole.arn }, { parent });

        this.ruleName = rule.name;
        this.stateMachineArn = machine.arn;
        this.registerOutputs({ ruleName: this.ruleName, stateMachineArn: this.stateMachineArn });
    }
}
