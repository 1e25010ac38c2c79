/** The four stages of the delivery platform: a neutral word every layer may use (names, tags, messages). */
export const STAGES = ["dev", "test", "staging", "prod"] as const;
export type Stage = (typeof STAGES)[number];
