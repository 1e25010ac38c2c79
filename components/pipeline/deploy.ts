/**
 * The Deploy step of container services: one CodeBuild project per pipeline, one action per
 * service, running scripts/deploy-service.sh. It deploys the task definition revision
 * infrastructure code registered (recorded by `pulumi up` in the service's SSM parameter,
 * `AppService.taskDefinitionParameterName`) with the release's image swapped in.
 *
 * CodePipeline's own ECS deploy action is not used: it copies the revision the service runs now and
 * swaps only the image, ignoring revisions registered outside it
 * (https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-ECS.html), so
 * environment, secrets, CPU/memory and roles changed in code would never reach the tasks.
 */
import * as pulumi from "@pulumi/pulumi";
import type { FargateService } from "../appService";
import type { Statement } from "./iam";

/** Buildspec file of the deploy step. */
export const DEPLOY_BUILDSPEC = "deploy-service.yml";

/** Minutes the deploy step waits for a rolling deployment (the old ECS action's DeploymentTimeout). */
export const DEPLOY_TIMEOUT_MINUTES = 30;

/**
 * What scripts/deploy-service.sh reads for each service (DEPLOY_TARGETS): where it runs, code's
 * revision record, and code's task count and autoscaling range, which the script applies (a new
 * stage's services wait at 0..0 for their first deploy: components/firstRelease.ts).
 */
export function deployTargets(services: readonly FargateService[]): pulumi.Output<string> {
    return pulumi.jsonStringify(
        services.map((s) => ({
            name: s.serviceName,
            cluster: s.runtime.clusterName,
            service: s.runtime.ecsServiceName,
            container: s.runtime.containerName,
            parameter: s.runtime.taskDefinitionParameterName,
            scalingResourceId: s.runtime.scalingResourceId,
            desiredCount: s.settings.desiredCount,
            minCount: s.settings.minCount,
            maxCount: s.settings.maxCount,
        })),
    );
}

/**
 * The deploy role's statements: read each service's task-definition parameter, register the new
 * revision (with its tags), update and watch the services, pass their two roles to ECS tasks.
 */
export function deployStatements(
    services: readonly FargateService[],
    region: pulumi.Input<string>,
    accountId: pulumi.Input<string>,
): Statement[] {
    return [
        // Only its services' records: https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-restrict-parameter-access.html
        { Sid: "ReadCodeOwnedTaskDefinition", Effect: "Allow", Action: ["ssm:GetParameter"], Resource: services.map((s) => s.runtime.taskDefinitionParameterArn) },
        // DescribeTaskDefinition has no resource type (`*` is its only form); RegisterTaskDefinition is
        // authorised on the task-definition ARN, so only the services' own families
        // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html).
        { Sid: "ReadTaskDefinitions", Effect: "Allow", Action: ["ecs:DescribeTaskDefinition"], Resource: "*" },
        {
            Sid: "RegisterOwnFamilies",
            Effect: "Allow",
            Action: ["ecs:RegisterTaskDefinition"],
            Resource: services.map((s) => pulumi.interpolate`arn:aws:ecs:${region}:${accountId}:task-definition/${s.runtime.taskFamily}:*`),
        },
        // Registering with tags also needs ecs:TagResource, only as part of the register call
        // (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/supported-iam-actions-tagging.html).
        {
            Sid: "TagRegisteredTaskDefinitions",
            Effect: "Allow",
            Action: ["ecs:TagResource"],
            Resource: services.map((s) => pulumi.interpolate`arn:aws:ecs:${region}:${accountId}:task-definition/${s.runtime.taskFamily}:*`),
            Condition: { StringEquals: { "ecs:CreateAction": "RegisterTaskDefinition" } },
        },
        { Sid: "UpdateStageServices", Effect: "Allow", Action: ["ecs:DescribeServices", "ecs:UpdateService"], Resource: services.map((s) => s.runtime.ecsServiceArn) },
        // Code's autoscaling range, applied on each deploy (a new service waits at 0..0): RegisterScalableTarget
        // is scoped to the scalable target; DescribeScalableTargets has no resource-level form
        // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsapplicationautoscaling.html).
        { Sid: "ReadScalableTargets", Effect: "Allow", Action: ["application-autoscaling:DescribeScalableTargets"], Resource: "*" },
        {
            Sid: "ApplyCodeScalingRange",
            Effect: "Allow",
            Action: ["application-autoscaling:RegisterScalableTarget"],
            Resource: services.map((s) => s.runtime.scalableTargetArn),
            Condition: { StringEquals: { "application-autoscaling:service-namespace": "ecs", "application-autoscaling:scalable-dimension": "ecs:service:DesiredCount" } },
        },
        {
            Sid: "PassServiceRolesToEcsTasks",
            Effect: "Allow",
            Action: ["iam:PassRole"],
            Resource: services.flatMap((s) => [s.runtime.taskRoleArn, s.runtime.executionRoleArn]),
            Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
        },
    ];
}
