import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { Tags } from "./types";
import { keepData } from "./dataGuard";
import { policyDocument } from "./iam";

export interface SecureBucketArgs {
    /** What the bucket holds, in words (its description tag). @default none (required) */
    readonly purpose: string;
    /**
     * KMS key for SSE-KMS. Leave unset for SSE-S3 (AES256), which ALB access logs require.
     * @default undefined (SSE-S3)
     */
    readonly kmsKeyArn?: pulumi.Input<string>;
    /** Keep old object versions. @default true */
    readonly versioned?: boolean;
    /** Days after which current objects expire; unset keeps them. @default undefined */
    readonly expireAfterDays?: number;
    /** Days after which non-current versions expire. @default 30 */
    readonly noncurrentExpireAfterDays?: number;
    /** Keep the bucket (and its data) when the stack or resource is deleted; also `protect`s it. @default false */
    readonly retainOnDelete?: boolean;
    /**
     * Extra bucket-policy statements (e.g. ALB log delivery), given the bucket ARN. A statement
     * denying non-TLS access is always added.
     * @default none
     */
    readonly policyStatements?: (bucketArn: pulumi.Output<string>) => pulumi.Input<Record<string, unknown>>[];
    /** Tags. @default {} */
    readonly tags?: Tags;
}

/**
 * An S3 bucket with the baseline every bucket of ours has: encryption, versioning, public access
 * blocked, owner-enforced object ownership, TLS-only bucket policy hooks, a lifecycle rule.
 */
export class SecureBucket extends pulumi.ComponentResource {
    readonly bucket: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;
    readonly resource: aws.s3.Bucket;

    constructor(name: string, args: SecureBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("stageline:storage:SecureBucket", name, {}, opts);
        const versioned = args.versioned ?? true;
        const retain = args.retainOnDelete ?? false;
        const tags = { ...(args.tags ?? {}), purpose: args.purpose };
        const child = { parent: this };

        this.resource = new aws.s3.Bucket(name, { forceDestroy: !retain, tags }, { ...child, ...keepData(retain) });
        const bucket = this.resource.bucket;

        new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }, child);
        new aws.s3.BucketPublicAccessBlock(
            `${name}-public-access`,
            { bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            child,
        );
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-encryption`,
            {
                bucket,
                rules: [
                    args.kmsKeyArn !== undefined
                        ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn }, bucketKeyEnabled: true }
                        : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
                ],
            },
            child,
        );
        new aws.s3.BucketVersioning(`${name}-versioning`, { bucket, versioningConfiguration: { status: versioned ? "Enabled" : "Suspended" } }, child);
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-lifecycle`,
            {
                bucket,
                rules: [
                    {
                        id: "expire",
                        status: "Enabled",
                        filter: {},
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                        noncurrentVersionExpiration: { noncurrentDays: args.noncurrentExpireAfterDays ?? 30 },
                        ...(args.expireAfterDays !== undefined ? { expiration: { days: args.expireAfterDays } } : {}),
                    },
                ],
            },
            child,
        );

        const arn = this.resource.arn;
        const statements = [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [arn, pulumi.interpolate`${arn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
            ...(args.policyStatements ? args.policyStatements(arn) : []),
        ];
        new aws.s3.BucketPolicy(
            `${name}-policy`,
            { bucket, policy: policyDocument(statements) },
            child,
        );

        this.bucket = bucket;
        this.arn = this.resource.arn;
        this.registerOutputs({ bucket: this.bucket, arn: this.arn });
    }
}
