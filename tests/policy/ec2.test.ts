/**
 * The EC2 rules together (their per-policy fixtures live in ec2Cases.ts and run in rules.test.ts
 * with the whole catalog): one careless launch template in prod gives exactly one mandatory
 * violation per broken rule; the same template elsewhere is advisory, except dev's own no-public-IP rule.
 */
import { strict as assert } from "node:assert";
import { judgeStack } from "../../policy/run";
import { T } from "../../policy/types";
import { launchTemplate } from "./ec2Cases";
import { res } from "./fixtures";

const careless = launchTemplate({
    metadataOptions: { httpTokens: "optional" },
    networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "true" }],
    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false" } }],
});

describe("policy pack: EC2 rules together", () => {
    it("GIVEN a careless launch template in prod THEN one mandatory violation per broken rule, with its message", () => {
        const found = judgeStack([res("prod", T.launchTemplate, "legacy-lt", careless)]).filter((v) => v.enforcement === "mandatory");
        assert.deepEqual(found.map((v) => v.policy).sort(), ["prod-ec2-encrypted-volumes", "prod-ec2-imdsv2-required", "prod-ec2-no-public-ip"]);
    });

    it("GIVEN the same template in test THEN it is advisory only", () => {
        const found = judgeStack([res("test", T.launchTemplate, "legacy-lt", careless)]);
        assert.deepEqual(found.filter((v) => v.enforcement === "mandatory"), []);
        assert.deepEqual(found.map((v) => v.policy).sort(), ["ec2-encrypted-volumes", "ec2-imdsv2-required", "ec2-no-public-ip"]);
    });

    it("GIVEN the same template in dev THEN dev's own no-public-IP rule blocks it", () => {
        const found = judgeStack([res("dev", T.launchTemplate, "legacy-lt", careless)]).filter((v) => v.enforcement === "mandatory");
        assert.deepEqual(found.map((v) => v.policy), ["dev-no-public-ips"]);
    });

    it("GIVEN the launch template our EC2 runtime builds THEN nothing is reported in any stage", () => {
        for (const stack of ["dev", "test", "staging", "prod"]) assert.deepEqual(judgeStack([res(stack, T.launchTemplate, "legacy-lt", launchTemplate())]), [], stack);
    });
});
