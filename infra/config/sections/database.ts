/** Config rules of the `database` section: its values after defaults, and what is wrong with them. */
import { renderGiven } from "../../errors";
import { DatabaseSettings, OwnedDatabaseSettings } from "../../settings";
import { engineVersionProblem } from "../../../lib/engineVersionRules";
import { SUBNET_MIN_AZS } from "../../../lib/awsLimits";
import { PROD_MIN_AZS } from "../../../lib/prodRedundancy";
import { PROD_DB } from "../defaults";
import { overlay } from "../overlay";
import { SectionContext } from "./context";

/** The database: owned (its own RDS) or shared (prod's, staging). */
export function resolveDatabase(ctx: SectionContext): DatabaseSettings {
    const { stage, region, c, d, k, problems } = ctx;
    const db = c.database ?? {};
    const mode = db.mode ?? d.database.mode;
    let database: DatabaseSettings;
    if (mode === "shared") {
        if (stage !== "staging") {
            problems.push({ key: k("database.mode"), given: `"shared"`, allowed: `"owned" in ${stage} (only staging uses production's database)` });
        }
        const sharedKeys = ["mode", "prodStack", "prodAvailabilityZones", "prodEngine"];
        const ownedKeys = Object.keys(db).filter((x) => !sharedKeys.includes(x));
        for (const x of ownedKeys) {
            problems.push({ key: k(`database.${x}`), given: "set", allowed: `nothing in shared mode (staging creates no database; prod's settings apply)` });
        }
        const prodAzs = db.prodAvailabilityZones ?? ["a", "b", "c"].map((l) => `${region}${l}`);
        const badAzs = prodAzs.filter((az, i) => !az.startsWith(region) || !/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/.test(az) || prodAzs.indexOf(az) !== i);
        // Prod's subnet AZs: max(azCount, SUBNET_MIN_AZS) with prod's azCount at least PROD_MIN_AZS.
        const prodMinAzs = Math.max(PROD_MIN_AZS, SUBNET_MIN_AZS);
        if (prodAzs.length < prodMinAzs || prodAzs.length > 6 || badAzs.length > 0) {
            problems.push({ key: k("database.prodAvailabilityZones"), given: renderGiven(prodAzs), allowed: `${prodMinAzs} to 6 distinct Availability Zones of ${region || "the region"}: prod's subnet AZs, in prod's order` });
        }
        database = { mode: "shared", prodStack: db.prodStack ?? "", prodAvailabilityZones: prodAzs, prodEngine: db.prodEngine ?? "postgres" };
    } else {
        if (stage === "staging") {
            problems.push({ key: k("database.mode"), given: `"owned"`, allowed: `"shared" in staging (staging uses production's database and creates none)` });
        }
        const o: OwnedDatabaseSettings = d.database.mode === "owned" ? d.database : PROD_DB;
        const owned: OwnedDatabaseSettings = {
            ...overlay(o, { ...db, mode: "owned" }),
            engineVersion: db.engineVersion ?? (db.engine === "mysql" && o.engine !== "mysql" ? "8.0" : o.engineVersion),
            maxAllocatedStorageGb: db.maxAllocatedStorageGb ?? Math.max(o.maxAllocatedStorageGb, db.allocatedStorageGb ?? 0),
        };
        database = owned;
        const database_ = owned;
        for (const x of ["prodStack", "prodAvailabilityZones", "prodEngine"] as const) {
            if (db[x] !== undefined) problems.push({ key: k(`database.${x}`), given: renderGiven(db[x]), allowed: `nothing in owned mode (only a shared database reads another stack)` });
        }
        if (stage === "prod") {
            if (!database_.multiAz) problems.push({ key: k("database.multiAz"), given: "false", allowed: "true in prod (production's database is Multi-AZ)" });
            if (!database_.deletionProtection) problems.push({ key: k("database.deletionProtection"), given: "false", allowed: "true in prod (production data is never lost by a deploy)" });
            if (database_.backupRetentionDays < 14) problems.push({ key: k("database.backupRetentionDays"), given: String(database_.backupRetentionDays), allowed: "an integer from 14 to 35 in prod" });
            if (!database_.forceTls) problems.push({ key: k("database.forceTls"), given: "false", allowed: "true in prod" });
        }
        const versionProblem = engineVersionProblem(database_.engine, database_.engineVersion, database_.autoMinorVersionUpgrade);
        if (versionProblem) problems.push({ key: k("database.engineVersion"), given: renderGiven(database_.engineVersion), allowed: versionProblem });
        if (database_.maxAllocatedStorageGb < database_.allocatedStorageGb) {
            problems.push({ key: k("database.maxAllocatedStorageGb"), given: String(database_.maxAllocatedStorageGb), allowed: `at least database.allocatedStorageGb (${database_.allocatedStorageGb})` });
        }
    }
    return database;
}
