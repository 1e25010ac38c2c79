/**
 * Stacks and contracts: every StackReference of the program and every value one stack exports
 * for another, in one module. Components never read another stack; they receive plain Inputs.
 *
 * The deploy order is one pass, with no cycle (README "Deploying for real"):
 *
 *   prod                 reads no stack. Exports the database contract, the release hand-off
 *                        location and the organisation-wide GitHub objects.
 *   staging, test, dev   read prod only, in any order after it:
 *                        staging: the database contract (it runs on prod's RDS) and the release
 *                                 hand-off location (its pipeline writes the signed-off release there);
 *                        every non-prod stack with GitHub on: the GitHub contract (its deployment gate
 *                                 lives on prod's `infrastructure` repository, its deploy role trusts
 *                                 the GitHub OIDC provider prod creates).
 *
 * A StackReference behaves as Pulumi documents (https://www.pulumi.com/docs/iac/concepts/stacks/#stackreferences):
 * reading a stack that does not exist fails the run; `getOutput` of a name the stack does not
 * export is undefined and `requireOutput` fails. Every read here is a `requireOutput`, so a stack
 * deployed out of order stops at its first `pulumi up`/`preview` with the name of what is missing,
 * instead of sending an empty value to AWS or GitHub.
 */
import * as pulumi from "@pulumi/pulumi";
import { StageSettings } from "./settings";
import type { ProdDatabase, ProdDatabaseInputs, ProdDatabaseOutputs } from "../components/databaseTier";
import { ConfigProblem, renderGiven } from "./errors";

// ---------------------------------------------------------------------------------------------
// The contracts
// ---------------------------------------------------------------------------------------------

/** Outputs prod exports for the stages that share its database (staging): what `DatabaseTier`'s shared mode reads. */
export type ProdDatabaseContract = ProdDatabase;

/** The database contract's keys (top-level stack outputs), in one list, so exporter and reader cannot drift. */
export const PROD_CONTRACT_KEYS = [
    "vpcId",
    "vpcCidr",
    "databaseRouteTableIds",
    "privateRouteTableIds",
    "dbAddress",
    "dbPort",
    "dbName",
    "dbSecretArn",
    "dbSecretKmsKeyArn",
    "dbSecurityGroupId",
    "dbInstanceId",
    "dbInstanceArn",
    "region",
] as const satisfies readonly (keyof ProdDatabaseContract)[];

/** The database contract as a reader gets it: each key an Output. */
export type ContractOutputs = ProdDatabaseOutputs;
/** The database contract as an exporter or a component takes it: each key an Input. */
export type ContractInputs = ProdDatabaseInputs;

/** Stack output naming prod's release hand-off location. */
export const RELEASE_HANDOFF_OUTPUT = "releaseHandoff";
/** Object key of the signed-off release in the hand-off bucket (older releases are its versions). */
export const RELEASE_OBJECT_KEY = "approved/release.zip";

/**
 * Build once, promote: where the stage that signs a release off (staging) hands it to the stage
 * that promotes it (prod). Prod owns the bucket and its KMS key and reads the object as its
 * pipeline's S3 source; staging's pipeline writes `release.zip` there after its sign-off
 * ({ release.json: service → image digest, release tag, commit; NOTES.md; imagedefinitions }).
 */
export interface ReleaseHandoff {
    /** Bucket holding the signed-off release (prod's; versioned, KMS-encrypted, private). */
    bucket: string;
    bucketArn: string;
    /** Object key of release.zip. */
    objectKey: string;
    /** The hand-off's own KMS key (neither stage's data key): the writer encrypts with it, prod's pipeline decrypts. */
    kmsKeyArn: string;
    /** The stage whose pipeline writes the release (whose images and AMIs prod copies). */
    publisherStage: string;
}
export type ReleaseHandoffInputs = { [K in keyof ReleaseHandoff]: pulumi.Input<ReleaseHandoff[K]> };

/** Stack output naming the organisation-wide GitHub objects prod owns. */
export const GITHUB_ORG_OUTPUT = "githubOrg";

/** What the stack owning the organisation's GitHub objects exports for the other stages. */
export interface GitHubOrgContract {
    /** ARN of the AWS IAM OIDC provider for GitHub Actions every deploy role trusts. */
    oidcProviderArn: string;
    /** The infrastructure repository holding every stage's deployment gate (GitHub Environment). */
    infraRepository: string;
}
export type GitHubOrgInputs = { [K in keyof GitHubOrgContract]: pulumi.Input<GitHubOrgContract[K]> };

// ---------------------------------------------------------------------------------------------
// Which stack reads which (pure: from settings alone)
// ---------------------------------------------------------------------------------------------

/** What a stage reads from prod, from its settings alone. */
export interface ProdReads {
    /** Staging on prod's database. */
    database: boolean;
    /** A pipeline that publishes its signed-off release for promotion (staging). */
    releaseHandoff: boolean;
    /** A stage whose deployment gate and deploy role hang on prod's organisation objects. */
    githubOrg: boolean;
}

/** Does this stage's pipeline write a release for prod to promote? (signed off, and built here) */
export function publishesRelease(s: Pick<StageSettings, "pipeline">): boolean {
    return s.pipeline.enabled && s.pipeline.signOff && s.pipeline.trigger !== "promote";
}

/** What this stage reads from the prod stack; all false in prod (prod reads no stack). */
export function prodReads(s: Pick<StageSettings, "stage" | "database" | "pipeline" | "github">): ProdReads {
    if (s.stage === "prod") return { database: false, releaseHandoff: false, githubOrg: false };
    return {
        database: s.database.mode === "shared",
        releaseHandoff: publishesRelease(s),
        githubOrg: s.github.enabled && !s.github.manageOrgResources,
    };
}

/** The fully qualified stacks this stack reads (at most prod), with why. */
export function stackReads(s: StageSettings): { stack: string; reads: (keyof ProdReads)[] }[] {
    const r = prodReads(s);
    const reads = (Object.keys(r) as (keyof ProdReads)[]).filter((k) => r[k]);
    if (reads.length === 0 || s.prodStack === undefined) return [];
    return [{ stack: s.prodStack, reads }];
}

// ---------------------------------------------------------------------------------------------
// Reading (the only StackReferences of the program)
// ---------------------------------------------------------------------------------------------

/** What a stage reads from other stacks, as Outputs a component takes as Inputs. */
export interface CrossStackInputs {
    prodDatabase?: ContractOutputs;
    releaseHandoff?: pulumi.Output<ReleaseHandoff>;
    githubOrg?: pulumi.Output<GitHubOrgContract>;
}

/**
 * Creates the stage's StackReferences (none in prod) and reads each contract with `requireOutput`.
 * The reference is named `<stage>-reads-prod`, a top-level read resource of the stack.
 */
export function readStacks(s: StageSettings): CrossStackInputs {
    const r = prodReads(s);
    if (!r.database && !r.releaseHandoff && !r.githubOrg) return {};
    if (s.prodStack === undefined) {
        // infra/config/ refuses this configuration; a program called with hand-made settings ends here.
        throw new Error(`stack ${s.stack} reads prod (${Object.keys(r).filter((k) => r[k as keyof ProdReads]).join(", ")}) but names no prod stack (stageline:prodStack)`);
    }
    const ref = new pulumi.StackReference(`${s.stage}-reads-prod`, { name: s.prodStack });
    const out: CrossStackInputs = {};
    if (r.database) out.prodDatabase = readProdContract(ref);
    // requireOutput is untyped (Output<any>); pulumi.output<T> types it by the contract.
    if (r.releaseHandoff) out.releaseHandoff = pulumi.output<ReleaseHandoff>(ref.requireOutput(RELEASE_HANDOFF_OUTPUT));
    if (r.githubOrg) out.githubOrg = pulumi.output<GitHubOrgContract>(ref.requireOutput(GITHUB_ORG_OUTPUT));
    return out;
}

/**
 * Reads the database contract from a reference, each key with `requireOutput`, typed by the
 * contract (the literal below fails to compile if a key is missing).
 */
export function readProdContract(ref: pulumi.StackReference): ContractOutputs {
    const read = <K extends keyof ProdDatabaseContract>(key: K) => pulumi.output<ProdDatabaseContract[K]>(ref.requireOutput(key));
    return {
        vpcId: read("vpcId"),
        vpcCidr: read("vpcCidr"),
        databaseRouteTableIds: read("databaseRouteTableIds"),
        privateRouteTableIds: read("privateRouteTableIds"),
        dbAddress: read("dbAddress"),
        dbPort: read("dbPort"),
        dbName: read("dbName"),
        dbSecretArn: read("dbSecretArn"),
        dbSecretKmsKeyArn: read("dbSecretKmsKeyArn"),
        dbSecurityGroupId: read("dbSecurityGroupId"),
        dbInstanceId: read("dbInstanceId"),
        dbInstanceArn: read("dbInstanceArn"),
        region: read("region"),
    };
}

// ---------------------------------------------------------------------------------------------
// Exporting
// ---------------------------------------------------------------------------------------------

/** The outputs a stage exports for the stacks that read it (prod: all three contracts). */
export function contractOutputs(c: { database?: ContractInputs; releaseHandoff?: pulumi.Input<ReleaseHandoff>; githubOrg?: pulumi.Input<GitHubOrgContract> }): Record<string, pulumi.Input<unknown>> {
    const out: Record<string, pulumi.Input<unknown>> = {};
    if (c.database) for (const key of PROD_CONTRACT_KEYS) out[key] = c.database[key];
    if (c.releaseHandoff) out[RELEASE_HANDOFF_OUTPUT] = c.releaseHandoff;
    if (c.githubOrg) out[GITHUB_ORG_OUTPUT] = c.githubOrg;
    return out;
}

// ---------------------------------------------------------------------------------------------
// Config: which stack names prod (called from infra/config/index.ts's resolve)
// ---------------------------------------------------------------------------------------------

/** What the stage reads from prod, in words for a config message. */
function readsInWords(r: ProdReads): string {
    const what = [r.database && "its database contract", r.releaseHandoff && "the release hand-off location", r.githubOrg && "the GitHub repositories and OIDC provider"].filter(Boolean);
    return what.join(", ");
}

/**
 * Resolves `stageline:prodStack` (and staging's older spelling `database.prodStack`) and checks
 * the one-pass order: prod reads no stack and owns the organisation's GitHub objects; a stage that
 * reads prod names it. Problems are pushed with `key(…)` full names; returns the prod stack or undefined.
 */
export function resolveProdStack(
    s: Pick<StageSettings, "stage" | "database" | "pipeline" | "github">,
    given: { prodStack?: string; databaseProdStack?: string; promoteFromStack?: string },
    key: (k: string) => string,
    problems: ConfigProblem[],
): string | undefined {
    if (given.promoteFromStack !== undefined) {
        problems.push({
            key: key("pipeline.promoteFromStack"),
            given: renderGiven(given.promoteFromStack),
            allowed: "nothing (remove the key): prod no longer reads staging — its pipeline's source is the release hand-off bucket prod owns and staging's pipeline writes into, so prod deploys first and reads no stack (README: Deploying for real)",
        });
    }
    if (s.stage === "prod") {
        if (given.prodStack !== undefined) problems.push({ key: key("prodStack"), given: renderGiven(given.prodStack), allowed: "nothing in prod (prod deploys first and reads no stack)" });
        if (s.github.enabled && !s.github.manageOrgResources) {
            problems.push({ key: key("github.manageOrgResources"), given: "false", allowed: "true in prod (prod owns the repositories, rulesets and OIDC provider every other stage reads)" });
        }
        return undefined;
    }
    if (given.prodStack !== undefined && given.databaseProdStack !== undefined && given.prodStack !== given.databaseProdStack) {
        problems.push({ key: key("database.prodStack"), given: renderGiven(given.databaseProdStack), allowed: `the same stack as stageline:prodStack (${given.prodStack}), or nothing` });
    }
    const prodStack = given.prodStack ?? given.databaseProdStack;
    const r = prodReads(s);
    if (prodStack === undefined && (r.database || r.releaseHandoff || r.githubOrg)) {
        problems.push({
            key: key("prodStack"),
            given: "(missing)",
            allowed: `the prod stack ${s.stage} reads (${readsInWords(r)}), org/project/stack, e.g. acme/stageline/prod; deploy prod first`,
        });
    }
    return prodStack;
}
