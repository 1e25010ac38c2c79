/**
 * `npx ts-node --transpile-only tools/urnDiff.ts before.json after.json [--inputs]`: what a change
 * does to live resources, read from two `npm run plan -- --json` files. A URN that disappears is a
 * resource Pulumi would delete (and, with a new one beside it, replace); a refactor that is meant to
 * change nothing must show no URN removed. With `--inputs`, every surviving resource whose planned
 * inputs differ is listed with the top-level keys that changed.
 *
 * Exit 0 when no URN was removed, 1 when one was (so a refactor can be gated on it), 2 on bad usage.
 */
import * as fs from "fs";

interface PlannedResource {
    readonly urn: string;
    readonly type: string;
    readonly inputs?: Record<string, unknown>;
}
interface PlanFile {
    readonly stacks: readonly { readonly stack: string; readonly resources: readonly PlannedResource[] }[];
}

export interface UrnDiff {
    /** URNs only in the "before" plan: resources a deploy of the "after" code deletes. */
    readonly removed: string[];
    /** URNs only in the "after" plan: resources it creates. */
    readonly added: string[];
    /** Resources in both whose inputs differ, with the top-level input keys that changed. */
    readonly changed: { urn: string; keys: string[] }[];
}

function index(plan: PlanFile): Map<string, PlannedResource> {
    const out = new Map<string, PlannedResource>();
    for (const s of plan.stacks) for (const r of s.resources) out.set(r.urn, r);
    return out;
}

/** Compares two plans by URN; `inputs` also compares each kept resource's inputs key by key. */
export function diffPlans(before: PlanFile, after: PlanFile): UrnDiff {
    const a = index(before);
    const b = index(after);
    const removed = [...a.keys()].filter((u) => !b.has(u)).sort();
    const added = [...b.keys()].filter((u) => !a.has(u)).sort();
    const changed: { urn: string; keys: string[] }[] = [];
    for (const [urn, r] of a) {
        const s = b.get(urn);
        if (!s) continue;
        const ia = r.inputs ?? {};
        const ib = s.inputs ?? {};
        const keys = [...new Set([...Object.keys(ia), ...Object.keys(ib)])]
            .filter((k) => JSON.stringify(ia[k]) !== JSON.stringify(ib[k]))
            .sort();
        if (keys.length > 0) changed.push({ urn, keys });
    }
    changed.sort((x, y) => x.urn.localeCompare(y.urn));
    return { removed, added, changed };
}

export function formatDiff(d: UrnDiff, withInputs: boolean): string {
    const lines: string[] = [];
    lines.push(`removed (deleted or replaced by a deploy): ${d.removed.length}`);
    for (const u of d.removed) lines.push(`  - ${u}`);
    lines.push(`added: ${d.added.length}`);
    for (const u of d.added) lines.push(`  + ${u}`);
    lines.push(`inputs changed: ${d.changed.length}`);
    if (withInputs) for (const c of d.changed) lines.push(`  ~ ${c.urn}: ${c.keys.join(", ")}`);
    return lines.join("\n");
}

if (require.main === module) {
    const args = process.argv.slice(2);
    const files = args.filter((a) => !a.startsWith("--"));
    if (files.length !== 2) {
        console.error("usage: tools/urnDiff.ts <before.json> <after.json> [--inputs]");
        process.exit(2);
    }
    const [before, after] = files.map((f) => JSON.parse(fs.readFileSync(f, "utf8")) as PlanFile);
    const d = diffPlans(before, after);
    console.log(formatDiff(d, args.includes("--inputs")));
    process.exit(d.removed.length > 0 ? 1 : 0);
}
