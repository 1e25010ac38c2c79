/**
 * A component's refusal, as the plan prints it: a component that refuses its inputs (in its
 * constructor, or inside an `apply` once a value is known) throws a `pulumi.ResourceError`; inside
 * an apply it arrives wrapped once per property it flowed through ("error serializing property
 * "x": ..."), without the stack's name. The plan prints it once, unwrapped, naming the stack.
 */
import * as pulumi from "@pulumi/pulumi";
import { isConfigError } from "../../infra/errors";
import { redactSecretText } from "../../infra/secrets";

/** The message without Pulumi's serialisation wrappers, and redacted. */
export function unwrapRefusal(message: string): string {
    return redactSecretText(message.replace(/(error serializing property "[^"]*": )+/g, "").replace(/^error: /, ""));
}

/** A refusal raised while building a stack: one message naming the stack; exit 2. */
export class StackRefusal extends pulumi.RunError {
    readonly stack: string;
    constructor(stack: string, message: string) {
        super(`Invalid configuration for stack "${stack}" (refused while building it):\n  - ${unwrapRefusal(message).split("\n").join("\n    ")}`);
        this.name = "StackRefusal";
        this.stack = stack;
    }
}

/** Maps an error from planning `stack` to a StackRefusal when it is a component's refusal. */
export function asStackRefusal(stack: string, e: unknown): unknown {
    if (isConfigError(e) || e instanceof StackRefusal) return e;
    const message = e instanceof Error ? e.message : String(e);
    const refusal = e instanceof pulumi.ResourceError || pulumi.RunError.isInstance(e) || /error serializing property/.test(message);
    return refusal ? new StackRefusal(stack, message) : e;
}
