// STUB: replaced by the Environment implementation (issue 3).
import * as pulumi from "@pulumi/pulumi";
import { AlertSettings, EdgeSettings, NetworkSettings, Stage } from "../infra/settings";
import { EnvironmentRefs, Tags } from "./types";

export interface EnvironmentArgs {
    readonly stage: Stage;
    readonly region: string;
    readonly network: NetworkSettings;
    readonly edge: EdgeSettings;
    readonly alerts: AlertSettings;
    readonly tags: Tags;
}

export class Environment extends pulumi.ComponentResource {
    readonly refs: EnvironmentRefs;
    constructor(name: string, args: EnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("stageline:stage:Environment", name, {}, opts);
        const o = (v: string) => pulumi.output(v);
        const azs = args.network.availabilityZones;
        this.refs = {
            vpcId: o("vpc-1"), vpcCidr: args.network.cidr, availabilityZones: azs, workloadAzs: azs.slice(0, args.network.azCount),
            publicSubnetIds: azs.map((a) => o(`subnet-pub-${a}`)), privateSubnetIds: azs.map((a) => o(`subnet-prv-${a}`)),
            workloadSubnetIds: azs.slice(0, args.network.azCount).map((a) => o(`subnet-prv-${a}`)),
            isolatedSubnetIds: azs.map((a) => o(`subnet-iso-${a}`)), privateRouteTableIds: azs.map((a) => o(`rtb-prv-${a}`)),
            isolatedRouteTableIds: azs.map((a) => o(`rtb-iso-${a}`)), albSecurityGroupId: o("sg-alb"), appSecurityGroupId: o("sg-app"),
            albArn: o("arn:alb"), albArnSuffix: o("app/x/1"), albDnsName: o("x.elb.amazonaws.com"), listenerArn: o("arn:listener"),
            scheme: args.edge.tls ? "https" : "http", hostname: args.edge.hostname, url: `${args.edge.tls ? "https" : "http"}://${args.edge.hostname}`,
            clusterArn: o("arn:cluster"), clusterName: o("cluster"), alarmTopicArn: o("arn:topic"), kmsKeyArn: o("arn:kms"),
            accountId: o("123456789012"), region: args.region,
        };
        this.registerOutputs({});
    }
}
