/**
 * The four stack files as shipped: each loads, and their VPC blocks never overlap (staging peers
 * with prod, and any two stages may one day share a transit network).
 */
import { strict as assert } from "assert";
import { checkCidrOverlaps } from "../infra/config";
import { parseCidr, subnetCidr } from "../lib/cidr";
import { StageSettings } from "../infra/settings";
import { stackSettings } from "../tools/harness";

const STACKS = ["dev", "test", "staging", "prod"] as const;

describe("stack files: Pulumi.<stack>.yaml", () => {
    const settings = {} as Record<(typeof STACKS)[number], StageSettings>;

    before(() => {
        for (const stack of STACKS) settings[stack] = stackSettings(stack);
    });

    for (const stack of STACKS) {
        it(`GIVEN Pulumi.${stack}.yaml WHEN loaded THEN it validates as stage ${stack} with a /16-/20 VPC block`, () => {
            const s = stackSettings(stack);
            assert.equal(s.stack, stack);
            assert.equal(s.stage, stack);
            const cidr = parseCidr(s.network.cidr);
            assert.ok(cidr && cidr.prefix >= 16 && cidr.prefix <= 20, `${s.network.cidr} is a /16-/20 block`);
            assert.ok(s.network.availabilityZones.length >= 2, "subnets in two AZs at least");
            // Every subnet the Environment will cut from it exists (AZ letters a-h fit the layout).
            for (const az of s.network.availabilityZones) for (const tier of ["public", "private", "isolated"] as const) subnetCidr(s.network.cidr, tier, az);
        });
    }

    it("GIVEN the four stack files WHEN their VPC blocks are compared THEN no two overlap", () => {
        const blocks = STACKS.map((stack) => ({ stack, cidr: settings[stack].network.cidr }));
        assert.deepEqual(checkCidrOverlaps(blocks), []);
        assert.equal(new Set(blocks.map((b) => b.cidr)).size, STACKS.length, "four distinct blocks");
    });

    it("GIVEN staging's block copied into prod WHEN compared THEN the overlap is reported by name (the check is live)", () => {
        const blocks = STACKS.map((stack) => ({ stack, cidr: stack === "prod" ? settings.staging.network.cidr : settings[stack].network.cidr }));
        assert.deepEqual(checkCidrOverlaps(blocks), [`stacks "staging" (10.30.0.0/16) and "prod" (10.30.0.0/16) overlap`]);
    });

    it("GIVEN a block that contains another stage's WHEN compared THEN it is reported too", () => {
        assert.deepEqual(checkCidrOverlaps([{ stack: "dev", cidr: "10.16.0.0/12" }, { stack: "test", cidr: settings.test.network.cidr }]), [
            `stacks "dev" (10.16.0.0/12) and "test" (10.20.0.0/16) overlap`,
        ]);
    });
});
