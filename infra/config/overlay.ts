/** Stage defaults under what a stack file sets, key by key. */

/**
 * `defaults` with each of its keys that `given` sets taken from `given` (an absent, `undefined` or
 * `null` value keeps the default, as `??` does). Keys `defaults` does not have are not copied, so a
 * section's other keys (judged elsewhere) never leak into the settings. So every key a section
 * resolves must be in its defaults (an optional key with no default needs its own line).
 */
export function overlay<T extends object>(defaults: T, given: { readonly [K in keyof T]?: T[K] | null } | undefined): T {
    const out = { ...defaults };
    for (const key of Object.keys(defaults) as (keyof T)[]) out[key] = given?.[key] ?? defaults[key];
    return out;
}
