/** ECS rules: two tasks in prod, no public IPs, no privileged containers, logs configured. */
import { AWAITING_FIRST_IMAGE, RELEASE_STATE_TAG } from "../lib/releaseState";
import { PROD_MIN_AZS, PROD_MIN_TASKS } from "../lib/prodRedundancy";
import { asList, baseline, known, parseJson, ResourceRule, Rule } from "./rule";
import { T } from "./types";

interface ContainerDefinition {
    name?: string;
    privileged?: boolean;
    logConfiguration?: { logDriver?: string };
}

/**
 * A service (or its scalable target) created before its repository held any image: it runs no
 * task until the pipeline's first deploy (lib/releaseState.ts). The two-task rules let exactly
 * that state pass (0 tasks, range 0..0, tagged) and `service-awaiting-first-image` reports it.
 */
function awaitingFirstImage(r: { props: Record<string, unknown> }): boolean {
    const tags = r.props.tags as Record<string, unknown> | undefined;
    return tags?.[RELEASE_STATE_TAG] === AWAITING_FIRST_IMAGE;
}

function containers(r: { props: Record<string, unknown> }): ContainerDefinition[] {
    const defs = parseJson(r.props.containerDefinitions, "containerDefinitions");
    return Array.isArray(defs) ? (defs as ContainerDefinition[]) : [];
}

export const ecsRules: Rule[] = [
    {
        kind: "resource",
        name: "prod-ecs-service-two-tasks",
        description: "Production services run at least two tasks, so one task or one AZ failing leaves the service up.",
        enforcement: "mandatory",
        stages: ["prod"],
        types: [T.ecsService],
        check(r, f) {
            if (r.props.schedulingStrategy === "DAEMON") return;
            const n = Number(known(r.props.desiredCount, "desiredCount"));
            if (n === 0 && awaitingFirstImage(r)) return;
            if (n < PROD_MIN_TASKS) f.fail(`ECS service "${r.name}" must run at least ${PROD_MIN_TASKS} tasks in prod (desiredCount is ${n}).`, r.urn);
        },
    },
    {
        kind: "resource",
        name: "prod-ecs-service-two-azs",
        description: `A production service's tasks run in subnets of at least ${PROD_MIN_AZS} Availability Zones, so its tasks can spread and one AZ failing leaves the service up (Fargate spreads a service's tasks across the AZs of its subnets).`,
        enforcement: "mandatory",
        stages: ["prod"],
        types: [T.ecsService],
        check(r, f) {
            const net = r.props.networkConfiguration as { subnets?: unknown } | undefined;
            if (net === undefined) return; // not awsvpc: placement belongs to the cluster's instances (prod-asg-two-azs)
            const subnets = asList(known(net.subnets as string[] | undefined, "networkConfiguration.subnets"));
            if (subnets.length < PROD_MIN_AZS) f.fail(`ECS service "${r.name}" must run its tasks in subnets of at least ${PROD_MIN_AZS} Availability Zones in prod (networkConfiguration.subnets has ${subnets.length} subnet${subnets.length === 1 ? "" : "s"}).`, r.urn);
        },
    },
    {
        kind: "resource",
        name: "prod-autoscaling-min-two",
        description: `A production ECS service's autoscaling target never lets it scale below two tasks: a minimum under ${PROD_MIN_TASKS} undoes prod-ecs-service-two-tasks at the first scale-in.`,
        enforcement: "mandatory",
        stages: ["prod"],
        types: [T.appAutoscalingTarget],
        check(r, f) {
            if (r.props.scalableDimension !== "ecs:service:DesiredCount") return;
            const min = Number(known(r.props.minCapacity, "minCapacity"));
            if (min === 0 && Number(known(r.props.maxCapacity, "maxCapacity")) === 0 && awaitingFirstImage(r)) return;
            if (min < PROD_MIN_TASKS) f.fail(`autoscaling target "${r.name}" lets an ECS service scale to ${min} task(s) in prod (minCapacity is ${min}); at least ${PROD_MIN_TASKS}.`, r.urn);
        },
    },
    {
        kind: "resource",
        name: "service-awaiting-first-image",
        description: "A service created before its image repository held any image runs no tasks until the pipeline's first deploy: the plan says so instead of reporting a healthy stage.",
        enforcement: "advisory",
        stages: ["dev", "test", "staging", "prod"],
        types: [T.ecsService],
        check(r, f) {
            if (!awaitingFirstImage(r)) return;
            f.fail(`ECS service "${r.name}" awaits its first image: it runs 0 tasks (autoscaling 0..0) and its URL answers 503 until the stage's pipeline deploys a release; run the pipeline after this deploy.`, r.urn);
        },
    },
    ...baseline<ResourceRule>("ecs-no-public-ip", {
        kind: "resource",
        description: "Tasks run in private subnets without public IPs; only the load balancer is reachable.",
        types: [T.ecsService],
        check(r, f) {
            const net = r.props.networkConfiguration as { assignPublicIp?: boolean } | undefined;
            if (net?.assignPublicIp === true) f.fail(`ECS service "${r.name}" must not assign public IPs.`, r.urn);
        },
    }),
    ...baseline<ResourceRule>("ecs-no-privileged-containers", {
        kind: "resource",
        description: "No container runs privileged (root on the host's kernel capabilities).",
        types: [T.ecsTaskDefinition],
        check(r, f) {
            for (const c of containers(r)) if (c.privileged === true) f.fail(`task definition "${r.name}" runs container "${c.name ?? "?"}" privileged.`, r.urn);
        },
    }),
    ...baseline<ResourceRule>("ecs-container-logging", {
        kind: "resource",
        description: "Every container ships its logs (logConfiguration), so a failing task can be diagnosed.",
        types: [T.ecsTaskDefinition],
        check(r, f) {
            for (const c of containers(r)) if (!c.logConfiguration?.logDriver) f.fail(`task definition "${r.name}": container "${c.name ?? "?"}" has no logConfiguration.`, r.urn);
        },
    }),
];
