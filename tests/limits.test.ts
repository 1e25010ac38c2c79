/**
 * Issue 23, "one rule, one place": the AWS limits config checks come from lib/awsLimits.ts, and
 * the components keep only wiring checks. This is the proof that the two agree: every value the
 * config accepts at the edge of a limit, the components accept too (first their validators, then a
 * plan of the extremes, where a component refusing its args would stop the stack).
 */
import { strict as assert } from "assert";
import * as path from "path";
import { loadSettings, readStackFile, RawConfig } from "../infra/config";
import { holdsProductionData, serviceArgsOf } from "../infra/program";
import { StageSettings } from "../infra/settings";
import { ALB_CONDITION_VALUES_PER_RULE, fargateSizes, LOG_RETENTION_DAYS } from "../lib/awsLimits";
import { ruleConditions, validateAppServiceArgs } from "../components/appService";
import { validateEnvironmentArgs } from "../components/environment";
import { EnvironmentRefs } from "../components/types";
import { fixtureReferences, planStack, ROOT } from "../tools/harness";
import { judgeStack, JudgedResource } from "../policy/run";
import { maxServiceNameLength, SERVICE_NAME_TEMPLATE } from "../lib/names";
import { PROD_MIN_AURORA_INSTANCES, PROD_MIN_AZS, PROD_MIN_TASKS } from "../lib/prodRedundancy";
import { SUBNET_MIN_AZS } from "../lib/awsLimits";
import { PLATFORM_TLS_POLICY, TLS12_POLICY } from "../lib/tlsPolicy";
import { T } from "../policy/types";

const STACK = "test";

function raw(): RawConfig {
    return readStackFile(path.join(ROOT, `Pulumi.${STACK}.yaml`)).config;
}

/** The stack's config with `patch` merged into one top-level key (objects) or each service (services). */
function withPatch(r: RawConfig, key: string, patch: Record<string, unknown>): RawConfig {
    const full = `stageline:${key}`;
    const current: unknown = r[full] ? JSON.parse(r[full]) : {};
    const next = Array.isArray(current) ? current.map((x: Record<string, unknown>) => ({ ...x, ...patch })) : { ...(current as object), ...patch };
    return { ...r, [full]: JSON.stringify(next) };
}

/** What the components say about settings the config accepted: every problem of every validator. */
function componentProblems(s: StageSettings): string[] {
    const env = validateEnvironmentArgs({ stage: s.stage, region: s.region, network: s.network, edge: s.edge, alerts: s.alerts, keepData: holdsProductionData(s), tags: {} });
    // One workload subnet per workload AZ, as Environment builds them.
    const refs = { workloadSubnetIds: s.network.availabilityZones.slice(0, s.network.azCount) } as unknown as EnvironmentRefs;
    const services = s.services.flatMap((svc) =>
        validateAppServiceArgs(`${s.stage}-${svc.name}`, { stage: s.stage, ...serviceArgsOf(svc), env: refs, database: undefined as never, maintenance: false, tags: {}, keepData: holdsProductionData(s) }),
    );
    return [...env, ...services];
}

describe("One rule, one place: what the config accepts, the components accept", function () {
    this.timeout(120_000);

    it("GIVEN every CloudWatch Logs retention period for flow logs, service and pipeline logs THEN config and components both accept it", () => {
        for (const days of LOG_RETENTION_DAYS.values) {
            let r = withPatch(raw(), "network", { flowLogRetentionDays: days });
            r = withPatch(r, "services", { logRetentionDays: days });
            r = withPatch(r, "pipeline", { logRetentionDays: days });
            assert.deepEqual(componentProblems(loadSettings(STACK, r)), [], `${days} days`);
        }
    });

    it("GIVEN every Fargate CPU/memory pair THEN config and components both accept it", () => {
        const sizes = fargateSizes();
        assert.ok(sizes.some((z) => z.cpu === 256 && z.memory === 512) && sizes.some((z) => z.cpu === 4096 && z.memory === 30720));
        for (const { cpu, memory } of sizes) {
            assert.deepEqual(componentProblems(loadSettings(STACK, withPatch(raw(), "services", { cpu, memory }))), [], `${cpu}/${memory}`);
        }
    });

    it(`GIVEN a listener rule with the ALB's ${ALB_CONDITION_VALUES_PER_RULE.value} condition values THEN config and components both accept it`, () => {
        const r = withPatch(raw(), "services", { pathPatterns: ["/a/*", "/b/*", "/c"], hostHeaders: ["app.example.com", "api.example.com"] });
        assert.deepEqual(componentProblems(loadSettings(STACK, r)), []);
    });

    it("GIVEN the most tasks and the fewest workload AZs the config allows THEN the component accepts the spread", () => {
        for (const azCount of [1, 2, 3]) {
            for (const minCount of [1, 2]) {
                let s: StageSettings;
                try {
                    s = loadSettings(STACK, withPatch(withPatch(raw(), "network", { azCount, natGateways: "single" }), "services", { minCount, desiredCount: minCount, maxCount: 4 }));
                } catch {
                    continue; // the config refuses this pair: nothing reaches the component
                }
                assert.deepEqual(componentProblems(s), [], `azCount ${azCount}, minCount ${minCount}`);
            }
        }
    });

    it("GIVEN two tasks and one workload AZ THEN the config refuses it, once, naming the key (the component's spread check, moved up)", () => {
        const r = withPatch(withPatch(raw(), "network", { azCount: 1, natGateways: "single" }), "services", { minCount: 2, desiredCount: 2, maxCount: 4 });
        assert.throws(
            () => loadSettings(STACK, r),
            (e: Error) =>
                e.message ===
                'Invalid configuration for stack "test" (1 problem):\n  - stageline:services[web].minCount is 2; allowed: 1 while network.azCount is 1 (2 tasks could not spread across AZs; raise network.azCount to 2 to run 2)',
        );
    });

    it("GIVEN the extreme valid values together THEN the stack plans (no component refuses its args)", async () => {
        let r = withPatch(raw(), "network", { flowLogRetentionDays: 3653 });
        r = withPatch(r, "services", { logRetentionDays: 3653, cpu: 4096, memory: 30720, pathPatterns: ["/a/*", "/b/*", "/c"], hostHeaders: ["app.example.com", "api.example.com"] });
        r = withPatch(r, "pipeline", { logRetentionDays: 1 });
        const s = loadSettings(STACK, r);
        const plan = await planStack(s, { stackOutputs: fixtureReferences(s) });
        const task = plan.resources.find((x) => x.type === "aws:ecs/taskDefinition:TaskDefinition");
        assert.equal(task?.inputs.memory, "30720");
    });
});

describe("One rule, one place: the policy pack judges the same limits the config checks (lib/awsLimits.ts)", function () {
    this.timeout(120_000);
    const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

    /** Whether the config accepts `days` for every log retention key (flow logs, services, pipeline). */
    function configAccepts(days: number): boolean {
        let r = withPatch(raw(), "network", { flowLogRetentionDays: days });
        r = withPatch(r, "services", { logRetentionDays: days });
        r = withPatch(r, "pipeline", { logRetentionDays: days });
        try {
            loadSettings(STACK, r);
            return true;
        } catch {
            return false;
        }
    }

    /** What log-group-retention says of a log group keeping its events `days` days. */
    function retentionViolations(groups: JudgedResource[]): string[] {
        return judgeStack(groups)
            .filter((v) => v.policy === "log-group-retention")
            .map((v) => v.message);
    }
    const group = (days: number): JudgedResource => ({ urn: `urn:pulumi:${STACK}::stageline::${LOG_GROUP}::app`, type: LOG_GROUP, name: "app", props: { retentionInDays: days } });

    it("GIVEN a retention at and beside each end of AWS's list THEN the config and the policy accept and refuse the same values", () => {
        const verdicts = [0, 1, 2, 10, 14, 3653, 3654].map((days) => ({ days, config: configAccepts(days), policy: retentionViolations([group(days)]).length === 0 }));
        assert.deepEqual(
            verdicts.map((v) => `${v.days}: config ${v.config ? "accepts" : "refuses"}, policy ${v.policy ? "accepts" : "refuses"}`),
            ["0: config refuses, policy refuses", "1: config accepts, policy accepts", "2: config refuses, policy refuses", "10: config refuses, policy refuses", "14: config accepts, policy accepts", "3653: config accepts, policy accepts", "3654: config refuses, policy refuses"],
        );
    });

    it("GIVEN Fargate CPU/memory pairs at and beside the table's edges THEN the config and the policy accept and refuse the same pairs", () => {
        const TASK = "aws:ecs/taskDefinition:TaskDefinition";
        const pairs = [[256, 512], [256, 2048], [256, 1536], [256, 4096], [512, 4096], [512, 5120], [4096, 30720], [4096, 31744], [300, 1024]];
        const verdicts = pairs.map(([cpu, memory]) => {
            let config = true;
            try {
                loadSettings(STACK, withPatch(raw(), "services", { cpu, memory }));
            } catch {
                config = false;
            }
            const task: JudgedResource = { urn: `urn:pulumi:${STACK}::stageline::${TASK}::web`, type: TASK, name: "web", props: { requiresCompatibilities: ["FARGATE"], cpu: String(cpu), memory: String(memory) } };
            const policy = judgeStack([task]).filter((v) => v.policy === "fargate-task-size").length === 0;
            return `${cpu}/${memory}: config ${config ? "accepts" : "refuses"}, policy ${policy ? "accepts" : "refuses"}`;
        });
        assert.deepEqual(verdicts, [
            "256/512: config accepts, policy accepts",
            "256/2048: config accepts, policy accepts",
            "256/1536: config refuses, policy refuses",
            "256/4096: config refuses, policy refuses",
            "512/4096: config accepts, policy accepts",
            "512/5120: config refuses, policy refuses",
            "4096/30720: config accepts, policy accepts",
            "4096/31744: config refuses, policy refuses",
            "300/1024: config refuses, policy refuses",
        ]);
    });

    it("GIVEN a service name as long as the stage allows, and one longer THEN the config and the policy agree (lib/names.ts), and the plan's every name passes", async () => {
        const TG = SERVICE_NAME_TEMPLATE.type;
        const verdicts: string[] = [];
        for (const length of [maxServiceNameLength(STACK), maxServiceNameLength(STACK) + 1]) {
            const name = "s".repeat(length);
            let settings: StageSettings | undefined;
            try {
                settings = loadSettings(STACK, withPatch(raw(), "services", { name }));
            } catch {
                settings = undefined;
            }
            const logical = SERVICE_NAME_TEMPLATE.build(STACK, name);
            const tg: JudgedResource = { urn: `urn:pulumi:${STACK}::stageline::${TG}::${logical}`, type: TG, name: logical, props: {} };
            const policy = judgeStack([tg]).filter((v) => v.policy === "aws-name-length").length === 0;
            verdicts.push(`${length}: config ${settings ? "accepts" : "refuses"}, policy ${policy ? "accepts" : "refuses"}`);
            if (settings) {
                const plan = await planStack(settings, { stackOutputs: fixtureReferences(settings) });
                assert.ok(plan.resources.some((x) => x.type === TG && x.name === logical), `the plan has target group ${logical}`);
                const judged = plan.resources.map((x) => ({ urn: x.urn, type: x.type, name: x.name, props: x.inputs }));
                assert.deepEqual(judgeStack(judged).filter((v) => v.policy === "aws-name-length"), []);
            }
        }
        assert.deepEqual(verdicts, ["16: config accepts, policy accepts", "17: config refuses, policy refuses"]);
    });

    it("GIVEN a service's routes at and past the ALB's rule limits THEN the config and the policy accept and refuse the same routes", () => {
        const LR = "aws:lb/listenerRule:ListenerRule";
        const long = (n: number) => "/" + "p".repeat(n - 1);
        const routes: [string, { pathPatterns: string[]; hostHeaders: string[] }][] = [
            ["5 values", { pathPatterns: ["/a/*", "/b/*", "/c"], hostHeaders: ["app.example.com", "api.example.com"] }],
            ["6 values", { pathPatterns: ["/a/*", "/b/*", "/c", "/d"], hostHeaders: ["app.example.com", "api.example.com"] }],
            ["5 wildcards", { pathPatterns: ["/a/*/*", "/b/*", "/c/*"], hostHeaders: ["*.example.com"] }],
            ["6 wildcards", { pathPatterns: ["/a/*/*", "/b/*", "/c/*", "/d/*"], hostHeaders: ["*.example.com"] }],
            ["a 128-character path", { pathPatterns: [long(128)], hostHeaders: [] }],
            ["a 129-character path", { pathPatterns: [long(129)], hostHeaders: [] }],
        ];
        const verdicts = routes.map(([what, r]) => {
            let config = true;
            try {
                loadSettings(STACK, withPatch(raw(), "services", r));
            } catch {
                config = false;
            }
            // The conditions the component builds from these routes (components/appService.ts).
            const conditions = ruleConditions({ ...loadSettings(STACK, raw()).services[0], ...r });
            const rule: JudgedResource = { urn: `urn:pulumi:${STACK}::stageline::${LR}::web`, type: LR, name: "web", props: { conditions } };
            const policy = judgeStack([rule]).filter((v) => v.policy === "alb-rule-condition-limits").length === 0;
            return `${what}: config ${config ? "accepts" : "refuses"}, policy ${policy ? "accepts" : "refuses"}`;
        });
        assert.deepEqual(verdicts, [
            "5 values: config accepts, policy accepts",
            "6 values: config refuses, policy refuses",
            "5 wildcards: config accepts, policy accepts",
            "6 wildcards: config refuses, policy refuses",
            "a 128-character path: config accepts, policy accepts",
            "a 129-character path: config refuses, policy refuses",
        ]);
    });

    it("GIVEN the shortest and the longest retention the config accepts THEN the policy passes every log group the stack plans", async () => {
        for (const days of [LOG_RETENTION_DAYS.values[0], LOG_RETENTION_DAYS.values[LOG_RETENTION_DAYS.values.length - 1]]) {
            let r = withPatch(raw(), "network", { flowLogRetentionDays: days });
            r = withPatch(r, "services", { logRetentionDays: days });
            r = withPatch(r, "pipeline", { logRetentionDays: days });
            const s = loadSettings(STACK, r);
            const plan = await planStack(s, { stackOutputs: fixtureReferences(s) });
            const groups = plan.resources.filter((x) => x.type === LOG_GROUP).map((x) => ({ urn: x.urn, type: x.type, name: x.name, props: x.inputs }));
            assert.ok(groups.some((g) => g.props.retentionInDays === days), `${days} days reached a log group`);
            assert.deepEqual(retentionViolations(groups), [], `${days} days`);
        }
    });
});

describe("One rule, one place: prod's redundancy minimums (lib/prodRedundancy.ts), config and policy pack agree at the boundary", function () {
    this.timeout(120_000);
    const PROD = "prod";
    const prodRaw = (): RawConfig => readStackFile(path.join(ROOT, `Pulumi.${PROD}.yaml`)).config;
    const urn = (type: string, name: string) => `urn:pulumi:${PROD}::stageline::${type}::${name}`;
    /** "accepts", or "refuses" with the config's exact message. */
    function configSays(r: RawConfig): string {
        try {
            loadSettings(PROD, r);
            return "accepts";
        } catch (e) {
            return `refuses: ${(e as Error).message}`;
        }
    }
    /** "accepts" or "refuses": whether `policy` reports anything on `resources` (judged as prod). */
    const policySays = (policy: string, resources: JudgedResource[]) => (judgeStack(resources).some((v) => v.policy === policy) ? "refuses" : "accepts");

    // Prod planned at the minimums: PROD_MIN_AZS workload AZs, PROD_MIN_TASKS tasks.
    let planned: JudgedResource[] = [];
    before(async () => {
        const s = loadSettings(PROD, withPatch(withPatch(prodRaw(), "network", { azCount: PROD_MIN_AZS }), "services", { minCount: PROD_MIN_TASKS, desiredCount: PROD_MIN_TASKS }));
        const plan = await planStack(s, { stackOutputs: fixtureReferences(s) });
        planned = plan.resources.map((x) => ({ urn: x.urn, type: x.type, name: x.name, props: x.inputs }));
    });
    const ofType = (type: string) => planned.filter((x) => x.type === type);
    const one = (type: string) => {
        const all = ofType(type);
        assert.equal(all.length, 1, `prod plans one ${type}`);
        return all[0];
    };

    it("GIVEN prod planned at the minimums THEN no redundancy rule of the pack reports, and the plan is at the boundary (not above it)", () => {
        const rules = ["prod-alb-spans-two-azs", "prod-subnets-span-two-azs", "prod-nat-per-az", "prod-ecs-service-two-tasks", "prod-autoscaling-min-two", "prod-rds-multi-az"];
        assert.deepEqual(judgeStack(planned).filter((v) => rules.includes(v.policy)), []);
        assert.equal(ofType(T.natGateway).length, PROD_MIN_AZS);
        assert.equal(one(T.ecsService).props.desiredCount, PROD_MIN_TASKS);
        assert.equal(one(T.appAutoscalingTarget).props.minCapacity, PROD_MIN_TASKS);
    });

    it(`GIVEN prod with ${PROD_MIN_AZS - 1} and ${PROD_MIN_AZS} AZs THEN the config and every AZ rule of the pack refuse and accept the same count`, () => {
        const verdicts: string[] = [];
        for (const n of [PROD_MIN_AZS - 1, PROD_MIN_AZS]) {
            verdicts.push(`${n} AZs: config ${configSays(withPatch(prodRaw(), "network", { azCount: n }))}`);
            // What prod would plan over n AZs: the planned resources cut to n AZs, and fixtures for
            // the rules prod's own plan does not exercise (an ec2 service's group, an Aurora cluster).
            const subnets = ofType(T.subnet);
            const azs = [...new Set(subnets.map((x) => String(x.props.availabilityZone)))].slice(0, n);
            const lb = planned.filter((x) => x.type === T.lb || x.type === T.albLb);
            const asg: JudgedResource = { urn: urn(T.asg, "web"), type: T.asg, name: "web", props: { vpcZoneIdentifiers: azs.map((az) => `subnet-${az}`), minSize: PROD_MIN_TASKS } };
            const cluster: JudgedResource = { urn: urn(T.rdsCluster, "db"), type: T.rdsCluster, name: "db", props: { clusterIdentifier: "db" } };
            const members = Array.from({ length: Math.max(PROD_MIN_AURORA_INSTANCES, n) }, (_, i): JudgedResource => ({ urn: urn(T.rdsClusterInstance, `db-${i}`), type: T.rdsClusterInstance, name: `db-${i}`, props: { clusterIdentifier: "db", availabilityZone: azs[i % n] } }));
            const cases: [string, JudgedResource[]][] = [
                ["prod-alb-spans-two-azs", lb.map((x) => ({ ...x, props: { ...x.props, subnets: (x.props.subnets as string[]).slice(0, n) } }))],
                ["prod-subnets-span-two-azs", subnets.filter((x) => azs.includes(String(x.props.availabilityZone)))],
                ["prod-nat-per-az", ofType(T.natGateway).slice(0, n)],
                ["prod-asg-two-azs", [asg]],
                ["prod-aurora-two-azs", [cluster, ...members]],
            ];
            for (const [policy, resources] of cases) verdicts.push(`${n} AZs: ${policy} ${policySays(policy, resources)}`);
        }
        const no = PROD_MIN_AZS - 1;
        assert.deepEqual(verdicts, [
            `${no} AZs: config refuses: Invalid configuration for stack "prod" (1 problem):\n  - stageline:network.azCount is ${no}; allowed: an integer from ${PROD_MIN_AZS} to 6 (prod serves traffic from at least two Availability Zones)`,
            `${no} AZs: prod-alb-spans-two-azs refuses`,
            `${no} AZs: prod-subnets-span-two-azs refuses`,
            `${no} AZs: prod-nat-per-az refuses`,
            `${no} AZs: prod-asg-two-azs refuses`,
            `${no} AZs: prod-aurora-two-azs refuses`,
            `${PROD_MIN_AZS} AZs: config accepts`,
            `${PROD_MIN_AZS} AZs: prod-alb-spans-two-azs accepts`,
            `${PROD_MIN_AZS} AZs: prod-subnets-span-two-azs accepts`,
            `${PROD_MIN_AZS} AZs: prod-nat-per-az accepts`,
            `${PROD_MIN_AZS} AZs: prod-asg-two-azs accepts`,
            `${PROD_MIN_AZS} AZs: prod-aurora-two-azs accepts`,
        ]);
    });

    it(`GIVEN a prod service with ${PROD_MIN_TASKS - 1} and ${PROD_MIN_TASKS} tasks THEN the config and every task rule of the pack refuse and accept the same count`, () => {
        const verdicts: string[] = [];
        for (const n of [PROD_MIN_TASKS - 1, PROD_MIN_TASKS]) {
            verdicts.push(`${n} tasks: config ${configSays(withPatch(prodRaw(), "services", { minCount: n, desiredCount: n }))}`);
            // The planned service and its scalable target with n tasks (what minCount/desiredCount become).
            const service = one(T.ecsService);
            const target = one(T.appAutoscalingTarget);
            const asg: JudgedResource = { urn: urn(T.asg, "web"), type: T.asg, name: "web", props: { vpcZoneIdentifiers: ["subnet-a", "subnet-b", "subnet-c"].slice(0, PROD_MIN_AZS), minSize: n } };
            const cases: [string, JudgedResource[]][] = [
                ["prod-ecs-service-two-tasks", [{ ...service, props: { ...service.props, desiredCount: n } }]],
                ["prod-autoscaling-min-two", [{ ...target, props: { ...target.props, minCapacity: n } }]],
                ["prod-asg-two-azs", [asg]],
            ];
            for (const [policy, resources] of cases) verdicts.push(`${n} tasks: ${policy} ${policySays(policy, resources)}`);
        }
        const no = PROD_MIN_TASKS - 1;
        assert.deepEqual(verdicts, [
            `${no} tasks: config refuses: Invalid configuration for stack "prod" (1 problem):\n  - stageline:services[web].minCount is ${no}; allowed: ${PROD_MIN_TASKS} or more in prod (at least two tasks, spread across AZs)`,
            `${no} tasks: prod-ecs-service-two-tasks refuses`,
            `${no} tasks: prod-autoscaling-min-two refuses`,
            `${no} tasks: prod-asg-two-azs refuses`,
            `${PROD_MIN_TASKS} tasks: config accepts`,
            `${PROD_MIN_TASKS} tasks: prod-ecs-service-two-tasks accepts`,
            `${PROD_MIN_TASKS} tasks: prod-autoscaling-min-two accepts`,
            `${PROD_MIN_TASKS} tasks: prod-asg-two-azs accepts`,
        ]);
    });

    it("GIVEN prod's database without Multi-AZ THEN the config refuses it, and the pack refuses the planned instance so changed", () => {
        const db = one(T.rdsInstance);
        const verdicts = [true, false].map((multiAz) => `multiAz ${multiAz}: config ${configSays(withPatch(prodRaw(), "database", { multiAz }))}, policy ${policySays("prod-rds-multi-az", [{ ...db, props: { ...db.props, multiAz } }])}`);
        assert.deepEqual(verdicts, [
            "multiAz true: config accepts, policy accepts",
            'multiAz false: config refuses: Invalid configuration for stack "prod" (1 problem):\n  - stageline:database.multiAz is false; allowed: true in prod (production\'s database is Multi-AZ), policy refuses',
        ]);
    });

    it(`GIVEN subnets in ${SUBNET_MIN_AZS - 1} and ${SUBNET_MIN_AZS} AZs in any stage THEN the config and the Environment refuse and accept the same (an ALB and a DB subnet group need two, lib/awsLimits.ts)`, () => {
        const verdicts: string[] = [];
        const ok = loadSettings(STACK, raw());
        for (const n of [SUBNET_MIN_AZS - 1, SUBNET_MIN_AZS]) {
            const availabilityZones = ok.network.availabilityZones.slice(0, n);
            const config = (() => {
                try {
                    loadSettings(STACK, withPatch(raw(), "network", { azCount: 1, natGateways: "single", availabilityZones }));
                    return "accepts";
                } catch {
                    return "refuses";
                }
            })();
            const env = validateEnvironmentArgs({ stage: ok.stage, region: ok.region, network: { ...ok.network, azCount: 1, natGateways: "single", availabilityZones }, edge: ok.edge, alerts: ok.alerts, keepData: holdsProductionData(ok), tags: {} });
            verdicts.push(`${n} AZs: config ${config}, Environment ${env.length === 0 ? "accepts" : "refuses"}`);
        }
        assert.deepEqual(verdicts, [`${SUBNET_MIN_AZS - 1} AZs: config refuses, Environment refuses`, `${SUBNET_MIN_AZS} AZs: config accepts, Environment accepts`]);
    });

    it("GIVEN the platform's TLS policy (lib/tlsPolicy.ts) THEN prod's HTTPS listener uses it and the pack's TLS 1.2+ rule (prod-alb-tls-policy) accepts it, and refuses AWS's 2016 default", () => {
        assert.ok(TLS12_POLICY.test(PLATFORM_TLS_POLICY));
        const https = planned.filter((x) => (x.type === T.listener || x.type === T.albListener) && x.props.protocol === "HTTPS");
        assert.equal(https.length, 1);
        assert.equal(https[0].props.sslPolicy, PLATFORM_TLS_POLICY);
        const says = (sslPolicy: string) => judgeStack([{ ...https[0], props: { ...https[0].props, sslPolicy } }]).filter((v) => v.policy === "prod-alb-tls-policy").map((v) => v.message);
        assert.deepEqual(says(PLATFORM_TLS_POLICY), []);
        assert.deepEqual(says("ELBSecurityPolicy-2016-08"), [`HTTPS listener "${https[0].name}" must use a TLS 1.2+ policy (sslPolicy is ELBSecurityPolicy-2016-08).`]);
    });
});
