/**
 * The release hand-off: a bucket and a KMS key of their own that the promoting stage (prod) owns,
 * that the signing-off stage's pipeline (staging) writes `release.zip` into, and that prod's
 * pipeline reads as its S3 source. Prod creates it on its first deploy, so staging (deployed
 * after prod) finds it, and prod never reads staging: the deploy order has no cycle
 * (infra/stacks.ts).
 *
 * The key is the hand-off's own, not prod's data key: the writer needs to encrypt with it, and
 * nothing else of prod is encrypted with it. S3 encrypts an object with SSE-KMS using the caller's
 * permissions on the key (GenerateDataKey to write, Decrypt to read):
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { SecureBucket } from "../secureBucket";
import { Tags } from "../types";
import { Statement } from "./iam";
import { keepData } from "../dataGuard";
import { policyDocument } from "../iam";

/** Where a release is handed over (the `ReleaseHandoff` contract of infra/stacks.ts, as Inputs). */
export interface HandoffLocation {
    readonly bucket: pulumi.Input<string>;
    readonly bucketArn: pulumi.Input<string>;
    readonly objectKey: pulumi.Input<string>;
    readonly kmsKeyArn: pulumi.Input<string>;
    /** The stage whose pipeline writes the release (its images and AMIs are copied from). */
    readonly publisherStage: pulumi.Input<string>;
}

export interface ReleaseHandoffArgs {
    /** The stage that owns the hand-off and promotes from it (prod). @default none (required) */
    readonly stage: string;
    /** The stage whose pipeline writes the signed-off release here. @default none (required) */
    readonly publisherStage: string;
    /** AWS account id (the key policy's administrator). @default none (required) */
    readonly accountId: pulumi.Input<string>;
    /** Object key of release.zip. @default none (required) */
    readonly objectKey: string;
    /** Days older releases (non-current versions) are kept. @default 365 */
    readonly keepReleasesDays?: number;
    /** Tags on every resource. @default none (required) */
    readonly tags: Tags;
}

/** Prod's release hand-off location: a versioned, KMS-encrypted private bucket and its key. */
export class ReleaseHandoff extends pulumi.ComponentResource {
    readonly location: pulumi.Output<{ bucket: string; bucketArn: string; objectKey: string; kmsKeyArn: string; publisherStage: string }>;

    constructor(name: string, args: ReleaseHandoffArgs, opts?: pulumi.ComponentResourceOptions) {
        super("stageline:delivery:ReleaseHandoff", name, {}, opts);
        const tags = { ...args.tags, component: "release-handoff" };
        const key = new aws.kms.Key(
            `${name}-key`,
            {
                description: `stageline ${args.stage}: release hand-off (${args.publisherStage} writes signed-off releases, ${args.stage} promotes them)`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                // The account administers the key and IAM policies grant its use (writer: GenerateDataKey/Encrypt; reader: Decrypt):
                // https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
                policy: policyDocument([{ Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: pulumi.interpolate`arn:aws:iam::${args.accountId}:root` }, Action: "kms:*", Resource: "*" }]),
                tags,
            },
            // Every release prod can promote or roll back to is encrypted with it.
            { parent: this, ...keepData(true) },
        );
        const bucket = new SecureBucket(
            `${name}-bucket`,
            {
                purpose: `${args.stage} release hand-off: ${args.publisherStage} writes signed-off releases, ${args.stage} promotes them`,
                kmsKeyArn: key.arn,
                versioned: true,
                noncurrentExpireAfterDays: args.keepReleasesDays ?? 365,
                retainOnDelete: true,
                tags,
            },
            { parent: this },
        );
        this.location = pulumi.all([bucket.bucket, bucket.arn, key.arn]).apply(([b, arn, k]) => ({
            bucket: b,
            bucketArn: arn,
            objectKey: args.objectKey,
            kmsKeyArn: k,
            publisherStage: args.publisherStage,
        }));
        this.registerOutputs({ location: this.location });
    }
}

/** The writer's statements: put release.zip (only that key) with the hand-off's key. */
export function publishStatements(to: HandoffLocation): Statement[] {
    return [
        { Sid: "PublishRelease", Effect: "Allow", Action: ["s3:PutObject"], Resource: pulumi.interpolate`${to.bucketArn}/${to.objectKey}` },
        { Sid: "HandoffKey", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Encrypt", "kms:Decrypt"], Resource: [to.kmsKeyArn] },
    ];
}

/** The promoting pipeline's statements: read the S3 source (bucket versioning, the object, its key). */
export function sourceStatements(from: HandoffLocation): Statement[] {
    return [
        { Sid: "ReadApprovedRelease", Effect: "Allow", Action: ["s3:GetBucketVersioning", "s3:ListBucket"], Resource: from.bucketArn },
        { Sid: "ReadApprovedReleaseObject", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: pulumi.interpolate`${from.bucketArn}/${from.objectKey}` },
        { Sid: "ApprovedReleaseKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:DescribeKey"], Resource: [from.kmsKeyArn] },
    ];
}

/**
 * The publisher's ECR repositories the promote step pulls from, by name: prod does not read the
 * publisher's stack, so its repositories are named by the publisher's component names
 * (`<stage>-<service>-repo-<suffix>`, AppService's `${name}-repo` with Pulumi's auto-name suffix).
 */
export function publisherRepositoryArns(region: string, accountId: pulumi.Input<string>, publisherStage: pulumi.Input<string>, services: readonly string[]): pulumi.Output<string>[] {
    return services.map((svc) => pulumi.interpolate`arn:aws:ecr:${region}:${accountId}:repository/${publisherStage}-${svc}-repo-*`);
}

/**
 * The publisher's stage key (its AMIs' snapshots are encrypted with it), named by its alias
 * `alias/stageline-<stage>` (Environment) through `kms:ResourceAliases`, since prod cannot read
 * the publisher's key ARN: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-resource-aliases
 */
export function publisherKeyStatements(region: string, accountId: pulumi.Input<string>, publisherStage: pulumi.Input<string>): Statement[] {
    const key = pulumi.interpolate`arn:aws:kms:${region}:${accountId}:key/*`;
    const alias = { "ForAnyValue:StringEquals": { "kms:ResourceAliases": pulumi.interpolate`alias/stageline-${publisherStage}` } };
    return [
        { Sid: "PublisherAmiKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom"], Resource: key, Condition: alias },
        // EBS needs a grant on the source key to copy the snapshots; only for AWS resources, as amiCopyStatements does.
        { Sid: "PublisherAmiKeyGrant", Effect: "Allow", Action: ["kms:CreateGrant"], Resource: key, Condition: { ...alias, Bool: { "kms:GrantIsForAWSResource": "true" } } },
    ];
}
