/**
 * One format for every component's refusal of its arguments (a wiring problem of the program that
 * built the args; a bad stack file never gets this far: infra/config/ refuses it with a ConfigError):
 *
 *   DatabaseTier "staging" cannot be built:
 *     - database.prodStack is "prod"; allowed: the production stack, org/project/stack, ...
 *     - prodDatabase is missing; allowed: prod's database contract ...
 *
 * Every problem is listed at once, so one run shows all of them. A problem names the argument,
 * what was given (plain values only: a component never prints an Input, and the config has
 * refused credential-shaped values before any component runs) and what is allowed.
 */
import * as pulumi from "@pulumi/pulumi";

/** The message: `<Type> "<name>" cannot be built:` then one `  - problem` line each. */
export function argsErrorMessage(type: string, name: string, problems: readonly string[]): string {
    return `${type} "${name}" cannot be built:\n${problems.map((p) => `  - ${p}`).join("\n")}`;
}

/**
 * A component's arguments are wrong. A `pulumi.ResourceError` with the component attached, so the
 * CLI names the resource, and `hideStack`: the Pulumi CLI prints a ResourceError's stack trace
 * unless its creator hides it, and the problems are the whole story
 * (https://pulumi.com/docs/reference/pkg/nodejs/pulumi/pulumi/classes/ResourceError.html).
 * The offline plan prints it once, naming the stack (tools/plan/refusal.ts).
 */
export class ArgsError extends pulumi.ResourceError {
    /** The component's class (`DatabaseTier`). */
    readonly component: string;
    /** The component's resource name. */
    readonly resourceName: string;
    /** Every problem, in words. */
    readonly problems: readonly string[];

    constructor(type: string, name: string, problems: readonly string[], resource: pulumi.Resource | undefined) {
        super(argsErrorMessage(type, name, problems), resource, true);
        this.name = "ArgsError";
        this.component = type;
        this.resourceName = name;
        this.problems = problems;
    }
}

/**
 * Throws one ArgsError listing every problem; returns when there is none. Call it first in the
 * constructor (after `super`), before any child resource exists.
 */
export function checkArgs(type: string, name: string, problems: readonly string[], resource: pulumi.Resource | undefined): void {
    if (problems.length > 0) throw new ArgsError(type, name, problems, resource);
}
