/**
 * The Pulumi entry (`Pulumi.yaml` → `main: infra/`): read the stack's config once, validate it,
 * build the stage, export its outputs. Bad config ends as a ConfigError (a `pulumi.RunError`):
 * one message, no stack trace, no resource created.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadSettings } from "./config";
import { stageline } from "./program";
import { ConfigError } from "./errors";
import { peerCidrProblems, peerContractProblems } from "./peers";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(k: string): boolean };

const raw = pulumi.runtime.allConfig();
const settings = loadSettings(pulumi.getStack(), raw, {
    project: pulumi.getProject(),
    secretKeys: Object.keys(raw).filter((k) => isConfigSecret(k)),
});
// Rules across stacks, read from the sibling stack files (Pulumi runs the program in the project directory).
const peerProblems = [...peerCidrProblems(settings, process.cwd()), ...peerContractProblems(settings, process.cwd())];
if (peerProblems.length > 0) throw new ConfigError(settings.stack, peerProblems);
const outputs = stageline(settings);

// Pulumi exports what the entry module exports.
module.exports = outputs;
