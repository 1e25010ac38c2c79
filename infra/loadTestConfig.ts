/**
 * `pipeline.loadTest`: its shape and the rules tying it to the stage, the pipeline and the WAF.
 * infra/config/defaults.ts holds the defaults (stage table); infra/config/sections/pipeline.ts calls these; docs/pipeline.md "Load test".
 */
import { z } from "zod";
import { ConfigProblem } from "./errors";
import { overlay } from "./config/overlay";
import { EdgeSettings, LoadTestSettings, PipelineSettings, Stage } from "./settings";

const int = (min: number, max: number, what = "") => {
    const msg = `an integer from ${min} to ${max}${what}`;
    return z.number({ error: msg }).int({ error: msg }).min(min, { error: msg }).max(max, { error: msg });
};

export const loadTestShape = z.strictObject({
    enabled: z.boolean({ error: "true or false" }),
    durationSeconds: int(10, 900, " (seconds of load)"),
    connections: int(1, 200),
    ratePerSecond: int(1, 5000, " (requests per second)"),
    p95Ms: int(1, 60000, " (milliseconds)"),
    p99Ms: int(1, 60000, " (milliseconds)"),
    maxErrorRate: z.number({ error: "a number from 0 to 1 (0.01 = 1 %)" }).min(0, { error: "a number from 0 to 1 (0.01 = 1 %)" }).max(1, { error: "a number from 0 to 1 (0.01 = 1 %)" }),
}, { error: "a map of enabled, durationSeconds, connections, ratePerSecond, p95Ms, p99Ms, maxErrorRate" });

/**
 * AWS WAF's rate-based rule counts each source IP's requests over its evaluation window (ours:
 * the default 300 seconds), and blocks an IP above its limit:
 * https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based-high-level-settings.html
 * The LoadTest step runs in the stage's VPC, so all its requests leave through one NAT gateway
 * address; they must stay under the limit with room for the smoke test and the people testing.
 * TODO(merge): move to lib/awsLimits.ts (WAF's default evaluation window).
 */
export const WAF_WINDOW_SECONDS = 300;
/** Share of edge.wafRateLimit the load test may use in one window. */
export const WAF_BUDGET_SHARE = 0.8;

/** Requests the test sends in one WAF window at most. */
export function requestsPerWafWindow(t: Pick<LoadTestSettings, "durationSeconds" | "ratePerSecond">): number {
    return t.ratePerSecond * Math.min(t.durationSeconds, WAF_WINDOW_SECONDS);
}

/** `pipeline.loadTest` with the stage's defaults under what the stack file sets. */
export function resolveLoadTest(defaults: LoadTestSettings, given: Partial<LoadTestSettings> | undefined): LoadTestSettings {
    return overlay(defaults, given);
}

/** The rules tying the load test to its stage; each problem names one key. */
export function loadTestProblems(stage: Stage, pipeline: PipelineSettings, edge: Pick<EdgeSettings, "waf" | "wafRateLimit">): ConfigProblem[] {
    const t = pipeline.loadTest;
    const k = (s: string) => `stageline:pipeline.loadTest.${s}`;
    const out: ConfigProblem[] = [];
    if (!pipeline.enabled) return out;
    if (stage === "staging" && !t.enabled) {
        out.push({ key: k("enabled"), given: "false", allowed: "true in staging (prod promotes only a release whose load test passed in staging)" });
    }
    if (!t.enabled) return out;
    if (pipeline.trigger === "promote") {
        out.push({ key: k("enabled"), given: "true", allowed: `false with a "promote" trigger (the release was load-tested in staging before it was published; prod's promote step checks that result)` });
        return out;
    }
    if (!pipeline.signOff) {
        out.push({ key: k("enabled"), given: "true", allowed: "false unless pipeline.signOff is true (a breach fails the deploy stage, which rolls back as for a rejected sign-off)", dependsOn: ["stageline:pipeline.signOff"] });
    }
    if (t.connections > t.ratePerSecond) {
        out.push({ key: k("connections"), given: String(t.connections), allowed: `an integer from 1 to ratePerSecond (${t.ratePerSecond}): each connection sends at least one request a second`, dependsOn: [k("ratePerSecond")] });
    }
    if (t.p99Ms < t.p95Ms) {
        out.push({ key: k("p99Ms"), given: String(t.p99Ms), allowed: `at least p95Ms (${t.p95Ms}): the 99th percentile is never below the 95th`, dependsOn: [k("p95Ms")] });
    }
    const budget = Math.floor(edge.wafRateLimit * WAF_BUDGET_SHARE);
    if (edge.waf && requestsPerWafWindow(t) > budget) {
        const seconds = Math.min(t.durationSeconds, WAF_WINDOW_SECONDS);
        out.push({
            key: k("ratePerSecond"),
            given: `${t.ratePerSecond} (${requestsPerWafWindow(t)} requests in ${seconds} s)`,
            allowed: `at most ${Math.max(1, Math.floor(budget / seconds))} for a ${t.durationSeconds}-second test: the stage's WAF blocks an address above edge.wafRateLimit (${edge.wafRateLimit}) requests in ${WAF_WINDOW_SECONDS} s and the test keeps under ${WAF_BUDGET_SHARE * 100} % of it; lower ratePerSecond or durationSeconds, or raise edge.wafRateLimit`,
            dependsOn: [k("durationSeconds"), "stageline:edge.wafRateLimit", "stageline:edge.waf"],
        });
    }
    return out;
}
