/**
 * What the plan writes: the text report, the machine-readable JSON and the Markdown document
 * (job summary / PR comment). All three go through `redact`.
 */
import * as path from "path";
import { PolicyViolation } from "../../policy/run";
import { redact } from "./redact";
import { PlannedStack } from "./stacks";
import { countResources, renderTree, shortType, table } from "./tree";
import { stackMermaid } from "./mermaid";

export interface Totals {
    stacks: number;
    resources: number;
    mandatory: number;
    advisory: number;
}

export function totals(planned: readonly PlannedStack[]): Totals {
    const v = planned.flatMap((p) => p.violations);
    return {
        stacks: planned.length,
        resources: planned.reduce((n, p) => n + p.plan.resources.length, 0),
        mandatory: v.filter((x) => x.enforcement === "mandatory").length,
        advisory: v.filter((x) => x.enforcement === "advisory").length,
    };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `plan: 4 stacks, 412 resources, 0 mandatory, 7 advisory violations` */
export function summaryLine(t: Totals): string {
    return `plan: ${plural(t.stacks, "stack")}, ${plural(t.resources, "resource")}, ${t.mandatory} mandatory, ${plural(t.advisory, "advisory violation")}`;
}

function where(v: PolicyViolation): string {
    return v.type || v.name ? ` (${v.type ? shortType(v.type) : ""}${v.name ? ` ${v.name}` : ""})`.replace("( ", "(") : "";
}

/** Policy verdicts of one stack, grouped by enforcement. */
export function verdictLines(p: PlannedStack): string[] {
    const lines: string[] = [];
    for (const level of ["mandatory", "advisory"] as const) {
        const vs = p.violations.filter((v) => v.enforcement === level);
        lines.push(`  ${level}: ${vs.length ? plural(vs.length, "violation") : "none"}`);
        for (const v of vs) lines.push(`    ✗ ${v.policy}${where(v)}: ${oneLine(v.message)}`);
    }
    return lines;
}

const oneLine = (s: string) => s.replace(/\s*\n\s*/g, " ").trim();

/** How a StackReference was served: the real planned outputs, or a stand-in (fixture outputs). */
export function referenceLine(r: { stack: string; from: "planned" | "fixture" }): string {
    return r.from === "planned"
        ? `StackReference ${r.stack}: its outputs as planned in this run`
        : `StackReference ${r.stack}: STAND-IN — fixture outputs (tools/harness.ts prodFixtureOutputs), because ${r.stack} was not planned in this run; plan it too (npm run plan without --stack) to use its real outputs`;
}

/** The text report of one stack: tree, counts, verdicts. */
export function stackReport(p: PlannedStack, opts: { quiet: boolean }): string[] {
    const c = countResources(p.plan);
    const lines: string[] = [];
    lines.push("", `== ${p.source.stack} (stage ${p.source.settings.stage}) — ${plural(c.total, "resource")}`);
    // A stand-in is said even in --quiet: this stack's plan rests on outputs nobody planned.
    for (const r of p.references) lines.push(`  ${referenceLine(r)}`);
    if (!opts.quiet) {
        lines.push("", "resources:", ...renderTree(p.plan).map((l) => `  ${l}`));
        lines.push("", "by component:", ...table(c.byComponent));
        lines.push("", "by type:", ...table(c.byType.map(([t, n]) => [shortType(t), n])));
        lines.push("");
    }
    lines.push("policy verdicts:", ...verdictLines(p));
    return lines;
}

/** The machine-readable plan: stacks → resources, outputs, policy results, summary. */
export function planJson(planned: readonly PlannedStack[]): unknown {
    const t = totals(planned);
    return {
        version: 1,
        generatedAt: new Date().toISOString(),
        stacks: planned.map((p) => {
            const secretConfig = new Set(p.source.secretKeys);
            const c = countResources(p.plan);
            return {
                stack: p.source.stack,
                stage: p.source.settings.stage,
                file: path.relative(process.cwd(), p.source.file) || p.source.file,
                config: Object.fromEntries(Object.entries(p.source.config).map(([k, v]) => [k, secretConfig.has(k) ? "[secret]" : redact(tryJson(v))])),
                secretConfigKeys: p.source.secretKeys,
                references: p.references,
                resources: p.plan.resources.map((r) => ({
                    urn: r.urn,
                    type: r.type,
                    name: r.name,
                    parent: r.parent ?? null,
                    custom: r.custom,
                    inputs: redact(r.inputs, p.secretInputs.get(r.urn) ?? new Set()),
                    options: r.options,
                })),
                outputs: redact(p.plan.outputs, p.secretOutputs),
                policy: {
                    mandatory: p.violations.filter((v) => v.enforcement === "mandatory"),
                    advisory: p.violations.filter((v) => v.enforcement === "advisory"),
                },
                summary: {
                    resources: c.total,
                    byType: Object.fromEntries(c.byType),
                    byComponent: Object.fromEntries(c.byComponent),
                    mandatory: p.violations.filter((v) => v.enforcement === "mandatory").length,
                    advisory: p.violations.filter((v) => v.enforcement === "advisory").length,
                    ms: p.ms,
                },
            };
        }),
        summary: { ...t, line: summaryLine(t), passed: t.mandatory === 0 },
    };
}

function tryJson(v: string): unknown {
    try {
        return /^\s*[[{]/.test(v) ? JSON.parse(v) : v;
    } catch {
        return v;
    }
}

const md = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** A Markdown document for a job summary or PR comment: per stack a diagram and a verdict table. */
export function planMarkdown(planned: readonly PlannedStack[]): string {
    const t = totals(planned);
    const out: string[] = [`## stageline plan ${t.mandatory ? "❌" : "✅"}`, "", `\`${summaryLine(t)}\``, ""];
    out.push("| stack | stage | resources | mandatory | advisory |", "|---|---|---:|---:|---:|");
    for (const p of planned) {
        const m = p.violations.filter((v) => v.enforcement === "mandatory").length;
        const a = p.violations.filter((v) => v.enforcement === "advisory").length;
        out.push(`| ${p.source.stack} | ${p.source.settings.stage} | ${p.plan.resources.length} | ${m} | ${a} |`);
    }
    for (const p of planned) {
        out.push("", `### ${p.source.stack}`, "", "```mermaid", stackMermaid(p).trimEnd(), "```", "");
        const vs = p.violations.filter((v) => v.enforcement !== "disabled");
        if (!vs.length) {
            out.push("No policy violations.");
            continue;
        }
        out.push("| enforcement | policy | resource | message |", "|---|---|---|---|");
        for (const v of [...vs].sort((a, b) => (a.enforcement === b.enforcement ? 0 : a.enforcement === "mandatory" ? -1 : 1))) {
            out.push(`| ${v.enforcement} | \`${v.policy}\` | ${md(v.name ?? "")} ${v.type ? `\`${shortType(v.type)}\`` : ""} | ${md(v.message)} |`);
        }
    }
    return out.join("\n") + "\n";
}
