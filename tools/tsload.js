// @ts-check
/**
 * A TypeScript loader for `npm run plan`: `node -r ./tools/tsload.js tools/plan.ts`.
 *
 * It does what `ts-node --transpile-only` does (strip the types of each `.ts` file as Node
 * requires it, one file at a time, with the project's tsconfig.json), but with esbuild instead of
 * the TypeScript compiler, and it keeps each result in a cache so a file is transpiled once, not
 * on every run:
 *
 * - The cache is content-addressed: an entry's name is the SHA-256 of the file's text, the
 *   tsconfig.json text, the esbuild version and this loader's version. A changed source (or
 *   tsconfig, or esbuild) has another name, so a stale entry can never be served, whatever the
 *   files' timestamps say; a new file anyone adds is picked up like any other `require`.
 * - Each module keeps its own path (`__dirname`, relative `require`s, `path.resolve(__dirname,
 *   "..")` all behave as under ts-node) and carries an inline source map, so `--debug` stack traces
 *   point at the TypeScript lines.
 * - esbuild itself is loaded only on a cache miss; a warm run reads the cache and hashes the
 *   sources (a few ms for the whole program). The cache lives in `.cache/tsload/` (git-ignored);
 *   deleting it is always safe. If it cannot be written (a read-only checkout) the loader still
 *   works, transpiling in memory.
 *
 * Types are not checked here, exactly as with `ts-node --transpile-only`: `npm test` runs
 * `tsc --noEmit` once. `pulumi up` does not use this file (Pulumi.yaml `main: infra/` runs the
 * program through the Pulumi CLI's own TypeScript support).
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const Module = require("module");

/** Bump when the transform below changes, to retire every cached entry. */
const LOADER_VERSION = "1";
const ROOT = path.resolve(__dirname, "..");
/** Where transpiled modules are kept; `STAGELINE_TSLOAD_CACHE` overrides (tests use a scratch dir). */
const CACHE_DIR = process.env.STAGELINE_TSLOAD_CACHE || path.join(ROOT, ".cache", "tsload");
/** How many entries to keep; older ones (by modification time) are removed after a miss. */
const MAX_ENTRIES = 400;

const TSCONFIG = readOr(path.join(ROOT, "tsconfig.json"), "{}");
const ESBUILD_VERSION = (() => {
    try {
        return require("esbuild/package.json").version;
    } catch {
        return "missing";
    }
})();
const SALT = `${LOADER_VERSION}\0${ESBUILD_VERSION}\0${TSCONFIG}\0`;

/** What the loader did in this process (tests read it: hits, misses, transpiled files). */
const stats = { hits: 0, misses: 0, transpiled: /** @type {string[]} */ ([]) };

/** @type {typeof import("esbuild") | undefined} */
let esbuild;
let writable = true;

/** @param {string} file @param {string} fallback */
function readOr(file, fallback) {
    try {
        return fs.readFileSync(file, "utf8");
    } catch {
        return fallback;
    }
}

/**
 * The JavaScript for one TypeScript file, from the cache or freshly transpiled.
 * @param {string} source @param {string} filename
 */
function compile(source, filename) {
    const key = crypto.createHash("sha256").update(SALT).update(filename).update("\0").update(source).digest("hex");
    const entry = path.join(CACHE_DIR, `${key}.js`);
    try {
        const code = fs.readFileSync(entry, "utf8");
        stats.hits++;
        return code;
    } catch {
        // not cached yet
    }
    stats.misses++;
    stats.transpiled.push(filename);
    esbuild ??= require("esbuild");
    const { code } = esbuild.transformSync(source, {
        loader: "ts",
        format: "cjs",
        // Node 20 runs ES2022 as written: only the types are removed, nothing is down-levelled.
        target: "node20",
        // The project's compiler options (useDefineForClassFields via target, decorators, …).
        tsconfigRaw: TSCONFIG,
        sourcefile: filename,
        sourcemap: "inline",
        sourcesContent: false,
    });
    if (writable) {
        try {
            fs.mkdirSync(CACHE_DIR, { recursive: true });
            // Write then rename: a concurrent run never reads a half-written entry.
            const tmp = `${entry}.${process.pid}.tmp`;
            fs.writeFileSync(tmp, code);
            fs.renameSync(tmp, entry);
            prune();
        } catch {
            writable = false;
        }
    }
    return code;
}

/** Keeps the cache small: old entries of sources that have since changed are removed. */
function prune() {
    const names = fs.readdirSync(CACHE_DIR).filter((n) => n.endsWith(".js"));
    if (names.length <= MAX_ENTRIES) return;
    const aged = names.map((n) => ({ n, t: fs.statSync(path.join(CACHE_DIR, n)).mtimeMs })).sort((a, b) => a.t - b.t);
    for (const { n } of aged.slice(0, names.length - MAX_ENTRIES)) fs.rmSync(path.join(CACHE_DIR, n), { force: true });
}

/** @type {(module: any, filename: string) => void} */
function loadTs(module, filename) {
    const source = fs.readFileSync(filename, "utf8");
    module._compile(compile(source, filename), filename);
}

// @ts-ignore: require.extensions is deprecated but is how ts-node and every CommonJS loader hook in.
Module._extensions[".ts"] = loadTs;
// --debug prints stack traces: map them back to the TypeScript lines.
if (process.argv.includes("--debug")) process.setSourceMapsEnabled(true);

module.exports = { stats, CACHE_DIR, compile };
