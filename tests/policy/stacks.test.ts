/**
 * The pack against our own four stacks, planned under the mock harness: zero mandatory
 * violations as configured, and exactly the expected ones when a plan is mutated the way a
 * careless change would (a single-AZ prod database, a database in staging, a public ALB in dev).
 */
import { strict as assert } from "node:assert";
import { planStackFile, PlannedResource, StackPlan } from "../../tools/harness";
import { judgeStack, JudgedResource, PolicyViolation } from "../../policy/run";
import { stageOfStack, stageOfUrn } from "../../policy/stage";
import { T } from "../../policy/types";
import { res } from "./fixtures";

const STACKS = ["dev", "test", "staging", "prod"] as const;

/** What the pack sees of a planned resource. */
export function judged(r: PlannedResource, props: Record<string, unknown> = r.inputs): JudgedResource {
    return { urn: r.urn, type: r.type, name: r.name, props, dependencies: r.options.dependsOn };
}

const mandatory = (vs: PolicyViolation[]) => vs.filter((v) => v.enforcement === "mandatory").map((v) => `${v.policy}: ${v.message}`);

describe("policy pack: our stacks", () => {
    const plans: Partial<Record<(typeof STACKS)[number], StackPlan>> = {};
    before(async function () {
        this.timeout(120_000);
        for (const s of STACKS) plans[s] = await planStackFile(s); // sequential: the runtime is global
    });
    const plan = (s: (typeof STACKS)[number]) => plans[s]!;

    for (const s of STACKS) {
        it(`GIVEN the ${s} stack as configured THEN it has zero mandatory violations`, () => {
            assert.deepEqual(mandatory(judgeStack(plan(s).resources.map((r) => judged(r)))), []);
        });
    }

    it("GIVEN prod's database made single-AZ THEN only prod-rds-multi-az fails", () => {
        const resources = plan("prod").resources.map((r) => (r.type === T.rdsInstance ? judged(r, { ...r.inputs, multiAz: false }) : judged(r)));
        const db = plan("prod").resources.find((r) => r.type === T.rdsInstance);
        assert.ok(db, "prod plans an RDS instance");
        assert.deepEqual(mandatory(judgeStack(resources)), [`prod-rds-multi-az: RDS instance "${db.name}" must be Multi-AZ in prod (multiAz is false).`]);
    });

    it("GIVEN prod's private subnets all in one AZ THEN only prod-subnets-span-two-azs fails", () => {
        const subnets = plan("prod").resources.filter((r) => r.type === T.subnet);
        const firstAz = String(subnets[0].inputs.availabilityZone);
        const resources = plan("prod").resources.map((r) => (r.type === T.subnet && /private/.test(r.name) ? judged(r, { ...r.inputs, availabilityZone: firstAz }) : judged(r)));
        assert.deepEqual(mandatory(judgeStack(resources)), [`prod-subnets-span-two-azs: prod subnets of tier "private" span 1 Availability Zone (${firstAz}); each tier needs at least 2.`]);
    });

    it("GIVEN a database added to staging THEN only staging-no-own-database fails", () => {
        const resources = [...plan("staging").resources.map((r) => judged(r)), res("staging", T.rdsInstance, "staging-db", { engine: "postgres", storageEncrypted: true })];
        assert.deepEqual(mandatory(judgeStack(resources)), [
            `staging-no-own-database: staging must not create a database (aws:rds/instance:Instance "staging-db"): it uses production's database through the prod stack reference.`,
        ]);
    });

    it("GIVEN dev's load balancer made internet-facing THEN only dev-lb-internal fails", () => {
        const resources = plan("dev").resources.map((r) => (r.type === T.lb ? judged(r, { ...r.inputs, internal: false }) : judged(r)));
        const lb = plan("dev").resources.find((r) => r.type === T.lb);
        assert.ok(lb, "dev plans a load balancer");
        assert.deepEqual(mandatory(judgeStack(resources)), [`dev-lb-internal: dev load balancer "${lb.name}" must be internal (internal is false): dev has no external access.`]);
    });

    it("GIVEN staging with a database, mapped to prod by the stages config THEN prod's rules judge it, not staging's", () => {
        const resources = [...plan("staging").resources.map((r) => judged(r)), res("staging", T.rdsInstance, "staging-db", { multiAz: true, storageEncrypted: true, deletionProtection: true, finalSnapshotIdentifier: "final", backupRetentionPeriod: 7, parameterGroupName: "pg" })];
        const asProd = judgeStack(resources, { config: { stages: { staging: "prod" } } });
        assert.deepEqual(mandatory(asProd), []);
        assert.deepEqual(mandatory(judgeStack(resources)).map((m) => m.split(":")[0]), ["staging-no-own-database"]);
    });
});

describe("policy pack: stage of a stack", () => {
    it("maps the four stage names to themselves", () => {
        for (const s of STACKS) assert.equal(stageOfUrn(`urn:pulumi:${s}::stageline::aws:ec2/vpc:Vpc::main`), s);
    });
    it("maps configured stacks (by name or fully qualified) and judges unknown stacks as prod", () => {
        assert.equal(stageOfStack("qa", { stages: { qa: "test" } }), "test");
        assert.equal(stageOfStack("dev-eu", { stages: { "acme/stageline/dev-eu": "dev" } }), "dev");
        assert.equal(stageOfStack("prod-eu"), "prod");
        assert.equal(stageOfStack("sandbox"), "prod");
        assert.equal(stageOfStack("dev", { stages: { dev: "nonsense" } }), "prod");
    });
    it("applies dev's rules to a stack mapped to dev, prod's to an unmapped one", () => {
        const lb = (stack: string) => [res(stack, T.lb, "alb", { internal: false, subnets: ["a"] })];
        assert.deepEqual(judgeStack(lb("dev-eu"), { config: { stages: { "dev-eu": "dev" } } }).filter((v) => v.enforcement === "mandatory").map((v) => v.policy), ["dev-lb-internal"]);
        assert.ok(judgeStack(lb("dev-eu")).some((v) => v.policy === "prod-alb-spans-two-azs"));
    });
});
