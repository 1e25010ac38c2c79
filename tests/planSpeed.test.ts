/**
 * `npm run plan`'s fast start loses nothing: the plan it prints and writes is byte for byte the
 * plan of the plain ts-node path, exit codes included; the transpile cache (tools/tsload.js) can
 * never serve a stale module; the modules tools/lazyModules.js defers are never loaded by a plan
 * and are the real ones when something does use them.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };

interface Run {
    code: number | null;
    stdout: string;
    stderr: string;
}

/** `npm run plan -- <args>` as package.json's script runs it (without npm's own start-up). */
function fastPlan(args: string[], env: NodeJS.ProcessEnv = {}): Run {
    const [node, ...script] = PKG.scripts.plan.split(" ");
    assert.equal(node, "node", "the plan script starts with node");
    return spawn([...script, ...args], env);
}

/** The plain path: ts-node transpiling every file on each run, no deferred modules. */
function tsNodePlan(args: string[]): Run {
    return spawn(["-r", "ts-node/register/transpile-only", "tools/plan.ts", ...args], { TS_NODE_TRANSPILE_ONLY: "1" });
}

function spawn(args: string[], env: NodeJS.ProcessEnv): Run {
    const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env }, timeout: 90_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under `dir`, relative path → bytes. */
function files(dir: string): Map<string, Buffer> {
    const out = new Map<string, Buffer>();
    for (const f of fs.readdirSync(dir, { recursive: true }) as string[]) {
        const p = path.join(dir, f);
        if (fs.statSync(p).isFile()) out.set(f, fs.readFileSync(p));
    }
    return out;
}

/**
 * A written file with the two values that change from run to run blanked: the JSON's
 * `generatedAt` and each stack's planning time `ms`. Everything else must match byte for byte.
 */
function timeless(bytes: Buffer): string {
    return bytes
        .toString("utf8")
        .replace(/^ {2}"generatedAt": "[^"]+",$/m, '  "generatedAt": "…",')
        .replace(/^( +)"ms": \d+(,?)$/gm, '$1"ms": 0$2');
}

describe("npm run plan: the fast start (tools/tsload.js, tools/lazyModules.js)", function () {
    this.timeout(180_000);
    let scratch: string;
    before(() => {
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), "stageline-planspeed-"));
    });
    after(() => fs.rmSync(scratch, { recursive: true, force: true }));

    describe("GIVEN the four default stacks", () => {
        it("THEN the npm script prints and writes byte for byte what the ts-node path does (tree, cost, --json, --markdown, --mermaid), cold cache and warm, exit 0", () => {
            const outputs = (name: string) => {
                const dir = path.join(scratch, name);
                return { dir, args: ["--cost", "--json", path.join(dir, "plan.json"), "--markdown", path.join(dir, "plan.md"), "--mermaid", path.join(dir, "mermaid")] };
            };
            // Progress lines carry each stack's time and "wrote" lines the output's directory.
            const comparable = (r: Run, dir: string) => ({ code: r.code, stdout: r.stdout, stderr: r.stderr.replace(/\(\d+ ms\)/g, "(… ms)").split(dir).join("<out>") });

            const reference = outputs("ts-node");
            const ref = tsNodePlan(reference.args);
            assert.equal(ref.code, 0, ref.stderr);
            assert.match(ref.stdout, /^plan: 4 stacks, \d+ resources, 0 mandatory, 0 advisory violations$/m);

            const cache = path.join(scratch, "cache");
            for (const run of ["cold", "warm"]) {
                const fast = outputs(run);
                const r = fastPlan(fast.args, { STAGELINE_TSLOAD_CACHE: cache });
                assert.deepEqual(comparable(r, fast.dir), comparable(ref, reference.dir), `${run} cache: output differs from ts-node's`);
                const want = files(reference.dir);
                const got = files(fast.dir);
                assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), `${run} cache: written files differ`);
                for (const [f, bytes] of want) assert.equal(timeless(got.get(f) as Buffer), timeless(bytes), `${run} cache: ${f} differs from ts-node's`);
                if (run === "cold") assert.ok(fs.readdirSync(cache).filter((f) => f.endsWith(".js")).length > 40, "the cold run filled the cache");
            }
        });
    });

    describe("GIVEN a bad stack file and a bad flag", () => {
        it("THEN the npm script exits 2 with the same message as the ts-node path, and no stack trace", () => {
            const broken = ["--config", path.join("tests", "fixtures", "plan", "Pulumi.broken.yaml")];
            const fast = fastPlan(broken);
            assert.deepEqual(fast, tsNodePlan(broken));
            assert.equal(fast.code, 2);
            assert.match(fast.stderr, /stageline:network\.azCount/);
            assert.doesNotMatch(fast.stderr, /\n\s+at /);

            const usage = fastPlan(["--stack"]);
            assert.deepEqual(usage, { code: 2, stdout: "", stderr: "plan: --stack needs a stack name\nrun `npm run plan -- --help` for usage\n" });
        });
    });

    describe("tools/tsload.js: the transpile cache", () => {
        /** Runs `main.ts` of `dir` through the loader with its own cache; returns what it printed. */
        const run = (dir: string, cache: string): string => {
            const r = spawnSync(process.execPath, ["-r", path.join(ROOT, "tools", "tsload.js"), path.join(dir, "main.ts")], {
                cwd: dir,
                encoding: "utf8",
                env: { ...process.env, STAGELINE_TSLOAD_CACHE: cache },
            });
            assert.equal(r.status, 0, r.stderr);
            return r.stdout.trim();
        };
        const entries = (cache: string) => fs.readdirSync(cache).filter((f) => f.endsWith(".js")).sort();

        it("GIVEN a source changed with its size and timestamp kept, or a file added, THEN the next run uses the new code", () => {
            const dir = path.join(scratch, "tsload");
            const cache = path.join(dir, ".cache");
            fs.mkdirSync(dir, { recursive: true });
            const dep = path.join(dir, "dep.ts");
            fs.writeFileSync(path.join(dir, "main.ts"), 'import { value } from "./dep";\nconst typed: number = value;\nconsole.log(typed);\n');
            fs.writeFileSync(dep, "export const value: number = 1;\n");
            assert.equal(run(dir, cache), "1");
            const first = entries(cache);
            assert.equal(first.length, 2, "one entry per file");

            // Same length, same modification time: a timestamp check would serve the old code.
            const { atime, mtime } = fs.statSync(dep);
            fs.writeFileSync(dep, "export const value: number = 2;\n");
            fs.utimesSync(dep, atime, mtime);
            assert.equal(run(dir, cache), "2");
            assert.equal(entries(cache).length, 3, "the changed file got its own entry");

            // Back to the first text: the first entry is served again, nothing new is written.
            fs.writeFileSync(dep, "export const value: number = 1;\n");
            assert.equal(run(dir, cache), "1");
            assert.equal(entries(cache).length, 3);

            // A file nobody knew about when the cache was filled.
            fs.writeFileSync(path.join(dir, "added.ts"), "export const more: string = 'added';\n");
            fs.writeFileSync(path.join(dir, "main.ts"), 'import { value } from "./dep";\nimport { more } from "./added";\nconsole.log(`${value} ${more}`);\n');
            assert.equal(run(dir, cache), "1 added");
        });

        it("GIVEN a cache directory that cannot be written THEN the loader still runs the program", () => {
            const dir = path.join(scratch, "readonly");
            fs.mkdirSync(dir, { recursive: true });
            fs.writeFileSync(path.join(dir, "main.ts"), "const n: number = 40 + 2;\nconsole.log(n);\n");
            const blocker = path.join(dir, "not-a-dir");
            fs.writeFileSync(blocker, "a file where the cache directory would go");
            assert.equal(run(dir, path.join(blocker, "cache")), "42");
        });

        it("GIVEN a module that reads __dirname THEN it sees its own source directory, as under ts-node", () => {
            const dir = path.join(scratch, "dirname");
            fs.mkdirSync(path.join(dir, "sub"), { recursive: true });
            fs.writeFileSync(path.join(dir, "sub", "where.ts"), "export const where: string = __dirname;\n");
            fs.writeFileSync(path.join(dir, "main.ts"), 'import { where } from "./sub/where";\nconsole.log(where);\n');
            assert.equal(run(dir, path.join(dir, ".cache")), fs.realpathSync(path.join(dir, "sub")));
        });
    });

    describe("tools/lazyModules.js: modules @pulumi/pulumi loads and a plan never uses", () => {
        it("THEN a plan loads neither the TypeScript compiler nor arborist, and both are the real modules once used", () => {
            const program = `
                const lazy = require("./tools/lazyModules.js");
                const heavy = () => Object.keys(require.cache).filter((f) => /node_modules\\/(typescript|@npmcli\\/arborist)\\//.test(f)).length;
                require("./tools/plan.ts").runPlan({ argv: ["--stack", "dev", "--quiet"], out: () => {}, err: () => {} }).then(async (code) => {
                    const afterPlan = { code, loaded: lazy.loaded(), heavy: heavy() };
                    const pulumi = require("@pulumi/pulumi");
                    // Pulumi's own use of the TypeScript compiler: serialising a function.
                    const serialized = await pulumi.runtime.serializeFunction(() => 6 * 7);
                    const Module = require("module");
                    const codePaths = require.cache[require.resolve("@pulumi/pulumi/runtime/closure/codePaths")];
                    const arborist = Module._load("@npmcli/arborist", codePaths, false);
                    const esModuleBeforeUse = arborist.__esModule;
                    const sameArborist = arborist.Arborist === require("@npmcli/arborist").Arborist;
                    console.log(JSON.stringify({ afterPlan, serializedHas42: serialized.text.includes("6 * 7"), esModuleBeforeUse, sameArborist, loaded: lazy.loaded().sort() }));
                });`;
            const r = spawnSync(process.execPath, ["-r", "./tools/tsload.js", "-e", program], { cwd: ROOT, encoding: "utf8", timeout: 90_000 });
            assert.equal(r.status, 0, r.stderr);
            assert.deepEqual(JSON.parse(r.stdout.trim().split("\n").pop() as string), {
                afterPlan: { code: 0, loaded: [], heavy: 0 },
                serializedHas42: true,
                esModuleBeforeUse: true,
                sameArborist: true,
                loaded: ["@npmcli/arborist", "typescript"],
            });
        });
    });
});
