import * as pulumi from "@pulumi/pulumi";
import { redactSecretText } from "./secrets";

/** One thing wrong with a stack's configuration. */
export interface ConfigProblem {
    /** The full config key, e.g. `stageline:network.azCount`. */
    key: string;
    /** What the stack file gave, rendered for a person (`1`, `"prod-eu"`, `(missing)`). */
    given: string;
    /** What is allowed, in words (`an integer from 2 to 6`). */
    allowed: string;
    /**
     * Other keys this rule reads. When one of them was itself reported as malformed, the rule's
     * verdict is not trustworthy (it saw a default instead), so the problem is dropped.
     */
    dependsOn?: string[];
}

/** A quoted value is cut here: a message names a value, it never reprints a pasted document. */
const MAX_GIVEN_CHARS = 80;
/** Problems listed in one message; the rest are counted (a huge bad file ends in a short message). */
export const MAX_LISTED_PROBLEMS = 25;

/** Renders a config value for an error message without ever printing a whole object. */
export function renderGiven(value: unknown): string {
    if (value === undefined) return "(missing)";
    if (typeof value === "string") return JSON.stringify(value.length > MAX_GIVEN_CHARS ? `${value.slice(0, MAX_GIVEN_CHARS)}…` : value) + (value.length > MAX_GIVEN_CHARS ? ` (${value.length} characters)` : "");
    if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
    if (Array.isArray(value)) return `a list of ${value.length}`;
    return "an object";
}

export function formatProblem(p: ConfigProblem): string {
    return `${p.key} is ${p.given}; allowed: ${p.allowed}`;
}

/**
 * Bad configuration. A `pulumi.RunError`, so `pulumi up` prints the message and exits cleanly
 * (no stack trace), and the offline plan exits 2 with the same text.
 * It lists every problem found, not just the first.
 */
export class ConfigError extends pulumi.RunError {
    readonly stack: string;
    readonly problems: ConfigProblem[];
    constructor(stack: string, problems: ConfigProblem[]) {
        // Every line is redacted: a refusal that quotes a value never prints a credential in it.
        const lines = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => `  - ${redactSecretText(formatProblem(p))}`);
        if (problems.length > MAX_LISTED_PROBLEMS) lines.push(`  … and ${problems.length - MAX_LISTED_PROBLEMS} more problems (fix these first)`);
        const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
        super(redactSecretText(`Invalid configuration for stack "${stack}" (${count}):\n${lines.join("\n")}`));
        this.name = "ConfigError";
        this.stack = stack;
        this.problems = problems.map((p) => ({ ...p, key: redactSecretText(p.key), given: redactSecretText(p.given), allowed: redactSecretText(p.allowed) }));
    }
}

export function isConfigError(err: unknown): err is ConfigError {
    return err instanceof ConfigError || (err as { name?: string } | undefined)?.name === "ConfigError";
}
