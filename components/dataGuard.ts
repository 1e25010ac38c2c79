/**
 * Which resource options keep a stage's data when a deploy or a `pulumi destroy` would delete it.
 * One place, so every component guards production data the same way (see docs/prod-data.md).
 */
import { Stage } from "../infra/settings";

/** Options for resources that hold data (keys, audit logs, buckets, registries, backups). */
export interface DataGuard {
    /** Refuse any delete or replace until the protection is lifted on purpose. */
    readonly protect: boolean;
    /** Leave the cloud resource in place when Pulumi deletes it. */
    readonly retainOnDelete: boolean;
}

/** Stages whose data outlives any deploy. */
export function holdsProductionData(stage: Stage): boolean {
    return stage === "prod";
}

/** Data that must never be lost: `protect` and `retainOnDelete` in prod. */
export function keepData(stage: Stage): DataGuard {
    const keep = holdsProductionData(stage);
    return { protect: keep, retainOnDelete: keep };
}

/**
 * Operational logs: kept (retainOnDelete) in prod so a destroy or a renamed service never deletes
 * them, but not `protect`ed, so renaming a service can replace its log group without a manual
 * step. Their retention period bounds how long they stay either way.
 */
export function keepLogs(stage: Stage): DataGuard {
    return { protect: false, retainOnDelete: holdsProductionData(stage) };
}
