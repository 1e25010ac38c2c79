/**
 * Pre-release snapshot housekeeping (scripts/prune-snapshots.sh): the Snapshot step may delete only
 * snapshots named with its prefix AND tagged purpose=pre-release — the ones it made — never others.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Statement } from "./iam";

/** The tag the Snapshot step puts on its snapshots, and the delete condition checks. */
export const PRE_RELEASE_TAG = { key: "purpose", value: "pre-release" } as const;

/**
 * Delete this pipeline's older pre-release snapshots: `rds:DeleteDBSnapshot` on
 * `snapshot:<prefix>*`, conditioned on the snapshot's tag (rds:snapshot-tag/<key>,
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAM.SpecifyingCustomTags.html).
 */
export function pruneSnapshotStatement(snapshotArnPattern: pulumi.Input<string>): Statement {
    return {
        Sid: "PruneOwnPreReleaseSnapshots",
        Effect: "Allow",
        Action: ["rds:DeleteDBSnapshot"],
        Resource: snapshotArnPattern,
        Condition: { StringEquals: { [`rds:snapshot-tag/${PRE_RELEASE_TAG.key}`]: PRE_RELEASE_TAG.value } },
    };
}
