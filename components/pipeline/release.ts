/**
 * Build once, promote: the contract between the stage that approves a release (staging) and the
 * stage that promotes it (prod). Staging's pipeline, after sign-off, writes `release.zip`
 * ({ release.json: service → image digest, release tag, commit; NOTES.md; imagedefinitions })
 * to its release bucket; staging exports where (stack output `release`); prod's pipeline reads
 * that output through a StackReference and uses the object as its S3 source.
 */
import * as pulumi from "@pulumi/pulumi";

/** The stack output name carrying the release location. */
export const RELEASE_OUTPUT = "release";

/** Object key of the approved release in the release bucket (older releases are its versions). */
export const RELEASE_OBJECT_KEY = "approved/release.zip";

/** What a promoting stack exports and a promoted-to stack reads. */
export interface ReleaseLocation {
    /** Bucket holding the approved release (versioned, KMS-encrypted, private). */
    bucket: string;
    bucketArn: string;
    /** Object key of release.zip. */
    objectKey: string;
    /** Key that encrypts the bucket (the promoting stage's KMS key). */
    kmsKeyArn: string;
    /** ECR repositories the approved images live in, by service name. */
    repositoryArns: Record<string, string>;
}

/** Reads the release location from the promoting stack; fields are undefined until it exists. */
export function readReleaseLocation(ref: pulumi.StackReference): { [K in keyof ReleaseLocation]: pulumi.Output<ReleaseLocation[K] | undefined> } {
    const release = ref.getOutput(RELEASE_OUTPUT) as pulumi.Output<Partial<ReleaseLocation> | undefined>;
    const field = <K extends keyof ReleaseLocation>(k: K) => release.apply((r) => r?.[k]);
    return { bucket: field("bucket"), bucketArn: field("bucketArn"), objectKey: field("objectKey"), kmsKeyArn: field("kmsKeyArn"), repositoryArns: field("repositoryArns") };
}
