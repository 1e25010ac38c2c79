/**
 * Issue 20, finding 1: the database secret rotates (RDS: every 7 days) but ECS tasks read it only
 * at start. Every stack whose tasks read the secret redeploys them when it rotates: an
 * EventBridge rule on Secrets Manager's RotationSucceeded for THAT secret starts a state machine
 * that forces a new deployment of exactly the stage's services (components/rotationRestart.ts).
 */
import { strict as assert } from "assert";
import { ofType, planStackFile, PlannedResource, StackPlan } from "../tools/harness";
import { rotationEventPattern, restartDefinition, UPDATE_SERVICE_RESOURCE, validateRotationRestartArgs, RotationRestartArgs } from "../components/rotationRestart";

const RULE = "aws:cloudwatch/eventRule:EventRule";
const TARGET = "aws:cloudwatch/eventTarget:EventTarget";
const MACHINE = "aws:sfn/stateMachine:StateMachine";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";

/** EventBridge matching for the pattern forms we use: arrays of exact values, nested objects. */
function matches(pattern: unknown, event: unknown): boolean {
    if (Array.isArray(pattern)) return pattern.includes(event as never);
    if (pattern && typeof pattern === "object") {
        if (!event || typeof event !== "object") return false;
        return Object.entries(pattern).every(([k, p]) => matches(p, (event as Record<string, unknown>)[k]));
    }
    return false;
}

/** A RotationSucceeded CloudTrail service event as Secrets Manager logs it. */
function rotationSucceeded(secretArn: string, eventName = "RotationSucceeded"): Record<string, unknown> {
    return {
        source: "aws.secretsmanager",
        "detail-type": "AWS Service Event via CloudTrail",
        detail: { eventSource: "secretsmanager.amazonaws.com", eventName, eventType: "AwsServiceEvent", additionalEventData: { SecretId: secretArn } },
    };
}

/** The secret ARN the stack's task definitions inject as DB_PASSWORD. */
function secretTasksRead(plan: StackPlan): string {
    const arns = new Set<string>();
    for (const td of ofType(plan, "aws:ecs/taskDefinition:TaskDefinition")) {
        for (const c of JSON.parse(String(td.inputs.containerDefinitions)) as { secrets?: { name: string; valueFrom: string }[] }[]) {
            const pw = c.secrets?.find((s) => s.name === "DB_PASSWORD");
            if (pw) arns.add(pw.valueFrom.replace(/:password::$/, ""));
        }
    }
    assert.equal(arns.size, 1, `${plan.stack}'s tasks read one database secret (${[...arns].join(", ")})`);
    return [...arns][0];
}

function policyOf(plan: StackPlan, role: PlannedResource): { Statement: { Action: string[]; Resource: string | string[] }[] } {
    const policies = ofType(plan, ROLE_POLICY).filter((p) => p.inputs.role === role.outputs.name);
    assert.equal(policies.length, 1, `${role.name} has one inline policy`);
    return JSON.parse(String(policies[0].inputs.policy));
}

for (const stack of ["dev", "test", "staging", "prod"]) {
    describe(`GIVEN ${stack}'s stack file: a rotation of the database secret redeploys the stage's services`, () => {
        let plan: StackPlan;
        before(async () => {
            plan = await planStackFile(stack);
        });

        it("THEN exactly one rule matches RotationSucceeded of the very secret the stage's tasks read, and nothing else", () => {
            const secret = secretTasksRead(plan);
            if (stack === "staging") assert.match(secret, /secret:rds!db-/, "staging reads prod's secret (from the contract)");
            const rules = ofType(plan, RULE).filter((r) => String(r.inputs.eventPattern ?? "").includes("RotationSucceeded"));
            assert.equal(rules.length, 1);
            const pattern = JSON.parse(String(rules[0].inputs.eventPattern));
            assert.ok(matches(pattern, rotationSucceeded(secret)), "the rotation of the secret matches");
            assert.ok(!matches(pattern, rotationSucceeded(`${secret}x`)), "another secret's rotation does not");
            assert.ok(!matches(pattern, rotationSucceeded(secret, "RotationStarted")), "a rotation that has only started does not");
            assert.ok(!matches(pattern, rotationSucceeded(secret, "RotateSecret")), "the RotateSecret request does not");
        });

        it("THEN its target starts the restart state machine with a role that may start only that machine", () => {
            const [rule] = ofType(plan, RULE).filter((r) => String(r.inputs.eventPattern ?? "").includes("RotationSucceeded"));
            const targets = ofType(plan, TARGET).filter((t) => t.inputs.rule === rule.outputs.name);
            assert.equal(targets.length, 1);
            const machines = ofType(plan, MACHINE);
            assert.equal(machines.length, 1);
            assert.equal(targets[0].inputs.arn, machines[0].outputs.arn);
            const role = ofType(plan, ROLE).find((r) => r.outputs.arn === targets[0].inputs.roleArn)!;
            assert.match(String(role.inputs.assumeRolePolicy), /events\.amazonaws\.com/);
            assert.deepEqual(policyOf(plan, role).Statement.map((s) => [s.Action, s.Resource]), [[["states:StartExecution"], machines[0].outputs.arn]]);
        });

        it("THEN the state machine forces a new deployment of every service of the stage, and its role may update exactly those", () => {
            const [machine] = ofType(plan, MACHINE);
            const cluster = ofType(plan, "aws:ecs/cluster:Cluster")[0].outputs.name as string;
            const services = ofType(plan, "aws:ecs/service:Service").map((s) => s.outputs.name as string).sort();
            assert.ok(services.length >= 1);
            const def = JSON.parse(String(machine.inputs.definition));
            const calls = (def.States.RestartServices.Branches as { States: Record<string, { Resource: string; Parameters: Record<string, unknown> }> }[]).map((b) => Object.values(b.States)[0]);
            assert.ok(calls.every((c) => c.Resource === UPDATE_SERVICE_RESOURCE && c.Parameters.Cluster === cluster && c.Parameters.ForceNewDeployment === true));
            assert.deepEqual(calls.map((c) => c.Parameters.Service).sort(), services);
            const role = ofType(plan, ROLE).find((r) => r.outputs.arn === machine.inputs.roleArn)!;
            assert.match(String(role.inputs.assumeRolePolicy), /states\.amazonaws\.com/);
            const [statement] = policyOf(plan, role).Statement;
            assert.deepEqual(statement.Action, ["ecs:UpdateService"]);
            assert.deepEqual(
                [...(statement.Resource as string[])].sort(),
                services.map((s) => `arn:aws:ecs:${plan.settings.region}:123456789012:service/${cluster}/${s}`),
            );
        });
    });
}

describe("RotationRestart's pure parts", () => {
    it("the pattern names the secret under additionalEventData.SecretId (where Secrets Manager logs it)", () => {
        assert.deepEqual(rotationEventPattern("arn:s").detail, { eventSource: ["secretsmanager.amazonaws.com"], eventName: ["RotationSucceeded"], additionalEventData: { SecretId: ["arn:s"] } });
    });
    it("one parallel branch per service, so one failing restart does not hold back the others", () => {
        const def = restartDefinition("c", [{ name: "web", ecsServiceName: "w-1" }, { name: "api", ecsServiceName: "a-1" }]) as { States: { RestartServices: { Type: string; Branches: unknown[] } } };
        assert.equal(def.States.RestartServices.Type, "Parallel");
        assert.equal(def.States.RestartServices.Branches.length, 2);
    });
    it("refuses no services and a service listed twice", () => {
        const base = { stage: "dev", secretArn: "s", region: "eu-west-1", accountId: "1", clusterName: "c", tags: {} } as const;
        assert.deepEqual(validateRotationRestartArgs({ ...base, services: [] } as RotationRestartArgs), ["services is empty; allowed: at least one ECS service that reads the secret"]);
        assert.deepEqual(validateRotationRestartArgs({ ...base, services: [{ name: "web", ecsServiceName: "a" }, { name: "web", ecsServiceName: "b" }] } as RotationRestartArgs), ["services lists web more than once; allowed: each service once"]);
    });
});
