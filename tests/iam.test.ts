/**
 * Issue 23: one IAM vocabulary (components/iam.ts). Every role an AWS service assumes has the one
 * trust spelling, and whether it requires `aws:SourceAccount` is decided per service in one table
 * (SOURCE_ACCOUNT_TRUST, with the AWS confused-deputy page cited there), never per call site.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { serviceTrustPolicy, SOURCE_ACCOUNT_TRUST, TrustedService } from "../components/iam";
import { known, ofType, planStackFile, ROOT } from "../tools/harness";

const STACKS = ["dev", "test", "staging", "prod"] as const;

interface Trust {
    Version: string;
    Statement: { Effect: string; Principal?: { Service?: string | string[] }; Action: string; Condition?: unknown }[];
}

describe("IAM vocabulary (components/iam.ts)", function () {
    this.timeout(120_000);

    it("spells a service trust policy one way, with aws:SourceAccount exactly where the table says", async () => {
        assert.equal(
            await known(serviceTrustPolicy("ecs-tasks.amazonaws.com", { sourceAccount: "123456789012" }), "trust"),
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}',
        );
        assert.equal(
            await known(serviceTrustPolicy("ec2.amazonaws.com", { sourceAccount: "123456789012" }), "trust"),
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
        );
    });

    for (const stack of STACKS) {
        it(`GIVEN the ${stack} stack THEN every role an AWS service assumes trusts it as the table decides for that service`, async () => {
            const plan = await planStackFile(stack);
            const account = "123456789012";
            const wrong: string[] = [];
            let checked = 0;
            for (const role of ofType(plan, "aws:iam/role:Role")) {
                const trust = JSON.parse(String(role.inputs.assumeRolePolicy)) as Trust;
                const services = trust.Statement.flatMap((st) => [st.Principal?.Service ?? []].flat());
                if (services.length === 0) continue; // OIDC (GitHub) roles: githubRepos.ts's own trust
                checked++;
                const [service] = services;
                if (services.length !== 1 || !(service in SOURCE_ACCOUNT_TRUST)) {
                    wrong.push(`${role.name}: trusts ${services.join(", ")}, not one service of SOURCE_ACCOUNT_TRUST`);
                    continue;
                }
                const expected = JSON.parse(await known(serviceTrustPolicy(service as TrustedService, { sourceAccount: account }), "trust")) as Trust;
                if (JSON.stringify(trust) !== JSON.stringify(expected)) wrong.push(`${role.name}: ${JSON.stringify(trust)}`);
            }
            assert.ok(checked > 0, "the stack has service roles to check");
            assert.deepEqual(wrong, []);
        });
    }

    it("no component spells a policy document itself: one builder, policyDocument (the deploy role's catalogue keeps its typed documents)", () => {
        const files = (dir: string): string[] =>
            fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
        const own = [path.join("components", "iam.ts"), path.join("components", "deployRolePolicy.ts")];
        const spelled = files("components").filter((f) => !own.includes(f) && /"2012-10-17"/.test(fs.readFileSync(path.join(ROOT, f), "utf8")));
        assert.deepEqual(spelled, []);
    });

    it("no component spells a service trust policy itself (components/iam.ts is the one place)", () => {
        const files = (dir: string): string[] =>
            fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
        const spelled = files("components").filter((f) => f !== path.join("components", "iam.ts") && /"sts:AssumeRole"/.test(fs.readFileSync(path.join(ROOT, f), "utf8")));
        assert.deepEqual(spelled, []);
    });
});
