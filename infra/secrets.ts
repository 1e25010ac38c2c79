/**
 * Credentials in a stack file, recognised by their SHAPE wherever they are (any namespace, any
 * key, a tag, a container variable under an innocent name), by their provider KEY (`aws:secretKey`,
 * `github:token` set in plain text), and namespaces that are neither ours nor a provider's (a typo
 * such as `stagline:` would silently drop the user's settings).
 *
 * `redactSecretText` is applied to every ConfigError message (infra/errors.ts), so a refusal that
 * quotes a bad value never prints the credential it contains.
 */
import type { ConfigProblem } from "./errors";

/** The text a credential is replaced with in any message. */
export const REDACTED_TEXT = "[secret]";

/**
 * Credential shapes. Sources: AWS access key ids start AKIA (long-term) or ASIA (STS temporary),
 * https://docs.amazonaws.cn/goto/WebAPI/sts-2011-06-15/GetAccessKeyInfo (its example secret key is
 * 40 characters of base64); GitHub tokens carry the prefixes ghp_, gho_, ghu_, ghs_, ghr_ and
 * github_pat_, https://github.blog/changelog/2021-03-04-authentication-token-format-updates/ .
 */
const SHAPES: { what: string; re: RegExp }[] = [
    { what: "an AWS access key id", re: /(?<![A-Z0-9])(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])/g },
    { what: "a GitHub token", re: /(?<![A-Za-z0-9_])(gh[pousr]_[A-Za-z0-9]{30,251}|github_pat_[A-Za-z0-9_]{22,244})(?![A-Za-z0-9_])/g },
    { what: "a private key", re: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g },
    { what: "a URL with a user name and password", re: /(?<=[a-zA-Z][a-zA-Z0-9+.-]*:\/\/)[^\s/?#@:]*:[^\s/?#@]*@/g },
    // An AWS secret access key: 40 characters of base64 with upper and lower case and a digit,
    // not part of a longer word ("/" may border it: it is pasted into paths and URLs too).
    { what: "an AWS secret access key", re: /(?<![A-Za-z0-9+])(?=[A-Za-z0-9/+]{0,39}[a-z])(?=[A-Za-z0-9/+]{0,39}[A-Z])(?=[A-Za-z0-9/+]{0,39}[0-9])[A-Za-z0-9/+]{40}(?![A-Za-z0-9+])/g },
];

/** What credential a text contains, if any (the first shape found). */
export function secretShapeIn(text: string): string | undefined {
    for (const s of SHAPES) {
        s.re.lastIndex = 0;
        if (s.re.test(text)) {
            s.re.lastIndex = 0;
            return s.what;
        }
    }
    return undefined;
}

/** The text with every credential-shaped part replaced by `[secret]`. */
export function redactSecretText(text: string): string {
    let out = text;
    for (const s of SHAPES) {
        s.re.lastIndex = 0;
        out = out.replace(s.re, (m) => (s.what.startsWith("a URL") ? `${REDACTED_TEXT}@` : m.length > 0 ? REDACTED_TEXT : m));
    }
    return out;
}

/** `{ secure: "..." }`: an encrypted value inside an object (`pulumi config set --path --secret`). */
function isSecureLeaf(v: unknown): boolean {
    return !!v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && "secure" in v;
}

/** A path below a config key, as Pulumi's `--path` writes it. */
function childKey(key: string, parent: unknown, k: string): string {
    if (!Array.isArray(parent)) return `${key}.${k}`;
    // A list item is named by its name when it has a valid one (`services[web]`), as config.ts does.
    const name = (parent[Number(k)] as { name?: unknown } | undefined)?.name;
    return typeof name === "string" && /^[a-z][a-z0-9-]{0,27}[a-z0-9]$/.test(name) ? `${key}[${name}]` : `${key}[${k}]`;
}

/** Keys (anywhere) that hold a credential-shaped value, with what it looks like. */
export function findSecretShapes(key: string, value: unknown, out: { key: string; what: string }[] = [], depth = 0): { key: string; what: string }[] {
    if (depth > 32 || isSecureLeaf(value)) return out;
    if (typeof value === "string") {
        const what = secretShapeIn(value);
        if (what) out.push({ key, what });
        return out;
    }
    if (value && typeof value === "object") {
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
            // A credential pasted as a map key is still a credential.
            const kWhat = secretShapeIn(k);
            if (kWhat) out.push({ key: childKey(key, value, REDACTED_TEXT), what: kWhat });
            else findSecretShapes(childKey(key, value, k), v, out, depth + 1);
        }
    }
    return out;
}

/** The advice for a credential found in a key: what to run, and that it must be rotated. */
export function secretAdvice(key: string, what: string): string {
    const ns = key.split(":")[0];
    const top = key.split(/[.[]/)[0];
    const env = /\.environment\./.test(key);
    if (env) {
        return `no credential in a container's plain environment (every value there is readable in the task definition): store it in AWS Secrets Manager and have the service read it at start (the database credentials are injected already), then rotate it — it was in the stack file in plain text`;
    }
    if (ns === NS_PROJECT) {
        return `no credential in ${top} (its values are copied into resources in plain text): remove it and rotate it; a credential the providers need is set encrypted with \`pulumi config set --secret aws:secretKey <value>\` or \`pulumi config set --secret github:token <value>\``;
    }
    const sub = key.includes(".") || key.includes("[") ? " --path" : "";
    return `an encrypted value: run \`pulumi config set${sub} --secret ${key} <value>\` and rotate the credential (${what} was in the stack file in plain text)`;
}

/** The project's namespace (kept here too so this module depends on nothing). */
const NS_PROJECT = "stageline";

/** Namespaces a stack file may use: ours, the providers the program uses, and Pulumi's own. */
export const KNOWN_NAMESPACES = [NS_PROJECT, "aws", "github", "pulumi"] as const;

/**
 * Provider settings that are credentials: they must be `secure:` values.
 * aws: https://pulumi.com/registry/packages/aws/installation-configuration (accessKey, secretKey, token);
 * github: https://www.pulumi.com/registry/packages/github/installation-configuration/
 * ("pulumi config set github:token XXXXXXXXXXXXXX --secret"; appAuth carries the app's pemFile).
 */
const CREDENTIAL_KEY_RE = /(password|passwd|passphrase|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|credential|pem)/i;

/** Plain (not `secure:`) values under provider keys that are credentials. */
function plainProviderCredentials(key: string, value: unknown, out: string[], depth = 0): void {
    if (depth > 32 || isSecureLeaf(value) || value === null || value === undefined || value === "") return;
    const last = key.split(/[.:]/).pop() ?? key;
    if (CREDENTIAL_KEY_RE.test(last) && typeof value !== "object" && typeof value !== "boolean") {
        out.push(key);
        return;
    }
    if (typeof value === "object") {
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) plainProviderCredentials(childKey(key, value, k), v, out, depth + 1);
    }
}

/**
 * Problems with a key outside the project's namespace: an unknown namespace, a provider
 * credential in plain text, or a credential-shaped value. `secure` keys are encrypted by Pulumi.
 */
export function foreignKeyProblems(full: string, value: unknown, secure: boolean): ConfigProblem[] {
    const ns = full.split(":")[0];
    if (!KNOWN_NAMESPACES.some((n) => n === ns)) {
        const near = KNOWN_NAMESPACES.find((k) => editDistance(k, ns) <= 2);
        return [
            {
                key: full,
                given: `a key in the namespace "${ns}:"`,
                allowed: `a key in one of the namespaces ${KNOWN_NAMESPACES.map((n) => `"${n}:"`).join(", ")}${near ? ` (did you mean "${near}:${full.slice(ns.length + 1)}"?)` : ""}; a setting under an unknown namespace would be ignored`,
            },
        ];
    }
    if (secure) return [];
    const plain: string[] = [];
    plainProviderCredentials(full, value, plain);
    const problems: ConfigProblem[] = plain.map((k) => ({ key: k, given: "a plain-text value", allowed: secretAdvice(k, "a credential") }));
    for (const s of findSecretShapes(full, value)) {
        if (!problems.some((p) => p.key === s.key)) problems.push({ key: s.key, given: `${s.what} in plain text`, allowed: secretAdvice(s.key, s.what) });
    }
    return problems;
}

/** Credential-shaped values under the project's own keys. */
export function projectSecretShapeProblems(full: string, value: unknown): ConfigProblem[] {
    return findSecretShapes(full, value).map((s) => ({ key: s.key, given: `${s.what} in plain text`, allowed: secretAdvice(s.key, s.what) }));
}

function editDistance(a: string, b: string): number {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)] as number[]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    return d[a.length][b.length];
}
