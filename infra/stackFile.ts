/**
 * Reading a stack file's text safely: a bounded size (a multi-megabyte paste ends at once with its
 * size named), valid UTF-8 (a replaced byte would silently change a value), and a YAML map
 * (a list or a scalar says so instead of loading as an empty config).
 */
import * as fs from "fs";
import * as YAML from "yaml";
import { STACK_FILE_MAX_BYTES } from "../lib/awsLimits";
import { ConfigError } from "./errors";

const kib = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`);

/** The parsed YAML document of a stack file, or one ConfigError naming the stack and the file. */
export function parseStackFileText(file: string, stack: string): unknown {
    const refuse = (given: string, allowed: string): never => {
        throw new ConfigError(stack, [{ key: file, given, allowed }]);
    };
    let size: number;
    try {
        size = fs.statSync(file).size;
    } catch (e) {
        return refuse(`unreadable (${(e as NodeJS.ErrnoException).code ?? "error"})`, "a readable Pulumi stack file");
    }
    if (size > STACK_FILE_MAX_BYTES) {
        return refuse(`a file of ${size} bytes (${kib(size)})`, `a stack file of at most ${STACK_FILE_MAX_BYTES} bytes (${kib(STACK_FILE_MAX_BYTES)}); a stack's settings fit in a few KiB`);
    }
    const bytes = fs.readFileSync(file);
    let text: string;
    try {
        text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
        return refuse(`not valid UTF-8 (first bad byte on line ${firstBadUtf8Line(bytes)})`, "a UTF-8 text file (Pulumi and AWS read config values as UTF-8)");
    }
    let doc: unknown;
    try {
        // A bound on aliases: a small file cannot expand into gigabytes ("billion laughs").
        doc = YAML.parse(text, { maxAliasCount: 50, uniqueKeys: true });
    } catch (e) {
        return refuse(`unreadable YAML (${(e as Error).message.split("\n")[0].slice(0, 200)})`, "a Pulumi stack file");
    }
    if (Array.isArray(doc)) return refuse(`a YAML list of ${doc.length}`, "a YAML map with a config: map of keys (a Pulumi stack file)");
    if (doc !== null && doc !== undefined && typeof doc !== "object") {
        return refuse(`a YAML ${typeof doc} (a single value, not a map)`, "a YAML map with a config: map of keys (a Pulumi stack file)");
    }
    return doc;
}

/** The 1-based line of the first byte sequence that is not UTF-8. */
function firstBadUtf8Line(bytes: Buffer): number {
    let lo = 0;
    let hi = bytes.length;
    // The longest prefix that decodes (a split multi-byte sequence at the end is fine to step over).
    while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        try {
            new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
            lo = mid;
        } catch {
            hi = mid - 1;
        }
    }
    let line = 1;
    for (let i = 0; i < lo; i++) if (bytes[i] === 0x0a) line++;
    return line;
}
