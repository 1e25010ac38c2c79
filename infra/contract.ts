/**
 * The cross-stack contract: what prod exports and staging reads through a StackReference.
 * Both sides use these names and this type, and a test proves prod's real exports satisfy it.
 */
import * as pulumi from "@pulumi/pulumi";

/** Outputs prod exports for the stages that share its database (staging). */
export interface ProdDatabaseContract {
    /** Prod's VPC id (the peering target). */
    vpcId: string;
    /** Prod's VPC CIDR (staging routes it through the peering). */
    vpcCidr: string;
    /** Route tables of prod's database (isolated) subnets: return routes to staging go here. */
    databaseRouteTableIds: string[];
    /** Route tables of prod's private (app) subnets. */
    privateRouteTableIds: string[];
    /** Database host name. */
    dbAddress: string;
    /** Database port. */
    dbPort: number;
    /** Database (schema) name. */
    dbName: string;
    /** Secrets Manager ARN of the RDS-managed master credentials. */
    dbSecretArn: string;
    /** KMS key of that secret: staging's tasks need kms:Decrypt on it to read the credentials. */
    dbSecretKmsKeyArn: string;
    /** Security group of prod's database: staging adds a rule admitting its app group. */
    dbSecurityGroupId: string;
    /** RDS instance identifier: the release pipeline snapshots it before a release. */
    dbInstanceId: string;
    /** RDS instance ARN (scopes the snapshot permission). */
    dbInstanceArn: string;
    /** Region of prod (peering is same-region). */
    region: string;
}

/** The contract's keys, in one list, so exporter and reader cannot drift. */
export const PROD_CONTRACT_KEYS = [
    "vpcId",
    "vpcCidr",
    "databaseRouteTableIds",
    "privateRouteTableIds",
    "dbAddress",
    "dbPort",
    "dbName",
    "dbSecretArn",
    "dbSecretKmsKeyArn",
    "dbSecurityGroupId",
    "dbInstanceId",
    "dbInstanceArn",
    "region",
] as const satisfies readonly (keyof ProdDatabaseContract)[];

export type ContractOutputs = { [K in keyof ProdDatabaseContract]: pulumi.Output<ProdDatabaseContract[K]> };

/** Reads the contract from the prod stack: each key as a typed Output. */
export function readProdContract(ref: pulumi.StackReference): ContractOutputs {
    const out: Partial<Record<keyof ProdDatabaseContract, pulumi.Output<unknown>>> = {};
    for (const key of PROD_CONTRACT_KEYS) out[key] = ref.requireOutput(key);
    return out as ContractOutputs;
}
