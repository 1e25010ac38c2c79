/** Delivery rules: ECR images immutable and scanned, CodeBuild logged and encrypted. */
import { baseline, ResourceRule, Rule } from "./rule";
import { T } from "./types";

export const pipelineRules: Rule[] = [
    ...baseline<ResourceRule>("ecr-immutable-tags", {
        kind: "resource",
        description: "Image tags cannot be overwritten, so the digest a stage approved is the one the next stage deploys.",
        types: [T.ecrRepository],
        check(r, f) {
            const m = String(r.props.imageTagMutability ?? "MUTABLE");
            if (!m.startsWith("IMMUTABLE")) f.fail(`ECR repository "${r.name}" must have immutable tags (imageTagMutability is ${m}).`, r.urn);
        },
    }),
    ...baseline<ResourceRule>("ecr-scan-on-push", {
        kind: "resource",
        description: "Images are scanned for known vulnerabilities when pushed.",
        types: [T.ecrRepository],
        check(r, f) {
            const scan = r.props.imageScanningConfiguration as { scanOnPush?: boolean } | undefined;
            if (scan?.scanOnPush !== true) f.fail(`ECR repository "${r.name}" must scan images on push.`, r.urn);
        },
    }),
    ...baseline<ResourceRule>("codebuild-logs", {
        kind: "resource",
        description: "Build logs go to a CloudWatch log group we own (with retention) or to S3, so every build can be audited.",
        types: [T.codebuildProject],
        check(r, f) {
            const logs = r.props.logsConfig as { cloudwatchLogs?: { status?: string; groupName?: string }; s3Logs?: { status?: string } } | undefined;
            const cw = logs?.cloudwatchLogs;
            const cwOn = cw !== undefined && (cw.status ?? "ENABLED") === "ENABLED" && Boolean(cw.groupName);
            const s3On = logs?.s3Logs?.status === "ENABLED";
            if (!cwOn && !s3On) f.fail(`CodeBuild project "${r.name}" must send logs to a named CloudWatch log group or to S3 (logsConfig).`, r.urn);
        },
    }),
    ...baseline<ResourceRule>("codebuild-encryption-key", {
        kind: "resource",
        description: "Build artifacts are encrypted with the stage's customer-managed KMS key.",
        types: [T.codebuildProject],
        check(r, f) {
            if (!r.props.encryptionKey) f.fail(`CodeBuild project "${r.name}" must set encryptionKey (a customer-managed KMS key).`, r.urn);
        },
    }),
];
