/**
 * Speed of the offline plan against its yardstick: the same platform synthesised with AWS CDK
 * (`shared/peers/cdk-synth`, `node app.js <services> [stage]`). Both are run as a user runs them,
 * each in a fresh process, ALTERNATING in one run (plan, CDK, plan, CDK, …) so both see the same
 * machine load; only the ratio of the medians means anything on a shared machine. Writes
 * bench/results.md with the machine and its load.
 *
 *   npx ts-node --transpile-only bench/bench.ts [--runs 5] [--yardstick <dir>] [--only <case>]
 *
 * The yardstick folder is copied to a scratch directory and `npm install`ed there on first use
 * (shared/ is read-only), unless --yardstick names a folder that has it installed already.
 *
 * Cases:
 * - `all`: `npm run plan -- --quiet` (the four stacks) vs `node app.js 1` (four stages);
 * - `one`: `npm run plan -- --stack prod --quiet` vs `node app.js 1 prod`;
 * - `1`, `10`, `50`: a prod stack file with that many services
 *   (`npm run plan -- --stack prod --config <file> --quiet`) vs `node app.js <n> prod`.
 * Targets (issue 22): plan ≤ 0.5× the yardstick for `all` and `one`; 50 services ≤ 3× 1 service.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";

const ROOT = path.resolve(__dirname, "..");
const flag = (name: string): string | undefined => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
};
const RUNS = Number(flag("--runs") ?? 5);
const ONLY = flag("--only");
const SERVICE_COUNTS = [1, 10, 50];
const TARGET_RATIO = 0.5;
const TARGET_GROWTH = 3;

/** A prod stack file with `n` generated services (unique names, paths and priorities). */
export function stackWithServices(dir: string, n: number): string {
    const doc = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> };
    doc.config["stageline:services"] = Array.from({ length: n }, (_, i) => {
        const name = `svc${String(i + 1).padStart(2, "0")}`;
        return { name, port: 8080, healthCheckPath: `/${name}/health`, pathPatterns: [`/${name}/*`], priority: 100 + i, cpu: 256, memory: 512, desiredCount: 2, minCount: 2, maxCount: 4 };
    });
    const file = path.join(dir, `Pulumi.prod-${n}.yaml`);
    fs.writeFileSync(file, YAML.stringify(doc));
    return file;
}

/** The yardstick, installed: --yardstick, else a scratch copy of shared/peers/cdk-synth. */
function yardstick(): string {
    const given = flag("--yardstick");
    if (given) return path.resolve(given);
    let source: string | undefined;
    for (let d = ROOT; ; d = path.dirname(d)) {
        const candidate = path.join(d, "shared", "peers", "cdk-synth");
        if (fs.existsSync(path.join(candidate, "app.js"))) {
            source = candidate;
            break;
        }
        if (path.dirname(d) === d) break;
    }
    if (!source) throw new Error("no shared/peers/cdk-synth above the project; pass --yardstick <dir>");
    const dir = path.join(os.tmpdir(), "stageline-cdk-synth");
    if (!fs.existsSync(path.join(dir, "node_modules", "aws-cdk-lib"))) {
        fs.cpSync(source, dir, { recursive: true });
        process.stderr.write(`installing the yardstick in ${dir} …\n`);
        const r = spawnSync("npm", ["install", "--no-audit", "--no-fund"], { cwd: dir, stdio: "inherit" });
        if (r.status !== 0) throw new Error(`npm install in ${dir} failed`);
    }
    return dir;
}

/** Wall time of one command, in ms; fails on an unexpected exit code. */
function timed(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): number {
    const started = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr.slice(-2000)}`);
    return ms;
}

const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export interface Case {
    id: string;
    what: string;
    plan: string[];
    cdk: string[];
}
export interface Result extends Case {
    planMs: number[];
    cdkMs: number[];
}

function main(): void {
    const cdkDir = yardstick();
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "stageline-bench-"));
    const cases: Case[] = [
        { id: "all", what: "all four stacks", plan: ["--quiet"], cdk: ["1"] },
        { id: "one", what: "one stack (prod)", plan: ["--stack", "prod", "--quiet"], cdk: ["1", "prod"] },
        ...SERVICE_COUNTS.map((n) => ({
            id: String(n),
            what: `prod, ${n} service${n === 1 ? "" : "s"}`,
            plan: ["--stack", "prod", "--config", stackWithServices(scratch, n), "--quiet"],
            cdk: [String(n), "prod"],
        })),
    ].filter((c) => !ONLY || ONLY.split(",").includes(c.id));

    // CDK refuses a stack over 500 resources (50 services make ~1,800); context 0 lifts the limit
    // without touching app.js (the App reads its context from CDK_CONTEXT_JSON).
    const cdkEnv = { ...process.env, CDK_OUT: path.join(scratch, "cdk.out"), CDK_CONTEXT_JSON: JSON.stringify({ "@aws-cdk/core:stackResourceLimit": 0 }) };
    const loadBefore = os.loadavg();
    const started = new Date();
    // Warm-up, not counted: fills the plan's transpile cache and the file system cache for both.
    timed("npm", ["run", "-s", "plan", "--", "--quiet"], ROOT);
    timed(process.execPath, ["app.js", "1"], cdkDir, cdkEnv);

    const results: Result[] = cases.map((c) => ({ ...c, planMs: [], cdkMs: [] }));
    for (let run = 0; run < RUNS; run++) {
        for (const r of results) {
            r.planMs.push(timed("npm", ["run", "-s", "plan", "--", ...r.plan], ROOT));
            r.cdkMs.push(timed(process.execPath, ["app.js", ...r.cdk], cdkDir, cdkEnv));
            process.stderr.write(`run ${run + 1}/${RUNS} ${r.id}: plan ${sec(r.planMs[run])}, cdk ${sec(r.cdkMs[run])}\n`);
        }
    }
    const loadAfter = os.loadavg();
    fs.rmSync(scratch, { recursive: true, force: true });
    fs.writeFileSync(path.join(__dirname, "results.md"), report(results, started, loadBefore, loadAfter));
    process.stderr.write("wrote bench/results.md\n");
}

/** bench/results.md for these runs. */
export function report(results: Result[], started: Date, loadBefore: number[], loadAfter: number[]): string {
    const cpu = os.cpus();
    const ratio = (r: Result) => median(r.planMs) / median(r.cdkMs);
    const fastest = (r: Result) => Math.min(...r.planMs) / Math.min(...r.cdkMs);
    const by = (id: string) => results.find((r) => r.id === id);
    const verdict = (ok: boolean) => (ok ? "met" : "**missed**");
    const lines = [
        "# Offline plan: speed against the CDK yardstick",
        "",
        `Measured ${started.toISOString().slice(0, 16).replace("T", " ")} UTC by \`bench/bench.ts\`: ${results[0]?.planMs.length ?? 0} alternating pairs per row`,
        "(plan, then the yardstick, then the plan again …), each a fresh process, wall time, medians.",
        "",
        `Machine: ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()}, Node ${process.version}.`,
        `Load average (1, 5, 15 min) at the start: ${loadBefore.map((x) => x.toFixed(2)).join(", ")}; at the end: ${loadAfter.map((x) => x.toFixed(2)).join(", ")}` +
            (loadBefore[0] > cpu.length ? " — other jobs were competing for the CPUs, so absolute times are pessimistic; the ratios are what the run measures." : "."),
        "",
        "- plan: `npm run plan -- <args>` (npm's own start-up included), from the project root.",
        "- yardstick: `node app.js <services> [stage]` in a copy of `shared/peers/cdk-synth` (aws-cdk-lib, synthesised offline),",
        "  with the context `@aws-cdk/core:stackResourceLimit: 0` (through `CDK_CONTEXT_JSON`): CDK refuses a stack over 500",
        "  resources, and prod with 50 services has about 1,800.",
        "",
        "| case | plan | yardstick | plan ÷ yardstick (medians) | fastest ÷ fastest | plan runs | yardstick runs |",
        "|---|---:|---:|---:|---:|---|---|",
        ...results.map((r) => `| ${r.what} | ${sec(median(r.planMs))} | ${sec(median(r.cdkMs))} | **${ratio(r).toFixed(2)}×** | ${fastest(r).toFixed(2)}× | ${r.planMs.map(sec).join(", ")} | ${r.cdkMs.map(sec).join(", ")} |`),
        "",
        "Under load the yardstick slows down more than the plan (it allocates far more memory and runs longer), which",
        "flatters the median ratio; \"fastest ÷ fastest\" compares each side's least-disturbed run and is the figure",
        "closer to a quiet machine. Re-measure on a quiet machine before quoting an absolute time.",
        "",
        "## Against the targets (issue 22)",
        "",
    ];
    const all = by("all");
    const one = by("one");
    const s1 = by("1");
    const s50 = by("50");
    if (all) lines.push(`- All four stacks ≤ ${TARGET_RATIO}× the yardstick: ${verdict(ratio(all) <= TARGET_RATIO)} (${ratio(all).toFixed(2)}×).`);
    if (one) lines.push(`- One stack ≤ ${TARGET_RATIO}× the yardstick with one stage: ${verdict(ratio(one) <= TARGET_RATIO)} (${ratio(one).toFixed(2)}×).`);
    if (s1 && s50) {
        const growth = median(s50.planMs) / median(s1.planMs);
        const cdkGrowth = median(s50.cdkMs) / median(s1.cdkMs);
        lines.push(`- 50 services ≤ ${TARGET_GROWTH}× the time of 1, whole command: ${verdict(growth <= TARGET_GROWTH)} (${growth.toFixed(2)}×; the yardstick: ${cdkGrowth.toFixed(2)}×).`);
    }
    lines.push(
        "",
        "How the plan gets there (docs/plan.md, \"Speed\"): each TypeScript file is transpiled once by esbuild into a",
        "content-addressed cache (`tools/tsload.js`), the modules @pulumi/pulumi loads but a plan never uses are",
        "deferred (`tools/lazyModules.js`), the CloudFormation validator loads only for `--validate`, and the",
        "in-process policy runner skips policies for resource types they do not judge.",
        "",
    );
    return lines.join("\n");
}

if (require.main === module) {
    try {
        main();
    } catch (e) {
        process.stderr.write(`bench failed: ${(e as Error).message}\n`);
        process.exit(1);
    }
}
