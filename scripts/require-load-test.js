#!/usr/bin/env node
// @ts-check
/**
 * Prod's promotion gate: prod promotes only a release whose load test passed in staging.
 * buildspecs/promote.yml runs it on the release.json of the promoted release.zip before copying
 * anything; staging's publish step (buildspecs/publish-release.yml) puts the LoadTest step's
 * summary in release.json as `.loadTest`. tests/loadTest.test.ts drives it.
 *
 *   node require-load-test.js release.json     exit 0: passed; 1: refused (the reason on stderr)
 */
"use strict";
const fs = require("fs");

/**
 * The refusal for a release, or undefined when its load test passed.
 * @param {any} release the parsed release.json
 * @returns {string | undefined}
 */
function refusal(release) {
    const tag = release && typeof release.releaseTag === "string" ? release.releaseTag : "(untagged)";
    const lt = release ? release.loadTest : undefined;
    if (!lt || typeof lt !== "object") {
        return `PROMOTION REFUSED: release ${tag} has no load test result (release.json has no "loadTest"): prod promotes only a release whose load test passed in staging. Run it through staging's pipeline, whose LoadTest step records the result.`;
    }
    if (lt.passed !== true) {
        const why = Array.isArray(lt.breaches) && lt.breaches.length > 0 ? `: ${lt.breaches.join("; ")}` : "";
        return `PROMOTION REFUSED: release ${tag} did not pass its load test in staging${why}`;
    }
    return undefined;
}

/** @param {string} file @returns {number} */
function main(file) {
    let release;
    try {
        release = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        console.error(`PROMOTION REFUSED: cannot read ${file} (${/** @type {Error} */ (e).message})`);
        return 1;
    }
    const why = refusal(release);
    if (why !== undefined) {
        console.error(why);
        return 1;
    }
    const t = release.loadTest.total ?? {};
    const p = t.latencyMs ?? {};
    console.log(`release ${release.releaseTag} passed its load test in staging: ${t.requests} requests, ${t.ratePerSecond}/s, p50/p95/p99 ${p.p50}/${p.p95}/${p.p99} ms, error rate ${t.errorRate}`);
    return 0;
}

module.exports = { refusal, main };

if (require.main === module) process.exit(main(process.argv[2] ?? "release.json"));
