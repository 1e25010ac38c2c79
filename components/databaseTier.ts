/**
 * DatabaseTier: a stage's database, in one of two modes chosen by the stage's settings.
 *
 * - **owned** (dev, test, prod): an RDS instance of the stage's own in its isolated subnets,
 *   encrypted with the stage's KMS key, reachable only from the stage's app security group, with
 *   RDS-managed credentials in Secrets Manager, TLS forced by a parameter group, alarms, and — where
 *   `deletionProtection` is on (prod) — `protect` + `retainOnDelete`, a final snapshot and an AWS
 *   Backup plan, so no deploy can lose the data.
 * - **shared** (staging): no RDS resource at all. Production's database is read from the prod
 *   stack by the program (the contract and StackReference in infra/stacks.ts), and staging owns the
 *   network path to it: a VPC peering connection, routes both ways and one ingress rule on prod's
 *   database security group. Destroying staging removes exactly those and nothing else of prod.
 *
 * Either way the component exposes the same `DatabaseConnection`.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { Stage } from "../lib/stage";
import { cidrOverlaps, parseCidr } from "../lib/cidr";
import { DatabaseConnection, EnvironmentRefs, Tags } from "./types";
import { DatabaseEngine, engineVersionProblem } from "../lib/engineVersionRules";
import { finalSnapshotIdentifier } from "./finalSnapshot";
import { serviceTrustPolicy } from "./iam";
import { keepData as dataGuard } from "./dataGuard";
import { ArgsError, checkArgs } from "./argsError";

/** What the shared mode reads of prod's database and network (the program reads it from prod's stack: infra/stacks.ts). */
export interface ProdDatabase {
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
/** `ProdDatabase` as the program passes it: each value an Input. */
export type ProdDatabaseInputs = { readonly [K in keyof ProdDatabase]: pulumi.Input<ProdDatabase[K]> };
/** `ProdDatabase` with each value an Output. */
export type ProdDatabaseOutputs = { [K in keyof ProdDatabase]: pulumi.Output<ProdDatabase[K]> };

export interface OwnedDatabaseArgs {
    readonly mode: "owned";
    readonly engine: DatabaseEngine;
    /** The major version (`16`, `8.0`) with automatic minor upgrades, the full one (`16.4`) without. */
    readonly engineVersion: string;
    /** RDS applies minor engine upgrades in the maintenance window (infra/engineVersionRules.ts). */
    readonly autoMinorVersionUpgrade: boolean;
    readonly instanceClass: string;
    readonly allocatedStorageGb: number;
    readonly maxAllocatedStorageGb: number;
    readonly multiAz: boolean;
    readonly backupRetentionDays: number;
    readonly deletionProtection: boolean;
    readonly performanceInsights: boolean;
    /** Enhanced monitoring interval in seconds; 0 turns it off. */
    readonly monitoringIntervalSeconds: number;
    readonly databaseName: string;
    readonly masterUsername: string;
    /** Reject connections without TLS (parameter group). */
    readonly forceTls: boolean;
    /** An AWS Backup plan for the database. */
    readonly awsBackup: boolean;
}

export interface SharedDatabaseArgs {
    readonly mode: "shared";
    /** Fully qualified stack whose database this stage uses, e.g. `acme/stageline/prod`. */
    readonly prodStack: string;
    /**
     * Prod's subnet AZs, in prod's order: one database route table each gets a return route.
     * Known at plan time so each route is a named resource (`<stage>-prod-db-route-<az>`).
     * @default the first three AZs of the region (prod's default layout)
     */
    readonly prodAvailabilityZones: readonly string[];
    /** Prod database's engine (the contract does not carry it). @default "postgres" */
    readonly prodEngine: DatabaseEngine;
}

export type DatabaseArgs = OwnedDatabaseArgs | SharedDatabaseArgs;

export interface DatabaseTierArgs {
    /** The stage this database belongs to (names, messages). @default none (required) */
    readonly stage: Stage;
    /** Owned or shared, with the owned database's shape. @default none (required) */
    readonly database: DatabaseArgs;
    /** The stage's network, KMS key and alarm topic. @default none (required) */
    readonly env: EnvironmentRefs;
    /** Tags on every AWS resource. @default none (required) */
    readonly tags: Tags;
    /**
     * RDS instance identifier (the physical name: snapshots and the release pipeline use it).
     * @default `${name}-db`
     */
    readonly identifier?: string;
    /** Days AWS Backup keeps the daily recovery points (owned mode with `awsBackup`). @default 35 */
    readonly awsBackupRetentionDays?: number;
    /** A vault (another region or account) each recovery point is copied to. @default no copy */
    readonly backupCopyVaultArn?: pulumi.Input<string>;
    /** CPU utilisation (%) over which the CPU alarm fires. @default 80 */
    readonly cpuAlarmPercent?: number;
    /** Free storage (% of allocated storage) under which the storage alarm fires. @default 10 */
    readonly freeStorageAlarmPercent?: number;
    /** Connections (% of the class's estimated max_connections) over which the alarm fires. @default 80 */
    readonly connectionsAlarmPercent?: number;
    /**
     * Shared mode: prod's database contract, read by the program (infra/stacks.ts). The component
     * never reads another stack itself.
     * @default none (required in shared mode)
     */
    readonly prodDatabase?: ProdDatabaseInputs;
}

/** The AWS managed policy that lets RDS publish enhanced monitoring metrics. */
export const RDS_MONITORING_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole";
/** The AWS managed policy AWS Backup needs to take backups. */
export const BACKUP_SERVICE_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup";

/** The engine's default port. */
export function enginePort(engine: DatabaseEngine): number {
    return engine === "mysql" ? 3306 : 5432;
}

/** Parameter group family from engine and version: `16.4` → `postgres16`, `8.0.39` → `mysql8.0`. */
export function parameterGroupFamily(engine: DatabaseEngine, version: string): string {
    const [major, minor] = version.split(".");
    if (engine === "mysql") return `mysql${major}.${minor ?? "0"}`;
    return Number(major) >= 10 ? `postgres${major}` : `postgres${major}.${minor ?? "6"}`;
}

/** The parameters the stage's parameter group sets: TLS on or off, explicitly. */
export function engineParameters(engine: DatabaseEngine, forceTls: boolean): { name: string; value: string; applyMethod: string }[] {
    if (engine === "mysql") {
        return [
            { name: "require_secure_transport", value: forceTls ? "ON" : "OFF", applyMethod: "immediate" },
            { name: "slow_query_log", value: "1", applyMethod: "immediate" },
        ];
    }
    return [{ name: "rds.force_ssl", value: forceTls ? "1" : "0", applyMethod: "immediate" }];
}

/** Logs shipped to CloudWatch Logs per engine. */
export function logExports(engine: DatabaseEngine): string[] {
    return engine === "mysql" ? ["error", "slowquery"] : ["postgresql", "upgrade"];
}

/** GiB of memory of an RDS class (`db.m6g.large` → 8), or undefined for classes we do not know. */
export function instanceMemoryGiB(instanceClass: string): number | undefined {
    const m = /^db\.([a-z]+)\d+[a-z]*\.(micro|small|medium|large|(\d*)xlarge)$/.exec(instanceClass);
    if (!m) return undefined;
    const family = m[1];
    const size = m[2];
    // Memory of the `large` size per family letter; burstable classes below large halve each step.
    const large: Record<string, number> = { t: 8, m: 8, r: 16, x: 32, z: 16 };
    const base = large[family];
    if (base === undefined) return undefined;
    const below: Record<string, number> = { micro: 1 / 8, small: 1 / 4, medium: 1 / 2, large: 1 };
    if (size in below) return base * below[size];
    const times = m[3] ? Number(m[3]) : 1;
    return base * 2 * times;
}

/** RDS's default max_connections for an engine and class (its formula on the class's memory). */
export function estimatedMaxConnections(engine: DatabaseEngine, instanceClass: string): number | undefined {
    const gib = instanceMemoryGiB(instanceClass);
    if (gib === undefined) return undefined;
    const bytes = gib * 1024 ** 3;
    return engine === "mysql" ? Math.floor(bytes / 12582880) : Math.min(Math.floor(bytes / 9531392), 5000);
}

const PROD_DATABASE_MISSING = "prodDatabase is missing; allowed: prod's database contract (infra/stacks.ts readStacks) in shared mode";

/** Problems with the args, as messages a user can act on (empty when the args are valid). */
export function validateDatabaseArgs(args: DatabaseTierArgs): string[] {
    const out: string[] = [];
    const d = args.database;
    if (d.mode === "owned") {
        if (!/^\d+(\.\d+){0,2}$/.test(d.engineVersion)) out.push(`database.engineVersion is "${d.engineVersion}"; allowed: an engine version such as 16 or 16.4`);
        else {
            const versionProblem = engineVersionProblem(d.engine, d.engineVersion, d.autoMinorVersionUpgrade);
            if (versionProblem) out.push(`database.engineVersion is "${d.engineVersion}"; allowed: ${versionProblem}`);
        }
        if (d.maxAllocatedStorageGb < d.allocatedStorageGb) out.push(`database.maxAllocatedStorageGb is ${d.maxAllocatedStorageGb}; allowed: at least allocatedStorageGb (${d.allocatedStorageGb})`);
        if (d.backupRetentionDays < 7) out.push(`database.backupRetentionDays is ${d.backupRetentionDays}; allowed: 7 to 35`);
        const keep = args.awsBackupRetentionDays ?? 35;
        if (!Number.isInteger(keep) || keep < 35) out.push(`awsBackupRetentionDays is ${keep}; allowed: an integer of at least 35`);
        const identifier = args.identifier;
        if (identifier !== undefined && !/^[a-z](?!.*--)[a-z0-9-]{0,52}[a-z0-9]$/.test(identifier)) {
            out.push(`identifier is "${identifier}"; allowed: 2-54 lower-case letters, digits and single hyphens, starting with a letter`);
        }
    } else {
        if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(d.prodStack)) {
            out.push(`database.prodStack is "${d.prodStack}"; allowed: the production stack, org/project/stack, e.g. acme/stageline/prod`);
        }
        if (args.prodDatabase === undefined) out.push(PROD_DATABASE_MISSING);
        if (d.prodAvailabilityZones.length === 0 || new Set(d.prodAvailabilityZones).size !== d.prodAvailabilityZones.length) {
            out.push(`database.prodAvailabilityZones is [${d.prodAvailabilityZones.join(", ")}]; allowed: prod's distinct subnet AZs, in prod's order`);
        }
        if (!parseCidr(args.env.vpcCidr)) out.push(`the stage's VPC CIDR "${args.env.vpcCidr}" is not a CIDR block`);
    }
    for (const [key, v, lo, hi] of [
        ["cpuAlarmPercent", args.cpuAlarmPercent, 1, 100],
        ["freeStorageAlarmPercent", args.freeStorageAlarmPercent, 1, 90],
        ["connectionsAlarmPercent", args.connectionsAlarmPercent, 1, 100],
    ] as const) {
        if (v !== undefined && !(v >= lo && v <= hi)) out.push(`${key} is ${v}; allowed: ${lo} to ${hi}`);
    }
    return out;
}

/** What the shared mode knows of its own stage. */
export interface SharedSide {
    name: string;
    prodStack: string;
    vpcCidr: string;
    region: string;
    prodAvailabilityZones: readonly string[];
}

/**
 * Problems with peering this stage to prod, given prod's contract values: overlapping VPC blocks,
 * another region, or a route-table count that differs from the configured prod AZs.
 */
export function sharedPathProblems(stage: SharedSide, prod: { vpcCidr: string; region: string; databaseRouteTableIds: readonly string[] }): string[] {
    const out: string[] = [];
    if (!parseCidr(prod.vpcCidr)) out.push(`${stage.prodStack} exports vpcCidr "${prod.vpcCidr}", which is not a CIDR block`);
    else if (cidrOverlaps(prod.vpcCidr, stage.vpcCidr)) {
        out.push(`${stage.name}'s VPC ${stage.vpcCidr} overlaps prod's ${prod.vpcCidr} (${stage.prodStack}): peered VPCs need disjoint blocks; change stageline:network.cidr`);
    }
    if (prod.region !== stage.region) out.push(`${stage.name} is in ${stage.region} but ${stage.prodStack} is in ${prod.region}: the peering is same-region`);
    const azs = stage.prodAvailabilityZones;
    if (prod.databaseRouteTableIds.length !== azs.length) {
        out.push(`${stage.prodStack} exports ${prod.databaseRouteTableIds.length} database route tables but stageline:database.prodAvailabilityZones lists ${azs.length} (${azs.join(", ")}); set it to prod's subnet AZs`);
    }
    return out;
}

export class DatabaseTier extends pulumi.ComponentResource {
    /** How services reach the database (the same shape owned or shared). */
    readonly connection: DatabaseConnection;
    /** Set when this stage owns its database: the values prod exports for staging. */
    readonly exports?: true;
    /** The RDS instance (owned mode). */
    readonly instance?: aws.rds.Instance;
    /** The peering connection to prod's VPC (shared mode). */
    readonly peering?: aws.ec2.VpcPeeringConnection;

    constructor(name: string, args: DatabaseTierArgs, opts?: pulumi.ComponentResourceOptions) {
        super("stageline:stage:DatabaseTier", name, {}, opts);
        checkArgs("DatabaseTier", name, validateDatabaseArgs(args), this);
        if (args.database.mode === "owned") {
            const owned = ownedDatabase(this, name, args, args.database);
            this.instance = owned.instance;
            this.connection = owned.connection;
            this.exports = true;
        } else {
            const shared = sharedDatabase(this, name, args, args.database);
            this.peering = shared.peering;
            this.connection = shared.connection;
        }
        this.registerOutputs({
            address: this.connection.address,
            port: this.connection.port,
            name: this.connection.name,
            secretArn: this.connection.secretArn,
            securityGroupId: this.connection.securityGroupId,
            instanceId: this.connection.instanceId,
            shared: this.connection.shared,
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Owned mode
// ---------------------------------------------------------------------------------------------

function ownedDatabase(parent: pulumi.Resource, name: string, args: DatabaseTierArgs, d: OwnedDatabaseArgs) {
    const { env, tags } = args;
    const port = enginePort(d.engine);
    const identifier = args.identifier ?? `${name}-db`;
    // Where data lives, a deploy must never delete it: the switch is the stage's deletion protection.
    const keepData = d.deletionProtection;
    const dataOpts: pulumi.CustomResourceOptions = { parent, retainOnDelete: keepData };

    const subnetGroup = new aws.rds.SubnetGroup(
        `${name}-db`,
        { description: `${name}: isolated subnets of the database`, subnetIds: env.isolatedSubnetIds, tags: { ...tags, Name: `${name}-db` } },
        dataOpts,
    );

    const securityGroup = new aws.ec2.SecurityGroup(
        `${name}-db`,
        { vpcId: env.vpcId, description: `${name} database: admits only the app security group`, tags: { ...tags, Name: `${name}-db` } },
        dataOpts,
    );
    new aws.vpc.SecurityGroupIngressRule(
        `${name}-db-from-app`,
        {
            securityGroupId: securityGroup.id,
            referencedSecurityGroupId: env.appSecurityGroupId,
            ipProtocol: "tcp",
            fromPort: port,
            toPort: port,
            description: `${d.engine} from ${name}'s app tasks`,
            tags: { ...tags, Name: `${name}-db-from-app` },
        },
        { parent },
    );

    const parameterGroup = new aws.rds.ParameterGroup(
        `${name}-db`,
        {
            family: parameterGroupFamily(d.engine, d.engineVersion),
            description: `${name} ${d.engine} ${d.engineVersion}: TLS ${d.forceTls ? "required" : "optional"}`,
            parameters: engineParameters(d.engine, d.forceTls),
            tags,
        },
        dataOpts,
    );

    const monitoringRole = d.monitoringIntervalSeconds > 0 ? monitoringRoleFor(parent, name, env, tags) : undefined;

    const instance = new aws.rds.Instance(
        `${name}-db`,
        {
            identifier,
            engine: d.engine,
            engineVersion: d.engineVersion,
            instanceClass: d.instanceClass,
            dbName: d.databaseName,
            username: d.masterUsername,
            manageMasterUserPassword: true,
            masterUserSecretKmsKeyId: env.kmsKeyArn,
            port,
            allocatedStorage: d.allocatedStorageGb,
            maxAllocatedStorage: d.maxAllocatedStorageGb,
            storageType: "gp3",
            storageEncrypted: true,
            kmsKeyId: env.kmsKeyArn,
            dbSubnetGroupName: subnetGroup.name,
            vpcSecurityGroupIds: [securityGroup.id],
            parameterGroupName: parameterGroup.name,
            publiclyAccessible: false,
            multiAz: d.multiAz,
            caCertIdentifier: "rds-ca-rsa2048-g1",
            backupRetentionPeriod: d.backupRetentionDays,
            backupWindow: "02:00-03:00",
            maintenanceWindow: "sun:04:00-sun:05:00",
            copyTagsToSnapshot: true,
            deleteAutomatedBackups: !keepData,
            deletionProtection: d.deletionProtection,
            skipFinalSnapshot: false,
            // Unique per life of the instance, so destroy → recreate → destroy (dev, test) does
            // not hit DBSnapshotAlreadyExists: see components/finalSnapshot.ts.
            finalSnapshotIdentifier: finalSnapshotIdentifier(identifier, securityGroup.id),
            // One choice with engineVersion, checked in config (infra/engineVersionRules.ts).
            autoMinorVersionUpgrade: d.autoMinorVersionUpgrade,
            allowMajorVersionUpgrade: false,
            performanceInsightsEnabled: d.performanceInsights,
            performanceInsightsKmsKeyId: d.performanceInsights ? env.kmsKeyArn : undefined,
            performanceInsightsRetentionPeriod: d.performanceInsights ? 7 : undefined,
            monitoringInterval: d.monitoringIntervalSeconds,
            monitoringRoleArn: monitoringRole?.arn,
            enabledCloudwatchLogsExports: logExports(d.engine),
            tags: { ...tags, Name: identifier },
        },
        { parent, ...dataGuard(keepData) },
    );

    alarmsFor(parent, name, args, d, instance);
    if (d.awsBackup) backupPlanFor(parent, name, args, instance, keepData);

    const connection: DatabaseConnection = {
        address: instance.address,
        port: instance.port,
        name: instance.dbName,
        secretArn: instance.masterUserSecrets.apply((secrets) => {
            const arn = secrets?.[0]?.secretArn;
            if (!arn) throw new pulumi.ResourceError(`${identifier} reports no RDS-managed master secret`, parent);
            return arn;
        }),
        secretKmsKeyArn: args.env.kmsKeyArn,
        securityGroupId: securityGroup.id,
        instanceId: instance.identifier,
        instanceArn: instance.arn,
        engine: d.engine,
        shared: false,
    };
    return { instance, connection };
}


function monitoringRoleFor(parent: pulumi.Resource, name: string, env: EnvironmentRefs, tags: Tags): aws.iam.Role {
    const role = new aws.iam.Role(
        `${name}-db-monitoring`,
        { description: `${name}: RDS enhanced monitoring publishes OS metrics`, assumeRolePolicy: serviceTrustPolicy("monitoring.rds.amazonaws.com", { sourceAccount: env.accountId }), tags },
        { parent },
    );
    new aws.iam.RolePolicyAttachment(`${name}-db-monitoring`, { role: role.name, policyArn: RDS_MONITORING_POLICY_ARN }, { parent });
    return role;
}

function alarmsFor(parent: pulumi.Resource, name: string, args: DatabaseTierArgs, d: OwnedDatabaseArgs, instance: aws.rds.Instance): void {
    const common = {
        namespace: "AWS/RDS",
        dimensions: { DBInstanceIdentifier: instance.identifier },
        alarmActions: [args.env.alarmTopicArn],
        okActions: [args.env.alarmTopicArn],
        treatMissingData: "breaching",
        tags: args.tags,
    };
    const cpu = args.cpuAlarmPercent ?? 80;
    new aws.cloudwatch.MetricAlarm(
        `${name}-db-cpu`,
        {
            ...common,
            alarmDescription: `${name} database CPU above ${cpu}% for 15 minutes`,
            metricName: "CPUUtilization",
            statistic: "Average",
            period: 300,
            evaluationPeriods: 3,
            comparisonOperator: "GreaterThanThreshold",
            threshold: cpu,
        },
        { parent },
    );
    const freePercent = args.freeStorageAlarmPercent ?? 10;
    new aws.cloudwatch.MetricAlarm(
        `${name}-db-free-storage`,
        {
            ...common,
            alarmDescription: `${name} database free storage below ${freePercent}% of ${d.allocatedStorageGb} GiB`,
            metricName: "FreeStorageSpace",
            statistic: "Minimum",
            period: 300,
            evaluationPeriods: 2,
            comparisonOperator: "LessThanThreshold",
            threshold: Math.round(d.allocatedStorageGb * 1024 ** 3 * (freePercent / 100)),
        },
        { parent },
    );
    const max = estimatedMaxConnections(d.engine, d.instanceClass) ?? 100;
    const connPercent = args.connectionsAlarmPercent ?? 80;
    const connections = Math.max(1, Math.floor((max * connPercent) / 100));
    new aws.cloudwatch.MetricAlarm(
        `${name}-db-connections`,
        {
            ...common,
            alarmDescription: `${name} database connections above ${connections} (${connPercent}% of ~${max} for ${d.instanceClass})`,
            metricName: "DatabaseConnections",
            statistic: "Maximum",
            period: 300,
            evaluationPeriods: 2,
            comparisonOperator: "GreaterThanThreshold",
            threshold: connections,
            // No connections at all is normal for an idle stage.
            treatMissingData: "notBreaching",
        },
        { parent },
    );
}

function backupPlanFor(parent: pulumi.Resource, name: string, args: DatabaseTierArgs, instance: aws.rds.Instance, keepData: boolean): void {
    const { env, tags } = args;
    const keepDays = args.awsBackupRetentionDays ?? 35;
    const vault = new aws.backup.Vault(
        `${name}-db-backup`,
        { kmsKeyArn: env.kmsKeyArn, forceDestroy: false, tags },
        { parent, ...dataGuard(keepData) },
    );
    const plan = new aws.backup.Plan(
        `${name}-db-backup`,
        {
            rules: [
                {
                    ruleName: "daily",
                    targetVaultName: vault.name,
                    schedule: "cron(0 3 * * ? *)",
                    startWindow: 60,
                    completionWindow: 360,
                    lifecycle: { deleteAfter: keepDays },
                    copyActions: args.backupCopyVaultArn !== undefined ? [{ destinationVaultArn: args.backupCopyVaultArn, lifecycle: { deleteAfter: keepDays } }] : undefined,
                    recoveryPointTags: tags,
                },
            ],
            tags,
        },
        { parent },
    );
    const role = new aws.iam.Role(
        `${name}-db-backup`,
        { description: `${name}: AWS Backup backs up the database`, assumeRolePolicy: serviceTrustPolicy("backup.amazonaws.com", { sourceAccount: env.accountId }), tags },
        { parent },
    );
    const attachment = new aws.iam.RolePolicyAttachment(`${name}-db-backup`, { role: role.name, policyArn: BACKUP_SERVICE_POLICY_ARN }, { parent });
    new aws.backup.Selection(
        `${name}-db-backup`,
        { planId: plan.id, iamRoleArn: role.arn, resources: [instance.arn] },
        { parent, dependsOn: [attachment] },
    );
}

// ---------------------------------------------------------------------------------------------
// Shared mode
// ---------------------------------------------------------------------------------------------

function sharedDatabase(parent: pulumi.Resource, name: string, args: DatabaseTierArgs, d: SharedDatabaseArgs) {
    const { env, tags } = args;
    // Read by the program (infra/stacks.ts); validateDatabaseArgs refused a shared tier without it (this narrows the type).
    const prod = args.prodDatabase;
    if (prod === undefined) throw new ArgsError("DatabaseTier", name, [PROD_DATABASE_MISSING], parent);

    // Prod's values are known once its stack output is read (a preview included): a mismatch stops
    // the run with every problem listed, before the peering or a route is created.
    const checked = pulumi.all([prod.vpcCidr, prod.region, prod.databaseRouteTableIds]).apply(([vpcCidr, region, databaseRouteTableIds]) => {
        const problems = sharedPathProblems({ name, prodStack: d.prodStack, vpcCidr: env.vpcCidr, region: env.region, prodAvailabilityZones: d.prodAvailabilityZones }, { vpcCidr, region, databaseRouteTableIds });
        checkArgs("DatabaseTier", name, problems, parent);
        return true;
    });
    const peerVpcId = pulumi.all([checked, prod.vpcId]).apply(([, vpcId]) => vpcId);

    const peering = new aws.ec2.VpcPeeringConnection(
        `${name}-to-prod`,
        {
            vpcId: env.vpcId,
            peerVpcId,
            autoAccept: true, // same account and region: staging accepts its own request
            accepter: { allowRemoteVpcDnsResolution: true },
            requester: { allowRemoteVpcDnsResolution: true },
            tags: { ...tags, Name: `${name}-to-prod`, peer: d.prodStack },
        },
        { parent },
    );

    // Staging's app subnets → prod's VPC.
    env.availabilityZones.forEach((az, i) => {
        new aws.ec2.Route(
            `${name}-to-prod-${az}`,
            { routeTableId: env.privateRouteTableIds[i], destinationCidrBlock: prod.vpcCidr, vpcPeeringConnectionId: peering.id },
            { parent },
        );
    });

    // Prod's database subnets → staging's VPC (the return path), one route per prod AZ.
    const prodAzs = d.prodAvailabilityZones;
    prodAzs.forEach((az, i) => {
        const routeTableId = pulumi.all([checked, prod.databaseRouteTableIds]).apply(([, ids]) => ids[i]);
        new aws.ec2.Route(
            `${name}-prod-db-route-${az}`,
            { routeTableId, destinationCidrBlock: env.vpcCidr, vpcPeeringConnectionId: peering.id },
            { parent },
        );
    });

    // Prod's database admits staging's app tasks (security-group reference across the peering).
    new aws.vpc.SecurityGroupIngressRule(
        `${name}-prod-db-from-${name}-app`,
        {
            securityGroupId: prod.dbSecurityGroupId,
            referencedSecurityGroupId: env.appSecurityGroupId,
            ipProtocol: "tcp",
            fromPort: prod.dbPort,
            toPort: prod.dbPort,
            description: `${name} app tasks (peered VPC ${env.vpcCidr}); owned by the ${name} stack`,
            tags: { ...tags, Name: `${name}-app-to-prod-db` },
        },
        { parent, dependsOn: [peering] },
    );

    // ...and staging's app tasks may send to it: their own group's database egress only reaches
    // staging's VPC, so the path to prod's block is opened here, owned by staging as well.
    new aws.vpc.SecurityGroupEgressRule(
        `${name}-app-to-prod-db`,
        {
            securityGroupId: env.appSecurityGroupId,
            cidrIpv4: prod.vpcCidr,
            ipProtocol: "tcp",
            fromPort: prod.dbPort,
            toPort: prod.dbPort,
            description: `to production's database over the peering (${d.prodStack})`,
            tags: { ...tags, Name: `${name}-app-to-prod-db` },
        },
        { parent, dependsOn: [peering] },
    );

    const connection: DatabaseConnection = {
        address: pulumi.output(prod.dbAddress),
        port: pulumi.output(prod.dbPort),
        name: pulumi.output(prod.dbName),
        secretArn: pulumi.output(prod.dbSecretArn),
        secretKmsKeyArn: pulumi.output(prod.dbSecretKmsKeyArn),
        securityGroupId: pulumi.output(prod.dbSecurityGroupId),
        instanceId: pulumi.output(prod.dbInstanceId),
        instanceArn: pulumi.output(prod.dbInstanceArn),
        engine: d.prodEngine,
        shared: true,
    };
    return { peering, connection };
}
