/**
 * Secrets never leave the plan: config values Pulumi marks secure, Pulumi secret outputs and any
 * property whose key names a password, secret, token or private key print as `[secret]` in the
 * text, the JSON and the diagrams.
 */
import { SECRET_PLACEHOLDER } from "../../infra/config";

export const REDACTED = SECRET_PLACEHOLDER;

/** Keys that hold a secret value. */
const SECRET_WORD_RE = /(password|passwd|passphrase|secret|token|private[_-]?key|api[_-]?key|access[_-]?key|credential)/i;
/** Keys that merely point at or describe a secret (an ARN, an id, a switch), kept readable. */
const SECRET_REFERENCE_RE = /^(arns?|ids?|names?|kms|versions?|length|ttl|rotation|expiry|expiration|enabled|policy|type|url|status|count|path)$/i;

/** Whether a property key names a secret value (`masterPassword`, `githubToken`, `privateKey`). */
export function isSecretKey(key: string): boolean {
    if (!SECRET_WORD_RE.test(key)) return false;
    const words = key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").split(/[_.\-:\s]/).filter(Boolean);
    const last = words[words.length - 1] ?? key;
    return !SECRET_REFERENCE_RE.test(last);
}

/** Pulumi's wire marker of a secret value: `{ [SIG]: SECRET_SIG, value }`. */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Whether a value is a Pulumi secret as the engine receives it. */
export function isSecretEnvelope(v: unknown): v is { value: unknown } {
    return !!v && typeof v === "object" && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** A deep copy with Pulumi secret markers replaced by their values (what a policy sees). */
export function unwrapSecrets(value: unknown): unknown {
    if (isSecretEnvelope(value)) return unwrapSecrets(value.value);
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
    return value;
}

/**
 * A deep copy with secrets replaced. `secretPaths` are dotted paths known to be secret
 * (secret outputs, secure config keys) regardless of their key names.
 */
export function redact(value: unknown, secretPaths: ReadonlySet<string> = new Set(), path = ""): unknown {
    if (path && secretPaths.has(path)) return REDACTED;
    if (isSecretEnvelope(value)) return REDACTED;
    if (Array.isArray(value)) return value.map((v, i) => redact(v, secretPaths, `${path}[${i}]`));
    if (value && typeof value === "object") {
        const out: Record<string, unknown> = {};
        const named = value as { name?: unknown; value?: unknown };
        // `{ name: "DB_PASSWORD", value: "..." }`: container environment and similar pairs.
        const secretPair = typeof named.name === "string" && isSecretKey(named.name) && "value" in named;
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
            const p = path ? `${path}.${k}` : k;
            if (secretPair && k === "value") out[k] = REDACTED;
            else if (isSecretKey(k) && v !== undefined && v !== null && typeof v !== "boolean" && typeof v !== "object") out[k] = REDACTED;
            else if (isSecretKey(k) && v && typeof v === "object" && !Array.isArray(v) && isLeafMap(v)) out[k] = REDACTED;
            else out[k] = redact(v, secretPaths, p);
        }
        return out;
    }
    if (typeof value === "string" && isPrivateKeyText(value)) return REDACTED;
    if (typeof value === "string" && /^\s*[[{]/.test(value)) {
        // JSON documents in a string (ECS container definitions, policies): redact inside.
        try {
            const parsed: unknown = JSON.parse(value);
            const cleaned = redact(parsed, secretPaths, path);
            return JSON.stringify(cleaned) === JSON.stringify(parsed) ? value : JSON.stringify(cleaned);
        } catch {
            return value;
        }
    }
    return value;
}

/** A map of plain scalars under a secret key (`{ secure: "v1:..." }`). */
function isLeafMap(v: object): boolean {
    return Object.values(v).every((x) => x === null || typeof x !== "object");
}

/** A PEM private key pasted in a value. */
function isPrivateKeyText(s: string): boolean {
    return /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(s);
}
