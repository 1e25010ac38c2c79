/**
 * The database's life on real AWS (issue 20, findings 2 and 3): engine version and automatic
 * minor upgrades are one consistent choice refused at config time otherwise, and the final
 * snapshot name is new for each life of the instance (docs/database.md).
 */
import { strict as assert } from "assert";
import * as path from "path";
import { loadSettings, readStackFile, RawConfig } from "../infra/config";
import { ConfigError } from "../infra/errors";
import { engineVersionProblem, majorVersion } from "../lib/engineVersionRules";
import { finalSnapshotName } from "../components/finalSnapshot";
import { validateDatabaseArgs, DatabaseTierArgs } from "../components/databaseTier";
import { ofType, planStackFile, ROOT, StackPlan, stackSettings } from "../tools/harness";

function stackFile(stack: string): RawConfig {
    return readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`)).config;
}

function withDatabase(raw: RawConfig, patch: Record<string, unknown>): RawConfig {
    const current = JSON.parse(raw["stageline:database"] ?? "{}");
    return { ...raw, "stageline:database": JSON.stringify({ ...current, ...patch }) };
}

function refused(stack: string, raw: RawConfig): string {
    try {
        loadSettings(stack, raw);
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
        return e.message;
    }
    return assert.fail("expected the config to be refused");
}

describe("database engine version and automatic minor upgrades (one choice)", () => {
    it("GIVEN prod pins 16.4 with automatic minor upgrades (the default) THEN config refuses it, naming stack, key, value and both ways out", () => {
        const text = refused("prod", withDatabase(stackFile("prod"), { engineVersion: "16.4" }));
        assert.equal(
            text,
            'Invalid configuration for stack "prod" (1 problem):\n' +
                '  - stageline:database.engineVersion is "16.4"; allowed: the major version only ("16") while database.autoMinorVersionUpgrade is true: ' +
                'RDS applies minor upgrades itself, and a pinned minor makes the next update a downgrade RDS refuses ("Cannot upgrade postgres from 16.x to 16.4"); ' +
                "or set database.autoMinorVersionUpgrade: false and own minor upgrades (docs/database.md)",
        );
    });

    it("GIVEN test pins the full version AND turns automatic minor upgrades off THEN config accepts it and the settings carry both", () => {
        const s = loadSettings("test", withDatabase(stackFile("test"), { engineVersion: "16.4", autoMinorVersionUpgrade: false }));
        assert.ok(s.database.mode === "owned");
        assert.equal(s.database.engineVersion, "16.4");
        assert.equal(s.database.autoMinorVersionUpgrade, false);
    });

    it("GIVEN automatic minor upgrades off and only a major version THEN config asks for the full version", () => {
        const text = refused("dev", withDatabase(stackFile("dev"), { engineVersion: "16", autoMinorVersionUpgrade: false }));
        assert.match(text, /stageline:database\.engineVersion is "16"; allowed: a full minor version such as "16\.4" while database\.autoMinorVersionUpgrade is false/);
    });

    it("MySQL's major version is two parts: 8.0 with auto upgrades, 8.0.39 without", () => {
        assert.equal(majorVersion("mysql", "8.0.39"), "8.0");
        assert.equal(engineVersionProblem("mysql", "8.0", true), undefined);
        assert.equal(engineVersionProblem("mysql", "8.0.39", false), undefined);
        assert.match(engineVersionProblem("mysql", "8.0.39", true) ?? "", /the major version only \("8\.0"\)/);
        const s = loadSettings("dev", withDatabase(stackFile("dev"), { engine: "mysql", engineVersion: undefined }));
        assert.ok(s.database.mode === "owned" && s.database.engineVersion === "8.0" && s.database.autoMinorVersionUpgrade);
    });

    it("the component refuses the same pair before creating anything (programs that bypass config)", () => {
        const s = stackSettings("prod");
        assert.ok(s.database.mode === "owned");
        const args = { stage: "prod", database: { ...s.database, engineVersion: "16.4" }, env: { vpcCidr: "10.40.0.0/16" }, tags: {} } as unknown as DatabaseTierArgs;
        assert.ok(validateDatabaseArgs(args).some((p) => p.startsWith('database.engineVersion is "16.4"; allowed: the major version only ("16")')));
    });

    for (const stack of ["dev", "test", "prod"]) {
        it(`${stack}'s stack file: the instance pins the major only and RDS applies minor upgrades`, async () => {
            const plan = await planStackFile(stack);
            const [db] = ofType(plan, "aws:rds/instance:Instance");
            assert.equal(db.inputs.engineVersion, "16");
            assert.equal(db.inputs.autoMinorVersionUpgrade, true);
        });
    }
});

describe("final snapshot identifier: unique per life of the instance", () => {
    let dev: StackPlan;
    before(async () => {
        dev = await planStackFile("dev");
    });

    it("GIVEN dev's database THEN its final snapshot name carries its own security group's id (new each time it is created)", () => {
        const [db] = ofType(dev, "aws:rds/instance:Instance");
        const sg = ofType(dev, "aws:ec2/securityGroup:SecurityGroup").find((g) => g.name === "dev-db");
        assert.ok(sg?.id?.startsWith("sg-"), "the database's security group has an sg- id");
        assert.equal(db.inputs.finalSnapshotIdentifier, `dev-db-final-${sg!.id!.slice(3)}`);
        assert.notEqual(db.inputs.finalSnapshotIdentifier, "dev-db-final");
    });

    it("GIVEN destroy → recreate (a new security group id) THEN the second deletion asks for a different snapshot name", () => {
        const first = finalSnapshotName("dev-db", "sg-0a1b2c3d4e5f60718");
        const second = finalSnapshotName("dev-db", "sg-0ffee0ddba11c0de1");
        assert.notEqual(first, second);
    });

    it("THEN the name meets DeleteDBInstance's constraints (letter first, ≤ 255, no double or trailing hyphen)", () => {
        const [db] = ofType(dev, "aws:rds/instance:Instance");
        const name = String(db.inputs.finalSnapshotIdentifier);
        assert.match(name, /^[a-z][a-z0-9-]{0,254}$/);
        assert.doesNotMatch(name, /--|-$/);
    });
});
