#!/usr/bin/env node
// @ts-check
/**
 * The load test staging's LoadTest step runs after Deploy and SmokeTest, before SignOff
 * (components/pipeline/loadTest.ts, buildspecs/load-test.yml, docs/pipeline.md "Load test").
 *
 * Plain CommonJS JavaScript on purpose: CodeBuild runs it with the image's Node 20 and the pinned
 * autocannon of scripts/loadtest/package.json (`npm ci`), without TypeScript. tests/loadTest.test.ts
 * runs it against a local server on 127.0.0.1 (types: scripts/loadtest.d.ts).
 *
 * Targets: each service's health URL (TARGETS) and every scenario file the application repository
 * provides in `loadtest/*.json` (SCENARIO_DIR): `{ "name", "path", "method"?, "headers"?, "body"? }`,
 * the path resolved against the stage's URL (BASE_URL): a scenario cannot aim at another host.
 * Targets run one after another, each for durationSeconds / targets seconds at ratePerSecond, so
 * the whole run sends at most ratePerSecond × durationSeconds requests (the WAF budget
 * infra/loadTestConfig.ts checks) and lasts about durationSeconds.
 *
 * Thresholds hold for EVERY target: p95 and p99 latency (ms, measured per response), and the error
 * rate (connection errors, timeouts and non-2xx answers over all attempts). A breach exits 1 with
 * a line per breach naming the threshold's key (`pipeline.loadTest.p95Ms`), after writing the
 * summary (JSON, and Markdown for the release notes).
 *
 *   node loadtest.js            (env: LOAD_TEST, TARGETS, BASE_URL, SCENARIO_DIR, SUMMARY_JSON, SUMMARY_MD)
 *   LOAD_TEST='{"durationSeconds":60,"connections":10,"ratePerSecond":20,"p95Ms":500,"p99Ms":1000,"maxErrorRate":0.01}'
 *   TARGETS='[{"name":"health:web","url":"https://staging.example.com/health"}]'
 */
"use strict";
const fs = require("fs");
const path = require("path");

/** The threshold keys, as the stack config names them (messages quote these). */
const KEYS = {
    durationSeconds: "pipeline.loadTest.durationSeconds",
    connections: "pipeline.loadTest.connections",
    ratePerSecond: "pipeline.loadTest.ratePerSecond",
    p95Ms: "pipeline.loadTest.p95Ms",
    p99Ms: "pipeline.loadTest.p99Ms",
    maxErrorRate: "pipeline.loadTest.maxErrorRate",
};

/** Seconds past its duration after which a target's run is stopped whatever happens. */
const GRACE_SECONDS = 15;

/**
 * Nearest-rank percentile of sorted values (0 when there are none).
 * @param {number[]} sorted ascending
 * @param {number} p 0..100
 */
function percentile(sorted, p) {
    if (sorted.length === 0) return 0;
    const rank = Math.ceil((p / 100) * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** @param {unknown} t @returns {string[]} problems with the thresholds */
function checkThresholds(t) {
    const o = /** @type {Record<string, unknown>} */ (t ?? {});
    const problems = [];
    const num = (/** @type {string} */ k, /** @type {number} */ min, /** @type {number} */ max, int = true) => {
        const v = o[k];
        if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max || (int && !Number.isInteger(v))) {
            problems.push(`${KEYS[/** @type {keyof typeof KEYS} */ (k)]} is ${JSON.stringify(v)}; allowed: ${int ? "an integer" : "a number"} from ${min} to ${max}`);
        }
    };
    num("durationSeconds", 1, 3600);
    num("connections", 1, 1000);
    num("ratePerSecond", 1, 100000);
    num("p95Ms", 1, 600000);
    num("p99Ms", 1, 600000);
    num("maxErrorRate", 0, 1, false);
    return problems;
}

/**
 * The targets: the services' health URLs, then one per scenario file (sorted by file name).
 * @param {{ targets?: {name: string, url: string}[], baseUrl?: string, scenarioDir?: string }} o
 * @returns {import("./loadtest").Target[]}
 */
function loadTargets(o) {
    /** @type {import("./loadtest").Target[]} */
    const out = (o.targets ?? []).map((t) => ({ name: t.name, url: t.url, method: "GET" }));
    const dir = o.scenarioDir;
    if (dir && fs.existsSync(dir)) {
        const files = fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
        for (const f of files) {
            const file = path.join(dir, f);
            /** @type {any} */
            let s;
            try {
                s = JSON.parse(fs.readFileSync(file, "utf8"));
            } catch (e) {
                throw new Error(`scenario ${file} is not JSON (${/** @type {Error} */ (e).message})`);
            }
            if (!s || typeof s.path !== "string" || !s.path.startsWith("/")) throw new Error(`scenario ${file}: "path" must be a path starting with / (it is resolved against the stage's URL)`);
            if (!o.baseUrl) throw new Error(`scenario ${file}: BASE_URL (the stage's URL) is not set`);
            const method = typeof s.method === "string" ? s.method.toUpperCase() : "GET";
            if (!["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"].includes(method)) throw new Error(`scenario ${file}: method ${s.method} is not an HTTP method`);
            const base = new URL(o.baseUrl);
            out.push({
                name: `scenario:${typeof s.name === "string" && s.name ? s.name : f.replace(/\.json$/, "")}`,
                url: `${base.origin}${s.path}`,
                method,
                headers: s.headers && typeof s.headers === "object" ? s.headers : undefined,
                body: s.body === undefined || s.body === null ? undefined : typeof s.body === "string" ? s.body : JSON.stringify(s.body),
            });
        }
    }
    return out;
}

/**
 * One target under load with autocannon: at most rate × seconds requests, stopped at
 * seconds + GRACE_SECONDS whatever happens.
 * @param {import("./loadtest").Target} target
 * @param {{ seconds: number, connections: number, ratePerSecond: number, timeoutSeconds: number }} o
 * @returns {Promise<import("./loadtest").TargetResult>}
 */
function runTarget(target, o) {
    const autocannon = require("autocannon");
    const budget = Math.max(1, Math.floor(o.ratePerSecond * o.seconds));
    const connections = Math.max(1, Math.min(o.connections, o.ratePerSecond, budget));
    /** @type {number[]} */
    const latencies = [];
    /** @type {Record<string, number>} */
    const statusCodes = {};
    return new Promise((resolve, reject) => {
        const started = Date.now();
        const instance = autocannon(
            {
                url: target.url,
                method: /** @type {any} */ (target.method),
                headers: target.headers,
                body: target.body,
                connections,
                duration: o.seconds,
                overallRate: Math.floor(o.ratePerSecond),
                maxOverallRequests: budget,
                timeout: o.timeoutSeconds,
            },
            (/** @type {Error | null} */ err, /** @type {any} */ r) => {
                clearTimeout(guard);
                if (err) return reject(err);
                const sorted = latencies.slice().sort((a, b) => a - b);
                const responses = latencies.length;
                const non2xx = Object.entries(statusCodes).filter(([c]) => !/^2/.test(c)).reduce((n, [, v]) => n + v, 0);
                const errors = r.errors ?? 0;
                const attempts = responses + errors;
                const seconds = Math.max(0.001, (Date.now() - started) / 1000);
                resolve({
                    name: target.name,
                    url: target.url,
                    method: target.method,
                    requests: attempts,
                    durationSeconds: Math.round(seconds * 100) / 100,
                    ratePerSecond: Math.round((attempts / seconds) * 10) / 10,
                    latencyMs: { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.length ? sorted[sorted.length - 1] : 0 },
                    statusCodes,
                    non2xx,
                    errors,
                    timeouts: r.timeouts ?? 0,
                    errorRate: attempts === 0 ? 1 : Math.round(((non2xx + errors) / attempts) * 10000) / 10000,
                    breaches: [],
                });
            },
        );
        instance.on("response", (/** @type {unknown} */ _client, /** @type {number} */ statusCode, /** @type {number} */ _bytes, /** @type {number} */ ms) => {
            latencies.push(Math.round(ms * 100) / 100);
            statusCodes[String(statusCode)] = (statusCodes[String(statusCode)] ?? 0) + 1;
        });
        // The hard bound in time: autocannon stops at its duration; this stops a stuck run.
        const guard = setTimeout(() => instance.stop(), (o.seconds + GRACE_SECONDS) * 1000);
    });
}

/**
 * The breaches of one target's result, each naming the threshold's key.
 * @param {import("./loadtest").TargetResult} r
 * @param {import("./loadtest").Thresholds} t
 * @returns {string[]}
 */
function breachesOf(r, t) {
    const at = `${r.name} (${r.method} ${r.url})`;
    const out = [];
    if (r.requests === 0) out.push(`no request completed on ${at}: error rate 100 % is above ${KEYS.maxErrorRate} ${t.maxErrorRate}`);
    else if (r.errorRate > t.maxErrorRate)
        out.push(`error rate ${(r.errorRate * 100).toFixed(2)} % (${r.non2xx} non-2xx, ${r.errors} errors of ${r.requests}) on ${at} is above ${KEYS.maxErrorRate} ${t.maxErrorRate}`);
    if (r.latencyMs.p95 > t.p95Ms) out.push(`p95 latency ${r.latencyMs.p95} ms on ${at} is above ${KEYS.p95Ms} ${t.p95Ms}`);
    if (r.latencyMs.p99 > t.p99Ms) out.push(`p99 latency ${r.latencyMs.p99} ms on ${at} is above ${KEYS.p99Ms} ${t.p99Ms}`);
    return out;
}

/**
 * Runs the load test: every target in turn, then the thresholds.
 * @param {import("./loadtest").LoadTestOptions} o
 * @returns {Promise<import("./loadtest").LoadTestSummary>}
 */
async function runLoadTest(o) {
    const problems = checkThresholds(o.thresholds);
    if (problems.length > 0) throw new Error(`bad load test thresholds: ${problems.join("; ")}`);
    const t = o.thresholds;
    const targets = o.targets;
    if (targets.length === 0) throw new Error("no target to load: TARGETS is empty and no loadtest/*.json scenario was found");
    if (targets.length > t.durationSeconds) throw new Error(`${targets.length} targets need at least ${targets.length} seconds: raise ${KEYS.durationSeconds} (${t.durationSeconds})`);
    const seconds = t.durationSeconds / targets.length;
    const startedAt = new Date().toISOString();
    /** @type {import("./loadtest").TargetResult[]} */
    const results = [];
    for (const target of targets) {
        const r = await runTarget(target, { seconds, connections: t.connections, ratePerSecond: t.ratePerSecond, timeoutSeconds: o.timeoutSeconds ?? 10 });
        r.breaches = breachesOf(r, t);
        results.push(r);
    }
    const all = results.reduce((n, r) => n + r.requests, 0);
    const wall = results.reduce((n, r) => n + r.durationSeconds, 0);
    const worst = (/** @type {"p50" | "p95" | "p99"} */ p) => Math.max(0, ...results.map((r) => r.latencyMs[p]));
    const failed = results.reduce((n, r) => n + r.non2xx + r.errors, 0);
    const breaches = results.flatMap((r) => r.breaches);
    return {
        passed: breaches.length === 0,
        stage: o.stage,
        release: o.release,
        startedAt,
        finishedAt: new Date().toISOString(),
        thresholds: t,
        total: {
            requests: all,
            durationSeconds: Math.round(wall * 100) / 100,
            ratePerSecond: wall > 0 ? Math.round((all / wall) * 10) / 10 : 0,
            // The worst target's percentile: the thresholds hold per target.
            latencyMs: { p50: worst("p50"), p95: worst("p95"), p99: worst("p99") },
            errors: failed,
            errorRate: all === 0 ? 1 : Math.round((failed / all) * 10000) / 10000,
        },
        targets: results,
        breaches,
    };
}

/**
 * The summary as Markdown: the "Load test" section of the release notes.
 * @param {import("./loadtest").LoadTestSummary} s
 */
function renderMarkdown(s) {
    const t = s.thresholds;
    const lines = [
        `## Load test: ${s.passed ? "PASSED" : "FAILED"}`,
        "",
        `${s.total.requests} requests in ${s.total.durationSeconds} s (${s.total.ratePerSecond}/s), p50/p95/p99 ${s.total.latencyMs.p50}/${s.total.latencyMs.p95}/${s.total.latencyMs.p99} ms, errors ${s.total.errors} (${(s.total.errorRate * 100).toFixed(2)} %).`,
        `Thresholds per target: p95 ≤ ${t.p95Ms} ms, p99 ≤ ${t.p99Ms} ms, error rate ≤ ${(t.maxErrorRate * 100).toFixed(2)} %; ${t.ratePerSecond} requests/s over ${t.connections} connections for ${t.durationSeconds} s.`,
        "",
        "| target | requests | rate/s | p50 ms | p95 ms | p99 ms | errors | verdict |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
        ...s.targets.map((r) => `| ${r.name} (${r.method} ${r.url}) | ${r.requests} | ${r.ratePerSecond} | ${r.latencyMs.p50} | ${r.latencyMs.p95} | ${r.latencyMs.p99} | ${r.non2xx + r.errors} | ${r.breaches.length ? "breach" : "ok"} |`),
    ];
    if (s.breaches.length > 0) lines.push("", ...s.breaches.map((b) => `- ${b}`));
    return lines.join("\n") + "\n";
}

/** The CLI: environment in, summary files out, exit 0 (passed), 1 (breach) or 2 (bad input). */
async function main() {
    const env = process.env;
    let thresholds, targets;
    try {
        thresholds = JSON.parse(env.LOAD_TEST ?? "");
        targets = loadTargets({ targets: JSON.parse(env.TARGETS ?? "[]"), baseUrl: env.BASE_URL, scenarioDir: env.SCENARIO_DIR ?? "loadtest" });
    } catch (e) {
        console.error(`LOAD TEST NOT RUN: ${/** @type {Error} */ (e).message}`);
        return 2;
    }
    let summary;
    try {
        summary = await runLoadTest({ thresholds, targets, stage: env.STAGE, release: env.RELEASE_TAG });
    } catch (e) {
        console.error(`LOAD TEST NOT RUN: ${/** @type {Error} */ (e).message}`);
        return 2;
    }
    fs.writeFileSync(env.SUMMARY_JSON ?? "loadtest.json", JSON.stringify(summary, null, 2) + "\n");
    const md = renderMarkdown(summary);
    fs.writeFileSync(env.SUMMARY_MD ?? "loadtest.md", md);
    console.log(md);
    if (!summary.passed) {
        for (const b of summary.breaches) console.error(`LOAD TEST FAILED: ${b}`);
        return 1;
    }
    return 0;
}

module.exports = { KEYS, percentile, checkThresholds, loadTargets, runLoadTest, breachesOf, renderMarkdown, main };

if (require.main === module) {
    main().then(
        (code) => process.exit(code),
        (e) => {
            console.error(`LOAD TEST NOT RUN: ${e && e.message ? e.message : String(e)}`);
            process.exit(2);
        },
    );
}
