/**
 * Name lengths: a resource's physical name fits the limit AWS sets for its type. Mocks and
 * previews accept any name; AWS refuses a longer one at create time (a target group's 32
 * characters are the usual victim, Pulumi's auto-name adding 8). The limits and the auto-name
 * rule are the ones the config budgets service names with (lib/names.ts), each with its AWS page.
 */
import { NAME_LIMITS, physicalName } from "../lib/names";
import { baseline, known, ResourceRule, Rule } from "./rule";

export const nameLengthRules: Rule[] = [
    ...baseline<ResourceRule>("aws-name-length", {
        kind: "resource",
        description: "A resource's physical name (its explicit name, or Pulumi's auto-name: the logical name, a dash and 7 characters) fits the length AWS allows for its type (lib/names.ts), so the create does not fail at deploy time.",
        types: Object.keys(NAME_LIMITS),
        check(r, f) {
            const limit = NAME_LIMITS[r.type];
            const given = r.props[limit.prop];
            // Absent: auto-named (or left to AWS); present but not a string: read through known() (unknown at preview).
            const name = given === undefined ? physicalName(r.type, r.name, {}) : String(known(given, limit.prop));
            if (name === undefined || name.length <= limit.max) return;
            const how = given === undefined ? `auto-named "${r.name}-" plus 7 characters` : `"${name}"`;
            f.fail(`${limit.what} of ${r.type} "${r.name}" is ${name.length} characters (${how}); AWS allows at most ${limit.max} (${limit.doc}).`, r.urn);
        },
    }),
];
