/**
 * `StageDashboard`: one CloudWatch dashboard per stage with every service's graphs, one row each
 * (either runtime).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Stage } from "../lib/stage";
import { AppService } from "./appService";
import { EnvironmentRefs, Tags } from "./types";
import { checkArgs } from "./argsError";

export interface StageDashboardArgs {
    /** The stage the dashboard shows. @default none (required) */
    readonly stage: Stage;
    /** The stage's environment (region, load balancer, cluster). @default none (required) */
    readonly env: EnvironmentRefs;
    /** The services to graph, one row each (either runtime). @default none (required) */
    readonly services: readonly AppService[];
    /** Tags (CloudWatch dashboards take none; kept for a uniform signature). @default none (required) */
    readonly tags: Tags;
    /** Dashboard name, unique in the account. @default `<project>-<stack>` */
    readonly dashboardName?: string;
}

type Widget = Record<string, unknown>;

/** What runs the service, for its compute graphs: an ECS service or an Auto Scaling group. */
export type ComputeDimensions =
    | { clusterName: pulumi.Input<string>; ecsServiceName: pulumi.Input<string> }
    | { autoScalingGroupName: pulumi.Input<string> };

/**
 * One row of graphs for a service: requests, 5xx, p95 latency (the same for both runtimes), then
 * CPU/memory and running tasks (Fargate) or CPU and InService instances (EC2).
 */
export function serviceWidgets(
    p: {
        service: string;
        region: string;
        row: number;
        albArnSuffix: pulumi.Input<string>;
        targetGroupArnSuffix: pulumi.Input<string>;
    } & ComputeDimensions,
): Widget[] {
    const lb = ["LoadBalancer", p.albArnSuffix, "TargetGroup", p.targetGroupArnSuffix];
    const top = p.row * 9;
    const graph = (x: number, y: number, width: number, height: number, title: string, metrics: unknown[][], stat: string): Widget => ({
        type: "metric",
        x,
        y,
        width,
        height,
        properties: { title: `${p.service}: ${title}`, region: p.region, view: "timeSeries", stat, period: 60, metrics },
    });
    return [
        graph(0, top, 6, 6, "requests", [["AWS/ApplicationELB", "RequestCount", ...lb]], "Sum"),
        graph(6, top, 6, 6, "5xx", [["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", ...lb]], "Sum"),
        graph(12, top, 6, 6, "p95 latency (s)", [["AWS/ApplicationELB", "TargetResponseTime", ...lb]], "p95"),
        ...computeWidgets(p, graph, top),
    ];
}

function computeWidgets(
    p: ComputeDimensions,
    graph: (x: number, y: number, width: number, height: number, title: string, metrics: unknown[][], stat: string) => Widget,
    top: number,
): Widget[] {
    if ("autoScalingGroupName" in p) {
        const asg = ["AutoScalingGroupName", p.autoScalingGroupName];
        return [
            graph(18, top, 6, 6, "CPU (%)", [["AWS/EC2", "CPUUtilization", ...asg]], "Average"),
            graph(0, top + 6, 24, 3, "InService instances", [["AWS/AutoScaling", "GroupInServiceInstances", ...asg]], "Minimum"),
        ];
    }
    const ecs = ["ClusterName", p.clusterName, "ServiceName", p.ecsServiceName];
    return [
        graph(18, top, 6, 6, "CPU / memory (%)", [["AWS/ECS", "CPUUtilization", ...ecs], ["AWS/ECS", "MemoryUtilization", ...ecs]], "Average"),
        graph(0, top + 6, 24, 3, "running tasks", [["ECS/ContainerInsights", "RunningTaskCount", ...ecs]], "Minimum"),
    ];
}

export class StageDashboard extends pulumi.ComponentResource {
    readonly dashboardName: pulumi.Output<string>;
    /** Console link to the dashboard. */
    readonly dashboardUrl: pulumi.Output<string>;

    constructor(name: string, args: StageDashboardArgs, opts?: pulumi.ComponentResourceOptions) {
        super("stageline:app:StageDashboard", name, {}, opts);
        checkArgs("StageDashboard", name, args.services.length === 0 ? ["services is empty; allowed: at least one service to show"] : [], this);
        const dashboardName = args.dashboardName ?? `${pulumi.getProject()}-${pulumi.getStack()}`;
        const widgets = args.services.flatMap((svc, row) =>
            serviceWidgets({
                service: svc.serviceName,
                region: args.env.region,
                row,
                albArnSuffix: svc.albArnSuffix,
                targetGroupArnSuffix: svc.targetGroupArnSuffix,
                ...computeOf(svc.runtime),
            }),
        );
        const dashboard = new aws.cloudwatch.Dashboard(
            `${name}-dashboard`,
            { dashboardName, dashboardBody: pulumi.jsonStringify({ widgets }) },
            { parent: this },
        );
        this.dashboardName = dashboard.dashboardName;
        this.dashboardUrl = pulumi.interpolate`https://${args.env.region}.console.aws.amazon.com/cloudwatch/home?region=${args.env.region}#dashboards/dashboard/${dashboard.dashboardName}`;
        this.registerOutputs({ dashboardName: this.dashboardName, dashboardUrl: this.dashboardUrl });
    }
}

/** The runtime's compute dimensions for its graphs. */
function computeOf(rt: AppService["runtime"]): ComputeDimensions {
    return rt.kind === "ec2" ? { autoScalingGroupName: rt.autoScalingGroupName } : { clusterName: rt.clusterName, ecsServiceName: rt.ecsServiceName };
}
