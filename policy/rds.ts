/** RDS rules: production Multi-AZ and data safety, staging on production's database, the baseline. */
import { asList, baseline, dependsOn, known, ofTypes, ResourceRule, Rule } from "./rule";
import { T } from "./types";
import { PROD_MIN_AURORA_INSTANCES, PROD_MIN_AZS } from "../lib/prodRedundancy";

const DB_TYPES = [T.rdsInstance, T.rdsCluster];

export const rdsRules: Rule[] = [
    {
        kind: "stack",
        name: "prod-aurora-two-azs",
        description: "A production Aurora cluster has at least two instances in at least two Availability Zones, so a failover has somewhere to go (an Aurora cluster is Multi-AZ only through its instances).",
        enforcement: "mandatory",
        stages: ["prod"],
        check(resources, f) {
            const instances = ofTypes(resources, T.rdsClusterInstance);
            for (const cluster of ofTypes(resources, T.rdsCluster)) {
                f.guard(cluster, () => {
                    // Linked by dependency (the engine's list), else by the cluster identifier.
                    const mine = instances.filter((i) => (i.dependencies ? dependsOn(i, cluster) : i.props.clusterIdentifier === known(cluster.props.clusterIdentifier, "clusterIdentifier")));
                    const azs = new Set([...mine.map((i) => i.props.availabilityZone).filter((az) => typeof az === "string"), ...asList(cluster.props.availabilityZones as string[])]);
                    const unplaced = mine.some((i) => i.props.availabilityZone === undefined);
                    if (mine.length < PROD_MIN_AURORA_INSTANCES) f.fail(`Aurora cluster "${cluster.name}" has ${mine.length} instance(s) in prod; it needs at least ${PROD_MIN_AURORA_INSTANCES} (a writer and a reader in another AZ to fail over to).`, cluster.urn);
                    else if (!unplaced && azs.size < PROD_MIN_AZS) f.fail(`Aurora cluster "${cluster.name}" places its ${mine.length} instances in one Availability Zone (${[...azs].join(", ")}); prod needs at least ${PROD_MIN_AZS}.`, cluster.urn);
                });
            }
        },
    },
    {
        kind: "resource",
        name: "prod-rds-multi-az",
        description: "Production databases run Multi-AZ, so losing one Availability Zone does not take the database down.",
        enforcement: "mandatory",
        stages: ["prod"],
        types: [T.rdsInstance],
        check(r, f) {
            if (r.props.multiAz !== true) f.fail(`RDS instance "${r.name}" must be Multi-AZ in prod (multiAz is ${r.props.multiAz ?? "unset"}).`, r.urn);
        },
    },
    {
        kind: "resource",
        name: "staging-no-own-database",
        description: "Staging uses production's database (read through the prod stack reference); it must not create an RDS instance or cluster of its own.",
        enforcement: "mandatory",
        stages: ["staging"],
        readsValues: false,
        types: [...DB_TYPES, T.rdsClusterInstance],
        check(r, f) {
            f.fail(`staging must not create a database (${r.type} "${r.name}"): it uses production's database through the prod stack reference.`, r.urn);
        },
    },
    {
        kind: "resource",
        name: "prod-rds-deletion-protection",
        description: "Production databases have deletion protection, so no stack operation or console click deletes production data.",
        enforcement: "mandatory",
        stages: ["prod"],
        types: DB_TYPES,
        check(r, f) {
            if (r.props.deletionProtection !== true) f.fail(`${r.type} "${r.name}" must have deletionProtection enabled in prod.`, r.urn);
        },
    },
    {
        kind: "resource",
        name: "prod-rds-final-snapshot",
        description: "Deleting a production database takes a final snapshot first, so its data survives the deletion.",
        enforcement: "mandatory",
        stages: ["prod"],
        types: DB_TYPES,
        check(r, f) {
            if (r.props.skipFinalSnapshot === true) f.fail(`${r.type} "${r.name}" must take a final snapshot in prod (skipFinalSnapshot is true).`, r.urn);
            else if (!r.props.finalSnapshotIdentifier) f.fail(`${r.type} "${r.name}" needs a finalSnapshotIdentifier in prod.`, r.urn);
        },
    },
    ...baseline<ResourceRule>("rds-storage-encrypted", {
        kind: "resource",
        description: "Database storage, snapshots and backups are encrypted at rest.",
        types: DB_TYPES,
        check(r, f) {
            if (r.props.storageEncrypted !== true) f.fail(`${r.type} "${r.name}" must have storageEncrypted enabled.`, r.urn);
        },
    }),
    ...baseline<ResourceRule>("rds-not-publicly-accessible", {
        kind: "resource",
        description: "Databases get no public endpoint; only the stage's services reach them inside the VPC.",
        types: [T.rdsInstance],
        check(r, f) {
            if (r.props.publiclyAccessible === true) f.fail(`RDS instance "${r.name}" must not be publicly accessible.`, r.urn);
        },
    }),
    ...baseline<ResourceRule>("rds-backup-retention", {
        kind: "resource",
        description: "Automated backups are kept long enough to recover from a bad release found a week later.",
        types: DB_TYPES,
        config: { minimumDays: { type: "integer", default: 7, description: "Fewest days of automated backups." } },
        check(r, f, ctx) {
            const min = ctx.config.minimumDays as number;
            const days = (r.props.backupRetentionPeriod as number | undefined) ?? (r.type === T.rdsInstance ? 0 : 1);
            if (days < min) f.fail(`${r.type} "${r.name}" keeps backups ${days} day(s); at least ${min} are required.`, r.urn);
        },
    }),
    ...baseline<ResourceRule>("rds-tls-enforced", {
        kind: "resource",
        description: "Databases refuse unencrypted connections: a parameter group of our own sets rds.force_ssl (PostgreSQL) or require_secure_transport (MySQL).",
        types: [T.rdsInstance, T.rdsParameterGroup, T.rdsClusterParameterGroup],
        check(r, f) {
            if (r.type === T.rdsInstance) {
                if (r.props.replicateSourceDb !== undefined) return;
                // Usually another resource's output: undefined means not known yet.
                const pg = String(known(r.props.parameterGroupName, "parameterGroupName"));
                if (pg === "" || pg.startsWith("default.")) {
                    f.fail(`RDS instance "${r.name}" must use its own parameter group that forces TLS (parameterGroupName is ${pg || "empty"}).`, r.urn);
                }
                return;
            }
            const family = String(known(r.props.family, "family"));
            const params = (r.props.parameters as { name: string; value: string }[] | undefined) ?? [];
            const value = (n: string) => params.find((p) => p.name === n)?.value?.toString().toLowerCase();
            if (family.includes("postgres")) {
                if (value("rds.force_ssl") !== "1") f.fail(`parameter group "${r.name}" must set rds.force_ssl = 1.`, r.urn);
            } else if (family.includes("mysql") || family.includes("mariadb")) {
                if (!["1", "on"].includes(value("require_secure_transport") ?? "")) f.fail(`parameter group "${r.name}" must set require_secure_transport = 1.`, r.urn);
            }
        },
    }),
];
