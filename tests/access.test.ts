/**
 * The IAM access matrix (issue 18): every role the four stacks create has a declared job, each call
 * of that job is allowed on the resource as planned, each call it must never make is denied —
 * evaluated by @cloud-copilot/iam-simulate against the planned identity and resource policies —
 * every action named in a planned policy exists in AWS's catalogue, and docs/access.md is what
 * `npm run access-doc` generates now.
 */
import * as assert from "assert";
import * as fs from "fs";
import { StackPlan } from "../tools/harness";
import { EC2_VARIANT, Matrix, MatrixRow, STACKS, computeMatrix, deployRoleCreates, planAllStacks, unknownActions } from "../tools/access/matrix";
import { ACCESS_DOC, renderAccessDoc } from "../tools/access/doc";

function show(rows: MatrixRow[]): string {
    return rows.map((r) => `${r.stack} ${r.principal} ${r.kind} ${r.action} on ${r.resource}${r.context ? ` ${JSON.stringify(r.context)}` : ""}: ${r.decision}${r.error ? ` (${r.error})` : ""}`).join("\n");
}

describe("IAM access matrix (iam-simulate on the planned policies)", function () {
    this.timeout(120000);
    let plans: StackPlan[];
    let m: Matrix;
    before(async () => {
        plans = await planAllStacks();
        m = await computeMatrix(plans);
    });
    const row = (stack: string, principal: RegExp, action: string, where: (r: MatrixRow) => boolean = () => true) => {
        const found = m.rows.filter((r) => r.stack === stack && principal.test(r.principal) && r.action === action && where(r));
        assert.ok(found.length > 0, `${stack}: no matrix row ${principal} ${action}`);
        return found;
    };
    const allowed = (rows: MatrixRow[]) => assert.deepEqual(rows.filter((r) => r.decision !== "Allowed" || r.error).map((r) => show([r])), []);
    const denied = (rows: MatrixRow[]) => assert.deepEqual(rows.filter((r) => r.decision === "Allowed" || r.error).map((r) => show([r])), []);

    it("every role the stacks create has exactly one declared job", () => {
        assert.deepEqual(m.undeclared, [], `roles with no declared job in tools/access/jobs.ts:\n${m.undeclared.join("\n")}`);
        assert.deepEqual(m.ambiguous, []);
        const roles = plans.reduce((n, p) => n + p.resources.filter((r) => r.type === "aws:iam/role:Role").length, 0);
        assert.equal(m.jobs.length, roles);
    });

    it("a role nobody declared a job for fails, named by stack, resource and role name", async () => {
        const dev = structuredClone(plans[0]);
        dev.resources.push({
            urn: "urn:pulumi:dev::stageline::aws:iam/role:Role::dev-mystery-role",
            type: "aws:iam/role:Role",
            name: "dev-mystery-role",
            custom: true,
            inputs: { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }) },
            outputs: { name: "dev-mystery-role-0a1b2c3", arn: "arn:aws:iam::123456789012:role/dev-mystery-role-0a1b2c3" },
            options: { protect: false, retainOnDelete: false, ignoreChanges: [], dependsOn: [], deleteBeforeReplace: false, replaceOnChanges: [] },
        });
        assert.deepEqual((await computeMatrix([dev])).undeclared, ["dev: dev-mystery-role (role dev-mystery-role-0a1b2c3)"]);
    });

    for (const stack of [...STACKS, EC2_VARIANT]) {
        it(`${stack}: each role may be assumed by its service or GitHub environment, and by nothing else`, () => {
            allowed(m.rows.filter((r) => r.stack === stack && r.kind === "trust"));
        });
        it(`${stack}: every call each role's job makes is allowed on the resource as planned`, () => {
            allowed(m.rows.filter((r) => r.stack === stack && r.kind === "needs"));
        });
        it(`${stack}: every call a role must never make is denied`, () => {
            denied(m.rows.filter((r) => r.stack === stack && r.kind === "never"));
        });
    }

    it("the trust check can fail: staging's deploy role refuses prod's GitHub environment", async () => {
        const { evaluateTrust } = await import("../tools/access/evaluate");
        const { accessModel } = await import("../tools/access/model");
        const deploy = accessModel(plans[2]).principals.find((p) => p.resourceName === "staging-deploy-role");
        assert.ok(deploy);
        const e = await evaluateTrust(deploy, { federated: "token.actions.githubusercontent.com", sub: "repo:acme/infrastructure:environment:prod" });
        assert.equal(e.decision, "ImplicitlyDenied");
    });

    describe("finding 3: builds reading the CODEBUILD_CLONE_REF source clone through the connection", () => {
        it("staging's db-snapshot build may UseConnection (prod's reads the S3 release and needs none)", () => {
            allowed(row("staging", /^staging-db-snapshot-role$/, "codeconnections:UseConnection"));
            assert.equal(m.rows.filter((r) => r.stack === "prod" && r.principal === "prod-db-snapshot-role" && r.action.endsWith(":UseConnection")).length, 0);
        });
        it("with an EC2 service and uploads, the package and uploads-backup builds may UseConnection too", () => {
            allowed(row(EC2_VARIANT, /^staging-(package|uploads-backup|db-snapshot)-role$/, "codeconnections:UseConnection"));
            assert.equal(row(EC2_VARIANT, /^staging-(package|uploads-backup|db-snapshot)-role$/, "codeconnections:UseConnection").length, 3);
        });
    });

    describe("finding 4: whoever deploys the services can make every call the deploy makes", () => {
        // The ECS deploy action (and so the pipeline role's ECS grants) gave way to the deploy-services
        // CodeBuild step, which registers code's revision (issue 19); its role now carries these calls.
        for (const stack of STACKS) {
            it(`${stack}: register with tags (ecs:TagResource on RegisterTaskDefinition), update and watch each service, pass only the task roles`, () => {
                allowed(["ecs:RegisterTaskDefinition", "ecs:TagResource", "ecs:UpdateService", "ecs:DescribeServices", "iam:PassRole", "ssm:GetParameter"].flatMap((a) => row(stack, /-deploy-services-role$/, a, (r) => r.kind === "needs")));
                // ...and nothing deploys through the pipeline role any more.
                denied(row(stack, /-pipeline-role$/, "ecs:UpdateService"));
            });
        }
    });

    describe("each stage's GitHub deploy role can create every AWS resource its stack plans (tools/access/creates.ts)", () => {
        it("every planned AWS type has its create call(s) in the table, and each is allowed on the resource as planned, with its tags", async () => {
            const { rows, unknownTypes } = await deployRoleCreates(plans);
            assert.deepEqual(unknownTypes, [], "planned AWS types with no create call in tools/access/creates.ts");
            for (const stack of [...STACKS, EC2_VARIANT]) assert.ok(rows.some((r) => r.stack === stack), `${stack}: no create rows`);
            const denied = rows.filter((r) => r.decision !== "Allowed" || r.error);
            assert.deepEqual(denied.map((r) => `${r.stack} ${r.resource} (${r.type}): ${r.action} on ${r.arn} ${JSON.stringify(r.context ?? {})}: ${r.decision}${r.error ? ` ${r.error}` : ""}`), []);
        });
        it("a planned type the table does not know fails by name, and a resource outside the stage's names is denied", async () => {
            const dev = structuredClone(plans.find((p) => p.stack === "dev") as StackPlan);
            dev.resources.push(
                { ...dev.resources.find((r) => r.type === "aws:ecr/repository:Repository")!, urn: "urn:x:queue", type: "aws:sqs/queue:Queue", name: "dev-jobs" },
                { ...dev.resources.find((r) => r.type === "aws:s3/bucketObjectv2:BucketObjectv2" || r.type === "aws:s3/bucket:Bucket")!, urn: "urn:x:obj", type: "aws:s3/bucketObjectv2:BucketObjectv2", name: "dev-stray", inputs: { bucket: "prod-pipeline-tools-0000000", key: "gate/x.js" } },
            );
            const { rows, unknownTypes } = await deployRoleCreates([dev]);
            assert.deepEqual(unknownTypes, ["aws:sqs/queue:Queue"]);
            assert.deepEqual(rows.filter((r) => r.resource === "dev-stray").map((r) => r.decision), ["ImplicitlyDenied"], "dev may not write prod's tools bucket");
        });
    });

    describe("finding 5: the GitHub deploy role can do what deploy.yml asks", () => {
        it("each stack puts its dashboard stageline-<stack>, also when the stack is not named after its stage", () => {
            for (const stack of [...STACKS, EC2_VARIANT]) allowed(row(stack, /-deploy-role$/, "cloudwatch:PutDashboard", (r) => r.resource.endsWith(`dashboard/stageline-${stack}`)));
        });
        it("each stage creates and manages its pipeline's notification rule", () => {
            for (const stack of STACKS) allowed(["CreateNotificationRule", "UpdateNotificationRule", "DeleteNotificationRule", "DescribeNotificationRule"].flatMap((a) => row(stack, /-deploy-role$/, `codestar-notifications:${a}`)));
        });
        it("security-group rules are tagged on create (ec2:CreateTags with ec2:CreateAction Authorize*), staging's rule on prod's database group too", () => {
            for (const stack of STACKS) allowed(row(stack, /-deploy-role$/, "ec2:CreateTags", (r) => /^AuthorizeSecurityGroup/.test(String(r.context?.["ec2:CreateAction"]))));
            allowed(row("staging", /^staging-deploy-role$/, "ec2:AuthorizeSecurityGroupIngress", (r) => /prod's group/.test(r.note ?? "")));
        });
        it("prod's role manages the preview role stageline-github-preview and its policy; no other stage's does", () => {
            allowed(row("prod", /^prod-deploy-role$/, "iam:UpdateAssumeRolePolicy", (r) => r.resource.endsWith("role/stageline-github-preview")));
            allowed(row("prod", /^prod-deploy-role$/, "iam:AttachRolePolicy", (r) => r.resource.endsWith("role/stageline-github-preview")));
            for (const stack of ["dev", "test", "staging"]) denied(row(stack, /-deploy-role$/, "iam:UpdateAssumeRolePolicy", (r) => r.resource.endsWith("role/stageline-github-preview")));
        });
    });

    describe("finding 6: no stage deletes a zone or changes another stage's records", () => {
        for (const stack of STACKS) {
            it(`${stack}: route53:DeleteHostedZone denied; records changed only under the stage's own name`, () => {
                denied(row(stack, /-deploy-role$/, "route53:DeleteHostedZone"));
                denied(row(stack, /-deploy-role$/, "route53:ChangeResourceRecordSets", (r) => r.kind === "never"));
                allowed(row(stack, /-deploy-role$/, "route53:ChangeResourceRecordSets", (r) => r.kind === "needs"));
            });
        }
    });

    describe("the action catalogue (iam-data)", () => {
        it("every action named in any planned policy exists in AWS's catalogue", async () => {
            assert.deepEqual(await unknownActions(plans), []);
        });
        it("a typo is caught and named with its policy", async () => {
            const dev = structuredClone(plans[0]);
            const p = dev.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === "dev-pipeline-policy");
            assert.ok(p);
            const doc = JSON.parse(String(p.inputs.policy)) as { Statement: { Action: string[] }[] };
            doc.Statement[0].Action.push("s3:GetObjekt", "ecs:Describe*", "ecs:Destroy*");
            p.inputs.policy = JSON.stringify(doc);
            assert.deepEqual(await unknownActions([dev]), [
                'dev: aws:iam/rolePolicy:RolePolicy dev-pipeline-policy: "ecs:Destroy*" matches no action of ecs',
                'dev: aws:iam/rolePolicy:RolePolicy dev-pipeline-policy: "s3:GetObjekt" is not an action of s3',
            ]);
        });
    });

    it("docs/access.md is what `npm run access-doc` generates from the code now", async () => {
        const committed = fs.existsSync(ACCESS_DOC) ? fs.readFileSync(ACCESS_DOC, "utf8") : "";
        assert.ok(committed === renderAccessDoc(m, (await deployRoleCreates(plans)).rows), "docs/access.md is stale: run `npm run access-doc` and commit it");
    });
});
