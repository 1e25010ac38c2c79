/**
 * Which resource options keep a stage's data when a deploy or a `pulumi destroy` would delete it.
 * One place, so every component guards production data the same way (see docs/prod-data.md).
 */

/** Options for resources that hold data (keys, audit logs, buckets, registries, backups). */
export interface DataGuard {
    /** Refuse any delete or replace until the protection is lifted on purpose. */
    readonly protect: boolean;
    /** Leave the cloud resource in place when Pulumi deletes it. */
    readonly retainOnDelete: boolean;
}

/**
 * Data that must never be lost: `protect` and `retainOnDelete` when `keep` (the stage holds
 * production data; which stage does is the program's decision, infra/program.ts).
 */
export function keepData(keep: boolean): DataGuard {
    return { protect: keep, retainOnDelete: keep };
}

/**
 * Operational logs: kept (retainOnDelete) where data is kept (prod) so a destroy or a renamed service never deletes
 * them, but not `protect`ed, so renaming a service can replace its log group without a manual
 * step. Their retention period bounds how long they stay either way.
 */
export function keepLogs(keep: boolean): DataGuard {
    return { protect: false, retainOnDelete: keep };
}
