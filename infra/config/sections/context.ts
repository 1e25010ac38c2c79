/**
 * What each section's rules get: the stage, its region, the stack file's (shape-checked) values,
 * the stage's defaults, the key namer and the problem list they add to.
 */
import { ConfigProblem } from "../../errors";
import { Stage } from "../../settings";
import { StageDefaults } from "../defaults";
import { Shapes } from "../shapes";

export interface SectionContext {
    readonly stage: Stage;
    readonly region: string;
    /** The stack file's values (every key optional). */
    readonly c: Shapes;
    /** The stage's defaults (infra/config/defaults.ts). */
    readonly d: StageDefaults;
    /** `network.cidr` → `stageline:network.cidr`. */
    readonly k: (key: string) => string;
    readonly problems: ConfigProblem[];
}

/** Copies only the keys whose value is defined, so `{ ...defaults, ...definedOnly(x) }` keeps defaults. */
export function definedOnly<T extends object>(o: T): Partial<T> {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
