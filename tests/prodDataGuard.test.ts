/**
 * No change can silently lose production data: every stateful resource of the prod plan has
 * `protect` and `retainOnDelete` (or a documented reason), deletion protection where AWS offers
 * it, and a final snapshot or retention where AWS offers it. docs/prod-data.md lists them all.
 */
import { strict as assert } from "node:assert";
import * as fs from "fs";
import * as path from "path";
import { ofType, planStackFile, PlannedResource, ROOT, StackPlan } from "../tools/harness";

type Guard = "protect+retain" | "retain" | "protect";

interface StatefulType {
    type: string;
    /** The guard this type needs in prod; a weaker one must carry a reason. */
    guard: Guard;
    reason?: string;
    /** What else AWS offers for this type, checked on the inputs. */
    check?: (r: PlannedResource, plan: StackPlan) => void;
}

const STATEFUL: StatefulType[] = [
    {
        type: "aws:rds/instance:Instance",
        guard: "protect+retain",
        check: (r) => {
            assert.equal(r.inputs.deletionProtection, true, `${r.name}: deletion protection`);
            assert.notEqual(r.inputs.skipFinalSnapshot, true, `${r.name}: final snapshot not skipped`);
            assert.ok(r.inputs.finalSnapshotIdentifier, `${r.name}: final snapshot identifier`);
            assert.ok(Number(r.inputs.backupRetentionPeriod) >= 14, `${r.name}: backups kept 14 days or more`);
            assert.equal(r.inputs.deleteAutomatedBackups, false, `${r.name}: automated backups outlive the instance`);
        },
    },
    {
        type: "aws:s3/bucket:Bucket",
        guard: "protect+retain",
        check: (r, plan) => {
            assert.notEqual(r.inputs.forceDestroy, true, `${r.name}: a non-empty bucket is never force-destroyed`);
            const versioning = ofType(plan, "aws:s3/bucketVersioning:BucketVersioning").find((v) => v.inputs.bucket === r.outputs.bucket);
            assert.equal((versioning?.inputs.versioningConfiguration as { status?: string } | undefined)?.status, "Enabled", `${r.name}: versioned`);
        },
    },
    { type: "aws:ecr/repository:Repository", guard: "protect+retain", check: (r) => assert.notEqual(r.inputs.forceDelete, true, `${r.name}: images never force-deleted`) },
    { type: "aws:backup/vault:Vault", guard: "protect+retain", check: (r) => assert.notEqual(r.inputs.forceDestroy, true, `${r.name}: recovery points never force-destroyed`) },
    { type: "aws:kms/key:Key", guard: "protect+retain", check: (r) => assert.equal(r.inputs.deletionWindowInDays, 30, `${r.name}: the longest deletion window`) },
    {
        type: "aws:cloudwatch/logGroup:LogGroup",
        guard: "retain",
        reason: "operational logs: kept on delete and bounded by retention, but not protected so renaming a service can replace its log group; the flow logs (the network's audit trail) are protected too",
        check: (r) => assert.ok(Number(r.inputs.retentionInDays) >= 365, `${r.name}: prod keeps logs a year`),
    },
    {
        type: "github:index/repository:Repository",
        guard: "protect",
        reason: "GitHub offers archiving instead of retaining: archiveOnDestroy keeps the code if the resource is ever deleted",
        check: (r) => assert.equal(r.inputs.archiveOnDestroy, true, `${r.name}: archived, never deleted`),
    },
];

describe("production data guard: no deploy or destroy silently loses prod's data", () => {
    let prod: StackPlan;
    before(async () => {
        prod = await planStackFile("prod");
    });

    for (const t of STATEFUL) {
        it(`${t.type}: ${t.guard}${t.reason ? ` (${t.reason.split(":")[0]})` : ""}, and what AWS offers besides`, () => {
            const all = ofType(prod, t.type);
            assert.ok(all.length >= 1, `prod has a ${t.type}`);
            for (const r of all) {
                const o = r.options;
                if (t.guard !== "retain") assert.equal(o.protect, true, `${r.name} is protected`);
                if (t.guard !== "protect") assert.equal(o.retainOnDelete, true, `${r.name} is retained on delete`);
                if (t.guard === "protect+retain") assert.ok(o.protect && o.retainOnDelete);
                t.check?.(r, prod);
            }
        });
    }

    it("the audit trail (VPC flow logs) and the encryption key are protected as well as retained", () => {
        const flow = prod.resources.find((r) => r.type === "aws:cloudwatch/logGroup:LogGroup" && /flow-logs/.test(r.name));
        assert.ok(flow && flow.options.protect && flow.options.retainOnDelete);
        for (const key of ofType(prod, "aws:kms/key:Key")) assert.ok(key.options.protect && key.options.retainOnDelete, key.name);
    });

    it("every stateful resource of the prod plan is listed in docs/prod-data.md with its guard", () => {
        const doc = fs.readFileSync(path.join(ROOT, "docs", "prod-data.md"), "utf8");
        const missing = prod.resources.filter((r) => STATEFUL.some((t) => t.type === r.type)).filter((r) => !doc.includes(`\`${r.name}\``));
        assert.deepEqual(missing.map((r) => r.name), []);
    });

    it("in dev the same resources can be destroyed (the guard is prod's, not a blanket setting)", async () => {
        const dev = await planStackFile("dev");
        const guarded = dev.resources.filter((r) => STATEFUL.some((t) => t.type === r.type && !t.type.startsWith("github:")) && (r.options.protect || r.options.retainOnDelete));
        assert.deepEqual(guarded.map((r) => r.name), []);
    });
});
