/**
 * The load test of a release (docs/pipeline.md "Load test"), and prod's gate on its result.
 *
 *   staging  Deploy pipeline stage: Deploy → SmokeTest → LoadTest → SignOff (onFailure ROLLBACK): a
 *            breach fails the pipeline stage, which rolls back as for a rejected sign-off (to the last
 *            execution that succeeded in this pipeline structure version:
 *            https://docs.aws.amazon.com/codepipeline/latest/userguide/stage-rollback-auto.html).
 *            The summary
 *            goes to the release report (s3://<artifacts>/reports/<execution>/loadtest.json), the
 *            release notes (NOTES.md) and, through the publish step, release.json `.loadTest`.
 *   prod     Promote refuses a release whose release.json has no passing `.loadTest`.
 *
 * The application repository does not carry our scripts, so the stage's pipeline-tools bucket
 * holds them: scripts/loadtest.js with its pinned package.json + lockfile (autocannon, installed
 * by `npm ci` in the step), and scripts/require-load-test.js for prod. The artifact bucket would
 * not do: its lifecycle expires every object after artifactRetentionDays.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { Stage } from "../../lib/stage";
import { SecureBucket } from "../secureBucket";
import { Tags } from "../types";
import * as iam from "./iam";
import type { Thresholds } from "../../scripts/loadtest";

/**
 * The LoadTest step's settings: whether it runs (it needs signOff: a breach rolls the Deploy pipeline stage back
 * like a rejected sign-off), and the thresholds scripts/loadtest.js enforces on every target
 * (declared once, in scripts/loadtest.d.ts).
 */
export interface LoadTestArgs extends Thresholds {
    /** Run the step. */
    readonly enabled: boolean;
}

/** Repository root (the scripts the tools bucket carries live under scripts/). */
const ROOT = path.resolve(__dirname, "..", "..");

/** Object keys in the tools bucket. */
export const LOAD_TEST_TOOL_PREFIX = "loadtest/";
export const LOAD_TEST_GATE_KEY = "gate/require-load-test.js";

/** The files the LoadTest step downloads one by one (no listing), repository path → key. */
export const LOAD_TEST_TOOL_FILES: Readonly<Record<string, string>> = {
    "scripts/loadtest.js": `${LOAD_TEST_TOOL_PREFIX}loadtest.js`,
    "scripts/loadtest/package.json": `${LOAD_TEST_TOOL_PREFIX}package.json`,
    "scripts/loadtest/package-lock.json": `${LOAD_TEST_TOOL_PREFIX}package-lock.json`,
};

/** The buildspec the LoadTest project runs. */
export const LOAD_TEST_BUILDSPEC = "load-test.yml";

/** Minutes before CodeBuild stops the step: npm ci, the run, the uploads, with room to spare. */
export function loadTestTimeoutMinutes(t: Pick<LoadTestArgs, "durationSeconds">): number {
    return Math.ceil(t.durationSeconds / 60) + 15;
}

export interface PipelineToolsArgs {
    /** The stage (names the bucket's purpose). @default none (required) */
    readonly stage: Stage;
    /** Retain the bucket when the stack goes (the stage keeps its data). @default none (required) */
    readonly keepData: boolean;
    /** Stage KMS key that encrypts the bucket (the build roles can already use it). @default none (required) */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** Ship the load test (staging). @default none (required) */
    readonly loadTest: boolean;
    /** Ship prod's promotion gate. @default none (required) */
    readonly gate: boolean;
    /** Tags on every resource. @default none (required) */
    readonly tags: Tags;
}

/** The pipeline-tools bucket and what it holds. */
export interface PipelineTools {
    readonly bucket: SecureBucket;
}

/** The stage's pipeline-tools bucket (versioned, never expiring) with the scripts it needs. */
export function createPipelineTools(name: string, args: PipelineToolsArgs, parent: pulumi.Resource): PipelineTools {
    const bucket = new SecureBucket(
        `${name}-pipeline-tools`,
        // Prod's keeps the gate a destroy must not silently remove (docs/prod-data.md).
        { purpose: `${args.stage} pipeline tools: scripts the CodeBuild steps download`, kmsKeyArn: args.kmsKeyArn, versioned: true, retainOnDelete: args.keepData, tags: args.tags },
        { parent },
    );
    const files: Record<string, string> = { ...(args.loadTest ? LOAD_TEST_TOOL_FILES : {}), ...(args.gate ? { "scripts/require-load-test.js": LOAD_TEST_GATE_KEY } : {}) };
    for (const [file, key] of Object.entries(files)) {
        const meaning = key.replace(/[^a-z0-9]+/gi, "-").replace(/-js(on)?$/, "").toLowerCase();
        new aws.s3.BucketObjectv2(
            `${name}-tool-${meaning}`,
            { bucket: bucket.bucket, key, source: new pulumi.asset.FileAsset(path.join(ROOT, file)), contentType: key.endsWith(".json") ? "application/json" : "text/javascript", tags: args.tags },
            { parent },
        );
    }
    return { bucket };
}

/** The load test's targets: each service's health URL (scenario files come from the repository). */
export interface LoadTestTarget {
    readonly name: string;
    readonly url: string;
}

/** What DeliveryPipeline's buildProject needs for the LoadTest step. */
export interface LoadTestProjectSpec {
    readonly key: string;
    readonly description: string;
    readonly buildspecFile: string;
    readonly statements: pulumi.Input<iam.Statement>[];
    /** The step's environment variables (CodeBuild's `environment.environmentVariables`). */
    readonly variables: Record<string, pulumi.Input<string>>;
    readonly inVpc: boolean;
    readonly timeoutMinutes: number;
}

/**
 * The LoadTest CodeBuild step. Its role gets, besides the logs, artifact bucket and stage key
 * every step has: reading the load tool's objects, and the GitHub connection (its input is the
 * source's full clone, CODEBUILD_CLONE_REF, for the scenario files in `loadtest/`; a build
 * reading such an artifact uses the connection:
 * https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CodestarConnectionSource.html).
 * It runs inside the stage's VPC, so its requests reach the public URL through the Elastic IP of
 * the subnet's NAT gateway (https://docs.aws.amazon.com/codebuild/latest/userguide/vpc-support.html):
 * one known address, which the WAF budget of infra/loadTestConfig.ts is sized for.
 */
export function loadTestProjectSpec(o: {
    settings: LoadTestArgs;
    tools: PipelineTools;
    artifactBucket: pulumi.Input<string>;
    connectionArn: string;
    baseUrl: string;
    targets: readonly LoadTestTarget[];
}): LoadTestProjectSpec {
    const { enabled: _, ...thresholds } = o.settings;
    return {
        key: "load-test",
        description: "load test each service's health path and the repository's loadtest/*.json scenarios; a breached threshold fails the deploy stage",
        buildspecFile: LOAD_TEST_BUILDSPEC,
        statements: [
            { Sid: "ReadLoadTestTool", Effect: "Allow", Action: ["s3:GetObject"], Resource: pulumi.interpolate`${o.tools.bucket.arn}/${LOAD_TEST_TOOL_PREFIX}*` },
            iam.connectionStatement(o.connectionArn),
        ],
        variables: {
            LOAD_TEST: JSON.stringify(thresholds),
            TARGETS: JSON.stringify(o.targets),
            BASE_URL: o.baseUrl,
            SCENARIO_DIR: "loadtest",
            TOOLS_BUCKET: o.tools.bucket.bucket,
            TOOL_PREFIX: LOAD_TEST_TOOL_PREFIX,
            ARTIFACT_BUCKET: o.artifactBucket,
        },
        inVpc: true,
        timeoutMinutes: loadTestTimeoutMinutes(o.settings),
    };
}

/** Prod's promote role: read the gate script, and nothing else of the tools bucket. */
export function gateStatement(tools: PipelineTools): iam.Statement {
    return { Sid: "ReadLoadTestGate", Effect: "Allow", Action: ["s3:GetObject"], Resource: pulumi.interpolate`${tools.bucket.arn}/${LOAD_TEST_GATE_KEY}` };
}

/** The promote project's environment variables for the gate line of buildspecs/promote.yml. */
export function loadTestGateVariables(tools: PipelineTools): Record<string, pulumi.Input<string>> {
    return { TOOLS_BUCKET: tools.bucket.bucket, LOAD_TEST_GATE_KEY };
}

/** The sign-off text's load test line (the approver sees the result before signing off). */
export const SIGN_OFF_LOAD_TEST = " Load test: #{LoadTest.LOAD_TEST_RESULT}";
