/**
 * How long `--validate` costs: the WebAssembly engine's one-time build, translating and
 * validating each default stack (first call and warm), and the whole `npm run plan` with and
 * without the flag. Writes bench/validate.md.
 *
 *   npx ts-node --transpile-only bench/validate.ts
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planStackFile, StackPlan } from "../tools/harness";
import { translatePlan, validateStackPlan, validatorEngine } from "../tools/validate";

const ROOT = path.resolve(__dirname, "..");
const STACKS = ["prod", "staging", "test", "dev"];
const RUNS = 3;

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const s = (x: number) => `${(x / 1000).toFixed(2)} s`;

function cli(args: string[]): number {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "tools/plan.ts", ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "1" } });
    if (r.status !== 0) throw new Error(`plan ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
    return ms(start);
}

async function main(): Promise<void> {
    const load = os.loadavg()[0].toFixed(2);
    let t = process.hrtime.bigint();
    validatorEngine();
    const engineMs = ms(t);

    const plans: StackPlan[] = [];
    for (const stack of STACKS) plans.push(await planStackFile(stack));

    const rows: string[] = [];
    let firstTotal = 0;
    let warmTotal = 0;
    for (const plan of plans) {
        t = process.hrtime.bigint();
        const first = validateStackPlan(plan);
        const firstMs = ms(t);
        const warm: number[] = [];
        for (let i = 0; i < RUNS; i++) {
            t = process.hrtime.bigint();
            validateStackPlan(plan);
            warm.push(ms(t));
        }
        t = process.hrtime.bigint();
        translatePlan(plan);
        const translateMs = ms(t);
        firstTotal += firstMs;
        warmTotal += median(warm);
        rows.push(
            `| ${plan.stack} | ${plan.resources.length} | ${first.checked} | ${first.errors.length} | ${first.warnings.length} | ${first.infoCount} | ${first.notValidated.length} | ${translateMs.toFixed(1)} ms | ${Math.round(firstMs)} ms | ${Math.round(median(warm))} ms |`,
        );
    }

    const plain: number[] = [];
    const validated: number[] = [];
    for (let i = 0; i < RUNS; i++) {
        plain.push(cli(["--quiet"]));
        validated.push(cli(["--quiet", "--validate"]));
    }

    const md = `# \`--validate\`: speed

Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC by \`bench/validate.ts\` (${RUNS} runs where repeated, median).
Machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? "CPU"}, Node ${process.version}, @aws/cloudformation-validate 1.9.0-beta (RegoEngine).
Load average when the run started: ${load} (other helpers' jobs share the CPUs: figures are pessimistic).

## One-time cost

| what | time |
|---|---:|
| build the WebAssembly engine (\`new RegoEngine()\`, once per process) | ${s(engineMs)} |

## Per stack (engine already built)

"first" is the first validation in the process (the engine warms up on it); "warm" the median of ${RUNS} more.

| stack | planned resources | CloudFormation resources | errors | warnings | info | not validated | translate | validate, first | validate, warm |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${rows.join("\n")}
| **all four** | | | | | | | | **${s(firstTotal)}** | **${s(warmTotal)}** |

## The whole command (fresh process, \`--quiet\`, all four stacks)

| command | median | runs |
|---|---:|---|
| \`npm run plan -- --quiet\` | ${s(median(plain))} | ${plain.map(s).join(", ")} |
| \`npm run plan -- --quiet --validate\` | ${s(median(validated))} | ${validated.map(s).join(", ")} |
| cost of \`--validate\` | ${s(median(validated) - median(plain))} | |

Most of the added time is the engine build and its first (warm-up) validation; the rules on a
warm engine take a fraction of a second per stack. "not validated" counts resources with no
CloudFormation equivalent (GitHub resources, the stack reference, the provider, the VPC's default
security group, ACM's validation waiter) — listed by \`--validate\`, never dropped silently.
`;
    fs.writeFileSync(path.join(__dirname, "validate.md"), md);
    process.stdout.write(md);
}

main().catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
});
