/**
 * Usage assumptions of the cost estimate: the quantities a plan cannot know (GB through a NAT
 * gateway, requests through WAF, build minutes...). One documented object; a user overrides any
 * part of it with `npm run plan -- --cost --cost-assumptions my.json`, where `my.json` holds only
 * the keys to change, e.g. `{ "natGbProcessedPerMonth": 200, "byStage": { "dev": { "hoursPerMonth": 220 } } }`.
 *
 * Precedence: `byStage[<stage>]` over the top level, user file over these defaults.
 */
import * as fs from "fs";

export interface LogIngestAssumptions {
    /** GB/month into each VPC flow-log group. */
    readonly flowLogs: number;
    /** GB/month into each service's container log group. */
    readonly service: number;
    /** GB/month into each CodeBuild log group. */
    readonly builds: number;
    /** GB/month into any other log group. */
    readonly other: number;
}

export interface UsageAssumptions {
    /** Hours a month that always-on resources run (730 = 24×365/12; ~220 for office hours). @default 730 */
    readonly hoursPerMonth: number;
    /** GB a month each NAT gateway processes (image pulls, package installs, API calls). @default 50 */
    readonly natGbProcessedPerMonth: number;
    /** Average LCUs an application load balancer uses each hour. @default 1 */
    readonly albLcuPerHour: number;
    /** Millions of requests a month through each WAF web ACL. @default 5 */
    readonly wafMillionRequestsPerMonth: number;
    /** GB a month ingested per log group, by what writes to it. */
    readonly logIngestGbPerMonth: LogIngestAssumptions;
    /** Months of logs kept by a group that never expires (stored GB = ingest × retention). @default 12 */
    readonly logNeverExpireMonths: number;
    /** GB of images kept in each ECR repository (after its lifecycle policy). @default 5 */
    readonly ecrGbPerRepository: number;
    /** GB kept in each S3 bucket (logs, artifacts, uploads). @default 10 */
    readonly s3GbPerBucket: number;
    /** Pipeline runs a month (each runs every CodeBuild project of the stage once). @default 30 */
    readonly pipelineExecutionsPerMonth: number;
    /** Minutes each non-approval pipeline action runs (V2 bills action-minutes). @default 3 */
    readonly pipelineMinutesPerAction: number;
    /** Minutes each CodeBuild build runs. @default 5 */
    readonly codeBuildMinutesPerBuild: number;
    /**
     * Minutes an EC2 Image Builder build instance runs per image (build, snapshot, test instance).
     * One image per pipeline run. @default 30
     */
    readonly imageBuildMinutes: number;
}

export interface CostAssumptions extends UsageAssumptions {
    /** Per-stage overrides of any key above. */
    readonly byStage: Readonly<Partial<Record<"dev" | "test" | "staging" | "prod", Partial<Omit<UsageAssumptions, "logIngestGbPerMonth"> & { logIngestGbPerMonth: Partial<LogIngestAssumptions> }>>>>;
}

/** The defaults: a small product with modest traffic; prod busier, dev deploying most often. */
export const DEFAULT_ASSUMPTIONS: CostAssumptions = {
    hoursPerMonth: 730,
    natGbProcessedPerMonth: 50,
    albLcuPerHour: 1,
    wafMillionRequestsPerMonth: 5,
    logIngestGbPerMonth: { flowLogs: 5, service: 2, builds: 0.5, other: 0.5 },
    logNeverExpireMonths: 12,
    ecrGbPerRepository: 5,
    s3GbPerBucket: 10,
    pipelineExecutionsPerMonth: 30,
    pipelineMinutesPerAction: 3,
    codeBuildMinutesPerBuild: 5,
    imageBuildMinutes: 30,
    byStage: {
        dev: { natGbProcessedPerMonth: 20, albLcuPerHour: 0.5, pipelineExecutionsPerMonth: 120, logIngestGbPerMonth: { flowLogs: 2, service: 1 } },
        test: { natGbProcessedPerMonth: 20, albLcuPerHour: 0.5, wafMillionRequestsPerMonth: 0.5, pipelineExecutionsPerMonth: 40, logIngestGbPerMonth: { flowLogs: 2, service: 1 } },
        staging: { wafMillionRequestsPerMonth: 1, pipelineExecutionsPerMonth: 20 },
        prod: { natGbProcessedPerMonth: 100, albLcuPerHour: 2, wafMillionRequestsPerMonth: 20, pipelineExecutionsPerMonth: 8, logIngestGbPerMonth: { flowLogs: 20, service: 10 } },
    },
};

/** Thrown for a bad assumptions file (the plan exits 2 with it). */
export class CostAssumptionsError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "CostAssumptionsError";
    }
}

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Lays `override` over `base`, key by key. Every key must exist in `base` (a typo is an error,
 * not a silently ignored setting) and every number must be finite and ≥ 0.
 */
export function mergeAssumptions(base: CostAssumptions, override: unknown, where = "cost assumptions"): CostAssumptions {
    const problems: string[] = [];
    const walk = (b: Plain, o: unknown, at: string, shape: Plain): Plain => {
        if (!isPlain(o)) {
            problems.push(`${at || "the file"} is ${JSON.stringify(o)}; allowed: an object`);
            return b;
        }
        const out: Plain = { ...b };
        for (const [k, v] of Object.entries(o)) {
            const p = at ? `${at}.${k}` : k;
            if (!(k in shape)) {
                problems.push(`${p} is not an assumption; allowed: ${Object.keys(shape).join(", ")}`);
                continue;
            }
            const sv = shape[k];
            if (typeof sv === "number") {
                if (typeof v !== "number" || !Number.isFinite(v) || v < 0) problems.push(`${p} is ${JSON.stringify(v)}; allowed: a number ≥ 0`);
                else out[k] = v;
            } else if (isPlain(sv)) {
                out[k] = walk(isPlain(b[k]) ? (b[k] as Plain) : {}, v, p, sv);
            }
        }
        return out;
    };
    const { byStage: _b, ...usageShape } = base;
    void _b;
    const stageShape: Plain = { dev: usageShape, test: usageShape, staging: usageShape, prod: usageShape };
    const shape: Plain = { ...usageShape, byStage: stageShape };
    const merged = walk(base as unknown as Plain, override, "", shape) as unknown as CostAssumptions;
    if (problems.length) throw new CostAssumptionsError(`${where}: ${problems.join("; ")}`);
    return merged;
}

/** Reads a JSON file of overrides and lays it over the defaults. */
export function loadAssumptions(file: string, base: CostAssumptions = DEFAULT_ASSUMPTIONS): CostAssumptions {
    if (!fs.existsSync(file)) throw new CostAssumptionsError(`cost assumptions file ${file} does not exist`);
    let parsed: unknown;
    try {
        parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new CostAssumptionsError(`cost assumptions file ${file} is not JSON: ${(e as Error).message}`);
    }
    return mergeAssumptions(base, parsed, `cost assumptions file ${file}`);
}

/** The assumptions that apply to one stage (its `byStage` entry over the top level). */
export function assumptionsFor(a: CostAssumptions, stage: string | undefined): UsageAssumptions {
    const { byStage, ...top } = a;
    const s = stage ? byStage[stage as keyof CostAssumptions["byStage"]] : undefined;
    if (!s) return top;
    return { ...top, ...s, logIngestGbPerMonth: { ...top.logIngestGbPerMonth, ...(s.logIngestGbPerMonth ?? {}) } } as UsageAssumptions;
}
