/**
 * AppService and StageDashboard under the mock harness: every stage's services run rolling,
 * zero-downtime deploys in private subnets, read database credentials from the secret, alarm to
 * the stage topic; two services in one stage never collide; maintenance mode swaps the rule's
 * action for a 503 page and removes nothing; bad service config fails naming service and key.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { loadSettings, readStackFile, RawConfig } from "../infra/config";
import { ConfigError } from "../infra/errors";
import { ServiceSettings, StageSettings } from "../infra/settings";
import { AppServiceArgs, pathMatches, validateAppServiceArgs } from "../components/appService";
import { EnvironmentRefs } from "../components/types";
import { serviceArgsOf } from "../infra/program";
import { findResource, ofType, planStack, PlannedResource, prodFixtureOutputs, ROOT, stackSettings, StackPlan, fixtureReferences } from "../tools/harness";

const T = {
    service: "aws:ecs/service:Service",
    task: "aws:ecs/taskDefinition:TaskDefinition",
    repo: "aws:ecr/repository:Repository",
    lifecycle: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    tg: "aws:lb/targetGroup:TargetGroup",
    rule: "aws:lb/listenerRule:ListenerRule",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    dashboard: "aws:cloudwatch/dashboard:Dashboard",
    subnet: "aws:ec2/subnet:Subnet",
    scalingPolicy: "aws:appautoscaling/policy:Policy",
    scalingTarget: "aws:appautoscaling/target:Target",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    role: "aws:iam/role:Role",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
} as const;

interface Container {
    name: string;
    image: string;
    user: string;
    readonlyRootFilesystem: boolean;
    privileged: boolean;
    environment: { name: string; value: string }[];
    secrets: { name: string; valueFrom: string }[];
    portMappings: { containerPort: number }[];
    logConfiguration: { logDriver: string; options: Record<string, string> };
}

function containers(task: PlannedResource): Container[] {
    return JSON.parse(String(task.inputs.containerDefinitions)) as Container[];
}

/** Stack-reference outputs a stage reads, as `planStackFile` provides them. */
function refsFor(s: StageSettings): Record<string, Record<string, unknown>> {
    const refs: Record<string, Record<string, unknown>> = {};
    Object.assign(refs, fixtureReferences(s));
    return refs;
}

/** Unchanged stack files are planned once per file (hooks run one after another). */
const filePlans = new Map<string, Promise<StackPlan>>();
function planFile(stack: string): Promise<StackPlan> {
    if (!filePlans.has(stack)) filePlans.set(stack, planWith(stack, () => ({})));
    return filePlans.get(stack) as Promise<StackPlan>;
}

/** Plans a stack file's settings with some keys changed. */
function planWith(stack: string, change: (s: StageSettings) => Partial<StageSettings>): Promise<StackPlan> {
    const base = stackSettings(stack);
    const s = { ...base, ...change(base) };
    return planStack(s, { stackOutputs: refsFor(s) });
}

/** The database secret a stage's services must read: its own, or prod's for staging. */
function dbSecretArn(plan: StackPlan): string {
    const own = plan.outputs.dbSecretArn as string | undefined;
    return own ?? String(prodFixtureOutputs(plan.settings.region).dbSecretArn);
}

function policyDoc(r: PlannedResource): { Statement: { Sid?: string; Action: string[]; Resource: string | string[] }[] } {
    return JSON.parse(String(r.inputs.policy));
}

const STACKS = ["dev", "test", "staging", "prod"] as const;

describe("AppService: every stage", function () {
    const plans: Record<string, StackPlan> = {};
    before(async function () {
        this.timeout(120_000);
        // Sequentially: the Pulumi runtime is global.
        for (const stack of STACKS) plans[stack] = await planFile(stack);
    });

    for (const stack of STACKS) {
        describe(stack, () => {
            it("runs each service on Fargate in the stage's workload subnets, without public IPs", () => {
                const plan = plans[stack];
                const services = ofType(plan, T.service);
                assert.equal(services.length, plan.settings.services.length);
                for (const svc of services) {
                    assert.equal(svc.inputs.launchType, "FARGATE");
                    const net = svc.inputs.networkConfiguration as { subnets: string[]; securityGroups: string[]; assignPublicIp: boolean };
                    assert.equal(net.assignPublicIp, false);
                    assert.equal(net.subnets.length, plan.settings.network.azCount);
                    assert.equal(svc.inputs.enableExecuteCommand, false);
                }
            });

            it("deploys rolling (min 100 %, max 200 %) with the circuit breaker rolling back a bad image", () => {
                for (const svc of ofType(plans[stack], T.service)) {
                    assert.equal(svc.inputs.deploymentMinimumHealthyPercent, 100);
                    assert.equal(svc.inputs.deploymentMaximumPercent, 200);
                    assert.deepEqual(svc.inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
                }
            });

            it("leaves the image and the task count to the pipeline and autoscaling (ignoreChanges)", () => {
                for (const svc of ofType(plans[stack], T.service)) {
                    assert.deepEqual([...svc.options.ignoreChanges].sort(), ["desiredCount", "taskDefinition"]);
                }
            });

            it("reads database credentials from the database secret, never from plain environment", () => {
                const plan = plans[stack];
                const secret = dbSecretArn(plan);
                for (const task of ofType(plan, T.task)) {
                    const [c] = containers(task);
                    assert.deepEqual(c.secrets, [
                        { name: "DB_USERNAME", valueFrom: `${secret}:username::` },
                        { name: "DB_PASSWORD", valueFrom: `${secret}:password::` },
                    ]);
                    const names = c.environment.map((e) => e.name);
                    assert.ok(names.includes("DB_HOST") && names.includes("DB_PORT") && names.includes("DB_NAME"), names.join(","));
                    assert.ok(!names.some((n) => /PASSWORD|SECRET|USERNAME/.test(n)), `plain environment holds ${names.join(",")}`);
                }
            });

            it("runs the container as a non-root user on a read-only root filesystem, unprivileged", () => {
                for (const task of ofType(plans[stack], T.task)) {
                    assert.deepEqual(task.inputs.requiresCompatibilities, ["FARGATE"]);
                    assert.equal(task.inputs.networkMode, "awsvpc");
                    const [c] = containers(task);
                    assert.match(c.user, /^[1-9]\d*(:\d+)?$/);
                    assert.equal(c.readonlyRootFilesystem, true);
                    assert.equal(c.privileged, false);
                    assert.equal(c.logConfiguration.logDriver, "awslogs");
                }
            });

            it("sends the 5xx, p95 latency, unhealthy-host and running-task alarms to the stage topic", () => {
                const plan = plans[stack];
                const topic = plan.outputs.alarmTopicArn;
                assert.ok(typeof topic === "string" && topic.startsWith("arn:aws:sns:"), String(topic));
                for (const svc of plan.settings.services) {
                    const alarms = ofType(plan, T.alarm).filter((a) => a.name.startsWith(`${stack}-${svc.name}-`));
                    const metrics = alarms.map((a) => a.inputs.metricName).sort();
                    assert.deepEqual(metrics, ["HTTPCode_Target_5XX_Count", "RunningTaskCount", "TargetResponseTime", "UnHealthyHostCount"]);
                    for (const a of alarms) assert.deepEqual(a.inputs.alarmActions, [topic], a.name);
                    const p95 = alarms.find((a) => a.inputs.metricName === "TargetResponseTime");
                    assert.equal(p95?.inputs.extendedStatistic, "p95");
                    const running = alarms.find((a) => a.inputs.metricName === "RunningTaskCount");
                    assert.equal(running?.inputs.namespace, "ECS/ContainerInsights");
                    assert.equal(running?.inputs.threshold, svc.minCount);
                    assert.equal(running?.inputs.comparisonOperator, "LessThanThreshold");
                }
            });

            it("has one dashboard for the stage with each service's graphs", () => {
                const plan = plans[stack];
                const dashboards = ofType(plan, T.dashboard);
                assert.equal(dashboards.length, 1);
                const body = JSON.parse(String(dashboards[0].inputs.dashboardBody)) as { widgets: { properties: { title: string } }[] };
                for (const svc of plan.settings.services) {
                    const titles = body.widgets.map((w) => w.properties.title).filter((t) => t.startsWith(`${svc.name}: `));
                    assert.deepEqual(titles, [`${svc.name}: requests`, `${svc.name}: 5xx`, `${svc.name}: p95 latency (s)`, `${svc.name}: CPU / memory (%)`, `${svc.name}: running tasks`]);
                }
            });

            it("keeps images in an immutable, scanned, KMS-encrypted repository with a lifecycle policy", () => {
                const plan = plans[stack];
                const repos = ofType(plan, T.repo);
                assert.equal(repos.length, plan.settings.services.length);
                for (const repo of repos) {
                    assert.equal(repo.inputs.imageTagMutability, "IMMUTABLE");
                    assert.deepEqual(repo.inputs.imageScanningConfiguration, { scanOnPush: true });
                    assert.equal((repo.inputs.encryptionConfigurations as { encryptionType: string }[])[0].encryptionType, "KMS");
                }
                const rules = ofType(plan, T.lifecycle).map((l) => JSON.parse(String(l.inputs.policy)).rules as { selection: { tagStatus: string; countNumber: number } }[]);
                assert.equal(rules.length, repos.length);
                for (const r of rules) assert.deepEqual(r.map((x) => x.selection.tagStatus), ["untagged", "tagged"]);
                // Release artifacts outlive a stack only in prod.
                for (const repo of repos) {
                    assert.equal(repo.options.protect, stack === "prod");
                    assert.equal(repo.options.retainOnDelete, stack === "prod");
                }
            });

            it("gives the execution role scoped actions only; '*' resource only for the registry token", () => {
                const plan = plans[stack];
                for (const svc of plan.settings.services) {
                    const doc = policyDoc(findResource(plan, T.rolePolicy, `${stack}-${svc.name}-execution`));
                    for (const st of doc.Statement) {
                        for (const a of st.Action) assert.ok(!a.includes("*"), `action ${a}`);
                        if (st.Resource === "*") assert.deepEqual(st.Action, ["ecr:GetAuthorizationToken"]);
                    }
                    const secretSt = doc.Statement.find((st) => st.Action.includes("secretsmanager:GetSecretValue"));
                    assert.equal(secretSt?.Resource, dbSecretArn(plan));
                    const trust = JSON.parse(String(findResource(plan, T.role, `${stack}-${svc.name}-execution`).inputs.assumeRolePolicy));
                    assert.deepEqual(trust.Statement[0].Principal, { Service: "ecs-tasks.amazonaws.com" });
                    assert.ok(trust.Statement[0].Condition.StringEquals["aws:SourceAccount"]);
                }
            });
        });
    }

    it("prod runs at least two tasks, in subnets of at least two distinct AZs", () => {
        const plan = plans.prod;
        const azOf = new Map(ofType(plan, T.subnet).map((s) => [s.id, String(s.inputs.availabilityZone)]));
        for (const svc of ofType(plan, T.service)) {
            assert.ok(Number(svc.inputs.desiredCount) >= 2, `desiredCount ${svc.inputs.desiredCount}`);
            const subnets = (svc.inputs.networkConfiguration as { subnets: string[] }).subnets;
            const azs = new Set(subnets.map((id) => azOf.get(id)));
            assert.ok(!azs.has(undefined), `unknown subnet among ${subnets.join(", ")}`);
            assert.ok(azs.size >= 2, `tasks in ${[...azs].join(", ")}`);
        }
        for (const t of ofType(plan, T.scalingTarget)) assert.ok(Number(t.inputs.minCapacity) >= 2);
    });

    it("without an uploads bucket the task role has no policy at all", () => {
        for (const stack of STACKS) {
            if (plans[stack].settings.uploads.enabled) continue;
            assert.equal(ofType(plans[stack], T.rolePolicy).filter((p) => p.name.endsWith("-task-uploads")).length, 0, stack);
        }
    });
});

describe("AppService: two services in one stage (web + api)", function () {
    let plan: StackPlan;
    before(async function () {
        this.timeout(60_000);
        plan = await planWith("test", (s) => {
            const web = s.services[0];
            const api: ServiceSettings = { ...web, name: "api", port: 9090, priority: 10, pathPatterns: ["/api/*"], hostHeaders: ["test.example.com"], healthCheckPath: "/api/health" };
            return { services: [web, api], uploads: { enabled: true } };
        });
    });

    it("gives each its own ECS service, repository, task family, target group and listener priority", () => {
        const distinct = (type: string, pick: (r: PlannedResource) => unknown) => {
            const values = ofType(plan, type).map(pick);
            assert.equal(values.length, 2, type);
            assert.equal(new Set(values).size, 2, `${type}: ${values.join(", ")}`);
            return values;
        };
        distinct(T.service, (r) => r.outputs.name);
        distinct(T.repo, (r) => r.outputs.name);
        distinct(T.task, (r) => r.inputs.family);
        distinct(T.tg, (r) => r.outputs.name);
        assert.deepEqual(distinct(T.rule, (r) => r.inputs.priority).sort(), [10, 100]);
        const logs = ["web", "api"].map((svc) => findResource(plan, T.logGroup, `test-${svc}-logs`).inputs.name);
        assert.deepEqual(logs, ["/ecs/test-web", "/ecs/test-api"]);
    });

    it("routes api by path AND host, each rule to its own target group", () => {
        const api = findResource(plan, T.rule, "test-api-rule");
        assert.deepEqual(api.inputs.conditions, [{ pathPattern: { values: ["/api/*"] } }, { hostHeader: { values: ["test.example.com"] } }]);
        for (const svc of ["web", "api"]) {
            const rule = findResource(plan, T.rule, `test-${svc}-rule`);
            const tg = findResource(plan, T.tg, `test-${svc}-tg`);
            assert.deepEqual(rule.inputs.actions, [{ type: "forward", targetGroupArn: tg.outputs.arn }]);
            const svcLbs = findResource(plan, T.service, `test-${svc}`).inputs.loadBalancers as { targetGroupArn: string; containerName: string }[];
            assert.deepEqual(svcLbs.map((l) => [l.targetGroupArn, l.containerName]), [[tg.outputs.arn, svc]]);
        }
        assert.equal(findResource(plan, T.tg, "test-api-tg").inputs.port, 9090);
        assert.equal((findResource(plan, T.tg, "test-api-tg").inputs.healthCheck as { path: string }).path, "/api/health");
    });

    it("scales each on CPU and on requests per target of its own target group", () => {
        const alb = ofType(plan, "aws:lb/loadBalancer:LoadBalancer")[0].outputs.arnSuffix;
        for (const svc of ["web", "api"]) {
            const tg = findResource(plan, T.tg, `test-${svc}-tg`);
            const req = findResource(plan, T.scalingPolicy, `test-${svc}-requests-scaling`).inputs.targetTrackingScalingPolicyConfiguration as {
                predefinedMetricSpecification: { predefinedMetricType: string; resourceLabel: string };
            };
            assert.equal(req.predefinedMetricSpecification.predefinedMetricType, "ALBRequestCountPerTarget");
            assert.equal(req.predefinedMetricSpecification.resourceLabel, `${alb}/${tg.outputs.arnSuffix}`);
            const cpu = findResource(plan, T.scalingPolicy, `test-${svc}-cpu-scaling`).inputs.targetTrackingScalingPolicyConfiguration as {
                predefinedMetricSpecification: { predefinedMetricType: string };
            };
            assert.equal(cpu.predefinedMetricSpecification.predefinedMetricType, "ECSServiceAverageCPUUtilization");
        }
    });

    it("shows both on the one stage dashboard", () => {
        const [d] = ofType(plan, T.dashboard);
        const titles = (JSON.parse(String(d.inputs.dashboardBody)).widgets as { properties: { title: string } }[]).map((w) => w.properties.title);
        assert.ok(titles.includes("web: requests") && titles.includes("api: requests"), titles.join(" | "));
    });

    it("with uploads on, lets the tasks get and put objects in the uploads bucket only", () => {
        const bucket = ofType(plan, "aws:s3/bucket:Bucket").find((b) => b.name.startsWith("test-uploads"));
        assert.ok(bucket, "no uploads bucket");
        for (const svc of ["web", "api"]) {
            const doc = policyDoc(findResource(plan, T.rolePolicy, `test-${svc}-task-uploads`));
            const s3 = doc.Statement.find((st) => st.Sid === "ReadWriteUploads");
            assert.deepEqual(s3?.Action, ["s3:GetObject", "s3:PutObject"]);
            assert.equal(s3?.Resource, `${bucket.outputs.arn}/*`);
        }
    });
});

describe("AppService: maintenance mode", function () {
    let normal: StackPlan;
    let maintenance: StackPlan;
    before(async function () {
        this.timeout(60_000);
        normal = await planFile("prod");
        maintenance = await planWith("prod", () => ({ maintenance: true }));
    });

    it("GIVEN maintenance: true WHEN planned THEN the same rule answers a fixed 503 page instead of forwarding", () => {
        const before_ = findResource(normal, T.rule, "prod-web-rule");
        const after = findResource(maintenance, T.rule, "prod-web-rule");
        assert.equal(after.inputs.priority, before_.inputs.priority);
        assert.deepEqual(after.inputs.conditions, before_.inputs.conditions);
        assert.equal(after.inputs.listenerArn, before_.inputs.listenerArn);
        const actions = after.inputs.actions as { type: string; fixedResponse: { statusCode: string; contentType: string; messageBody: string } }[];
        assert.equal(actions.length, 1);
        assert.equal(actions[0].type, "fixed-response");
        assert.equal(actions[0].fixedResponse.statusCode, "503");
        assert.equal(actions[0].fixedResponse.contentType, "text/html");
        assert.match(actions[0].fixedResponse.messageBody, /maintenance/);
        assert.ok(Buffer.byteLength(actions[0].fixedResponse.messageBody) <= 1024);
        assert.equal((before_.inputs.actions as { type: string }[])[0].type, "forward");
    });

    it("removes nothing: the same resources (URNs) exist in both modes, the service keeps running", () => {
        const urns = (p: StackPlan) => p.resources.map((r) => r.urn).sort();
        assert.equal(maintenance.resources.length, normal.resources.length);
        assert.deepEqual(urns(maintenance), urns(normal));
        const svc = findResource(maintenance, T.service, "prod-web");
        assert.equal(svc.inputs.desiredCount, findResource(normal, T.service, "prod-web").inputs.desiredCount);
        assert.equal(maintenance.outputs.services && (maintenance.outputs.services as Record<string, { maintenance: boolean }>).web.maintenance, true);
    });
});

describe("AppService: argument validation (before any resource)", () => {
    const env = { workloadSubnetIds: [1, 2, 3] } as unknown as EnvironmentRefs;
    const service = stackSettings("prod").services[0];
    const args = (s: Partial<ServiceSettings>, more: Partial<AppServiceArgs> = {}): AppServiceArgs =>
        ({ stage: "prod", ...serviceArgsOf({ ...service, ...s }), env, maintenance: false, tags: {}, ...more }) as unknown as AppServiceArgs;

    it("accepts the prod service as configured", () => {
        assert.deepEqual(validateAppServiceArgs("prod-web", args({})), []);
    });

    it("refuses a rule without conditions, naming the service", () => {
        assert.deepEqual(validateAppServiceArgs("prod-web", args({ pathPatterns: [], hostHeaders: [] })), [
            `service "web" (prod-web) has no pathPatterns and no hostHeaders: the listener rule needs at least one condition`,
        ]);
    });

    it("refuses more condition values than a rule evaluates, a root user and a reserved variable", () => {
        const problems = validateAppServiceArgs("prod-web", args({ pathPatterns: ["/a", "/b", "/c", "/d"], hostHeaders: ["x.example.com", "y.example.com"], user: "0:0", environment: { DB_PASSWORD: "x" } }));
        assert.deepEqual(problems, [
            `service "web" (prod-web) has 6 path patterns and host headers; a listener rule evaluates at most 5`,
            `service "web" (prod-web) runs as user "0:0"; allowed: a non-root uid[:gid] such as 1000:1000`,
            `service "web" (prod-web) sets DB_PASSWORD in environment; the component sets it from the database connection`,
        ]);
    });

    it("refuses two or more tasks with workload subnets in one AZ", () => {
        const oneAz = { workloadSubnetIds: [1] } as unknown as EnvironmentRefs;
        assert.deepEqual(validateAppServiceArgs("prod-web", args({}, { env: oneAz })), [
            `service "web" (prod-web) runs at least 2 tasks but the stage has workload subnets in one AZ; tasks could not spread across AZs`,
        ]);
    });

    it("matches ALB path patterns as the load balancer does", () => {
        assert.ok(pathMatches("/*", "/health"));
        assert.ok(pathMatches("/api/*", "/api/health"));
        assert.ok(!pathMatches("/api/*", "/health"));
        assert.ok(pathMatches("/v?/x", "/v1/x"));
    });
});

describe("config: a bad service entry names the service and the key", () => {
    const raw: RawConfig = readStackFile(path.join(ROOT, "Pulumi.prod.yaml")).config;
    const web = JSON.parse(raw["stageline:services"])[0] as Record<string, unknown>;
    const problems = (services: unknown[]): string[] => {
        try {
            loadSettings("prod", { ...raw, "stageline:services": JSON.stringify(services) });
        } catch (e) {
            assert.ok(e instanceof ConfigError, String(e));
            return e.problems.map((p) => `${p.key} is ${p.given}; allowed: ${p.allowed}`);
        }
        return assert.fail("the config was accepted");
    };
    const api = { ...web, name: "api", priority: 20, pathPatterns: ["/api/*"] };

    it("a duplicate name", () => {
        assert.deepEqual(problems([web, { ...web, priority: 20 }]), [`stageline:services[web].name is "web" 2 times; allowed: a name unique in the stage`]);
    });

    it("a port out of range", () => {
        assert.deepEqual(problems([web, { ...api, port: 70000 }]), ["stageline:services[api].port is 70000; allowed: an integer from 1 to 65535"]);
    });

    it("fewer than two tasks in prod", () => {
        assert.deepEqual(problems([web, { ...api, minCount: 1, desiredCount: 1 }]), [
            "stageline:services[api].minCount is 1; allowed: 2 or more in prod (at least two tasks, spread across AZs)",
        ]);
    });

    it("a catch-all service evaluated before another, which would never be reached", () => {
        assert.deepEqual(problems([{ ...web, priority: 100 }, { ...api, priority: 110 }]), [
            `stageline:services[web].priority is 100; allowed: a number above every other service's priority: its path "/*" catches every request first, so api would never be reached`,
        ]);
        assert.doesNotThrow(() => loadSettings("prod", { ...raw, "stageline:services": JSON.stringify([{ ...web, priority: 200 }, { ...api, priority: 110 }]) }));
    });

    it("a shared listener priority", () => {
        assert.deepEqual(problems([web, { ...api, priority: web.priority ?? 100 }]), [
            `stageline:services[api].priority is ${String(web.priority ?? 100)}; allowed: a listener priority unique in the stage (web and api share it)`,
        ]);
    });
});
