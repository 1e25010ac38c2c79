/**
 * The offline cost estimate: checked against figures computed by hand from the eu-west-1 unit
 * prices (written here as literals, not read from the table), so a changed price or formula
 * shows up as a failing test that names the figure.
 */
import { strict as assert } from "node:assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PlannedResource, planStackFile, StackPlan } from "../tools/harness";
import { CostAssumptions, CostAssumptionsError, DEFAULT_ASSUMPTIONS, loadAssumptions, mergeAssumptions } from "../tools/cost/assumptions";
import { estimateStack, StackCost } from "../tools/cost/estimate";
import { costCompareLines, costLines } from "../tools/cost/report";
import { Price, PRICE_TABLE } from "../tools/cost/prices-eu-west-1";
import { runPlan } from "../tools/plan";

async function plan(argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runPlan({ argv, out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

const close = (actual: number | null, expected: number, label: string) => {
    assert.notEqual(actual, null, `${label} is not priced`);
    assert.ok(Math.abs((actual as number) - expected) < 1e-9, `${label}: expected ${expected}, got ${actual}`);
};

// ------------------------------------------------------------------------------------------
// A small fabricated plan: one NAT, one public ALB in two subnets, one db.t4g.micro Single-AZ
// with 20 GB gp3, one Fargate service of one 256 CPU / 512 MiB x86 task.
// ------------------------------------------------------------------------------------------
const STACK = "urn:pulumi:fx::stageline";
const urn = (type: string, name: string) => `${STACK}::${type}::${name}`;
const COMPONENT = urn("stageline:stage:Environment", "fx");

function res(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<PlannedResource> = {}): PlannedResource {
    return {
        urn: urn(type, name),
        type,
        name,
        parent: COMPONENT,
        custom: true,
        inputs,
        outputs: { ...inputs },
        options: { protect: false, retainOnDelete: false, ignoreChanges: [], dependsOn: [], deleteBeforeReplace: false, replaceOnChanges: [] },
        ...extra,
    };
}

interface FixtureChanges {
    instanceClass?: string;
    multiAz?: boolean;
    desiredCount?: number;
    arch?: "X86_64" | "ARM64";
    extra?: PlannedResource[];
}

function fixture(ch: FixtureChanges = {}): { stack: string; resources: PlannedResource[] } {
    const td = res("aws:ecs/taskDefinition:TaskDefinition", "fx-web", {
        family: "fx-web",
        cpu: "256",
        memory: "512",
        requiresCompatibilities: ["FARGATE"],
        runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: ch.arch ?? "X86_64" },
    });
    td.outputs.arn = "arn:aws:ecs:eu-west-1:123456789012:task-definition/fx-web:1";
    return {
        stack: "fx",
        resources: [
            { ...res("stageline:stage:Environment", "fx", {}), parent: `${STACK}::pulumi:pulumi:Stack::stageline-fx`, custom: false },
            res("aws:ec2/natGateway:NatGateway", "fx-nat", { connectivityType: "public" }),
            res("aws:lb/loadBalancer:LoadBalancer", "fx-alb", { loadBalancerType: "application", internal: false, subnets: ["subnet-a", "subnet-b"] }),
            res("aws:rds/instance:Instance", "fx-db", { engine: "postgres", instanceClass: ch.instanceClass ?? "db.t4g.micro", allocatedStorage: 20, storageType: "gp3", multiAz: ch.multiAz ?? false }),
            td,
            res("aws:ecs/service:Service", "fx-web", { launchType: "FARGATE", desiredCount: ch.desiredCount ?? 1, taskDefinition: td.outputs.arn }),
            res("aws:iam/role:Role", "fx-role", {}),
            ...(ch.extra ?? []),
        ],
    };
}

/** The assumptions the hand figures use (set here, so changed defaults do not move them). */
const A: CostAssumptions = mergeAssumptions(DEFAULT_ASSUMPTIONS, { hoursPerMonth: 730, natGbProcessedPerMonth: 50, albLcuPerHour: 1 });

// Hand-computed with eu-west-1 unit prices as literals.
const NAT = 730 * 0.048 + 50 * 0.048; // 37.44
const ALB = 730 * 0.0252 + 1 * 730 * 0.008 + 2 * 730 * 0.005; // 31.536 (hours + 1 LCU + 2 public IPv4)
const DB_INSTANCE = 730 * 0.018; // 13.14
const DB_STORAGE = 20 * 0.127; // 2.54
const TASK = 730 * (0.25 * 0.04048 + 0.5 * 0.004445); // 9.010025

const cost = (c: StackCost, name: string) => c.resources.find((r) => r.name === name && r.type !== "aws:ecs/taskDefinition:TaskDefinition")?.monthlyUsd ?? null;

describe("cost estimate", function () {
    describe("GIVEN a small fabricated plan (NAT, ALB, db.t4g.micro 20 GB, one 256/512 Fargate task)", function () {
        const c = estimateStack(fixture(), { assumptions: A });

        it("THEN each resource costs what the unit prices give by hand", function () {
            close(cost(c, "fx-nat"), NAT, "NAT gateway");
            close(cost(c, "fx-alb"), ALB, "load balancer");
            close(cost(c, "fx-db"), DB_INSTANCE + DB_STORAGE, "database");
            close(cost(c, "fx-web"), TASK, "Fargate service");
        });

        it("THEN the stack total is the hand total, and the sum of its parts", function () {
            close(c.total, NAT + ALB + DB_INSTANCE + DB_STORAGE + TASK, "total");
            const parts = c.resources.reduce((s, r) => s + (r.monthlyUsd ?? 0), 0);
            close(c.total, parts, "sum of resources");
            const comps = c.byComponent.reduce((s, x) => s + x.monthlyUsd, 0);
            close(c.total, comps, "sum of components");
        });

        it("THEN resources AWS does not bill are priced 0 with a reason, and components are not resources", function () {
            const role = c.resources.find((r) => r.name === "fx-role");
            assert.equal(role?.monthlyUsd, 0);
            assert.match(role?.basis ?? "", /no charge/);
            assert.equal(c.resources.filter((r) => r.type.startsWith("stageline:")).length, 0);
            assert.deepEqual(c.byComponent.map((x) => x.component), ["Environment fx"]);
        });

        it("THEN each figure carries its formula", function () {
            const db = c.resources.find((r) => r.name === "fx-db");
            assert.match(db?.basis ?? "", /730 h × db\.t4g\.micro \$0\.018/);
            assert.match(db?.basis ?? "", /20 GB gp3/);
        });
    });

    describe("WHEN one size changes", function () {
        const base = estimateStack(fixture(), { assumptions: A });

        it("THEN db.t4g.micro → db.t4g.small adds exactly 730 h × ($0.036 − $0.018)", function () {
            const c = estimateStack(fixture({ instanceClass: "db.t4g.small" }), { assumptions: A });
            close(c.total - base.total, 730 * (0.036 - 0.018), "difference");
        });

        it("THEN 1 → 3 tasks adds exactly two more tasks", function () {
            const c = estimateStack(fixture({ desiredCount: 3 }), { assumptions: A });
            close(c.total - base.total, 2 * TASK, "difference");
            close(cost(c, "fx-web"), 3 * TASK, "three tasks");
        });

        it("THEN Multi-AZ doubles the instance (and its storage copy)", function () {
            const c = estimateStack(fixture({ multiAz: true }), { assumptions: A });
            close(cost(c, "fx-db"), 2 * (cost(base, "fx-db") as number), "Multi-AZ database");
            close(cost(c, "fx-db"), 2 * DB_INSTANCE + 2 * DB_STORAGE, "Multi-AZ by hand");
        });

        it("THEN an ARM64 task definition is priced at Graviton rates", function () {
            const c = estimateStack(fixture({ arch: "ARM64" }), { assumptions: A });
            close(cost(c, "fx-web"), 730 * (0.25 * 0.03238 + 0.5 * 0.00356), "ARM task");
        });

        it("THEN an assumption (GB through NAT) moves only the NAT figure, by GB × $0.048", function () {
            const more = mergeAssumptions(A, { natGbProcessedPerMonth: 150 });
            const c = estimateStack(fixture(), { assumptions: more });
            close(c.total - base.total, 100 * 0.048, "difference");
        });
    });

    describe("GIVEN resources the table cannot price", function () {
        const unknown = res("aws:opensearch/domain:Domain", "fx-search", { engineVersion: "OpenSearch_2.11" });
        const bigDb = fixture({ instanceClass: "db.x2iedn.32xlarge", extra: [unknown] });
        const c = estimateStack(bigDb, { assumptions: A });

        it("THEN they are null (not priced), never 0", function () {
            assert.equal(cost(c, "fx-search"), null);
            assert.equal(cost(c, "fx-db"), null);
            assert.match(c.resources.find((r) => r.name === "fx-db")?.basis ?? "", /db\.x2iedn\.32xlarge: instance class not in the price table/);
        });

        it("THEN they are listed by type with a count, and left out of the total", function () {
            assert.deepEqual(
                c.notPriced.map((n) => [n.type, n.count]),
                [
                    ["aws:rds/instance:Instance", 1],
                    ["aws:opensearch/domain:Domain", 1],
                ],
            );
            close(c.total, NAT + ALB + TASK, "total without the unpriced");
            assert.equal(c.byComponent[0].notPriced, 2);
            assert.ok(costLines(c).some((l) => /not priced/.test(l) && !/none/.test(l)));
        });
    });

    describe("compare", function () {
        it("THEN shows the difference b − a and the types that cause it", function () {
            const a = estimateStack({ ...fixture(), stack: "a" }, { assumptions: A });
            const b = estimateStack({ ...fixture({ desiredCount: 2 }), stack: "b" }, { assumptions: A });
            const lines = costCompareLines(a, b);
            assert.match(lines[0], new RegExp(`\\+\\$${TASK.toFixed(2)}`));
            assert.equal(lines.length, 2, lines.join("\n"));
            assert.match(lines[1], /aws:ecs:Service/);
        });
    });

    describe("assumptions", function () {
        it("THEN a stage's overrides apply to that stage only", function () {
            const a = mergeAssumptions(A, { byStage: { dev: { hoursPerMonth: 200 } } });
            const dev = estimateStack({ ...fixture(), settings: { stage: "dev" } }, { assumptions: a });
            const prod = estimateStack({ ...fixture(), settings: { stage: "prod", region: "eu-west-1" } }, { assumptions: a });
            close(cost(dev, "fx-nat"), 200 * 0.048 + dev.assumptions.natGbProcessedPerMonth * 0.048, "dev NAT at 200 h");
            close(cost(prod, "fx-nat"), 730 * 0.048 + prod.assumptions.natGbProcessedPerMonth * 0.048, "prod NAT at 730 h");
        });

        it("THEN a file overrides the defaults; a misspelt key or a negative number is an error naming it", function () {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cost-"));
            const good = path.join(dir, "good.json");
            fs.writeFileSync(good, JSON.stringify({ ecrGbPerRepository: 1, logIngestGbPerMonth: { service: 7 } }));
            const a = loadAssumptions(good);
            assert.equal(a.ecrGbPerRepository, 1);
            assert.equal(a.logIngestGbPerMonth.service, 7);
            assert.equal(a.logIngestGbPerMonth.flowLogs, DEFAULT_ASSUMPTIONS.logIngestGbPerMonth.flowLogs);

            const bad = path.join(dir, "bad.json");
            fs.writeFileSync(bad, JSON.stringify({ natGbProcesed: 1, byStage: { dev: { albLcuPerHour: -1 } } }));
            assert.throws(() => loadAssumptions(bad), (e: Error) => e instanceof CostAssumptionsError && /natGbProcesed is not an assumption/.test(e.message) && /byStage\.dev\.albLcuPerHour is -1; allowed: a number ≥ 0/.test(e.message));
            assert.throws(() => mergeAssumptions(A, { byStage: { qa: {} } }), /byStage\.qa is not an assumption/);
        });

        it("THEN a stack outside eu-west-1 is priced with a warning saying so", function () {
            const c = estimateStack({ ...fixture(), settings: { stage: "dev", region: "us-east-1" } }, { assumptions: A });
            assert.match(c.warnings.join(), /us-east-1: priced with eu-west-1 prices/);
        });
    });

    describe("GIVEN an EC2 runtime: an Auto Scaling group of 2 × t3.small from a launch template with one 20 GB gp3 volume, and its image pipeline", function () {
        /** The EC2 service's resources, as the plan holds them (ids and ARNs the mocks give). */
        function ec2(ch: { desiredCapacity?: number; instanceType?: string; volumeType?: string } = {}): PlannedResource[] {
            const lt = res("aws:ec2/launchTemplate:LaunchTemplate", "fx-app-lt", {
                instanceType: ch.instanceType ?? "t3.small",
                blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 20, volumeType: ch.volumeType ?? "gp3", encrypted: "true" } }],
            });
            lt.id = "lt-0123456789abcdef0";
            const infra = res("aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration", "fx-app-infra", { instanceTypes: ["t3.small"] });
            infra.outputs.arn = "arn:aws:imagebuilder:eu-west-1:123456789012:infrastructure-configuration/fx-app-infra";
            const group: Record<string, unknown> = { minSize: 1, maxSize: 4, launchTemplate: { id: lt.id, version: "1" } };
            if (ch.desiredCapacity !== undefined) group.desiredCapacity = ch.desiredCapacity;
            return [
                lt,
                res("aws:autoscaling/group:Group", "fx-app", group),
                res("aws:autoscaling/policy:Policy", "fx-app-cpu-scaling", { policyType: "TargetTrackingScaling" }),
                res("aws:ssm/parameter:Parameter", "fx-app-ami-id", { type: "String", dataType: "aws:ec2:image" }),
                res("aws:iam/instanceProfile:InstanceProfile", "fx-app-instance", {}),
                res("aws:kms/grant:Grant", "fx-app-volumes", {}),
                infra,
                res("aws:imagebuilder/component:Component", "fx-app-install", {}),
                res("aws:imagebuilder/imageRecipe:ImageRecipe", "fx-app-recipe", {}),
                res("aws:imagebuilder/distributionConfiguration:DistributionConfiguration", "fx-app-dist", {}),
                res("aws:imagebuilder/imagePipeline:ImagePipeline", "fx-app-images", { infrastructureConfigurationArn: infra.outputs.arn }),
            ];
        }
        const EC2 = mergeAssumptions(A, { pipelineExecutionsPerMonth: 30, imageBuildMinutes: 30 });
        // Hand-computed: 2 × (730 h × $0.0228 + 20 GB × $0.088) = 2 × (16.644 + 1.76) = 36.808
        const GROUP = 2 * (730 * 0.0228 + 20 * 0.088);
        // 30 images × 30 min = 15 h of t3.small = 15 × 0.0228 = 0.342
        const BUILDS = 30 * (30 / 60) * 0.0228;

        it("THEN the group costs its instances and their volumes, by hand", function () {
            const c = estimateStack({ stack: "fx", resources: ec2({ desiredCapacity: 2 }) }, { assumptions: EC2 });
            close(cost(c, "fx-app"), GROUP, "Auto Scaling group");
            assert.match(c.resources.find((r) => r.name === "fx-app")?.basis ?? "", /2 instances \(desired\) × \(730 h × t3\.small \$0\.0228\/instance-hour \(Linux\)\* \+ 20 GB gp3 × \$0\.088/);
        });

        it("THEN Image Builder is free but its build instance is priced per image, under the stated assumption", function () {
            const c = estimateStack({ stack: "fx", resources: ec2({ desiredCapacity: 2 }) }, { assumptions: EC2 });
            close(cost(c, "fx-app-images"), BUILDS, "image builds");
            close(c.total, GROUP + BUILDS, "total");
        });

        it("THEN the parameter, profile, grant, policy, template and Image Builder configuration cost 0 with a reason, and nothing is left unpriced", function () {
            const c = estimateStack({ stack: "fx", resources: ec2({ desiredCapacity: 2 }) }, { assumptions: EC2 });
            for (const name of ["fx-app-lt", "fx-app-cpu-scaling", "fx-app-ami-id", "fx-app-instance", "fx-app-volumes", "fx-app-infra", "fx-app-install", "fx-app-recipe", "fx-app-dist"]) {
                const r = c.resources.find((x) => x.name === name);
                assert.equal(r?.monthlyUsd, 0, name);
                assert.match(r?.basis ?? "", /no charge/, name);
            }
            assert.deepEqual(c.notPriced, []);
        });

        it("WITHOUT a desired capacity THEN the min size (1) is priced", function () {
            const c = estimateStack({ stack: "fx", resources: ec2() }, { assumptions: EC2 });
            close(cost(c, "fx-app"), GROUP / 2, "one instance");
            assert.match(c.resources.find((r) => r.name === "fx-app")?.basis ?? "", /1 instance \(min size\)/);
        });

        it("GIVEN an instance type or volume type not in the table THEN the group is not priced, never counted as 0", function () {
            const big = estimateStack({ stack: "fx", resources: ec2({ desiredCapacity: 2, instanceType: "c7i.48xlarge" }) }, { assumptions: EC2 });
            assert.equal(cost(big, "fx-app"), null);
            assert.deepEqual(big.notPriced, [{ type: "aws:autoscaling/group:Group", count: 1, reason: "EC2 c7i.48xlarge: instance type not in the price table" }]);
            const io2 = estimateStack({ stack: "fx", resources: ec2({ desiredCapacity: 2, volumeType: "io2" }) }, { assumptions: EC2 });
            assert.equal(cost(io2, "fx-app"), null);
        });
    });

    describe("price table", function () {
        it("THEN says its region, source and date, and how every figure was checked", function () {
            assert.equal(PRICE_TABLE.region, "eu-west-1");
            assert.match(PRICE_TABLE.date, /^\d{4}-\d{2}-\d{2}$/);
            assert.ok(PRICE_TABLE.source.length > 20);
            const all = Object.values(PRICE_TABLE.prices as Record<string, Price | Record<string, Price>>).flatMap((p): Price[] => ("usd" in p ? [p as Price] : Object.values(p as Record<string, Price>)));
            assert.ok(all.length > 30);
            for (const p of all) {
                assert.ok(p.usd > 0, `${p.unit} has a positive price`);
                assert.ok(["confirmed", "recalled"].includes(p.checked) && p.note.length > 10, `${p.unit} says how it was checked`);
            }
        });
    });

    describe("GIVEN our dev and prod stacks", function () {
        this.timeout(30000);
        let dev: StackCost;
        let prod: StackCost;
        let prodPlan: StackPlan;
        before(async function () {
            dev = estimateStack(await planStackFile("dev"));
            prodPlan = await planStackFile("prod");
            prod = estimateStack(prodPlan);
        });

        it("THEN every dev resource is priced (nothing unknown) and dev costs less than prod", function () {
            assert.deepEqual(dev.notPriced, []);
            assert.ok(dev.total > 0 && dev.total < prod.total, `dev ${dev.total} < prod ${prod.total}`);
        });

        it("THEN prod's database is Multi-AZ db.m6g.large with 100 GB, priced as such", function () {
            const db = prod.resources.find((r) => r.type === "aws:rds/instance:Instance");
            close(db?.monthlyUsd ?? null, 2 * 730 * 0.172 + 2 * 100 * 0.127 + 0.4, "prod database");
        });

        it("THEN prod prices one NAT gateway and one public IPv4 per AZ", function () {
            const nats = prod.resources.filter((r) => r.type === "aws:ec2/natGateway:NatGateway");
            const eips = prod.resources.filter((r) => r.type === "aws:ec2/eip:Eip");
            assert.equal(nats.length, 3);
            assert.equal(eips.length, 3);
            for (const e of eips) close(e.monthlyUsd, 730 * 0.005, e.name);
        });

        it("THEN log groups are priced by what writes to them (flow logs, service, builds)", function () {
            const basis = (n: string) => prod.resources.find((r) => r.type === "aws:cloudwatch/logGroup:LogGroup" && r.name === n)?.basis ?? "";
            assert.match(basis("prod-flow-logs"), /flowLogs/);
            assert.match(basis("prod-web-logs"), /service/);
            assert.match(basis("prod-pipeline-builds"), /builds/);
        });

        it("THEN the only unpriced prod item is the backup plan, listed with its reason", function () {
            assert.deepEqual(prod.notPriced.map((n) => n.type), ["aws:backup/plan:Plan"]);
            assert.ok(prodPlan.resources.some((r) => r.type === "aws:backup/plan:Plan"));
        });
    });

    describe("npm run plan", function () {
        this.timeout(30000);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cost-plan-"));

        it("WHEN --cost THEN each stack prints its estimate, components, top items and not-priced types, and the summary lists stacks", async function () {
            const r = await plan(["--stack", "dev", "--cost", "--quiet"]);
            assert.equal(r.code, 0, r.stderr);
            assert.match(r.stdout, /cost estimate: \$\d+\.\d\d\/month \(eu-west-1 on-demand, 2026-11-23 prices/);
            assert.match(r.stdout, /by component:\n {4}Environment dev +\$\d/);
            assert.match(r.stdout, /top \d+ items:\n +\$\d+\.\d\d {2}aws:ec2:NatGateway dev-nat-/);
            assert.match(r.stdout, /not priced: none/);
            assert.match(r.stdout, /cost \(monthly estimate\):\n {2}dev +\$\d/);
            assert.match(r.stdout.trim().split("\n").pop() ?? "", /^plan: 1 stack/);
        });

        it("WHEN --json THEN every resource has a cost (figure or null with a reason) and the stack its total", async function () {
            const file = path.join(dir, "plan.json");
            const r = await plan(["--stack", "dev", "--quiet", "--json", file]);
            assert.equal(r.code, 0, r.stderr);
            const s = JSON.parse(fs.readFileSync(file, "utf8")).stacks[0];
            const custom = s.resources.filter((x: { custom: boolean }) => x.custom);
            assert.ok(custom.every((x: { cost: { monthlyUsd: number | null; basis: string } }) => x.cost && typeof x.cost.basis === "string"));
            const sum = custom.reduce((n: number, x: { cost: { monthlyUsd: number | null } }) => n + (x.cost.monthlyUsd ?? 0), 0);
            assert.ok(Math.abs(s.cost.monthlyUsd - sum) < 0.006, `${s.cost.monthlyUsd} vs ${sum}`);
            assert.equal(s.cost.region, "eu-west-1");
        });

        it("WHEN --compare dev test THEN the cost difference is shown with the types behind it", async function () {
            const r = await plan(["--compare", "dev", "test", "--quiet"]);
            assert.equal(r.code, 0, r.stderr);
            const m = /cost: dev \$([\d.,]+)\/month ↔ test \$([\d.,]+)\/month \(\+\$([\d.,]+), test − dev\)/.exec(r.stdout);
            assert.ok(m, r.stdout.slice(-800));
            assert.ok(Math.abs(Number(m[2]) - Number(m[1]) - Number(m[3])) < 0.011);
            assert.match(r.stdout, /aws:wafv2:WebAcl +\$0\.00 +\$\d/);
            assert.match(r.stdout, /aws:rds:Instance +\$16\.08 +\$29\.22 +\+\$13\.14/);
        });

        it("WHEN --cost-assumptions names a bad file THEN it exits 2 naming the key", async function () {
            const bad = path.join(dir, "bad.json");
            fs.writeFileSync(bad, JSON.stringify({ natGbProcessed: 10 }));
            const r = await plan(["--stack", "dev", "--cost-assumptions", bad, "--quiet"]);
            assert.equal(r.code, 2);
            assert.match(r.stderr, /natGbProcessed is not an assumption/);
            const eq = await plan(["--stack", "dev", `--cost-assumptions=${bad}`, "--quiet"]);
            assert.equal(eq.code, 2, "the --flag=value form reads the same file");
        });
    });
});
