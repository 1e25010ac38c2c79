/**
 * The mock harness: runs a stage program under `pulumi.runtime.setMocks` and captures every
 * resource the engine would see — type, name, URN, parent, inputs, mocked outputs and the
 * resource options (`protect`, `retainOnDelete`, `ignoreChanges`, dependencies) read from the
 * very registration requests the engine receives. The tests and `npm run plan` both use it.
 *
 * Stacks run one after another in one process (the Pulumi runtime is global state).
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { createMocks, MockContext } from "./mocks";
import { StageSettings } from "../infra/settings";
import { stageline, StageOutputs } from "../infra/program";
import { loadStackFile, LoadOptions } from "../infra/config";
import { GITHUB_ORG_OUTPUT, RELEASE_HANDOFF_OUTPUT, RELEASE_OBJECT_KEY, stackReads } from "../infra/stacks";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeSettings = require("@pulumi/pulumi/runtime/settings") as {
    getMonitor(): {
        registerResource(req: RegisterRequest, cb: (err: unknown, res: RegisterResponse | undefined) => void): Promise<void>;
        readResource(req: ReadRequest, cb: (err: unknown, res: RegisterResponse | undefined) => void): Promise<void>;
    };
    waitForRPCs(): Promise<void>;
};

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getProtect(): boolean;
    getRetainondelete(): boolean;
    getIgnorechangesList(): string[];
    getDependenciesList(): string[];
    getDeletebeforereplace(): boolean;
    getReplaceonchangesList(): string[];
    getAliasesList(): unknown[];
    getAliasspecs(): boolean;
}
interface ReadRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getId(): string;
}
interface RegisterResponse {
    getUrn(): string;
}

/** The options the engine would apply to a resource. */
export interface CapturedOptions {
    protect: boolean;
    retainOnDelete: boolean;
    ignoreChanges: string[];
    /** URNs this resource depends on (explicit `dependsOn` and implied by inputs). */
    dependsOn: string[];
    deleteBeforeReplace: boolean;
    replaceOnChanges: string[];
}

/** One resource of a planned stack. */
export interface PlannedResource {
    urn: string;
    type: string;
    name: string;
    /** The parent's URN (the stack itself for top-level resources). */
    parent?: string;
    /** False for component resources. */
    custom: boolean;
    /** True for resources the program reads rather than manages (StackReferences). */
    read?: boolean;
    /** Inputs as the provider would receive them (secret values unwrapped: see `secretInputs`). */
    inputs: Record<string, unknown>;
    /** Paths of inputs that were Pulumi secrets (`a.b[0]`): whoever prints inputs redacts these. */
    secretInputs?: string[];
    /** Inputs plus the mocked values AWS computes (ids, ARNs, endpoints). */
    outputs: Record<string, unknown>;
    id?: string;
    options: CapturedOptions;
}

export interface StackPlan {
    stack: string;
    settings: StageSettings;
    resources: PlannedResource[];
    /** The stack's exported outputs, resolved. */
    outputs: Record<string, unknown>;
}

export interface PlanOptions {
    /** Outputs of stacks read by StackReference, keyed by fully qualified stack name. */
    stackOutputs?: Record<string, Record<string, unknown>>;
    /** Run as a preview whose computed values are unknown (as before first creation). @default false */
    unknownOutputs?: boolean;
    /** Image repositories hold no image yet (a new stage's first `pulumi up`). @default false */
    emptyRepositories?: boolean;
    /** The program to run. @default stageline */
    program?: (s: StageSettings) => StageOutputs;
}

/** Pulumi's wire marker of a secret value: `{ [SECRET_SIG]: SECRET_VALUE, value }`. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/** Replaces secret wrappers by their values and records where they were (`a.b[0].c`). */
export function unwrapSecrets(value: unknown, at = "", found: string[] = []): unknown {
    if (Array.isArray(value)) return value.map((v, i) => unwrapSecrets(v, `${at}[${i}]`, found));
    if (value !== null && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (o[SECRET_SIG] === SECRET_VALUE) {
            found.push(at);
            return unwrapSecrets(o.value, at, []);
        }
        return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, unwrapSecrets(v, at ? `${at}.${k}` : k, found)]));
    }
    return value;
}

/** Runs one stage under mocks and returns every resource it registered. */
export async function planStack(settings: StageSettings, opts: PlanOptions = {}): Promise<StackPlan> {
    // The runtime records a stack trace for every promise it makes; that was half the CPU time of
    // a plan. Nothing a plan reports needs them.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
        return await planStackTraced(settings, opts);
    } finally {
        Error.stackTraceLimit = stackTraceLimit;
    }
}

async function planStackTraced(settings: StageSettings, opts: PlanOptions): Promise<StackPlan> {
    const ctx: MockContext = { region: settings.region, stackOutputs: opts.stackOutputs, unknownOutputs: opts.unknownOutputs, emptyRepositories: opts.emptyRepositories };
    const byKey = new Map<string, { inputs: Record<string, unknown>; outputs: Record<string, unknown>; id?: string }>();
    const mocks = createMocks(ctx, (args, result) => {
        byKey.set(`${args.type}::${args.name}`, { inputs: args.inputs, outputs: result.state, id: result.id });
    });
    await pulumi.runtime.setMocks(mocks, settings.project, settings.stack, opts.unknownOutputs ?? false);

    const registered: Omit<PlannedResource, "inputs" | "outputs" | "id">[] = [];
    const monitor = runtimeSettings.getMonitor();
    /** Records what the engine answered a request with, then hands the answer on. */
    const recording =
        (describe: (urn: string) => Omit<PlannedResource, "inputs" | "outputs" | "id">) =>
        (cb: (err: unknown, res: RegisterResponse | undefined) => void) =>
        (err: unknown, res: RegisterResponse | undefined) => {
            if (!err && res) registered.push(describe(res.getUrn()));
            cb(err, res);
        };
    /** What a registration and a read both say of a resource: its URN, type, name and parent. */
    const identity = (urn: string, req: { getType(): string; getName(): string; getParent(): string }) => ({
        urn,
        type: req.getType(),
        name: req.getName(),
        parent: req.getParent() || undefined,
    });
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) =>
        register(
            req,
            recording((urn) => ({
                ...identity(urn, req),
                custom: req.getCustom(),
                options: {
                    protect: req.getProtect() === true,
                    retainOnDelete: req.getRetainondelete() === true,
                    ignoreChanges: req.getIgnorechangesList(),
                    dependsOn: req.getDependenciesList(),
                    deleteBeforeReplace: req.getDeletebeforereplace(),
                    replaceOnChanges: req.getReplaceonchangesList(),
                },
            }))(cb),
        );
    // Reads (a StackReference is one) are part of the plan too: they show what a stack depends on.
    const read = monitor.readResource.bind(monitor);
    monitor.readResource = (req, cb) =>
        read(
            req,
            recording((urn) => ({
                ...identity(urn, req),
                custom: true,
                read: true,
                options: { protect: false, retainOnDelete: false, ignoreChanges: [], dependsOn: [], deleteBeforeReplace: false, replaceOnChanges: [] },
            }))(cb),
        );

    // An error thrown inside an `apply` surfaces as an unhandled rejection; the CLI fails the run
    // on it, so the plan fails too instead of hanging.
    let onRejection: ((reason: unknown) => void) | undefined;
    const failed = new Promise<never>((_, reject) => {
        onRejection = (reason) => reject(reason instanceof Error ? reason : new Error(String(reason)));
        process.on("unhandledRejection", onRejection);
    });
    const program = opts.program ?? stageline;
    let exported: Record<string, unknown> | undefined;
    try {
        exported = (await Promise.race([
            (async () => {
                const out = await pulumi.runtime.runInPulumiStack(async () => program(settings));
                await runtimeSettings.waitForRPCs();
                return out;
            })(),
            failed,
        ])) as Record<string, unknown> | undefined;
    } finally {
        if (onRejection) process.off("unhandledRejection", onRejection);
        failed.catch(() => undefined);
    }

    const resources: PlannedResource[] = registered
        .filter((r) => r.type !== "pulumi:pulumi:Stack")
        .map((r) => {
            const data = byKey.get(`${r.type}::${r.name}`);
            const secretInputs: string[] = [];
            const inputs = unwrapSecrets(data?.inputs ?? {}, "", secretInputs) as Record<string, unknown>;
            const outputs = unwrapSecrets(data?.outputs ?? {}) as Record<string, unknown>;
            return { ...r, inputs, outputs, id: data?.id, secretInputs };
        });
    return { stack: settings.stack, settings, resources, outputs: (exported ?? {}) as Record<string, unknown> };
}

/** The repository root (where the `Pulumi.<stack>.yaml` files live). */
export const ROOT = path.resolve(__dirname, "..");

/** Reads and validates `Pulumi.<stack>.yaml` from the repository root. */
export function stackSettings(stack: string, opts: LoadOptions = {}): StageSettings {
    return loadStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`), stack, opts);
}

/**
 * Realistic outputs of the prod stack (a stand-in), for running a stack that reads prod without
 * planning prod first: the database contract, the release hand-off location and the GitHub
 * organisation objects (infra/stacks.ts). The contract test proves prod's real exports have these
 * keys and types; `npm run plan` and the deploy-order test feed the real planned outputs instead.
 */
export function prodFixtureOutputs(region = "eu-west-1"): Record<string, unknown> {
    return {
        vpcId: "vpc-0a1b2c3d4e5f60718",
        vpcCidr: "10.40.0.0/16",
        databaseRouteTableIds: ["rtb-0aa1aa1aa1aa1aa1a", "rtb-0bb2bb2bb2bb2bb2b", "rtb-0cc3cc3cc3cc3cc3c"],
        privateRouteTableIds: ["rtb-0dd4dd4dd4dd4dd4d", "rtb-0ee5ee5ee5ee5ee5e", "rtb-0ff6ff6ff6ff6ff6f"],
        dbAddress: `prod-db.c9akciq32.${region}.rds.amazonaws.com`,
        dbPort: 5432,
        dbName: "app",
        dbSecretArn: `arn:aws:secretsmanager:${region}:123456789012:secret:rds!db-4f6c1e2a-7b3d-4c1a-9f0e-2d5b8a6c4e11-AbCdEf`,
        dbSecretKmsKeyArn: `arn:aws:kms:${region}:123456789012:key/7d2e4f61-3b8a-4c9e-a1f0-5e6d7c8b9a01`,
        dbSecurityGroupId: "sg-0123456789abcdef0",
        dbInstanceId: "prod-db",
        dbInstanceArn: `arn:aws:rds:${region}:123456789012:db:prod-db`,
        region,
        [RELEASE_HANDOFF_OUTPUT]: {
            bucket: "prod-release-handoff-bucket-3f9a2c1",
            bucketArn: "arn:aws:s3:::prod-release-handoff-bucket-3f9a2c1",
            objectKey: RELEASE_OBJECT_KEY,
            kmsKeyArn: `arn:aws:kms:${region}:123456789012:key/2b7c9e40-1d5f-4a8b-9c3e-6f0a1b2c3d4e`,
            publisherStage: "staging",
        },
        [GITHUB_ORG_OUTPUT]: {
            oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
            infraRepository: "infrastructure",
        },
    };
}

/** Stand-in outputs for every stack `settings` reads (prod's fixture), keyed by the stack's full name. */
export function fixtureReferences(settings: StageSettings): Record<string, Record<string, unknown>> {
    return Object.fromEntries(stackReads(settings).map((r) => [r.stack, prodFixtureOutputs(settings.region)]));
}

const planCache = new Map<string, StackPlan>();

/**
 * Runs a stack from its YAML with prod's fixture outputs (stand-ins) available to its
 * StackReferences, unless `opts.stackOutputs` gives that stack's outputs.
 * Without options the plan is computed once per process and each caller gets its own copy, so
 * many test files can read the same four stacks without paying for them again.
 */
export async function planStackFile(stack: string, opts: PlanOptions = {}): Promise<StackPlan> {
    if (Object.keys(opts).length === 0) {
        let cached = planCache.get(stack);
        if (!cached) {
            cached = await planStackFileUncached(stack, {});
            planCache.set(stack, cached);
        }
        return structuredClone(cached);
    }
    return planStackFileUncached(stack, opts);
}

async function planStackFileUncached(stack: string, opts: PlanOptions): Promise<StackPlan> {
    const settings = stackSettings(stack);
    const refs: Record<string, Record<string, unknown>> = { ...(opts.stackOutputs ?? {}) };
    for (const [stack, outputs] of Object.entries(fixtureReferences(settings))) refs[stack] ??= outputs;
    return planStack(settings, { ...opts, stackOutputs: refs });
}

// ---------------------------------------------------------------------------------------------
// Reading a plan
// ---------------------------------------------------------------------------------------------

/** All resources of a type (`aws:rds/instance:Instance`). */
export function ofType(plan: StackPlan, type: string): PlannedResource[] {
    return plan.resources.filter((r) => r.type === type);
}

/** The one resource with this type and name; fails if absent. */
export function findResource(plan: StackPlan, type: string, name: string): PlannedResource {
    const r = plan.resources.find((x) => x.type === type && x.name === name);
    if (!r) {
        const names = ofType(plan, type).map((x) => x.name);
        throw new Error(`stack ${plan.stack} has no ${type} named "${name}" (has: ${names.join(", ") || "none"})`);
    }
    return r;
}

/** Children (direct) of a resource. */
export function childrenOf(plan: StackPlan, parent: PlannedResource): PlannedResource[] {
    return plan.resources.filter((r) => r.parent === parent.urn);
}

/** Resolves an Output and fails if its value is unknown (undefined) under the mocks. */
export async function known<T>(value: pulumi.Input<T> | undefined, label: string): Promise<T> {
    if (value === undefined) throw new Error(`${label} is unknown (undefined)`);
    // Output's isKnown/promise are internal but stable; apply() would never call back on an unknown.
    const o = pulumi.output(value) as unknown as { isKnown: Promise<boolean>; promise(): Promise<T | undefined> };
    if (!(await o.isKnown)) throw new Error(`${label} is unknown (not computed) under the mocks`);
    const resolved = await o.promise();
    if (resolved === undefined) throw new Error(`${label} is unknown (undefined) under the mocks`);
    return resolved;
}
