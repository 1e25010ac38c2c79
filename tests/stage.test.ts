/** lib/stage.ts: the stage names and the guard that reads one without a cast. */
import { strict as assert } from "node:assert";
import { isStage, STAGES } from "../lib/stage";
import { stageOfStackName } from "../infra/limits";

describe("isStage", () => {
    it("GIVEN each stage name THEN true; GIVEN anything else THEN false (case matters, no prefix)", () => {
        for (const s of STAGES) assert.equal(isStage(s), true, s);
        for (const x of ["Prod", "production", "prod-eu", "", undefined, null, 3, ["prod"]]) assert.equal(isStage(x), false, String(x));
    });

    it("GIVEN a stack name THEN its first word is its stage when that is one", () => {
        assert.equal(stageOfStackName("prod-eu"), "prod");
        assert.equal(stageOfStackName("Test_ec2"), "test");
        assert.equal(stageOfStackName("qa"), undefined);
    });
});
