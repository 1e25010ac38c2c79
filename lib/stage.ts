/** The four stages of the delivery platform: a neutral word every layer may use (names, tags, messages). */
export const STAGES = ["dev", "test", "staging", "prod"] as const;
export type Stage = (typeof STAGES)[number];

/** Is `x` one of the four stage names? (A type guard: no cast where a stack name or a config value is read.) */
export function isStage(x: unknown): x is Stage {
    return STAGES.some((s) => s === x);
}
