import { strict as assert } from "assert";
import { diffPlans, formatDiff } from "../tools/urnDiff";

const urn = (name: string) => `urn:pulumi:prod::stageline::aws:ecs/service:Service::${name}`;
const plan = (...rs: { urn: string; inputs?: Record<string, unknown> }[]) => ({
    stacks: [{ stack: "prod", resources: rs.map((r) => ({ type: "aws:ecs/service:Service", ...r })) }],
});

describe("tools/urnDiff: what a change does to live resources", () => {
    it("GIVEN a renamed child WHEN diffed THEN the old URN is removed (a deploy deletes it) and the new one added", () => {
        const d = diffPlans(plan({ urn: urn("prod-api-0") }), plan({ urn: urn("prod-api-eu-west-1a") }));
        assert.deepEqual(d.removed, [urn("prod-api-0")]);
        assert.deepEqual(d.added, [urn("prod-api-eu-west-1a")]);
    });

    it("GIVEN the same URNs with one input changed THEN only that key is listed", () => {
        const d = diffPlans(
            plan({ urn: urn("a"), inputs: { desiredCount: 2, cluster: "c" } }),
            plan({ urn: urn("a"), inputs: { desiredCount: 0, cluster: "c" } }),
        );
        assert.deepEqual(d, { removed: [], added: [], changed: [{ urn: urn("a"), keys: ["desiredCount"] }] });
        assert.match(formatDiff(d, true), /~ urn:pulumi:prod::stageline::aws:ecs\/service:Service::a: desiredCount/);
    });
});
