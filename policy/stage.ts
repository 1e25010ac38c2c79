/**
 * Which stage a resource belongs to, read from its URN (`urn:pulumi:<stack>::<project>::...`).
 *
 * Policies cannot read our settings: the stack name is all they know. The pack config `stages`
 * maps stack names to stages (`{ "prod-eu": "prod" }`); the stack names `dev`, `test`, `staging`
 * and `prod` map to themselves; any other stack is judged as `prod`, the strictest stage, so a
 * new or misnamed stack can never slip past the production rules.
 */

// The four stages, from the most permissive to the strictest: the same list the program uses.
import { STAGES, type Stage } from "../lib/stage";
export { STAGES, type Stage };

/** The stage every unmapped stack gets. */
export const STRICTEST_STAGE: Stage = "prod";

/** Pack configuration shared by every policy (each policy's config carries it; see README). */
export interface StageConfig {
    /** Stack name (or fully qualified `org/project/stack`) → stage. @default {} */
    readonly stages?: Readonly<Record<string, string>>;
}

/** The JSON schema of `stages`, added to every policy's `configSchema`. */
export const STAGES_CONFIG_SCHEMA = {
    type: "object" as const,
    description: "Stack name → stage (dev, test, staging, prod). Unmapped stacks other than dev/test/staging/prod are judged as prod.",
    additionalProperties: { type: "string" as const, enum: [...STAGES] },
    default: {},
};

/** The stack name inside a URN, or undefined when the text is not a Pulumi URN. */
export function stackFromUrn(urn: string): string | undefined {
    const m = /^urn:pulumi:([^:]+)::/.exec(urn);
    return m ? m[1] : undefined;
}

function isStage(s: string | undefined): s is Stage {
    return s !== undefined && (STAGES as readonly string[]).includes(s);
}

/**
 * The stage of a stack: the configured mapping (by stack name, or by the last segment of a
 * fully qualified `org/project/stack` key), else the stack's own name when it is a stage, else prod.
 */
export function stageOfStack(stack: string | undefined, config: StageConfig = {}): Stage {
    if (stack === undefined) return STRICTEST_STAGE;
    const stages = config.stages ?? {};
    const mapped = stages[stack] ?? Object.entries(stages).find(([k]) => k.split("/").pop() === stack)?.[1];
    if (mapped !== undefined) return isStage(mapped) ? mapped : STRICTEST_STAGE;
    return isStage(stack) ? stack : STRICTEST_STAGE;
}

/** The stage of the stack a resource's URN names. */
export function stageOfUrn(urn: string, config: StageConfig = {}): Stage {
    return stageOfStack(stackFromUrn(urn), config);
}
