/** Reading a stack file: its stack name, its `namespace:key` → string map and which keys are secure. */
import * as path from "path";
import { ConfigError, renderGiven } from "../errors";
import { parseStackFileText } from "../stackFile";
import { NS, RawConfig } from "./shapes";

// ---------------------------------------------------------------------------------------------
// Reading config
// ---------------------------------------------------------------------------------------------

/** Secure values in a stack file that the offline plan cannot decrypt stand in as this. */
export const SECRET_PLACEHOLDER = "[secret]";

export interface StackFile {
    /** Stack name, from the file name `Pulumi.<stack>.yaml` unless given. */
    stack: string;
    /** Flat `ns:key` → string map, as Pulumi hands it to a program. */
    config: RawConfig;
    /** Keys whose value was `secure:` in the file. */
    secretKeys: string[];
}

/** Reads `Pulumi.<stack>.yaml` into the flat map Pulumi gives a program. */
export function readStackFile(file: string, stack?: string): StackFile {
    const base = path.basename(file);
    const m = /^Pulumi\.(.+)\.ya?ml$/.exec(base);
    const name = stack ?? (m ? m[1] : base.replace(/\.ya?ml$/, ""));
    const doc = parseStackFileText(file, name);
    const cfg = ((doc as { config?: unknown } | null)?.config ?? {}) as Record<string, unknown>;
    if (typeof cfg !== "object" || Array.isArray(cfg)) {
        throw new ConfigError(name, [{ key: `${file}: config`, given: renderGiven(cfg), allowed: "a map of config keys" }]);
    }
    const config: RawConfig = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(cfg)) {
        const full = key.includes(":") ? key : `${NS}:${key}`;
        if (value && typeof value === "object" && !Array.isArray(value) && "secure" in (value as object)) {
            config[full] = SECRET_PLACEHOLDER;
            secretKeys.push(full);
        } else {
            config[full] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    return { stack: name, config, secretKeys };
}
