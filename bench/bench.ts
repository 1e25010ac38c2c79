/**
 * Speed of the offline plan. Measures the wall time of `npm run plan` as a user runs it (a fresh
 * process: Node + ts-node + @pulumi load, then planning), for one stack, all four stacks, and a
 * prod-shaped stack with 1, 10 and 50 services; and, inside one warm process, the planning time
 * alone for 1, 10 and 50 services (how cost grows with services, without the fixed load).
 * Writes bench/results.md.
 *
 *   npx ts-node --transpile-only bench/bench.ts [--runs 3]
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import { loadSource, planStacks } from "../tools/plan/stacks";

const ROOT = path.resolve(__dirname, "..");
const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
const SERVICE_COUNTS = [1, 10, 50];

/** A prod-shaped stack file with `n` generated services (unique names, paths and priorities). */
function stackWithServices(dir: string, n: number): string {
    const doc = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> };
    doc.config["stageline:services"] = Array.from({ length: n }, (_, i) => {
        const name = `svc${String(i + 1).padStart(2, "0")}`;
        return { name, port: 8080, healthCheckPath: `/${name}/health`, pathPatterns: [`/${name}/*`], priority: 100 + i, cpu: 256, memory: 512, desiredCount: 2, minCount: 2, maxCount: 4 };
    });
    const file = path.join(dir, `Pulumi.bench-${n}.yaml`);
    fs.writeFileSync(file, YAML.stringify(doc));
    return file;
}

function cliOnce(args: string[]): number {
    const started = process.hrtime.bigint();
    const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "tools/plan.ts", "--quiet", ...args], { cwd: ROOT, encoding: "utf8" });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (r.status !== 0 && r.status !== 1) throw new Error(`plan ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
    return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

interface Row {
    what: string;
    median: number;
    min: number;
    resources?: number;
}

function cli(what: string, args: string[]): Row {
    const times = Array.from({ length: RUNS }, () => cliOnce(args));
    const row = { what, median: median(times), min: Math.min(...times) };
    process.stderr.write(`${what}: median ${fmt(row.median)} (min ${fmt(row.min)})\n`);
    return row;
}

async function inProcess(file: string, n: number): Promise<Row> {
    const source = loadSource(undefined, file);
    const times: number[] = [];
    let resources = 0;
    for (let i = 0; i < RUNS; i++) {
        const started = process.hrtime.bigint();
        const [p] = await planStacks([source]);
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
        resources = p.plan.resources.length;
    }
    const row = { what: `${n} service${n === 1 ? "" : "s"} (warm, planning only)`, median: median(times), min: Math.min(...times), resources };
    process.stderr.write(`${row.what}: median ${fmt(row.median)} (min ${fmt(row.min)}), ${resources} resources\n`);
    return row;
}

async function main(): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stageline-bench-"));
    const files = Object.fromEntries(SERVICE_COUNTS.map((n) => [n, stackWithServices(dir, n)]));
    const load = os.loadavg()[0];

    const cliRows = [cli("one stack (`--stack prod`)", ["--stack", "prod"]), cli("all four stacks", [])];
    for (const n of SERVICE_COUNTS) cliRows.push(cli(`prod-shaped stack, ${n} service${n === 1 ? "" : "s"}`, ["--config", files[n]]));

    // Warm: same process as the CLI's planning, after one throw-away run that loads every module.
    Error.stackTraceLimit = 0;
    await planStacks([loadSource(undefined, files[1])]);
    const warm: Row[] = [];
    for (const n of SERVICE_COUNTS) warm.push(await inProcess(files[n], n));
    fs.rmSync(dir, { recursive: true, force: true });

    const cliRatio = cliRows[4].median / cliRows[2].median;
    const warmRatio = warm[2].median / warm[0].median;
    const all = cliRows[1].median;
    const cpu = os.cpus();
    const lines = [
        "# Offline plan: speed",
        "",
        `Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC by \`bench/bench.ts\` (${RUNS} runs each, median and fastest).`,
        "",
        `Machine: ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()}, Node ${process.version}.`,
        `Load average when the run started: ${load.toFixed(2)} (other jobs were ${load > cpu.length ? "competing for the CPUs — figures are pessimistic" : "light"}).`,
        "",
        "## `npm run plan` as a user runs it (fresh process, `--quiet`; `node -r ts-node/register/transpile-only tools/plan.ts`, without npm's own start-up)",
        "",
        "| what | median | fastest |",
        "|---|---:|---:|",
        ...cliRows.map((r) => `| ${r.what} | ${fmt(r.median)} | ${fmt(r.min)} |`),
        "",
        "## Planning only, warm process (no module load)",
        "",
        "| services | resources | median | fastest |",
        "|---|---:|---:|---:|",
        ...warm.map((r, i) => `| ${SERVICE_COUNTS[i]} | ${r.resources} | ${fmt(r.median)} | ${fmt(r.min)} |`),
        "",
        "## Against the targets",
        "",
        `- All four stacks under 5 s: **${all < 5000 ? "met" : "missed"}** (${fmt(all)} median, ${fmt(cliRows[1].min)} fastest).`,
        `- 50 services under 4× the time of 1: **${warmRatio < 4 ? "met" : "missed"}** for planning alone (${warmRatio.toFixed(2)}×); ${cliRatio.toFixed(2)}× for the whole command, where the fixed load dominates.`,
        "",
        "Most of a fresh run is loading: Node, ts-node transpiling the TypeScript sources, and",
        "@pulumi/pulumi + @pulumi/aws. The plan sets `Error.stackTraceLimit = 0` (unless `--debug`):",
        "the Pulumi runtime records a stack trace for every promise, and under ts-node each one was",
        "source-mapped, which doubled the CPU time of a full run.",
        "",
    ];
    fs.writeFileSync(path.join(__dirname, "results.md"), lines.join("\n"));
    process.stderr.write(`wrote bench/results.md\n`);
}

main().catch((e) => {
    process.stderr.write(`bench failed: ${(e as Error).message}\n`);
    process.exit(1);
});
