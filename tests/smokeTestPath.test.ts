/**
 * Finding 4: the smoke test must be able to reach the stage's URL. Computed from the planned
 * security groups and rules only: the smoke test's groups must allow egress to the listener port
 * of the stage's URL towards the load balancer, and the load balancer's groups must admit it.
 * Security groups are stateful (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html):
 * the answers need no rule.
 */
import { strict as assert } from "node:assert";
import { ofType, PlannedResource, planStackFile, StackPlan } from "../tools/harness";

const ANYWHERE = "0.0.0.0/0";

interface Rule {
    protocol: string;
    from: number;
    to: number;
    cidr?: string;
    group?: string;
}

/** Does IPv4 block `outer` contain block `inner`? */
export function cidrContains(outer: string, inner: string): boolean {
    const parse = (c: string): [number, number] => {
        const [ip, bits] = c.split("/");
        const n = ip.split(".").reduce((a, o) => a * 256 + Number(o), 0);
        return [n, Number(bits)];
    };
    const [o, ob] = parse(outer);
    const [i, ib] = parse(inner);
    if (ib < ob) return false;
    const size = 2 ** (32 - ob);
    return Math.floor(o / size) === Math.floor(i / size);
}

/** Rules (standalone and inline) of a direction on the given groups. */
function rules(plan: StackPlan, groupIds: string[], direction: "ingress" | "egress"): Rule[] {
    const type = direction === "ingress" ? "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" : "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
    const standalone = ofType(plan, type)
        .filter((r) => groupIds.includes(String(r.inputs.securityGroupId)))
        .map((r) => ({ protocol: String(r.inputs.ipProtocol), from: Number(r.inputs.fromPort ?? 0), to: Number(r.inputs.toPort ?? 65535), cidr: r.inputs.cidrIpv4 as string | undefined, group: r.inputs.referencedSecurityGroupId as string | undefined }));
    const inline = ofType(plan, "aws:ec2/securityGroup:SecurityGroup")
        .filter((g) => groupIds.includes(String(g.id)))
        .flatMap((g) => ((g.inputs[direction] ?? []) as { protocol: string; fromPort: number; toPort: number; cidrBlocks?: string[]; securityGroups?: string[] }[]))
        .flatMap((r) => [...(r.cidrBlocks ?? []).map((cidr) => ({ cidr })), ...(r.securityGroups ?? []).map((group) => ({ group }))].map((peer) => ({ protocol: r.protocol, from: r.fromPort, to: r.toPort, ...peer })));
    return [...standalone, ...inline];
}
const coversPort = (r: Rule, port: number) => r.protocol === "-1" || (["tcp", "6"].includes(r.protocol) && r.from <= port && port <= r.to);

/** Why the smoke test of `plan` cannot reach its URL, or undefined when the path is allowed. */
function blockedPath(plan: StackPlan): string | undefined {
    const project = ofType(plan, "aws:codebuild/project:Project").find((p) => p.name.endsWith("-smoke-test"));
    assert.ok(project, `${plan.stack} has a smoke test`);
    const smokeGroups = ((project.inputs.vpcConfig as { securityGroupIds: string[] }).securityGroupIds ?? []).map(String);
    const alb = ofType(plan, "aws:lb/loadBalancer:LoadBalancer")[0] as PlannedResource;
    const albGroups = (alb.inputs.securityGroups as string[]).map(String);
    const internal = alb.inputs.internal === true;
    const url = new URL(String(plan.outputs.url));
    const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
    const listener = ofType(plan, "aws:lb/listener:Listener").find((l) => Number(l.inputs.port) === port);
    if (!listener) return `no listener on port ${port}`;
    const vpcCidr = String(ofType(plan, "aws:ec2/vpc:Vpc")[0].inputs.cidrBlock);
    // Internal: traffic stays in the VPC (source: an address in the VPC). Public: it leaves through
    // the NAT gateway and arrives from the internet.
    const egressOk = rules(plan, smokeGroups, "egress").some(
        (r) => coversPort(r, port) && ((r.group !== undefined && albGroups.includes(r.group)) || (r.cidr !== undefined && cidrContains(r.cidr, internal ? vpcCidr : ANYWHERE))),
    );
    if (!egressOk) return `the smoke test's groups allow no egress to port ${port} of the load balancer`;
    const ingressOk = rules(plan, albGroups, "ingress").some(
        (r) => coversPort(r, port) && ((r.group !== undefined && smokeGroups.includes(r.group)) || (r.cidr !== undefined && cidrContains(r.cidr, internal ? vpcCidr : ANYWHERE))),
    );
    if (!ingressOk) return `the load balancer's groups admit nothing from the smoke test on port ${port}`;
    return undefined;
}

describe("the smoke test's network path (finding 4)", function () {
    this.timeout(60000);
    const plans: Record<string, StackPlan> = {};
    before(async () => {
        for (const stack of ["dev", "test"]) plans[stack] = await planStackFile(stack);
    });

    it("GIVEN dev (internal load balancer, plain HTTP on 80) THEN the smoke test's groups reach the listener and the load balancer admits them", () => {
        assert.equal(new URL(String(plans.dev.outputs.url)).protocol, "http:");
        assert.equal(blockedPath(plans.dev), undefined);
    });
    it("GIVEN test (public load balancer, HTTPS) THEN the path through the NAT gateway on 443 is allowed", () => {
        assert.equal(blockedPath(plans.test), undefined);
    });
    it("the smoke test does not use the service tasks' group (which the database admits)", () => {
        const project = ofType(plans.dev, "aws:codebuild/project:Project").find((p) => p.name.endsWith("-smoke-test"));
        const app = ofType(plans.dev, "aws:ec2/securityGroup:SecurityGroup").find((g) => g.name.endsWith("-app"));
        assert.ok(project && app?.id);
        assert.ok(!(project.inputs.vpcConfig as { securityGroupIds: string[] }).securityGroupIds.includes(String(app.id)));
    });
    it("the check itself: IPv4 containment", () => {
        assert.ok(cidrContains("10.10.0.0/16", "10.10.0.0/16"));
        assert.ok(cidrContains(ANYWHERE, "10.10.0.0/16"));
        assert.ok(!cidrContains("10.10.0.0/16", "10.20.0.0/16"));
        assert.ok(!cidrContains("10.10.0.0/24", "10.10.0.0/16"));
    });
});
