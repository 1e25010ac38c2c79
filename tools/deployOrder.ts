/**
 * Which stack reads which, from the stack files alone, and an order to deploy them in.
 *
 * A stack file names another stack wherever one of its config values is a fully qualified stack
 * name of this project (`org/<project>/<stack>`: `stageline:prodStack`, `database.prodStack`, or a
 * key an older file still carries such as `pipeline.promoteFromStack`). Scanning values rather
 * than known keys means a new or forgotten key that names a stack still counts as a read.
 * A StackReference to a stack that does not exist yet fails (Pulumi:
 * https://www.pulumi.com/docs/iac/concepts/stacks/#stackreferences), so a read is an edge
 * "deploy that stack first", and a cycle means the stacks cannot be deployed from nothing.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

/** One stack file's reads: stack name → the stacks (short names) it reads, with the key naming each. */
export interface StackReads {
    stack: string;
    reads: { stack: string; key: string }[];
}

/** Every string in `value` that names a stack of `project`, with the config key path it sits at. */
function stackNames(value: unknown, project: string, at: string, out: { stack: string; key: string }[]): void {
    if (typeof value === "string") {
        const m = /^[A-Za-z0-9_.-]+\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(value);
        if (m && m[1] === project) out.push({ stack: m[2], key: at });
    } else if (Array.isArray(value)) value.forEach((v, i) => stackNames(v, project, `${at}[${i}]`, out));
    else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) stackNames(v, project, at ? `${at}.${k}` : k, out);
}

/** The reads of one stack file's text (`config:` of a `Pulumi.<stack>.yaml`). */
export function readsOfStackFile(stack: string, yamlText: string, project: string): StackReads {
    const doc = (YAML.parse(yamlText) ?? {}) as { config?: Record<string, unknown> };
    const reads: { stack: string; key: string }[] = [];
    for (const [key, value] of Object.entries(doc.config ?? {})) stackNames(value, project, key, reads);
    return { stack, reads: reads.filter((r) => r.stack !== stack) };
}

/** The reads of every `Pulumi.<stack>.yaml` in `dir`. */
export function readsOfStackFiles(dir: string, project: string): StackReads[] {
    return fs
        .readdirSync(dir)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort()
        .map((s) => readsOfStackFile(s, fs.readFileSync(path.join(dir, `Pulumi.${s}.yaml`), "utf8"), project));
}

/**
 * An order in which every stack is deployed after the stacks it reads (stable: ties keep the
 * given order), or the first cycle found, as `a → b → a` with the keys that make each edge.
 */
export function deployOrder(all: readonly StackReads[]): { order: string[] } | { cycle: string } {
    const byName = new Map(all.map((s) => [s.stack, s]));
    const state = new Map<string, "visiting" | "done">();
    const order: string[] = [];
    const visit = (name: string, trail: string[]): string | undefined => {
        if (state.get(name) === "done") return undefined;
        if (state.get(name) === "visiting") {
            const from = trail.indexOf(name);
            const loop = [...trail.slice(from), name];
            return loop
                .map((s, i) => (i === loop.length - 1 ? s : `${s} (${byName.get(s)?.reads.find((r) => r.stack === loop[i + 1])?.key}) → `))
                .join("");
        }
        state.set(name, "visiting");
        for (const r of byName.get(name)?.reads ?? []) {
            if (!byName.has(r.stack)) continue; // a stack outside these files: not ours to order
            const cycle = visit(r.stack, [...trail, name]);
            if (cycle) return cycle;
        }
        state.set(name, "done");
        order.push(name);
        return undefined;
    };
    for (const s of all) {
        const cycle = visit(s.stack, []);
        if (cycle) return { cycle };
    }
    return { order };
}

/** Is `order` a valid deploy order of `all` (each stack after every stack of these files it reads)? Problems, or []. */
export function orderProblems(order: readonly string[], all: readonly StackReads[]): string[] {
    const out: string[] = [];
    for (const s of all) {
        const at = order.indexOf(s.stack);
        for (const r of s.reads) {
            if (!all.some((x) => x.stack === r.stack)) continue;
            const before = order.indexOf(r.stack);
            if (at >= 0 && (before < 0 || before > at)) out.push(`${s.stack} reads ${r.stack} (${r.key}) but is deployed before it`);
        }
    }
    return out;
}

/** The stacks of the README's "Deploying for real" commands, in order (`pulumi stack select X && pulumi up`). */
export function readmeDeployOrder(readme: string): string[] {
    const section = readme.split(/^## /m).find((s) => s.startsWith("Deploying for real")) ?? "";
    return [...section.matchAll(/pulumi stack select ([A-Za-z0-9_.-]+) && pulumi up/g)].map((m) => m[1]);
}
