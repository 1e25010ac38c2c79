/**
 * AWS's own rules, offline: the translator (plan → CloudFormation) against hand-written
 * templates, one table-driven case set per area covering every mapped type; then the validator
 * on real plans — prod and dev clean, and seeded faults each reported under our resource name.
 *
 * The WebAssembly engine and the two plans are built once in `before` hooks (stacks run
 * sequentially: the Pulumi runtime is global).
 */
import { strict as assert } from "node:assert";
import * as fs from "fs";
import * as path from "path";
import * as aws from "@pulumi/aws";
import { planStack, planStackFile, PlannedResource, ROOT, StackPlan } from "../tools/harness";
import { loadStackFile } from "../infra/config";
import { runPlan } from "../tools/plan";
import { StageSettings } from "../infra/settings";
import { ALB_AZ_RULE, albZoneFindings, Finding, INSTANCE_TYPE_RULE, translatePlan, validateStackPlan, validatorEngine, ValidationResult } from "../tools/validate";
import { FOLDS, MAPPINGS, NOT_VALIDATED } from "../tools/validate/mappings";

const FIXTURES = path.join(__dirname, "fixtures", "validate");

interface FixtureResource {
    type: string;
    name: string;
    id?: string;
    inputs: Record<string, unknown>;
    outputs?: Record<string, unknown>;
    options?: Partial<PlannedResource["options"]>;
}
interface FixtureCase {
    title: string;
    resources: FixtureResource[];
    expected: Record<string, unknown>;
    notValidated?: string[];
}

function asPlanned(r: FixtureResource): PlannedResource {
    return {
        urn: `urn:pulumi:t::stageline::${r.type}::${r.name}`,
        type: r.type,
        name: r.name,
        custom: true,
        id: r.id,
        inputs: r.inputs,
        outputs: { ...r.inputs, ...(r.outputs ?? {}) },
        options: { protect: false, retainOnDelete: false, ignoreChanges: [], dependsOn: [], deleteBeforeReplace: false, replaceOnChanges: [], ...(r.options ?? {}) },
    };
}

const areas = fs
    .readdirSync(FIXTURES)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => ({ area: f.replace(/\.json$/, ""), cases: (JSON.parse(fs.readFileSync(path.join(FIXTURES, f), "utf8")) as { cases: FixtureCase[] }).cases }));

describe("validate: translating a plan to CloudFormation", () => {
    for (const { area, cases } of areas) {
        describe(area, () => {
            for (const c of cases) {
                it(c.title, () => {
                    // GIVEN the planned resources of the case
                    const resources = c.resources.map(asPlanned);
                    // WHEN translated
                    const t = translatePlan({ stack: "t", resources });
                    // THEN the template is the hand-written one, nothing is left unmapped, and what has no
                    // CloudFormation equivalent is listed by name
                    assert.deepEqual(t.template.Resources, c.expected);
                    assert.deepEqual(t.unmapped, []);
                    assert.deepEqual(
                        t.notValidated.map((s) => s.name),
                        c.notValidated ?? [],
                    );
                });
            }
        });
    }

    it("every mapped, folded and not-validated type has a hand-written case", () => {
        const covered = new Set(areas.flatMap((a) => a.cases.flatMap((c) => c.resources.map((r) => r.type))));
        const missing = [...Object.keys(MAPPINGS), ...Object.keys(FOLDS), ...Object.keys(NOT_VALIDATED)].filter((t) => !covered.has(t));
        assert.deepEqual(missing, []);
    });

    it("a type with no table is listed as not validated with its reason, never dropped", () => {
        const t = translatePlan({ stack: "t", resources: [asPlanned({ type: "aws:sqs/queue:Queue", name: "t-queue", id: "q", inputs: {} })] });
        assert.deepEqual(t.template.Resources, {});
        assert.deepEqual(t.notValidated, [{ type: "aws:sqs/queue:Queue", name: "t-queue", reason: "no mapping table for this type yet" }]);
    });

    it("an input no table knows is reported as unmapped", () => {
        const t = translatePlan({ stack: "t", resources: [asPlanned({ type: "aws:ec2/vpc:Vpc", name: "t-vpc", id: "vpc-1", inputs: { cidrBlock: "10.0.0.0/16", somethingNew: 1 } })] });
        assert.deepEqual(t.unmapped, [{ type: "aws:ec2/vpc:Vpc", name: "t-vpc", input: "somethingNew" }]);
    });
});

/** The findings as `resource rule property` lines, for exact comparisons. */
const lines = (fs: Finding[]): string[] => fs.map((f) => `${f.resource} ${f.ruleId} ${f.property ?? "-"}`).sort();

describe("validate: AWS's rules on our stacks", function () {
    this.timeout(60_000);
    let prod: StackPlan;
    let dev: StackPlan;
    let prodResult: ValidationResult;

    before(async () => {
        validatorEngine(); // load the wasm once
        prod = await planStackFile("prod");
        dev = await planStackFile("dev");
        prodResult = validateStackPlan(prod);
    });

    it("prod: zero errors and zero warnings, every AWS input mapped, only types without an equivalent left out", () => {
        assert.deepEqual(lines(prodResult.errors), []);
        assert.deepEqual(lines(prodResult.warnings), []);
        assert.deepEqual(prodResult.unmapped, []);
        assert.ok(prodResult.infoCount > 0, "info findings are counted");
        assert.deepEqual(prodResult.info, [], "info findings are listed only when asked");
        const awsLeftOut = new Set(prodResult.notValidated.filter((s) => s.type.startsWith("aws:")).map((s) => s.type));
        const withoutEquivalentInProd = Object.keys(NOT_VALIDATED).filter((t) => prod.resources.some((r) => r.type === t));
        assert.deepEqual([...awsLeftOut].sort(), withoutEquivalentInProd.sort());
        assert.equal(prodResult.region, "eu-west-1");
    });

    it("dev (internal load balancer, one NAT): zero errors, and its ALB spans two AZs", () => {
        const r = validateStackPlan(dev);
        assert.deepEqual(lines(r.errors), []);
        assert.deepEqual(r.unmapped, []);
        const lb = dev.resources.find((x) => x.type === "aws:lb/loadBalancer:LoadBalancer") as PlannedResource;
        assert.equal(lb.inputs.internal, true);
        const zones = new Set(
            (lb.inputs.subnets as string[]).map((id) => dev.resources.find((s) => s.type === "aws:ec2/subnet:Subnet" && s.id === id)?.inputs.availabilityZone),
        );
        assert.ok(zones.size >= 2 && !zones.has(undefined), `dev's ALB subnets are in ${[...zones].join(", ")}`);
        assert.deepEqual(albZoneFindings(dev), []);
    });

    it("seeded faults in prod's plan are each reported under our resource name and input", () => {
        // GIVEN prod's plan with five faults a mock accepts blindly
        const resources = structuredClone(prod.resources);
        const find = (type: string, pick: (r: PlannedResource) => boolean) => {
            const r = resources.find((x) => x.type === type && pick(x));
            assert.ok(r, `prod has a ${type}`);
            return r;
        };
        const db = find("aws:rds/instance:Instance", () => true);
        db.inputs.instanceClass = "db.x9.huge";
        db.inputs.engineVersion = "16.99";
        const task = find("aws:ecs/taskDefinition:TaskDefinition", () => true);
        task.inputs.cpu = "256";
        task.inputs.memory = "8192";
        const https = find("aws:lb/listener:Listener", (r) => r.inputs.protocol === "HTTPS");
        delete https.inputs.certificateArn;
        const alb = find("aws:lb/loadBalancer:LoadBalancer", () => true);
        alb.inputs.subnets = (alb.inputs.subnets as string[]).slice(0, 1);

        // WHEN validated
        const r = validateStackPlan({ ...prod, resources });

        // THEN exactly these errors, in our names. (The validator lists E3680 "Application load
        // balancers require at least 2 subnets" but 1.9.0-beta never raises it, with literal ids or
        // Refs; our SL3680 resolves each subnet's AZ and stands in for it.)
        assert.deepEqual(
            lines(r.errors),
            [
                `${alb.name} ${ALB_AZ_RULE} subnets`,
                `${db.name} E3025 instanceClass`,
                `${db.name} E9006 engineVersion`,
                `${https.name} E3676 certificateArn`,
                `${task.name} E3047 cpu`,
            ].sort(),
        );
        const message = (rule: string) => r.errors.find((e) => e.ruleId === rule)?.message ?? "";
        assert.match(message("E3025"), /'db\.x9\.huge' is not one of/);
        assert.match(message("E3047"), /Cpu '256' is not compatible with Memory '8192' for Fargate/);
        assert.match(message("E3676"), /HTTPS listener requires Certificates/);
        assert.ok(r.errors.every((e) => !/[A-Z][a-z]+[A-Z]\w*(Instance|Listener|LoadBalancer|TaskDefinition)\b/.test(e.resource)), "no CloudFormation logical ids");
    });
});

describe("validate: the EC2 runtime (examples/Pulumi.test-ec2.yaml)", function () {
    this.timeout(60_000);
    let plan: StackPlan;
    let result: ValidationResult;

    before(async () => {
        validatorEngine();
        plan = await planStack(loadStackFile(path.join(ROOT, "examples", "Pulumi.test-ec2.yaml"), "test-ec2"));
        result = validateStackPlan(plan, { includeInfo: true });
    });

    it("GIVEN the example stack with an EC2 service WHEN validated THEN zero errors and warnings, every input mapped, only the KMS grant and the types without an equivalent left out", () => {
        assert.deepEqual(lines(result.errors), []);
        assert.deepEqual(lines(result.warnings), []);
        assert.deepEqual(result.unmapped, []);
        const leftOut = new Set(result.notValidated.filter((s) => s.type.startsWith("aws:")).map((s) => s.type));
        assert.ok(leftOut.has("aws:kms/grant:Grant"));
        assert.deepEqual([...leftOut].filter((t) => NOT_VALIDATED[t] === undefined), [], "no AWS type without a table");
        for (const t of ["AWS::EC2::LaunchTemplate", "AWS::AutoScaling::AutoScalingGroup", "AWS::ImageBuilder::ImagePipeline", "AWS::SSM::Parameter"]) {
            assert.ok(Object.values(translatePlan(plan).template.Resources).some((r) => r.Type === t), `${t} is checked`);
        }
    });

    it("the launch template's resolve:ssm: image id is a known false positive of the validator, kept as info on our resource", () => {
        const fp = result.info.filter((f) => f.ruleId === "E1152");
        assert.deepEqual(lines(fp), ["test-legacy-lt E1152 imageId (LaunchTemplateData.ImageId)"]);
        assert.match(fp[0].message, /^known false positive \(EC2 resolves resolve:ssm:/);
    });

    it("GIVEN an instance type AWS does not offer, IMDS tokens 'sometimes' and a health check type 'LB' THEN each is reported on our resource and input", () => {
        // GIVEN the example plan with three faults the mocks accept blindly
        const resources = structuredClone(plan.resources);
        const lt = resources.find((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate") as PlannedResource;
        lt.inputs.instanceType = "t3.gigantic";
        (lt.inputs.metadataOptions as Record<string, unknown>).httpTokens = "sometimes";
        const group = resources.find((r) => r.type === "aws:autoscaling/group:Group") as PlannedResource;
        group.inputs.healthCheckType = "LB";

        // WHEN validated
        const r = validateStackPlan({ ...plan, resources });

        // THEN the instance type (our SL3628: the validator's E3628 checks only AWS::EC2::Instance,
        // so we ask it about the launch template's type) and the health check are errors; the IMDS
        // value is AWS's warning W3030; all in our names
        assert.deepEqual(lines(r.errors), [`${group.name} F3031 healthCheckType`, `${lt.name} ${INSTANCE_TYPE_RULE} instanceType`].sort());
        assert.match(r.errors.find((e) => e.ruleId === INSTANCE_TYPE_RULE)?.message ?? "", /'t3\.gigantic' is not valid for region 'eu-west-1'/);
        assert.deepEqual(lines(r.warnings), [`${lt.name} W3030 metadataOptions (LaunchTemplateData.MetadataOptions.HttpTokens)`]);
        assert.match(r.warnings[0].message, /'sometimes' is not one of \['optional', 'required'\]/);
    });
});

describe("validate: npm run plan -- --validate", function () {
    this.timeout(60_000);
    const QA = path.join(__dirname, "fixtures", "plan", "Pulumi.qa.yaml");
    /** A one-resource program: a database with the given class and version. */
    const database = (instanceClass: string, engineVersion: string) => (s: StageSettings) => {
        new aws.rds.Instance(`${s.stage}-db`, { instanceClass, engine: "postgres", engineVersion, allocatedStorage: 20, storageEncrypted: true, skipFinalSnapshot: true });
        return {};
    };
    async function plan(argv: string[], program: (s: StageSettings) => Record<string, never>) {
        const out: string[] = [];
        const code = await runPlan({ argv, program, judge: () => [], out: (l) => out.push(l), err: () => undefined });
        return { code, text: out.join("\n") };
    }

    it("GIVEN a database class AWS does not offer WHEN planned with --validate THEN it exits 1 naming our resource and input", async () => {
        const r = await plan(["--config", QA, "--quiet", "--validate"], database("db.x9.huge", "16.4"));
        assert.equal(r.code, 1);
        assert.match(r.text, /test-db \(aws:rds\/instance:Instance\)\n\s+ERROR E3025 \[instanceClass\] 'db\.x9\.huge' is not one of/);
        assert.match(r.text, /AWS rules: 1 error\(s\) across 1 stack\(s\)/);
    });

    it("GIVEN valid values THEN --validate exits 0, counts info findings and lists them only with --validate-info", async () => {
        const quiet = await plan(["--config", QA, "--quiet", "--validate"], database("db.t4g.micro", "16.4"));
        assert.equal(quiet.code, 0);
        assert.match(quiet.text, /qa \(eu-west-1\): 0 error\(s\), 0 warning\(s\), [1-9]\d* info/);
        assert.doesNotMatch(quiet.text, /^\s+INFO /m);
        const listed = await plan(["--config", QA, "--quiet", "--validate-info"], database("db.t4g.micro", "16.4"));
        assert.equal(listed.code, 0);
        assert.match(listed.text, /^\s+INFO\s+I\d+ /m);
    });

    it("WITHOUT --validate the same bad class passes (the mocks accept any value)", async () => {
        const r = await plan(["--config", QA, "--quiet"], database("db.x9.huge", "16.4"));
        assert.equal(r.code, 0);
        assert.doesNotMatch(r.text, /AWS rules/);
    });
});
