/** Turning raw values and schema issues into problems: decoding, the key path of an issue, plain secrets. */
import { z } from "zod";
import { ConfigProblem } from "../errors";
import { secretAdvice } from "../secrets";
import { NAME_RE } from "./shapes";
import { SECRET_PLACEHOLDER } from "./stackFile";

/** Pulumi's scalar top-level values arrive as strings; structured ones as JSON. */
export function decode(value: string): unknown {
    const t = value.trim();
    if (/^[[{]/.test(t) || /^(true|false|null)$/.test(t) || /^-?\d+(\.\d+)?$/.test(t)) {
        try {
            return JSON.parse(t);
        } catch {
            return value;
        }
    }
    return value;
}

/** Words that mark a config key as holding a secret. */
export const SECRET_KEY_RE = /(password|passwd|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|credential)/i;

/** The schema below `schema` at `path` (list indexes and map keys step into elements), unwrapping optionals. */
export function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
    let node: z.ZodType | undefined = schema;
    for (const p of path) {
        while (node && ["optional", "nullable", "default"].includes(node.def.type)) node = (node.def as unknown as { innerType: z.ZodType }).innerType;
        const def = node?.def as unknown as { type: string; shape?: Record<string, z.ZodType>; element?: z.ZodType; valueType?: z.ZodType } | undefined;
        if (!def) return undefined;
        if (def.type === "object") node = def.shape?.[String(p)];
        else if (def.type === "array") node = def.element;
        else if (def.type === "record") node = def.valueType;
        else return undefined;
    }
    while (node && ["optional", "nullable", "default"].includes(node.def.type)) node = (node.def as unknown as { innerType: z.ZodType }).innerType;
    return node;
}

/**
 * A map's bad entries (a name that is not allowed, a value that is not a string) become ONE issue
 * for the map, listing the entries: one message per key the user wrote, never one per entry, and
 * an odd name (" ", "!") is quoted rather than glued onto the key path.
 */
export function collapseMapIssues(schema: z.ZodType, issues: readonly z.core.$ZodIssue[], root: unknown): z.core.$ZodIssue[] {
    const out: z.core.$ZodIssue[] = [];
    const maps = new Map<string, { issue: z.core.$ZodIssue; entries: string[] }>();
    for (const issue of issues) {
        const parent = issue.path.slice(0, -1);
        const isMapEntry = issue.path.length > 0 && schemaAt(schema, parent)?.def.type === "record";
        if (!isMapEntry) {
            out.push(issue);
            continue;
        }
        const id = JSON.stringify(parent);
        const entry = String(issue.path[issue.path.length - 1]);
        let m = maps.get(id);
        if (!m) {
            // The map's own "allowed" text (its schema's error), not zod's text for one entry.
            const error = (schemaAt(schema, parent)?.def as { error?: unknown } | undefined)?.error;
            const own = typeof error === "function" ? (error as (i: unknown) => unknown)(issue) : undefined;
            const message = typeof own === "string" ? own : issue.message;
            m = { issue: { ...issue, code: "custom", path: parent, message, input: undefined } as z.core.$ZodIssue, entries: [] };
            maps.set(id, m);
            out.push(m.issue);
        }
        m.entries.push(issue.code === "invalid_key" ? `the name ${JSON.stringify(entry)}` : `${entry}'s value`);
    }
    for (const m of maps.values()) {
        const map = m.issue.path.reduce<unknown>((n, p) => (n && typeof n === "object" ? (n as Record<PropertyKey, unknown>)[p as string] : undefined), root);
        const bad = `${m.entries.slice(0, 5).join(", ")}${m.entries.length > 5 ? ", …" : ""}`;
        // Said in words (not quoted as a value): `… environment is 3 bad entries of 4 (the name " ", …)`.
        Object.assign(m.issue, { params: { given: `${m.entries.length} bad ${m.entries.length === 1 ? "entry" : "entries"} of ${Object.keys(map ?? {}).length} (${bad})` } });
    }
    return out;
}

export function keyPath(parts: readonly PropertyKey[], root: unknown): string {
    let out = "";
    let node: unknown = root;
    for (const p of parts) {
        if (typeof p === "number") {
            const item = Array.isArray(node) ? node[p] : undefined;
            const raw = item && typeof item === "object" ? (item as { name?: unknown }).name : undefined;
            // Name the item by its name when that name is itself valid, else by its position.
            const name = typeof raw === "string" && NAME_RE.test(raw) ? raw : undefined;
            out += name ? `[${name}]` : `[${p}]`;
        } else {
            out += `.${String(p)}`;
        }
        node = node && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[p as string] : undefined;
    }
    return out;
}

/** Finds plain (non-secure) values under keys that look like secrets, at any depth. */
export function findPlainSecrets(key: string, value: unknown, out: ConfigProblem[]): void {
    const last = key.split(/[.:]/).pop() ?? key;
    // A container variable named like a secret is judged by the service rule (its advice differs).
    if (/^stageline:services\[[^\]]+\]\.environment\./.test(key)) return;
    if (SECRET_KEY_RE.test(last) && (typeof value === "string" || typeof value === "number") && String(value) !== SECRET_PLACEHOLDER) {
        // No stageline key reads a secret (a secure one is refused again as unknown): the advice
        // is to remove it, and where a provider needs a credential, its own secure key.
        out.push({ key, given: "a plain-text value", allowed: secretAdvice(key, "a credential") });
        return;
    }
    if (value && typeof value === "object") {
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
            findPlainSecrets(Array.isArray(value) ? `${key}[${k}]` : `${key}.${k}`, v, out);
        }
    }
}
