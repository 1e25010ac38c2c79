/**
 * `npm run plan`: the offline plan. Runs each stack program under Pulumi mocks (no credentials,
 * no Pulumi CLI), prints the resource tree, counts and the policy pack's verdicts, and writes
 * JSON / Markdown / Mermaid on request. `npm run plan -- --help` lists the flags.
 *
 * Exit codes: 0 clean (advisories allowed), 1 a mandatory violation (or, with --validate, an AWS
 * rule error), 2 bad config or usage,
 * 3 unexpected error.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { isConfigError } from "../infra/errors";
import { HELP, parseArgs, UsageError } from "./plan/args";
import { unwrapRefusal } from "./plan/refusal";
import { redactSecretText } from "../infra/secrets";
import { compareStacks, renderComparison } from "./plan/compare";
import { stackMermaid } from "./plan/mermaid";
import { planJson, planMarkdown, stackReport, summaryLine, totals } from "./plan/report";
import { CostAssumptionsError, DEFAULT_ASSUMPTIONS, loadAssumptions } from "./cost/assumptions";
import { estimateStack } from "./cost/estimate";
import { costCompareLines, costJson, costLines, costSummary } from "./cost/report";
import { Judge, loadSource, loadSources, orderForPlanning, PlannedStack, planStacks, Program, StackSource } from "./plan/stacks";

export const EXIT = { clean: 0, mandatory: 1, badConfig: 2, crash: 3 } as const;

export interface RunPlanOptions {
    /** Command-line arguments (without node and the script). */
    argv: readonly string[];
    /** The program to plan. @default stageline */
    program?: Program;
    /** The policy judge. @default judgeStack from policy/run.ts */
    judge?: Judge;
    /** Where the report goes. @default process.stdout */
    out?: (line: string) => void;
    /** Where progress and errors go. @default process.stderr */
    err?: (line: string) => void;
}

/** Runs the plan and returns the exit code; never throws. */
export async function runPlan(opts: RunPlanOptions): Promise<number> {
    const out = opts.out ?? ((l: string) => process.stdout.write(l + "\n"));
    const err = opts.err ?? ((l: string) => process.stderr.write(l + "\n"));
    const debug = opts.argv.includes("--debug");
    // The Pulumi runtime records a stack trace for every promise it makes; under ts-node each one
    // is source-mapped, which was half the plan's time. Traces are only read with --debug.
    const stackTraceLimit = Error.stackTraceLimit;
    if (!debug) Error.stackTraceLimit = 0;
    try {
        return await plan(opts, out, err);
    } catch (e) {
        return reportError(e, err, debug);
    } finally {
        Error.stackTraceLimit = stackTraceLimit;
    }
}

/** Messages already printed, so the command line never prints one failure twice. */
const reported = new Set<string>();

/** Maps an error to its exit code with one clear message (a stack trace only with --debug). */
export function reportError(e: unknown, err: (line: string) => void, debug: boolean): number {
    reported.add(e instanceof Error ? e.message : String(e));
    if (e instanceof UsageError) {
        err(`plan: ${redactSecretText(e.message)}`);
        err("run `npm run plan -- --help` for usage");
        return EXIT.badConfig;
    }
    if (isConfigError(e) || e instanceof CostAssumptionsError || e instanceof pulumi.ResourceError || pulumi.RunError.isInstance(e)) {
        // A user-fixable problem: the message is the whole story.
        err((e as Error).message);
        if (debug && (e as Error).stack) err((e as Error).stack as string);
        return EXIT.badConfig;
    }
    const message = e instanceof Error ? e.message : String(e);
    err(`plan: unexpected error: ${redactSecretText(message.split("\n")[0])}${debug ? "" : " (run with --debug for the stack trace)"}`);
    if (debug && e instanceof Error && e.stack) err(e.stack);
    return EXIT.crash;
}

async function plan(opts: RunPlanOptions, out: (l: string) => void, err: (l: string) => void): Promise<number> {
    const args = parseArgs(opts.argv);
    if (args.help) {
        out(HELP);
        return EXIT.clean;
    }
    const progress = (e: { stack: string; done?: PlannedStack; index: number; total: number }) => {
        if (args.quiet) return;
        if (!e.done) err(`[${e.index + 1}/${e.total}] planning ${e.stack} …`);
        else {
            const v = e.done.violations;
            const m = v.filter((x) => x.enforcement === "mandatory").length;
            err(`[${e.index + 1}/${e.total}] ${e.stack}: ${e.done.plan.resources.length} resources, ${m} mandatory, ${v.length - m} advisory (${e.done.ms} ms)`);
        }
    };

    const assumptions = args.costAssumptions ? loadAssumptions(args.costAssumptions) : DEFAULT_ASSUMPTIONS;
    if (args.compare) {
        const pick = (x: string): StackSource => (/[/\\]|\.ya?ml$/.test(x) ? loadSource(undefined, x) : loadSource(x));
        const sources = [pick(args.compare[0]), pick(args.compare[1])];
        if (sources[0].stack === sources[1].stack && sources[0].file === sources[1].file) throw new UsageError("--compare needs two different stacks");
        const planned = await planStacks(orderForPlanning(sources), { program: opts.program, judge: opts.judge, onProgress: progress });
        const a = planned.find((p) => p.source === sources[0]) as PlannedStack;
        const b = planned.find((p) => p.source === sources[1]) as PlannedStack;
        for (const l of renderComparison(compareStacks(a, b), a, b)) out(l);
        for (const l of ["", ...costCompareLines(estimateStack(a.plan, { assumptions }), estimateStack(b.plan, { assumptions }))]) out(l);
        return EXIT.clean;
    }

    const sources = loadSources(args.stacks, args.config);
    const planned = await planStacks(sources, { program: opts.program, judge: opts.judge, firstDeploy: args.firstDeploy, onProgress: progress });

    // Estimated only where shown: --cost prints it, --json carries it.
    const costs = args.cost || args.json ? planned.map((p) => estimateStack(p.plan, { assumptions })) : [];
    for (const [i, p] of planned.entries()) {
        for (const l of stackReport(p, { quiet: args.quiet })) out(l);
        if (args.cost) for (const l of ["", ...costLines(costs[i])]) out(l);
    }

    if (args.json) writeFile(args.json, JSON.stringify(withCost(planJson(planned), costs), null, 2) + "\n", err, args.quiet);
    if (args.markdown) writeFile(args.markdown, planMarkdown(planned), err, args.quiet);
    if (args.mermaid) for (const p of planned) writeFile(path.join(args.mermaid, `${p.source.stack}.mmd`), stackMermaid(p), err, args.quiet);

    let ruleErrors = 0;
    if (args.validate) {
        // AWS's own rules over each stack's CloudFormation translation (tools/validate), loaded
        // only when asked for: the CloudFormation engine takes ~0.35 s to load.
        const { formatValidation, validateStackPlan } = await import("./validate");
        for (const p of planned) {
            const v = validateStackPlan(p.plan, { region: p.plan.settings.region, includeInfo: args.validateInfo });
            ruleErrors += v.errors.length;
            for (const l of ["", ...formatValidation(v)]) out(l);
        }
    }

    const t = totals(planned);
    out("");
    if (args.cost) for (const l of [...costSummary(costs), ""]) out(l);
    out(summaryLine(t));
    if (args.validate) out(`AWS rules: ${ruleErrors} error(s) across ${planned.length} stack(s)`);
    return t.mandatory > 0 || ruleErrors > 0 ? EXIT.mandatory : EXIT.clean;
}

/** Adds the cost estimate to the plan's JSON: `cost` per resource (monthlyUsd, basis) and per stack. */
function withCost(doc: unknown, costs: ReturnType<typeof estimateStack>[]): unknown {
    const d = doc as { stacks: { resources: { urn: string; cost?: unknown }[]; cost?: unknown }[] };
    d.stacks.forEach((s, i) => {
        const byUrn = new Map(costs[i].resources.map((r) => [r.urn, r]));
        for (const r of s.resources) {
            const c = byUrn.get(r.urn);
            r.cost = c ? { monthlyUsd: c.monthlyUsd, basis: c.basis } : null;
        }
        s.cost = costJson(costs[i]);
    });
    return d;
}

function writeFile(file: string, text: string, err: (l: string) => void, quiet: boolean): void {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, text);
    if (!quiet) err(`wrote ${file}`);
}

if (require.main === module) {
    const debug = process.argv.includes("--debug");
    let planning = true;
    let parked: unknown;
    const crash = (e: unknown) => {
        // A failure can arrive twice (the plan's own catch, then an unhandled rejection of a
        // promise that carried it): it is printed once.
        const again = reported.has(e instanceof Error ? e.message : String(e)) || (e instanceof Error && [...reported].some((m) => m.includes(unwrapRefusal(e.message))));
        process.exitCode = again ? (process.exitCode ?? EXIT.badConfig) : reportError(e, (l) => process.stderr.write(l + "\n"), debug);
        process.exit();
    };
    // While a stack is planned, the harness turns a rejection inside an `apply` into that stack's
    // failure (reported by runPlan with the stack's name); one nobody claims is reported at the end.
    process.on("unhandledRejection", (e) => {
        if (planning) parked ??= e;
        else crash(e);
    });
    process.on("uncaughtException", crash);
    runPlan({ argv: process.argv.slice(2) }).then((code) => {
        planning = false;
        process.exitCode = code;
        if (parked !== undefined && code === EXIT.clean) crash(parked);
    }, crash);
}
