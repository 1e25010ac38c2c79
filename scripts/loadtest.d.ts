/** Types of scripts/loadtest.js (plain JavaScript: CodeBuild runs it without TypeScript). */

/** The thresholds of `pipeline.loadTest` (infra/settings.ts LoadTestSettings without `enabled`). */
export interface Thresholds {
    /** Seconds of load for the whole run, shared by the targets one after another. */
    readonly durationSeconds: number;
    /** Concurrent connections (at most ratePerSecond). */
    readonly connections: number;
    /** Requests per second over all connections; the run sends at most ratePerSecond × durationSeconds. */
    readonly ratePerSecond: number;
    /** Highest allowed 95th-percentile latency, milliseconds. */
    readonly p95Ms: number;
    /** Highest allowed 99th-percentile latency, milliseconds. */
    readonly p99Ms: number;
    /** Highest allowed share of failed requests (non-2xx, connection errors, timeouts), 0..1. */
    readonly maxErrorRate: number;
}

export interface Target {
    readonly name: string;
    readonly url: string;
    readonly method: string;
    readonly headers?: Record<string, string>;
    readonly body?: string;
}

export interface TargetResult {
    name: string;
    url: string;
    method: string;
    requests: number;
    durationSeconds: number;
    ratePerSecond: number;
    latencyMs: { p50: number; p95: number; p99: number; max: number };
    statusCodes: Record<string, number>;
    non2xx: number;
    errors: number;
    timeouts: number;
    errorRate: number;
    breaches: string[];
}

export interface LoadTestSummary {
    passed: boolean;
    stage?: string;
    release?: string;
    startedAt: string;
    finishedAt: string;
    thresholds: Thresholds;
    total: { requests: number; durationSeconds: number; ratePerSecond: number; latencyMs: { p50: number; p95: number; p99: number }; errors: number; errorRate: number };
    targets: TargetResult[];
    breaches: string[];
}

export interface LoadTestOptions {
    readonly thresholds: Thresholds;
    readonly targets: readonly Target[];
    readonly stage?: string;
    readonly release?: string;
    /** Seconds before one request counts as a timeout (an error). @default 10 */
    readonly timeoutSeconds?: number;
}

export const KEYS: Record<keyof Thresholds, string>;
export function percentile(sorted: readonly number[], p: number): number;
export function checkThresholds(t: unknown): string[];
export function loadTargets(o: { targets?: { name: string; url: string }[]; baseUrl?: string; scenarioDir?: string }): Target[];
export function runLoadTest(o: LoadTestOptions): Promise<LoadTestSummary>;
export function breachesOf(r: TargetResult, t: Thresholds): string[];
export function renderMarkdown(s: LoadTestSummary): string;
export function main(): Promise<number>;
