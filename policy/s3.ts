/**
 * S3 rules: every bucket encrypted, versioned and public-access-blocked. AWS provider v7 keeps
 * these settings in separate resources that name the bucket in `bucket`, so these are stack rules
 * linking each setting to its bucket (by dependency, by physical name, or by Pulumi's auto-name
 * `<name>-<7 hex>`).
 */
import { baseline, dependsOn, known, ofTypes, Rule, StackRule, Subject } from "./rule";
import { T } from "./types";

const BUCKET_TYPES = [T.bucket, T.bucketV2];

/** True when setting `s` is about bucket `b`. */
export function settingIsFor(s: Subject, b: Subject): boolean {
    const ref = s.props.bucket;
    if (s.dependencies) {
        // The engine's links are known (the CLI always sends them): a setting is this bucket's when it
        // depends on it, or names its exact physical name as text — never by a prefix or auto-name
        // guess, which another bucket's setting (`uploads-archive-…` for `bucketPrefix: uploads`) would pass.
        return dependsOn(s, b) || (typeof ref === "string" && b.props.bucket !== undefined && ref === b.props.bucket);
    }
    if (typeof ref !== "string") return false;
    if (b.props.bucket !== undefined) return ref === b.props.bucket;
    if (b.props.bucketPrefix !== undefined) return ref.startsWith(String(b.props.bucketPrefix));
    return ref === b.name || new RegExp(`^${b.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-[0-9a-f]{7}$`).test(ref);
}

function bucketRule(id: string, must: string, description: string, types: string[], ok: (setting: Subject) => boolean, inline: (b: Subject) => boolean): StackRule[] {
    return baseline<StackRule>(id, {
        kind: "stack",
        description,
        check(resources, f) {
            const settings = ofTypes(resources, ...types);
            for (const b of ofTypes(resources, ...BUCKET_TYPES)) {
                f.guard(b, () => {
                    const mine = settings.filter((s) => settingIsFor(s, b));
                    if (inline(b) || mine.some(ok)) return;
                    // A setting whose bucket is not known yet may be this bucket's.
                    const unlinked = settings.find((s) => s.props.bucket === undefined && !s.dependencies);
                    if (unlinked) known(undefined, `bucket of ${unlinked.type} "${unlinked.name}"`);
                    f.fail(`S3 bucket "${b.name}" must ${must}${mine.length > 0 ? " (its setting does not)" : ""}.`, b.urn);
                });
            }
        },
    });
}

export const s3Rules: Rule[] = [
    ...bucketRule(
        "s3-bucket-encrypted",
        "be encrypted by default",
        "Every bucket encrypts objects at rest by default (a server-side encryption configuration).",
        [T.bucketEncryption, T.bucketEncryptionV2],
        (s) => Array.isArray(s.props.rules) && (s.props.rules as { applyServerSideEncryptionByDefault?: { sseAlgorithm?: string } }[]).some((x) => Boolean(x.applyServerSideEncryptionByDefault?.sseAlgorithm)),
        (b) => Boolean((b.props.serverSideEncryptionConfiguration as { rule?: unknown } | undefined)?.rule),
    ),
    ...bucketRule(
        "s3-bucket-versioned",
        "be versioned",
        "Every bucket keeps object versions, so an overwrite or delete can be undone.",
        [T.bucketVersioning, T.bucketVersioningV2],
        (s) => (s.props.versioningConfiguration as { status?: string } | undefined)?.status === "Enabled",
        (b) => (b.props.versioning as { enabled?: boolean } | undefined)?.enabled === true,
    ),
    ...bucketRule(
        "s3-bucket-public-access-blocked",
        "block all public access",
        "Every bucket blocks public ACLs and policies (all four public access block settings).",
        [T.bucketPublicAccessBlock],
        (s) => ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].every((k) => s.props[k] === true),
        () => false,
    ),
];
