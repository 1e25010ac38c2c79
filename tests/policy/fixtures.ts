/** Fixture builders for policy tests: resources of a stack, as the harness would give them. */
import { JudgedResource } from "../../policy/run";

/** A resource of stack `stack` (URN as Pulumi builds it). */
export function res(stack: string, type: string, name: string, props: Record<string, unknown>, dependencies?: string[]): JudgedResource {
    return { urn: urnOf(stack, type, name), type, name, props, dependencies };
}

export function urnOf(stack: string, type: string, name: string): string {
    return `urn:pulumi:${stack}::stageline::${type}::${name}`;
}
