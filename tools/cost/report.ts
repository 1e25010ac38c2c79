/**
 * The cost estimate as text for `npm run plan -- --cost` and `--compare a b`, and as JSON for
 * `--json`. Figures are monthly USD at eu-west-1 on-demand prices; `*` marks a price recalled,
 * not confirmed (see tools/cost/prices-eu-west-1.ts).
 */
import { PRICE_TABLE } from "./prices-eu-west-1";
import { ResourceCost, StackCost, usd } from "./estimate";
import { UsageAssumptions } from "./assumptions";

const shortType = (t: string) => {
    const m = /^([^:]+):([^/:]+)\/[^:]+:(.+)$/.exec(t);
    return m ? `${m[1]}:${m[2]}:${m[3]}` : t;
};

/** Per-stack total, per-component subtotals, the top items and what is not priced. */
export function costLines(c: StackCost, opts: { top?: number } = {}): string[] {
    const top = opts.top ?? 8;
    const lines: string[] = [];
    lines.push(`cost estimate: ${usd(c.total)}/month (${c.region} on-demand, ${PRICE_TABLE.date} prices; * = recalled price, unconfirmed)`);
    for (const w of c.warnings) lines.push(`  ! ${w}`);
    const comps = c.byComponent.filter((x) => x.monthlyUsd > 0 || x.notPriced > 0);
    const w = Math.max(0, ...comps.map((x) => x.component.length));
    lines.push("  by component:");
    for (const x of comps) lines.push(`    ${x.component.padEnd(w)}  ${usd(x.monthlyUsd).padStart(10)}${x.notPriced ? `  (+${x.notPriced} not priced)` : ""}`);
    const items = c.resources.filter((r): r is ResourceCost & { monthlyUsd: number } => r.monthlyUsd !== null && r.monthlyUsd > 0).sort((a, b) => b.monthlyUsd - a.monthlyUsd);
    lines.push(`  top ${Math.min(top, items.length)} items:`);
    for (const r of items.slice(0, top)) lines.push(`    ${usd(r.monthlyUsd).padStart(10)}  ${shortType(r.type)} ${r.name}: ${r.basis}`);
    if (c.notPriced.length) {
        lines.push("  not priced (not counted in the total):");
        for (const n of c.notPriced) lines.push(`    ${shortType(n.type)} ×${n.count}: ${n.reason}`);
    } else lines.push("  not priced: none");
    return lines;
}

/** One line per stack for the summary: `dev $123.45/month`. */
export function costSummary(costs: readonly StackCost[]): string[] {
    const w = Math.max(0, ...costs.map((c) => c.stack.length));
    const lines = costs.map((c) => `  ${c.stack.padEnd(w)}  ${usd(c.total).padStart(10)}/month${notPricedNote(c)}`);
    const all = costs.reduce((s, c) => s + c.total, 0);
    return ["cost (monthly estimate):", ...lines, `  ${"all".padEnd(w)}  ${usd(all).padStart(10)}/month`];
}

function notPricedNote(c: StackCost): string {
    const n = c.notPriced.reduce((sum, x) => sum + x.count, 0);
    return n ? `  (+${n} resource${n === 1 ? "" : "s"} not priced)` : "";
}

/** The cost difference between two stacks: total, per component kind and per resource type. */
export function costCompareLines(a: StackCost, b: StackCost): string[] {
    const diff = b.total - a.total;
    const lines = [`cost: ${a.stack} ${usd(a.total)}/month ↔ ${b.stack} ${usd(b.total)}/month (${diff >= 0 ? "+" : ""}${usd(diff)}, ${b.stack} − ${a.stack})`];
    const byType = (c: StackCost) => {
        const m = new Map<string, number>();
        for (const r of c.resources) if (r.monthlyUsd !== null) m.set(r.type, (m.get(r.type) ?? 0) + r.monthlyUsd);
        return m;
    };
    const ta = byType(a);
    const tb = byType(b);
    const rows = [...new Set([...ta.keys(), ...tb.keys()])]
        .map((t) => ({ t, a: ta.get(t) ?? 0, b: tb.get(t) ?? 0 }))
        .filter((x) => Math.abs(x.b - x.a) >= 0.005)
        .sort((x, y) => Math.abs(y.b - y.a) - Math.abs(x.b - x.a));
    const w = Math.max(0, ...rows.map((x) => shortType(x.t).length));
    for (const x of rows) lines.push(`  ${shortType(x.t).padEnd(w)}  ${usd(x.a).padStart(10)}  ${usd(x.b).padStart(10)}  ${(x.b >= x.a ? "+" : "") + usd(x.b - x.a)}`);
    const np = (c: StackCost) => c.notPriced.map((n) => `${shortType(n.type)} ×${n.count}`).join(", ");
    if (a.notPriced.length || b.notPriced.length) lines.push(`  not priced: ${a.stack}: ${np(a) || "none"}; ${b.stack}: ${np(b) || "none"}`);
    return lines;
}

/** The stack-level cost object for the plan's JSON. */
export function costJson(c: StackCost): { monthlyUsd: number; currency: string; region: string; pricesDate: string; byComponent: Record<string, number>; notPriced: StackCost["notPriced"]; assumptions: UsageAssumptions; warnings: string[] } {
    return {
        monthlyUsd: round(c.total),
        currency: c.currency,
        region: c.region,
        pricesDate: PRICE_TABLE.date,
        byComponent: Object.fromEntries(c.byComponent.map((x) => [x.component, round(x.monthlyUsd)])),
        notPriced: c.notPriced,
        assumptions: c.assumptions,
        warnings: c.warnings,
    };
}

const round = (n: number) => Math.round(n * 100) / 100;
