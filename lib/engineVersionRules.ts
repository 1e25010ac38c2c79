/**
 * The database engine version and automatic minor upgrades: one consistent choice, checked before
 * anything is created (docs/database.md, "Upgrades").
 *
 * - `autoMinorVersionUpgrade: true` (the default): pin the MAJOR version only — `16` for
 *   PostgreSQL, `8.0` for MySQL. RDS applies minor upgrades in the maintenance window; the
 *   provider accepts a version prefix when auto minor upgrades are on and reports the running
 *   version as `engineVersionActual`, so the next `pulumi up` does not try to set the old minor back.
 *   https://www.pulumi.com/registry/packages/aws/api-docs/rds/instance/ (engineVersion: "If
 *   autoMinorVersionUpgrade is enabled, you can provide a prefix of the version such as 8.0")
 *   https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.Upgrading.html
 * - `autoMinorVersionUpgrade: false`: pin the FULL version (`16.4`, `8.0.39`) and own every minor
 *   upgrade (a snapshot first, then a change of `engineVersion`).
 *
 * A full minor version WITH automatic minor upgrades is refused: once RDS upgrades 16.4 to 16.x,
 * the next update asks RDS to go back to 16.4 and RDS answers "Cannot upgrade postgres from 16.x
 * to 16.4", blocking every later change to the database (seen in the wild, e.g.
 * https://github.com/atlassian-labs/data-center-terraform/pull/276 and
 * https://github.com/ministryofjustice/cloud-platform-environments/pull/8656).
 */
/** The RDS engines stageline runs. */
export type DatabaseEngine = "postgres" | "mysql";

/** How many dot-separated parts a major version has: PostgreSQL ≥ 10 `16`, MySQL `8.0`. */
export function majorParts(engine: DatabaseEngine): number {
    return engine === "mysql" ? 2 : 1;
}

/** `16.4` → `16`, `8.0.39` → `8.0`. */
export function majorVersion(engine: DatabaseEngine, version: string): string {
    return version.split(".").slice(0, majorParts(engine)).join(".");
}

/**
 * What is wrong with this engine version for this upgrade choice, as the `allowed` text of a
 * config problem, or undefined when the pair is consistent.
 */
export function engineVersionProblem(engine: DatabaseEngine, version: string, autoMinorVersionUpgrade: boolean): string | undefined {
    const parts = version.split(".").length;
    const major = majorVersion(engine, version);
    const example = engine === "mysql" ? "8.0.39" : "16.4";
    if (autoMinorVersionUpgrade && parts > majorParts(engine)) {
        return (
            `the major version only ("${major}") while database.autoMinorVersionUpgrade is true: RDS applies minor upgrades itself, ` +
            `and a pinned minor makes the next update a downgrade RDS refuses ("Cannot upgrade ${engine} from ${major}.x to ${version}"); ` +
            `or set database.autoMinorVersionUpgrade: false and own minor upgrades (docs/database.md)`
        );
    }
    if (!autoMinorVersionUpgrade && parts !== majorParts(engine) + 1) {
        return `a full minor version such as "${example}" while database.autoMinorVersionUpgrade is false (you own each minor upgrade: docs/database.md)`;
    }
    return undefined;
}
