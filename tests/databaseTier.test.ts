/**
 * DatabaseTier under the mock harness: each owned stage's database is shaped as its stage needs,
 * prod's data cannot be lost by a deploy, and staging creates no database of its own but a real
 * network path to prod's.
 */
import { strict as assert } from "node:assert";
import { findResource, ofType, planStack, planStackFile, prodFixtureOutputs, PlannedResource, stackSettings, StackPlan } from "../tools/harness";
import {
    estimatedMaxConnections,
    engineParameters,
    parameterGroupFamily,
    validateDatabaseArgs,
    sharedPathProblems,
    RDS_MONITORING_POLICY_ARN,
    BACKUP_SERVICE_POLICY_ARN,
    DatabaseTierArgs,
    DatabaseTier,
} from "../components/databaseTier";
import { Environment } from "../components/environment";
import { holdsProductionData, stageTags, StageOutputs } from "../infra/program";
import { readStacks } from "../infra/stacks";
import { SharedDatabaseSettings, StageSettings } from "../infra/settings";

const RDS_INSTANCE = "aws:rds/instance:Instance";
const ROUTE = "aws:ec2/route:Route";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

/** Variants run only the stage's Environment and DatabaseTier (the full program's plans are slow). */
function databaseOnly(s: StageSettings): StageOutputs {
    const tags = stageTags(s);
    const env = new Environment(s.stage, { stage: s.stage, region: s.region, network: s.network, edge: s.edge, alerts: s.alerts, keepData: holdsProductionData(s), tags });
    const db = new DatabaseTier(s.stage, { stage: s.stage, database: s.database, env: env.refs, tags, prodDatabase: readStacks(s).prodDatabase });
    return { databaseAddress: db.connection.address, databaseSecretArn: db.connection.secretArn };
}

function rdsOf(plan: StackPlan): PlannedResource[] {
    return plan.resources.filter((r) => r.type.startsWith("aws:rds/"));
}

function theInstance(plan: StackPlan): PlannedResource {
    const all = ofType(plan, RDS_INSTANCE);
    assert.equal(all.length, 1, `${plan.stack} has exactly one RDS instance`);
    return all[0];
}

describe("DatabaseTier", () => {
    let prod: StackPlan;
    let test: StackPlan;
    let dev: StackPlan;
    let staging: StackPlan;

    // The Pulumi runtime is global: plans run one after another.
    before(async () => {
        prod = await planStackFile("prod");
    });
    before(async () => {
        test = await planStackFile("test");
    });
    before(async () => {
        dev = await planStackFile("dev");
    });
    before(async () => {
        staging = await planStackFile("staging");
    });

    describe("GIVEN prod's stack file", () => {
        it("THEN its database is Multi-AZ, encrypted with the stage's KMS key and not public", () => {
            const db = theInstance(prod);
            assert.equal(db.inputs.multiAz, true);
            assert.equal(db.inputs.storageEncrypted, true);
            const stageKeys = ofType(prod, "aws:kms/key:Key").map((k) => k.outputs.arn);
            assert.ok(stageKeys.includes(db.inputs.kmsKeyId), `kmsKeyId ${db.inputs.kmsKeyId} is one of the stage's keys`);
            assert.equal(db.inputs.publiclyAccessible, false);
            assert.equal(db.inputs.storageType, "gp3");
        });

        it("THEN a deploy cannot lose its data: deletion protection, final snapshot, protect and retainOnDelete", () => {
            const db = theInstance(prod);
            assert.equal(db.inputs.deletionProtection, true);
            assert.equal(db.inputs.skipFinalSnapshot, false);
            assert.match(String(db.inputs.finalSnapshotIdentifier), /^prod-db-final-[0-9a-f]{17}$/);
            assert.equal(db.options.protect, true);
            assert.equal(db.options.retainOnDelete, true);
            assert.equal(db.inputs.deleteAutomatedBackups, false);
        });

        it("THEN the master password is managed by RDS in Secrets Manager, never in config", () => {
            const db = theInstance(prod);
            assert.equal(db.inputs.manageMasterUserPassword, true);
            assert.equal(db.inputs.password, undefined);
            assert.equal(db.inputs.masterUserSecretKmsKeyId, db.inputs.kmsKeyId);
        });

        it("THEN backups are kept 14 days, and Performance Insights and enhanced monitoring are on", () => {
            const db = theInstance(prod);
            assert.equal(db.inputs.backupRetentionPeriod, 14);
            assert.equal(db.inputs.copyTagsToSnapshot, true);
            assert.equal(db.inputs.performanceInsightsEnabled, true);
            assert.equal(db.inputs.monitoringInterval, 60);
            const role = findResource(prod, "aws:iam/role:Role", "prod-db-monitoring");
            assert.equal(db.inputs.monitoringRoleArn, role.outputs.arn);
            const attach = findResource(prod, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "prod-db-monitoring");
            assert.equal(attach.inputs.policyArn, RDS_MONITORING_POLICY_ARN);
            assert.match(String(role.inputs.assumeRolePolicy), /monitoring\.rds\.amazonaws\.com/);
        });

        it("THEN TLS is forced by the instance's parameter group (rds.force_ssl=1, family postgres16)", () => {
            const db = theInstance(prod);
            const pg = findResource(prod, "aws:rds/parameterGroup:ParameterGroup", "prod-db");
            assert.equal(db.inputs.parameterGroupName, pg.outputs.name);
            assert.equal(pg.inputs.family, "postgres16");
            const params = pg.inputs.parameters as { name: string; value: string }[];
            assert.deepEqual(params.find((p) => p.name === "rds.force_ssl")?.value, "1");
        });

        it("THEN only the app security group is admitted, on the engine's port", () => {
            const db = theInstance(prod);
            const sg = findResource(prod, "aws:ec2/securityGroup:SecurityGroup", "prod-db");
            assert.deepEqual(db.inputs.vpcSecurityGroupIds, [sg.id]);
            const rules = ofType(prod, INGRESS).filter((r) => r.inputs.securityGroupId === sg.id);
            assert.equal(rules.length, 1);
            assert.equal(rules[0].inputs.fromPort, 5432);
            assert.equal(rules[0].inputs.toPort, 5432);
            assert.equal(rules[0].inputs.cidrIpv4, undefined);
            const appGroups = ofType(prod, "aws:ec2/securityGroup:SecurityGroup").filter((g) => g.id !== sg.id).map((g) => g.id);
            assert.ok(appGroups.includes(rules[0].inputs.referencedSecurityGroupId as string), "the rule names the stage's app security group, not a CIDR");
        });

        it("THEN the database sits in a subnet group over the isolated subnets", () => {
            const group = findResource(prod, "aws:rds/subnetGroup:SubnetGroup", "prod-db");
            assert.equal((group.inputs.subnetIds as string[]).length, 3);
            assert.equal(theInstance(prod).inputs.dbSubnetGroupName, group.outputs.name);
            assert.equal(group.options.retainOnDelete, true);
        });

        it("THEN an AWS Backup plan keeps daily recovery points ≥ 35 days in a protected, KMS-encrypted vault", () => {
            const vault = findResource(prod, "aws:backup/vault:Vault", "prod-db-backup");
            assert.ok(vault.inputs.kmsKeyArn);
            assert.equal(vault.options.protect, true);
            assert.equal(vault.options.retainOnDelete, true);
            const plan = findResource(prod, "aws:backup/plan:Plan", "prod-db-backup");
            const rule = (plan.inputs.rules as { schedule: string; lifecycle: { deleteAfter: number }; targetVaultName: string }[])[0];
            assert.match(rule.schedule, /^cron\(/);
            assert.ok(rule.lifecycle.deleteAfter >= 35);
            assert.equal(rule.targetVaultName, vault.outputs.name);
            const selection = findResource(prod, "aws:backup/selection:Selection", "prod-db-backup");
            assert.deepEqual(selection.inputs.resources, [theInstance(prod).outputs.arn]);
            const attach = findResource(prod, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "prod-db-backup");
            assert.equal(attach.inputs.policyArn, BACKUP_SERVICE_POLICY_ARN);
        });

        it("THEN CPU, free storage and connection alarms notify the stage's alarm topic", () => {
            const alarms = ofType(prod, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => a.name.startsWith("prod-db-"));
            const metrics = alarms.map((a) => a.inputs.metricName).sort();
            assert.deepEqual(metrics, ["CPUUtilization", "DatabaseConnections", "FreeStorageSpace"]);
            for (const a of alarms) {
                assert.equal((a.inputs.alarmActions as string[]).length, 1, `${a.name} notifies one topic`);
                assert.deepEqual(a.inputs.dimensions, { DBInstanceIdentifier: "prod-db" });
            }
            const storage = alarms.find((a) => a.inputs.metricName === "FreeStorageSpace")!;
            assert.equal(storage.inputs.threshold, 10 * 1024 ** 3, "10% of prod's 100 GiB");
        });

        it("THEN its connection is exported for staging: prod's own address and secret", () => {
            const db = theInstance(prod);
            assert.equal(prod.outputs.dbAddress, db.outputs.address);
            assert.equal(prod.outputs.dbSecretArn, (db.outputs.masterUserSecrets as { secretArn: string }[])[0].secretArn);
            assert.equal(prod.outputs.databaseShared, false);
        });
    });

    describe("GIVEN test's stack file", () => {
        it("THEN test has its own small single-AZ database", () => {
            const db = theInstance(test);
            assert.equal(db.inputs.instanceClass, "db.t4g.small");
            assert.equal(db.inputs.multiAz, false);
            assert.equal(db.inputs.identifier, "test-db");
            assert.notEqual(test.outputs.dbAddress, prod.outputs.dbAddress);
        });

        it("THEN test forces TLS too, but keeps no AWS Backup plan", () => {
            const pg = findResource(test, "aws:rds/parameterGroup:ParameterGroup", "test-db");
            assert.equal((pg.inputs.parameters as { name: string; value: string }[]).find((p) => p.name === "rds.force_ssl")?.value, "1");
            assert.equal(ofType(test, "aws:backup/plan:Plan").length, 0);
            assert.equal(ofType(test, "aws:backup/vault:Vault").length, 0);
        });
    });

    describe("GIVEN dev's stack file", () => {
        it("THEN dev's database can be deleted: no protect, no retainOnDelete, no deletion protection", () => {
            const db = theInstance(dev);
            assert.equal(db.options.protect, false);
            assert.equal(db.options.retainOnDelete, false);
            assert.equal(db.inputs.deletionProtection, false);
        });

        it("THEN dev has no Performance Insights, no enhanced monitoring role, and still forces TLS (it costs nothing)", () => {
            const db = theInstance(dev);
            assert.equal(db.inputs.performanceInsightsEnabled, false);
            assert.equal(db.inputs.monitoringInterval, 0);
            assert.equal(ofType(dev, "aws:iam/role:Role").filter((r) => r.name === "dev-db-monitoring").length, 0);
            const pg = findResource(dev, "aws:rds/parameterGroup:ParameterGroup", "dev-db");
            assert.equal((pg.inputs.parameters as { name: string; value: string }[]).find((p) => p.name === "rds.force_ssl")?.value, "1");
        });
    });

    describe("GIVEN staging's stack file (shared mode)", () => {
        const fixture = prodFixtureOutputs();

        it("THEN staging creates no aws:rds/* resource at all", () => {
            assert.deepEqual(rdsOf(staging).map((r) => r.type), []);
        });

        it("THEN its services get prod's address and secret ARN", () => {
            assert.equal(staging.outputs.databaseAddress, fixture.dbAddress);
            assert.equal(staging.outputs.databaseSecretArn, fixture.dbSecretArn);
            assert.equal(staging.outputs.databaseShared, true);
            assert.equal(staging.outputs.dbAddress, undefined, "staging exports no database contract of its own");
        });

        it("THEN each service's task definition connects to prod's host with prod's secret", () => {
            const tasks = ofType(staging, "aws:ecs/taskDefinition:TaskDefinition");
            assert.ok(tasks.length >= 1, "staging runs at least one service");
            for (const t of tasks) {
                const defs = JSON.stringify(t.inputs.containerDefinitions);
                assert.ok(defs.includes(String(fixture.dbAddress)), `${t.name} uses prod's address`);
                assert.ok(defs.includes(String(fixture.dbSecretArn)), `${t.name} reads prod's secret`);
            }
        });

        it("THEN a peering connection from staging's VPC to prod's VPC is auto-accepted", () => {
            const peering = findResource(staging, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "staging-to-prod");
            assert.equal(peering.inputs.peerVpcId, fixture.vpcId);
            assert.equal(peering.inputs.vpcId, staging.outputs.vpcId);
            assert.equal(peering.inputs.autoAccept, true);
        });

        it("THEN each of staging's private route tables routes prod's CIDR through the peering", () => {
            const peering = findResource(staging, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "staging-to-prod");
            const out = ofType(staging, ROUTE).filter((r) => r.inputs.destinationCidrBlock === fixture.vpcCidr);
            assert.deepEqual(
                out.map((r) => r.inputs.routeTableId).sort(),
                [...(staging.outputs.privateRouteTableIds as string[])].sort(),
            );
            for (const r of out) assert.equal(r.inputs.vpcPeeringConnectionId, peering.id);
            assert.deepEqual(out.map((r) => r.name).sort(), ["staging-to-prod-eu-west-1a", "staging-to-prod-eu-west-1b", "staging-to-prod-eu-west-1c"]);
        });

        it("THEN each of prod's database route tables routes staging's CIDR back, named by AZ", () => {
            const peering = findResource(staging, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "staging-to-prod");
            const back = ofType(staging, ROUTE).filter((r) => r.inputs.destinationCidrBlock === "10.30.0.0/16");
            assert.deepEqual(back.map((r) => r.inputs.routeTableId), fixture.databaseRouteTableIds);
            assert.deepEqual(back.map((r) => r.name), ["staging-prod-db-route-eu-west-1a", "staging-prod-db-route-eu-west-1b", "staging-prod-db-route-eu-west-1c"]);
            for (const r of back) assert.equal(r.inputs.vpcPeeringConnectionId, peering.id);
        });

        it("THEN prod's database security group admits staging's app group on prod's port", () => {
            const rules = ofType(staging, INGRESS).filter((r) => r.inputs.securityGroupId === fixture.dbSecurityGroupId);
            assert.equal(rules.length, 1);
            assert.equal(rules[0].inputs.fromPort, fixture.dbPort);
            assert.equal(rules[0].inputs.toPort, fixture.dbPort);
            assert.equal(rules[0].inputs.ipProtocol, "tcp");
            assert.ok(rules[0].inputs.referencedSecurityGroupId);
            assert.notEqual(rules[0].inputs.referencedSecurityGroupId, fixture.dbSecurityGroupId);
        });
    });

    describe("GIVEN staging's tasks on prod's database", () => {
        const fixture = prodFixtureOutputs();

        it("THEN staging's app group may send to prod's VPC on the database port (its own egress stops at staging's VPC)", () => {
            const egress = ofType(staging, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter((r) => r.inputs.cidrIpv4 === fixture.vpcCidr);
            assert.equal(egress.length, 1);
            assert.equal(egress[0].name, "staging-app-to-prod-db");
            assert.equal(egress[0].inputs.fromPort, fixture.dbPort);
            assert.equal(egress[0].inputs.toPort, fixture.dbPort);
            const appSg = ofType(staging, INGRESS).find((r) => r.inputs.securityGroupId === fixture.dbSecurityGroupId)!.inputs.referencedSecurityGroupId;
            assert.equal(egress[0].inputs.securityGroupId, appSg, "the rule is on staging's app group");
        });

        it("THEN each service's execution role may decrypt prod's secret with prod's key, not only staging's", () => {
            const policies = ofType(staging, "aws:iam/rolePolicy:RolePolicy").filter((p) => /execution/.test(p.name));
            assert.ok(policies.length >= 1, "staging has an execution role policy");
            for (const p of policies) {
                const doc = JSON.parse(String(p.inputs.policy)) as { Statement: { Action: string[]; Resource: string | string[] }[] };
                const decrypt = doc.Statement.filter((st) => st.Action.includes("kms:Decrypt")).flatMap((st) => [st.Resource].flat());
                assert.ok(decrypt.includes(String(fixture.dbSecretKmsKeyArn)), `${p.name} can decrypt prod's secret`);
            }
        });
    });

    describe("GIVEN staging pointed at another prod stack", () => {
        let eu: StackPlan;
        before(async () => {
            const s = stackSettings("staging");
            const database: SharedDatabaseSettings = { ...(s.database as SharedDatabaseSettings), prodStack: "acme/stageline/prod-eu" };
            const other = { ...prodFixtureOutputs(), dbAddress: "prod-eu-db.cabc.eu-west-1.rds.amazonaws.com", dbSecurityGroupId: "sg-0eeeeeeeeeeeeeee0" };
            eu = await planStack({ ...s, prodStack: "acme/stageline/prod-eu", database }, { stackOutputs: { "acme/stageline/prod-eu": other }, program: databaseOnly });
        });

        it("THEN the StackReference reads that stack: its address, and the rule lands on its security group", () => {
            assert.equal(eu.outputs.databaseAddress, "prod-eu-db.cabc.eu-west-1.rds.amazonaws.com");
            assert.equal(ofType(eu, INGRESS).filter((r) => r.inputs.securityGroupId === "sg-0eeeeeeeeeeeeeee0").length, 1);
            assert.equal(rdsOf(eu).length, 0);
        });
    });

    describe("GIVEN prod's contract values that cannot be peered", () => {
        const side = { name: "staging", prodStack: "acme/stageline/prod", vpcCidr: "10.30.0.0/16", region: "eu-west-1", prodAvailabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"] };
        const good = { vpcCidr: "10.40.0.0/16", region: "eu-west-1", databaseRouteTableIds: ["rtb-1", "rtb-2", "rtb-3"] };

        it("THEN prod's fixture itself peers cleanly", () => {
            const f = prodFixtureOutputs();
            assert.deepEqual(sharedPathProblems(side, { vpcCidr: f.vpcCidr as string, region: f.region as string, databaseRouteTableIds: f.databaseRouteTableIds as string[] }), []);
        });

        it("THEN an overlapping VPC block is refused, naming both blocks", () => {
            assert.deepEqual(sharedPathProblems(side, { ...good, vpcCidr: "10.30.128.0/17" }), [
                "staging's VPC 10.30.0.0/16 overlaps prod's 10.30.128.0/17 (acme/stageline/prod): peered VPCs need disjoint blocks; change stageline:network.cidr",
            ]);
        });

        it("THEN another region is refused", () => {
            assert.match(sharedPathProblems(side, { ...good, region: "us-east-1" }).join(), /same-region/);
        });

        it("THEN a route-table count other than the configured prod AZs is refused", () => {
            assert.match(sharedPathProblems(side, { ...good, databaseRouteTableIds: ["rtb-1", "rtb-2"] }).join(), /exports 2 database route tables .* lists 3/);
        });
    });

    describe("GIVEN prod with MySQL", () => {
        let mysql: StackPlan;
        before(async () => {
            const s = stackSettings("prod");
            const database = { ...(s.database as Extract<StageSettings["database"], { mode: "owned" }>), engine: "mysql" as const, engineVersion: "8.0" };
            mysql = await planStack({ ...s, database }, { program: databaseOnly });
        });

        it("THEN the parameter group is mysql8.0 with require_secure_transport ON, and port 3306", () => {
            const pg = findResource(mysql, "aws:rds/parameterGroup:ParameterGroup", "prod-db");
            assert.equal(pg.inputs.family, "mysql8.0");
            assert.equal((pg.inputs.parameters as { name: string; value: string }[]).find((p) => p.name === "require_secure_transport")?.value, "ON");
            assert.equal(theInstance(mysql).inputs.port, 3306);
        });
    });
});

describe("DatabaseTier helpers", () => {
    it("maps engine and version to the parameter group family", () => {
        assert.equal(parameterGroupFamily("postgres", "16.4"), "postgres16");
        assert.equal(parameterGroupFamily("postgres", "9.6.24"), "postgres9.6");
        assert.equal(parameterGroupFamily("mysql", "8.0.39"), "mysql8.0");
        assert.equal(parameterGroupFamily("mysql", "8.4.3"), "mysql8.4");
    });

    it("sets TLS explicitly on and off", () => {
        assert.deepEqual(engineParameters("postgres", false).map((p) => [p.name, p.value]), [["rds.force_ssl", "0"]]);
        assert.equal(engineParameters("mysql", true)[0].value, "ON");
    });

    it("estimates max_connections from the class's memory as RDS does", () => {
        // postgres: memory / 9531392 → db.m6g.large (8 GiB) ≈ 901
        assert.equal(estimatedMaxConnections("postgres", "db.m6g.large"), 901);
        assert.equal(estimatedMaxConnections("postgres", "db.t4g.micro"), 112);
        assert.equal(estimatedMaxConnections("postgres", "db.r6g.xlarge"), 3604);
        assert.equal(estimatedMaxConnections("postgres", "db.weird.thing"), undefined);
    });

    it("leaves stage policy to the config: a single-AZ or staging-owned database is the config's to refuse (one rule, one place)", () => {
        const prod = stackSettings("prod");
        const env = {} as DatabaseTierArgs["env"];
        const single = { ...(prod.database as Extract<StageSettings["database"], { mode: "owned" }>), multiAz: false };
        // The component takes the stage only for names and messages: the same args pass under every stage.
        for (const stage of ["prod", "staging"] as const) assert.deepEqual(validateDatabaseArgs({ stage, database: single, env, tags: {} }), [], stage);
        // The config refuses both ("refuses a single-AZ prod database" in tests/config.test.ts), so no stack reaches the component with them.
    });
});
