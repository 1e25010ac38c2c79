/** Shapes passed between components. Components take plain typed args, never `pulumi.Config`. */
import * as pulumi from "@pulumi/pulumi";

/** Tags put on every AWS resource of a stage. */
export type Tags = Record<string, string>;

/** What a stage's `Environment` (its network, edge and shared runtime) gives the components built on it, passed to them as `env`. */
export interface EnvironmentRefs {
    /** The stage's VPC id. */
    vpcId: pulumi.Output<string>;
    /** The VPC's CIDR block (known at plan time). */
    vpcCidr: string;
    /** AZs that have subnets (≥ 2). */
    availabilityZones: readonly string[];
    /** AZs the stage's workloads run in (the first `azCount`). */
    workloadAzs: readonly string[];
    /** Public subnets, one per AZ, in `availabilityZones` order. */
    publicSubnetIds: pulumi.Output<string>[];
    /** Private (app) subnets, one per AZ. */
    privateSubnetIds: pulumi.Output<string>[];
    /** Private subnets of the workload AZs: where tasks run. */
    workloadSubnetIds: pulumi.Output<string>[];
    /** Isolated (database) subnets, one per AZ, no route to the internet. */
    isolatedSubnetIds: pulumi.Output<string>[];
    /** Route tables of the private subnets, one per AZ. */
    privateRouteTableIds: pulumi.Output<string>[];
    /** Route tables of the isolated subnets, one per AZ. */
    isolatedRouteTableIds: pulumi.Output<string>[];
    /** Security group of the load balancer. */
    albSecurityGroupId: pulumi.Output<string>;
    /** Security group every service task uses; the database admits only this group. */
    appSecurityGroupId: pulumi.Output<string>;
    /** The load balancer. */
    albArn: pulumi.Output<string>;
    /** `app/<name>/<id>`: the CloudWatch dimension of the load balancer. */
    albArnSuffix: pulumi.Output<string>;
    albDnsName: pulumi.Output<string>;
    /** The listener services attach their rules to (HTTPS where TLS is on, else HTTP). */
    listenerArn: pulumi.Output<string>;
    /** `https` or `http`. */
    scheme: "https" | "http";
    /** The stage's host name, e.g. `test.example.com`. */
    hostname: string;
    /** `https://test.example.com` (or `http://...` in dev). */
    url: string;
    /** The ECS cluster. */
    clusterArn: pulumi.Output<string>;
    clusterName: pulumi.Output<string>;
    /** SNS topic every alarm and pipeline notification of the stage goes to. */
    alarmTopicArn: pulumi.Output<string>;
    /** The stage's customer-managed KMS key (logs, artifacts, database, topics). */
    kmsKeyArn: pulumi.Output<string>;
    /** AWS account id and region the stage lives in. */
    accountId: pulumi.Output<string>;
    region: string;
}

/** How a service reaches its database, the same shape whether the stage owns it or shares prod's. */
export interface DatabaseConnection {
    /** Host name of the database. */
    address: pulumi.Output<string>;
    port: pulumi.Output<number>;
    /** Database (schema) name. */
    name: pulumi.Output<string>;
    /** Secrets Manager ARN of the credentials (JSON with `username` and `password`). */
    secretArn: pulumi.Output<string>;
    /** KMS key that encrypts that secret (prod's key when the database is shared). */
    secretKmsKeyArn: pulumi.Output<string>;
    /** The database's security group. */
    securityGroupId: pulumi.Output<string>;
    /** RDS instance identifier (snapshots before a release). */
    instanceId: pulumi.Output<string>;
    /** RDS instance ARN. */
    instanceArn: pulumi.Output<string>;
    /** Engine (`postgres` or `mysql`). */
    engine: string;
    /** True when the database belongs to another stack (staging on prod's). */
    shared: boolean;
}
