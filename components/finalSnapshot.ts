/**
 * The final snapshot RDS takes when a stack deletes its database (dev and test; prod's instance
 * is `retainOnDelete` and deletion-protected, so a destroy never deletes it).
 *
 * A fixed name (`dev-db-final`) fails the SECOND deletion: destroy → up → destroy asks RDS for a
 * snapshot name that already exists and DeleteDBInstance answers `DBSnapshotAlreadyExists`
 * ("FinalDBSnapshotIdentifier: the DBSnapshotIdentifier of the new DBSnapshot", and snapshot
 * names are unique per account and region).
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBInstance.html
 *
 * The name therefore carries a value that is new each time the database is created and stable
 * while it lives: the id of the database's own security group. AWS assigns a new
 * `sg-…` id each time a group is created (CreateSecurityGroup returns it), and the group is created and deleted with the
 * instance (same component, same stack life). No randomness in the program (a preview shows no
 * diff) and no extra dependency.
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html (GroupId)
 *
 * Constraints it meets (DeleteDBInstance, FinalDBSnapshotIdentifier): 1 to 255 letters, digits
 * or hyphens, a letter first, no trailing hyphen, no two consecutive hyphens.
 */
import * as pulumi from "@pulumi/pulumi";

/** The longest final snapshot identifier RDS accepts. */
export const FINAL_SNAPSHOT_MAX = 255; // TODO(merge): move to lib/awsLimits.ts

/** `dev-db` + `sg-0a1b…` → `dev-db-final-0a1b…`. */
export function finalSnapshotName(identifier: string, securityGroupId: string): string {
    const unique = securityGroupId.replace(/^sg-/, "");
    return `${identifier}-final-${unique}`;
}

/** The final snapshot identifier of an instance, from its security group's id. */
export function finalSnapshotIdentifier(identifier: string, securityGroupId: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.output(securityGroupId).apply((id) => finalSnapshotName(identifier, id));
}
