/**
 * The EC2 runtime next to the Fargate one, under the mock harness: a test stage with `web` on
 * Fargate and `legacy` on EC2, the same with maintenance on, and prod with an EC2 service.
 * What a user cares about: instances are locked down (IMDSv2, encrypted volumes, no public IP),
 * spread over AZs, refreshed without losing capacity, behind the same routing/alarms/dashboard
 * as containers; the stage's image pipeline writes the parameter the instances launch from; and
 * config refuses an EC2 service prod could lose.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { loadSettings, readStackFile } from "../infra/config";
import { ConfigError } from "../infra/errors";
import { StageSettings } from "../infra/settings";
import { judgeStack } from "../policy/run";
import { findResource, ofType, planStack, PlannedResource, ROOT, stackSettings, StackPlan, fixtureReferences } from "../tools/harness";
import { LEGACY, WEB } from "./fixtures/shapes";


/** A stack file's config with other services (defaults applied by the real config loader). */
function rawWith(stack: string, services: unknown[]): Record<string, string> {
    return { ...readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`)).config, "stageline:services": JSON.stringify(services) };
}

function settingsWith(stack: string, services: unknown[], change: Partial<StageSettings> = {}): StageSettings {
    return { ...stackSettings(stack), services: loadSettings(stack, rawWith(stack, services)).services, ...change };
}

function refsFor(s: StageSettings): Record<string, Record<string, unknown>> {
    const refs: Record<string, Record<string, unknown>> = {};
    Object.assign(refs, fixtureReferences(s));
    return refs;
}

const plan = (s: StageSettings) => planStack(s, { stackOutputs: refsFor(s) });

/** Every resource below a component (children, grandchildren...). */
function descendants(p: StackPlan, root: PlannedResource): PlannedResource[] {
    const out: PlannedResource[] = [];
    const walk = (urn: string) => {
        for (const r of p.resources.filter((x) => x.parent === urn)) {
            out.push(r);
            walk(r.urn);
        }
    };
    walk(root.urn);
    return out;
}

const typesUnder = (p: StackPlan, component: string) => new Set(descendants(p, findResource(p, "stageline:app:AppService", component)).map((r) => r.type));

describe("EC2 runtime next to Fargate", function () {
    this.timeout(60_000);
    let test: StackPlan;
    let maintenance: StackPlan;
    let prod: StackPlan;

    before(async () => {
        // Sequential: the Pulumi runtime is global.
        test = await plan(settingsWith("test", [WEB, LEGACY]));
        maintenance = await plan(settingsWith("test", [WEB, LEGACY], { maintenance: true }));
        prod = await plan(settingsWith("prod", [{ ...WEB, minCount: 2, desiredCount: 2 }, LEGACY]));
    });

    describe("GIVEN a test stage with web on Fargate and legacy on EC2", () => {
        it("THEN each service gets its own runtime's compute and only that", () => {
            const web = typesUnder(test, "test-web");
            const legacy = typesUnder(test, "test-legacy");
            for (const t of ["aws:ecs/service:Service", "aws:ecs/taskDefinition:TaskDefinition", "aws:ecr/repository:Repository"]) {
                assert.ok(web.has(t), `web has ${t}`);
                assert.ok(!legacy.has(t), `legacy has no ${t}`);
            }
            // (Both have an SSM parameter: legacy's AMI, web's task-definition record for the pipeline.)
            for (const t of ["aws:autoscaling/group:Group", "aws:ec2/launchTemplate:LaunchTemplate", "aws:imagebuilder/imagePipeline:ImagePipeline"]) {
                assert.ok(legacy.has(t), `legacy has ${t}`);
                assert.ok(!web.has(t), `web has no ${t}`);
            }
            assert.equal(ofType(test, "aws:autoscaling/group:Group").length, 1);
            assert.equal(ofType(test, "aws:ecs/service:Service").length, 1);
        });

        it("THEN the launch template requires IMDSv2 with one hop, encrypts gp3 volumes with the stage key and assigns no public IP", () => {
            const lt = findResource(test, "aws:ec2/launchTemplate:LaunchTemplate", "test-legacy-lt").inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
            assert.equal(lt.metadataOptions.httpTokens, "required");
            assert.equal(lt.metadataOptions.httpPutResponseHopLimit, 1);
            const key = ofType(test, "aws:kms/key:Key")[0].outputs.arn;
            assert.deepEqual(
                lt.blockDeviceMappings.map((d: { ebs: Record<string, unknown> }) => [d.ebs.encrypted, d.ebs.volumeType, d.ebs.kmsKeyId]),
                [["true", "gp3", key]],
            );
            assert.deepEqual(lt.networkInterfaces.map((n: Record<string, unknown>) => n.associatePublicIpAddress), ["false"]);
        });

        it("THEN instances launch from the stage's AMI parameter, which the stack seeds once and then leaves to the image pipeline", () => {
            const param = findResource(test, "aws:ssm/parameter:Parameter", "test-legacy-ami-id");
            assert.equal(param.inputs.name, "/stageline/test/legacy/ami-id");
            assert.equal(param.inputs.value, "ami-0123456789abcdef0");
            assert.equal(param.inputs.dataType, "aws:ec2:image");
            assert.deepEqual(param.options.ignoreChanges, ["value"]);
            const lt = findResource(test, "aws:ec2/launchTemplate:LaunchTemplate", "test-legacy-lt");
            assert.equal(lt.inputs.imageId, "resolve:ssm:/stageline/test/legacy/ami-id");
        });

        it("THEN the image pipeline writes the new AMI id into that same parameter of this stage, from an encrypted Amazon Linux 2023 build in a private subnet with IMDSv2", () => {
            const dist = findResource(test, "aws:imagebuilder/distributionConfiguration:DistributionConfiguration", "test-legacy-dist").inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
            assert.deepEqual(dist.distributions[0].ssmParameterConfigurations, [{ parameterName: "/stageline/test/legacy/ami-id", dataType: "aws:ec2:image" }]);
            const recipe = findResource(test, "aws:imagebuilder/imageRecipe:ImageRecipe", "test-legacy-recipe").inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
            assert.equal(recipe.parentImage, "ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64");
            assert.equal(recipe.blockDeviceMappings[0].ebs.encrypted, "true");
            const infra = findResource(test, "aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration", "test-legacy-infra").inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
            assert.equal(infra.instanceMetadataOptions.httpTokens, "required");
            const buildSubnet = ofType(test, "aws:ec2/subnet:Subnet").find((s) => s.id === infra.subnetId);
            assert.match(String(buildSubnet?.name), /-private-/, `build subnet ${infra.subnetId} is a private one`);
            const buildSg = findResource(test, "aws:ec2/securityGroup:SecurityGroup", "test-legacy-build");
            assert.equal(buildSg.inputs.ingress, undefined, "the build instance admits nothing");
            const component = findResource(test, "aws:imagebuilder/component:Component", "test-legacy-install");
            const bucket = findResource(test, "aws:s3/bucket:Bucket", "test-legacy-packages").outputs.bucket;
            assert.match(String(component.inputs.data), new RegExp(`source: s3://${bucket}/legacy/release\\.tar\\.gz`));
            const pipe = findResource(test, "aws:imagebuilder/imagePipeline:ImagePipeline", "test-legacy-images").inputs;
            assert.equal(pipe.schedule, undefined, "the delivery pipeline starts builds; no schedule");
        });

        it("THEN the Auto Scaling group spans the workload subnets of both AZs, checks health through the load balancer and refreshes without losing capacity", () => {
            const asg = findResource(test, "aws:autoscaling/group:Group", "test-legacy").inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
            assert.equal(asg.vpcZoneIdentifiers.length, 2);
            assert.equal(asg.minSize, 2);
            assert.equal(asg.healthCheckType, "ELB");
            assert.deepEqual(
                { strategy: asg.instanceRefresh.strategy, min: asg.instanceRefresh.preferences.minHealthyPercentage, max: asg.instanceRefresh.preferences.maxHealthyPercentage },
                { strategy: "Rolling", min: 100, max: 200 },
            );
            assert.ok(asg.enabledMetrics.includes("GroupInServiceInstances"));
            assert.deepEqual(findResource(test, "aws:autoscaling/group:Group", "test-legacy").options.ignoreChanges, ["desiredCapacity"]);
        });

        it("THEN both services sit behind the same listener through the same kind of target group: web by IP, legacy by instance", () => {
            const web = findResource(test, "aws:lb/targetGroup:TargetGroup", "test-web-tg").inputs;
            const legacy = findResource(test, "aws:lb/targetGroup:TargetGroup", "test-legacy-tg").inputs;
            assert.deepEqual([web.targetType, legacy.targetType], ["ip", "instance"]);
            assert.deepEqual(legacy.healthCheck, { ...(web.healthCheck as object), path: "/legacy/health" });
            const asg = findResource(test, "aws:autoscaling/group:Group", "test-legacy").inputs;
            assert.deepEqual(asg.targetGroupArns, [findResource(test, "aws:lb/targetGroup:TargetGroup", "test-legacy-tg").outputs.arn]);
            const rules = ["test-web-rule", "test-legacy-rule"].map((n) => findResource(test, "aws:lb/listenerRule:ListenerRule", n).inputs.listenerArn);
            assert.equal(rules[0], rules[1]);
        });

        it("THEN both get 5xx, p95 and unhealthy-host alarms; legacy's capacity alarm counts InService instances", () => {
            for (const svc of ["test-web", "test-legacy"]) {
                for (const a of ["5xx", "latency-p95", "unhealthy-hosts"]) findResource(test, "aws:cloudwatch/metricAlarm:MetricAlarm", `${svc}-${a}`);
            }
            const inService = findResource(test, "aws:cloudwatch/metricAlarm:MetricAlarm", "test-legacy-in-service-instances").inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
            assert.deepEqual([inService.namespace, inService.metricName, inService.comparisonOperator, inService.threshold], ["AWS/AutoScaling", "GroupInServiceInstances", "LessThanThreshold", 2]);
            assert.equal(inService.dimensions.AutoScalingGroupName, findResource(test, "aws:autoscaling/group:Group", "test-legacy").outputs.name);
            assert.equal(ofType(test, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => a.name === "test-legacy-running-tasks").length, 0);
        });

        it("THEN the stage dashboard has a row per service, legacy's graphing its group", () => {
            const body = JSON.parse(String(ofType(test, "aws:cloudwatch/dashboard:Dashboard")[0].inputs.dashboardBody)) as { widgets: { properties: { title: string; metrics: unknown[][] } }[] };
            const titles = body.widgets.map((w) => w.properties.title);
            for (const t of ["web: requests", "web: running tasks", "legacy: requests", "legacy: 5xx", "legacy: p95 latency (s)", "legacy: InService instances"]) assert.ok(titles.includes(t), `${t} in ${titles.join(", ")}`);
            const asgName = findResource(test, "aws:autoscaling/group:Group", "test-legacy").outputs.name;
            const legacyInService = body.widgets.find((w) => w.properties.title === "legacy: InService instances")!;
            assert.deepEqual(legacyInService.properties.metrics, [["AWS/AutoScaling", "GroupInServiceInstances", "AutoScalingGroupName", asgName]]);
        });

        it("THEN the instance role may read its database secret and write its own logs, nothing broader", () => {
            const policy = JSON.parse(String(findResource(test, "aws:iam/rolePolicy:RolePolicy", "test-legacy-instance").inputs.policy)) as { Statement: { Sid: string; Action: string[]; Resource: string }[] };
            const bySid = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s]));
            assert.equal(bySid.ReadDatabaseSecret.Resource, test.outputs.databaseSecretArn);
            assert.match(bySid.WriteOwnLogs.Resource, /log-group:\/ec2\/test-legacy:\*$/);
            for (const s of policy.Statement) for (const a of s.Action) assert.doesNotMatch(a, /(^\*$|:\*$)/, `${s.Sid} grants ${a}`);
            const attached = ofType(test, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.name === "test-legacy-instance-ssm");
            assert.deepEqual(attached.map((a) => a.inputs.policyArn), ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]);
        });

        it("THEN the policy pack finds nothing mandatory", () => {
            const found = judgeStack(test.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, props: r.inputs, dependencies: r.options.dependsOn })));
            assert.deepEqual(found.filter((v) => v.enforcement === "mandatory").map((v) => v.message), []);
        });
    });

    describe("GIVEN maintenance mode", () => {
        it("THEN legacy's rule answers 503 like web's, and its instances stay (nothing is deleted)", () => {
            for (const n of ["test-web-rule", "test-legacy-rule"]) {
                const actions = findResource(maintenance, "aws:lb/listenerRule:ListenerRule", n).inputs.actions as { type: string; fixedResponse?: { statusCode: string } }[];
                assert.deepEqual(actions.map((a) => [a.type, a.fixedResponse?.statusCode]), [["fixed-response", "503"]]);
            }
            assert.equal(findResource(maintenance, "aws:autoscaling/group:Group", "test-legacy").inputs.minSize, 2);
        });
    });

    describe("GIVEN prod with an EC2 service", () => {
        it("THEN its group spans at least two AZs with at least two instances, and the pack agrees", () => {
            const asg = findResource(prod, "aws:autoscaling/group:Group", "prod-legacy").inputs as { vpcZoneIdentifiers: string[]; minSize: number };
            assert.ok(asg.vpcZoneIdentifiers.length >= 2 && new Set(asg.vpcZoneIdentifiers).size === asg.vpcZoneIdentifiers.length);
            assert.ok(asg.minSize >= 2);
            const found = judgeStack(prod.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, props: r.inputs, dependencies: r.options.dependsOn })));
            assert.deepEqual(found.filter((v) => v.enforcement === "mandatory").map((v) => `${v.policy}: ${v.message}`), []);
        });

        it("THEN prod's image pipeline writes prod's parameter, not another stage's", () => {
            const dist = findResource(prod, "aws:imagebuilder/distributionConfiguration:DistributionConfiguration", "prod-legacy-dist").inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
            assert.equal(dist.distributions[0].ssmParameterConfigurations[0].parameterName, "/stageline/prod/legacy/ami-id");
            assert.equal(findResource(prod, "aws:ec2/launchTemplate:LaunchTemplate", "prod-legacy-lt").inputs.imageId, "resolve:ssm:/stageline/prod/legacy/ami-id");
        });
    });
});

describe("EC2 service config", () => {
    const problems = (stack: string, services: unknown[]) => {
        try {
            loadSettings(stack, rawWith(stack, services));
            return [];
        } catch (e) {
            assert.ok(e instanceof ConfigError);
            return e.message.split("\n").slice(1).map((l) => l.trim().replace(/^- /, ""));
        }
    };

    it("GIVEN an ec2 service in prod with minCount 1 THEN exactly that key is refused, saying why", () => {
        assert.deepEqual(problems("prod", [{ ...LEGACY, pathPatterns: ["/*"], minCount: 1, desiredCount: 1 }]), [
            "stageline:services[legacy].minCount is 1; allowed: 2 or more in prod (at least two instances in an Auto Scaling group over at least two AZs)",
        ]);
    });

    it("GIVEN an ec2 service without an initial AMI THEN it is refused by name", () => {
        const { initialAmiId: _, ...noAmi } = LEGACY;
        const found = problems("test", [WEB, noAmi]);
        assert.equal(found.length, 1);
        assert.match(found[0], /^stageline:services\[legacy\]\.initialAmiId is \(missing\); allowed: the AMI id the first instances launch from/);
    });

    it("GIVEN an ec2 service THEN Fargate's CPU/memory pairs do not apply, while a fargate service still gets them", () => {
        assert.deepEqual(problems("test", [WEB, { ...LEGACY, cpu: 256, memory: 4096 }]), []);
        assert.deepEqual(problems("test", [{ ...WEB, cpu: 256, memory: 4096 }, LEGACY]), ["stageline:services[web].memory is 4096; allowed: 512, 1024 or 2048 for 256 CPU units"]);
    });

    it("GIVEN no runtime THEN a service runs on Fargate with the stage's AMI parameter name ready for EC2", () => {
        const s = loadSettings("test", rawWith("test", [{ name: "web", pathPatterns: ["/*"] }])).services[0];
        assert.equal(s.runtime, "fargate");
        assert.equal(s.amiParameterName, "/stageline/test/web/ami-id");
    });
});
