/**
 * Loading and planning stacks for `npm run plan`: reads each stack file, validates it into
 * settings, runs the program under the mock harness in dependency order (prod before staging, so
 * staging's StackReference reads prod's actual planned outputs), notes which values Pulumi treats
 * as secret, and judges the resources with the policy pack.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { loadSettings, RawConfig, readStackFile } from "../../infra/config";
import { ConfigError } from "../../infra/errors";
import { peerCidrProblems, peerContractProblems } from "../../infra/peers";
import { asStackRefusal } from "./refusal";
import { StageSettings } from "../../infra/settings";
import { StageOutputs, stageline } from "../../infra/program";
import { planStack, prodFixtureOutputs, ROOT, StackPlan } from "../harness";
import { stackReads } from "../../infra/stacks";
import { judgeStack, PolicyViolation } from "../../policy/run";
import { UsageError } from "./args";
import { isSecretEnvelope, redact, REDACTED, unwrapSecrets } from "./redact";

/** A stack's file, raw config and validated settings. */
export interface StackSource {
    stack: string;
    /** The stack file, as given or `Pulumi.<stack>.yaml`. */
    file: string;
    /** Flat `ns:key` → string config, secure values as `[secret]`. */
    config: RawConfig;
    /** Config keys Pulumi marks secure. */
    secretKeys: string[];
    settings: StageSettings;
}

/** One planned and judged stack. */
export interface PlannedStack {
    source: StackSource;
    plan: StackPlan;
    /** Property paths per resource URN whose values are Pulumi secrets. */
    secretInputs: Map<string, Set<string>>;
    /** Stack output names whose values are Pulumi secrets. */
    secretOutputs: Set<string>;
    /** Where each StackReference was served from: `planned` (this run) or `fixture`. */
    references: { stack: string; from: "planned" | "fixture" }[];
    violations: PolicyViolation[];
    /** Wall time of planning and judging, in ms. */
    ms: number;
}

export type Program = (s: StageSettings) => StageOutputs;
export type Judge = typeof judgeStack;

/** The stacks `npm run plan` covers, in the order they run. */
export const DEFAULT_STACKS = ["dev", "test", "prod", "staging"] as const;

/** Planning order by stage: prod first (the stacks that read prod get its planned outputs); the rest keep their place. */
const STAGE_RANK: Record<string, number> = { prod: 0 };

/** Reads and validates one stack; a missing file is a ConfigError naming the file. */
export function loadSource(stack: string | undefined, file?: string): StackSource {
    const f = file ? path.resolve(file) : path.join(ROOT, `Pulumi.${stack}.yaml`);

    if (!fs.existsSync(f)) {
        const known = fs.readdirSync(ROOT).map((x) => /^Pulumi\.(.+)\.yaml$/.exec(x)?.[1]).filter((x): x is string => !!x);
        throw new UsageError(file ? `stack file ${file} does not exist` : `no stack "${stack}": ${path.relative(process.cwd(), f) || f} does not exist (stacks: ${known.join(", ")}; use --config <path> for a new stack file)`);
    }
    const read = readStackFile(f, stack);
    const settings = loadSettings(read.stack, read.config, { secretKeys: read.secretKeys });
    const peer = [...peerCidrProblems(settings, ROOT), ...peerContractProblems(settings, ROOT)];
    if (peer.length > 0) throw new ConfigError(read.stack, peer);
    return { stack: read.stack, file: f, config: read.config, secretKeys: read.secretKeys, settings };
}

/**
 * Loads every requested stack before planning any, so all bad configuration is reported at once.
 * Throws the ConfigError of one stack, or one combining several.
 */
export function loadSources(stacks: readonly string[], configFile?: string): StackSource[] {
    const wanted = configFile ? [stacks[0]] : stacks.length ? [...new Set(stacks)] : [...DEFAULT_STACKS];
    const sources: StackSource[] = [];
    const errors: ConfigError[] = [];
    for (const s of wanted) {
        try {
            sources.push(loadSource(s, configFile));
        } catch (e) {
            if (e instanceof ConfigError) errors.push(e);
            else throw e;
        }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) {
        const err = new ConfigError(errors.map((e) => e.stack).join(", "), errors.flatMap((e) => e.problems));
        err.message = errors.map((e) => e.message).join("\n");
        throw err;
    }
    return orderForPlanning(sources);
}

/** Stable order: prod stacks first, the others keep their place (dev, test, staging after prod). */
export function orderForPlanning(sources: readonly StackSource[]): StackSource[] {
    return sources
        .map((s, i) => ({ s, i }))
        .sort((a, b) => (STAGE_RANK[a.s.settings.stage] ?? 1) - (STAGE_RANK[b.s.settings.stage] ?? 1) || a.i - b.i)
        .map((x) => x.s);
}

/** Wraps the program: records which inputs and outputs are Pulumi secrets. */
function watchSecrets(program: Program, secretInputs: Map<string, Set<string>>, secretOutputs: Set<string>, pending: Promise<void>[]): Program {
    const watch = (value: unknown, at: string, onSecret: (p: string) => void, depth = 0): void => {
        if (depth > 6 || value === null || value === undefined) return;
        if (pulumi.Output.isInstance(value)) {
            pending.push(
                pulumi
                    .isSecret(value)
                    .then((secret) => {
                        if (secret) onSecret(at);
                    })
                    .catch(() => undefined),
            );
            return;
        }
        if (Array.isArray(value)) value.forEach((v, i) => watch(v, `${at}[${i}]`, onSecret, depth + 1));
        else if (typeof value === "object" && !(value instanceof Promise)) {
            for (const [k, v] of Object.entries(value as Record<string, unknown>)) watch(v, at ? `${at}.${k}` : k, onSecret, depth + 1);
        }
    };
    return (settings) => {
        pulumi.runtime.registerStackTransformation((args) => {
            const key = `${args.type}::${args.name}`;
            watch(args.props, "", (p) => {
                const set = secretInputs.get(key) ?? new Set<string>();
                set.add(p);
                secretInputs.set(key, set);
            });
            return undefined;
        });
        const outputs = program(settings);
        watch(outputs, "", (p) => secretOutputs.add(p));
        return outputs;
    };
}

/**
 * Replaces secret values (Pulumi secret inputs, properties named like passwords) wherever they
 * appear in free text, such as a policy's violation message.
 */
export function secretScrubber(plan: StackPlan, secretPaths: ReadonlyMap<string, ReadonlySet<string>>): (text: string) => string {
    const values = new Set<string>();
    for (const r of plan.resources) {
        const clean = JSON.stringify(redact(r.inputs, secretPaths.get(r.urn) ?? new Set()));
        collectDifferences(r.inputs, JSON.parse(clean) as unknown, values);
    }
    const list = [...values].filter((v) => v.length >= 4).sort((a, b) => b.length - a.length);
    return (text) => list.reduce((t, v) => t.split(v).join(REDACTED), text);
}

/** Scalars of `raw` that `clean` replaced with the placeholder. */
function collectDifferences(raw: unknown, clean: unknown, out: Set<string>): void {
    if (isSecretEnvelope(raw)) raw = unwrapSecrets(raw);
    if (clean === REDACTED && raw !== REDACTED && (typeof raw === "string" || typeof raw === "number")) {
        out.add(String(raw));
        return;
    }
    if (clean === REDACTED && raw && typeof raw === "object") {
        for (const v of Object.values(raw)) collectDifferences(v, REDACTED, out);
        return;
    }
    if (raw && clean && typeof raw === "object" && typeof clean === "object") {
        for (const [k, v] of Object.entries(raw as Record<string, unknown>)) collectDifferences(v, (clean as Record<string, unknown>)[k], out);
    }
}

export interface PlanStacksOptions {
    program?: Program;
    judge?: Judge;
    /** Plan each stack as its first `pulumi up`: image repositories hold no image yet. @default false */
    firstDeploy?: boolean;
    /** Called when a stack starts and when it is done. */
    onProgress?: (event: { stack: string; done?: PlannedStack; index: number; total: number }) => void;
}

/** Plans and judges the stacks one after another (the Pulumi runtime is global). */
export async function planStacks(sources: readonly StackSource[], opts: PlanStacksOptions = {}): Promise<PlannedStack[]> {
    const done: PlannedStack[] = [];
    const judge = opts.judge ?? judgeStack;
    for (const [index, source] of sources.entries()) {
        opts.onProgress?.({ stack: source.stack, index, total: sources.length });
        const started = Date.now();
        const s = source.settings;
        const stackOutputs: Record<string, Record<string, unknown>> = {};
        const references: PlannedStack["references"] = [];
        const serve = (ref: string, fixture: () => Record<string, unknown>) => {
            const planned = done.find((d) => d.source.stack === ref.split("/").pop());
            stackOutputs[ref] = planned ? planned.plan.outputs : fixture();
            references.push({ stack: ref, from: planned ? "planned" : "fixture" });
        };
        // Only the stacks infra/stacks.ts reads (prod, for the others); prod reads none.
        for (const r of stackReads(s)) serve(r.stack, () => prodFixtureOutputs(s.region));

        const secretInputs = new Map<string, Set<string>>();
        const secretOutputs = new Set<string>();
        const pending: Promise<void>[] = [];
        const program = watchSecrets(opts.program ?? stageline, secretInputs, secretOutputs, pending);
        let plan: StackPlan;
        try {
            plan = await planStack(s, { stackOutputs, program, emptyRepositories: opts.firstDeploy });
        } catch (e) {
            throw asStackRefusal(source.stack, e);
        }
        await Promise.all(pending);

        // Key secret inputs by URN now that URNs are known.
        const byUrn = new Map<string, Set<string>>();
        for (const r of plan.resources) {
            const set = secretInputs.get(`${r.type}::${r.name}`);
            if (set) byUrn.set(r.urn, set);
        }
        const judged = judge(
            // The engine's dependency list of each resource, as the CLI hands the pack (explicit dependsOn
            // and those of its inputs): rules that link resources judge the same offline as for real.
            plan.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, props: unwrapSecrets(r.inputs) as Record<string, unknown>, dependencies: r.options.dependsOn })),
            { config: { stages: { [source.stack]: s.stage } } },
        );
        // The scrubber walks every resource's inputs: built only when there is a message to scrub.
        const scrub = judged.length > 0 ? secretScrubber(plan, byUrn) : (t: string) => t;
        const violations = judged.map((v) => ({ ...v, message: scrub(v.message) }));
        const result: PlannedStack = { source, plan, secretInputs: byUrn, secretOutputs, references, violations, ms: Date.now() - started };
        done.push(result);
        opts.onProgress?.({ stack: source.stack, done: result, index, total: sources.length });
    }
    return done;
}
