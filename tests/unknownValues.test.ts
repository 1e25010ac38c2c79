/**
 * A real `pulumi preview` of a new stack knows few computed values (ids, ARNs). The policy pack
 * must neither fail such a preview for them nor let a mandatory rule pass silently: each value a
 * mandatory rule needs but cannot see is reported as advisory, and the same value made known and
 * bad fails the rule.
 */
import { strict as assert } from "node:assert";
import { isUnknown } from "@pulumi/pulumi";
import { planStack, PlannedResource, prodFixtureOutputs, stackSettings, StackPlan } from "../tools/harness";
import { judgeStack, PolicyViolation } from "../policy/run";

function judge(resources: PlannedResource[]): PolicyViolation[] {
    return judgeStack(resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, props: r.inputs, dependencies: r.options.dependsOn })));
}

function hasUnknown(value: unknown): boolean {
    if (isUnknown(value)) return true;
    if (Array.isArray(value)) return value.some(hasUnknown);
    if (value !== null && typeof value === "object") return Object.values(value as object).some(hasUnknown);
    return false;
}

describe("policy pack on a preview before creation (values unknown)", function () {
    this.timeout(60000);
    let preview: StackPlan;
    let verdicts: PolicyViolation[];

    before(async () => {
        preview = await planStack(stackSettings("prod"), {
            unknownOutputs: true,
            stackOutputs: { "acme/stageline/prod": prodFixtureOutputs() },
        });
        verdicts = judge(preview.resources);
    });

    it("GIVEN prod before its first deploy THEN many inputs are really unknown (the test is not vacuous)", () => {
        const withUnknowns = preview.resources.filter((r) => hasUnknown(r.inputs));
        assert.ok(withUnknowns.length >= 50, `only ${withUnknowns.length} resources have unknown inputs`);
    });

    it("THEN no mandatory policy fails the preview because of an unknown", () => {
        assert.deepEqual(verdicts.filter((v) => v.enforcement === "mandatory"), []);
    });

    it("THEN each unknown a mandatory rule needs is reported as advisory, naming the value", () => {
        const unknowns = verdicts.filter((v) => v.policy.endsWith("-unknown"));
        assert.ok(unknowns.length >= 10, `only ${unknowns.length} unknown reports`);
        for (const v of unknowns) {
            assert.equal(v.enforcement, "advisory", v.policy);
            assert.match(v.message, /is unknown during preview \(.+\); it will be checked on update$/);
        }
        const nat = unknowns.filter((v) => v.policy === "prod-nat-per-az-unknown");
        assert.equal(nat.length, 3, "one report per NAT gateway whose subnet is unknown");
        for (const v of nat) assert.match(v.message, /subnetId is unknown during preview/);
    });

    it("THEN the same value made known and bad fails the mandatory rule (an unknown never passed it)", () => {
        // Every NAT in one subnet: the single point of failure prod-nat-per-az exists to refuse.
        const oneSubnet = preview.resources.map((r) =>
            r.type === "aws:ec2/natGateway:NatGateway" ? { ...r, inputs: { ...r.inputs, subnetId: "subnet-0aaaaaaaaaaaaaaaa" } } : r,
        );
        const nat = judge(oneSubnet).filter((v) => v.policy.startsWith("prod-nat-per-az"));
        assert.deepEqual(nat.map((v) => [v.policy, v.enforcement]), [["prod-nat-per-az", "mandatory"]]);

        // Internet ingress on a group the load balancer does not use: unknown while either id is
        // unknown; a violation once both are known.
        const lbGroup = "sg-0aaaaaaaaaaaaaaaa";
        const ingress = (r: PlannedResource) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && r.inputs.cidrIpv4 === "0.0.0.0/0";
        const lbKnown = preview.resources.map((r) => (r.type === "aws:lb/loadBalancer:LoadBalancer" ? { ...r, inputs: { ...r.inputs, securityGroups: [lbGroup] } } : r));
        const stillUnknown = judge(lbKnown).filter((v) => v.policy.startsWith("prod-sg-internet-ingress-web-only"));
        assert.ok(stillUnknown.length >= 1 && stillUnknown.every((v) => v.policy.endsWith("-unknown")), JSON.stringify(stillUnknown));
        const elsewhere = lbKnown.map((r) => (ingress(r) ? { ...r, inputs: { ...r.inputs, securityGroupId: "sg-0bbbbbbbbbbbbbbbb" } } : r));
        const sg = judge(elsewhere).filter((v) => v.policy === "prod-sg-internet-ingress-web-only");
        assert.deepEqual(sg.map((v) => v.name).sort(), ["prod-alb-http-in", "prod-alb-https-in"]);
        assert.ok(sg.every((v) => v.enforcement === "mandatory"));
        const onLb = lbKnown.map((r) => (ingress(r) ? { ...r, inputs: { ...r.inputs, securityGroupId: lbGroup } } : r));
        assert.deepEqual(judge(onLb).filter((v) => v.policy === "prod-sg-internet-ingress-web-only"), []);
    });

    it("THEN the fully known plan of the same stack has no unknown reports at all", async () => {
        const deployed = await planStack(stackSettings("prod"));
        const v = judge(deployed.resources);
        assert.deepEqual(v.filter((x) => x.policy.endsWith("-unknown")), []);
        assert.deepEqual(v.filter((x) => x.enforcement === "mandatory"), []);
    });
});
