/**
 * Cross-stack rules read from the stack files themselves, so they hold from both sides: staging's
 * VPC peers with prod's (docs/database.md), so their blocks must not overlap — refused when
 * planning (or deploying) prod alone as much as staging alone, before any StackReference exists.
 */
import * as fs from "fs";
import * as path from "path";
import { cidrOverlaps } from "../lib/cidr";
import { loadSettings, NS, readStackFile, STAGE_DEFAULTS } from "./config";
import type { ConfigProblem } from "./errors";
import { stageOfStackName } from "./limits";
import { Stage, StageSettings } from "./settings";
import { isStage } from "../lib/stage";

/** The stages whose VPCs are peered with each stage's. */
const PEERS: Partial<Record<Stage, Stage>> = { staging: "prod", prod: "staging" };

/** One other stack file's stage and VPC block, or undefined when it cannot tell. */
function stageAndCidr(file: string): { stack: string; stage: Stage; cidr: string } | undefined {
    try {
        const f = readStackFile(file);
        const declared = f.config[`${NS}:stage`];
        const stage = isStage(declared) ? declared : stageOfStackName(f.stack);
        if (stage === undefined) return undefined;
        const network = f.config[`${NS}:network`];
        const cidr = network ? (JSON.parse(network) as { cidr?: unknown }).cidr : undefined;
        return { stack: f.stack, stage, cidr: typeof cidr === "string" ? cidr : STAGE_DEFAULTS[stage].network.cidr };
    } catch {
        // A broken file is reported when that stack is planned; it has no say here.
        return undefined;
    }
}

/**
 * Overlaps between this stack's VPC and its peer stage's, read from the `Pulumi.<stack>.yaml`
 * files in `dir` (other than this stack's own).
 */
export function peerCidrProblems(s: StageSettings, dir: string): ConfigProblem[] {
    const peer = PEERS[s.stage];
    if (peer === undefined || !fs.existsSync(dir)) return [];
    const out: ConfigProblem[] = [];
    for (const name of fs.readdirSync(dir).filter((x) => /^Pulumi\.(.+)\.ya?ml$/.test(x)).sort()) {
        const other = stageAndCidr(path.join(dir, name));
        if (!other || other.stack === s.stack || other.stage !== peer) continue;
        if (cidrOverlaps(s.network.cidr, other.cidr)) {
            out.push({
                key: `${NS}:network.cidr`,
                given: JSON.stringify(s.network.cidr),
                allowed: `a block that does not overlap ${peer} stack "${other.stack}"'s ${other.cidr} (${name}): staging's VPC peers with prod's, and peered VPCs need disjoint blocks`,
            });
            break;
        }
    }
    return out;
}

/** A peer stack file's validated settings, or undefined when it is broken (reported on its own). */
function peerSettings(file: string): StageSettings | undefined {
    try {
        const f = readStackFile(file);
        return loadSettings(f.stack, f.config, { secretKeys: f.secretKeys });
    } catch {
        return undefined;
    }
}

/**
 * What staging's file says about prod (its engine, its subnet AZs) against what prod's file says,
 * from whichever side is planned: staging's routes and driver follow these, so a mismatch found
 * only when staging deploys against prod would be too late.
 */
export function peerContractProblems(s: StageSettings, dir: string): ConfigProblem[] {
    const peer = PEERS[s.stage];
    if (peer === undefined || !fs.existsSync(dir)) return [];
    for (const name of fs.readdirSync(dir).filter((x) => /^Pulumi\.(.+)\.ya?ml$/.test(x)).sort()) {
        const other = stageAndCidr(path.join(dir, name));
        if (!other || other.stack === s.stack || other.stage !== peer) continue;
        const o = peerSettings(path.join(dir, name));
        if (!o) continue;
        const [staging, prod] = s.stage === "staging" ? [s, o] : [o, s];
        if (staging.database.mode !== "shared" || prod.database.mode !== "owned") return [];
        const here = s.stage === "staging";
        const out: ConfigProblem[] = [];
        if (staging.database.prodEngine !== prod.database.engine) {
            out.push({
                key: `${NS}:${here ? "database.prodEngine" : "database.engine"}`,
                given: JSON.stringify(here ? staging.database.prodEngine : prod.database.engine),
                allowed: here ? `"${prod.database.engine}", prod's engine in ${name}` : `"${staging.database.prodEngine}", the engine staging's ${name} declares for prod (change both together)`,
            });
        }
        const want = prod.network.availabilityZones.join(", ");
        const got = staging.database.prodAvailabilityZones.join(", ");
        if (want !== got) {
            out.push({
                key: `${NS}:${here ? "database.prodAvailabilityZones" : "network.availabilityZones"}`,
                given: here ? `[${got}]` : `[${want}]`,
                allowed: here ? `prod's subnet AZs in prod's order, [${want}] (${name})` : `the AZs staging's ${name} routes to, [${got}] (change database.prodAvailabilityZones there too)`,
            });
        }
        return out;
    }
    return [];
}
