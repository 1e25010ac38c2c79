/** overlay(): the stage's defaults under what a stack file sets, as the config sections use it. */
import { strict as assert } from "node:assert";
import { overlay } from "../infra/config/overlay";

describe("overlay (stage defaults under the stack file)", () => {
    const defaults = { enabled: true, count: 2, name: "app" };
    it("GIVEN a key the stack file sets THEN its value wins, falsy ones too (0, false, empty string)", () => {
        assert.deepEqual(overlay(defaults, { enabled: false, count: 0, name: "" }), { enabled: false, count: 0, name: "" });
    });
    it("GIVEN a key left out, undefined or null THEN the default stays", () => {
        assert.deepEqual(overlay(defaults, { count: undefined, name: null }), defaults);
        assert.deepEqual(overlay(defaults, undefined), defaults);
    });
    it("GIVEN keys the defaults do not have THEN they are not copied into the settings", () => {
        const given = { count: 3, prodStack: "acme/stageline/prod" } as { count: number };
        assert.deepEqual(overlay(defaults, given), { enabled: true, count: 3, name: "app" });
    });
    it("does not change the defaults it is given", () => {
        overlay(defaults, { count: 5 });
        assert.deepEqual(defaults, { enabled: true, count: 2, name: "app" });
    });
});
