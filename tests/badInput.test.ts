/**
 * Bad input tried as an attacker would (issue 24): for each CLASS, fast-check generates it in many
 * forms and every generated stack is refused with ONE message naming the stack and the key,
 * echoing nothing it should not. The many cases run in-process (loadSettings / the plan's loader);
 * a few representative ones go through `npm run plan`'s own entry (runPlan) with every output
 * channel (stdout, stderr, --json, --markdown, --mermaid, --compare) scanned for the planted value,
 * and two through the real command line.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { planNodeArgs } from "./fixtures/planCli";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { loadSettings, RawConfig, readStackFile } from "../infra/config";
import { ConfigError, MAX_LISTED_PROBLEMS } from "../infra/errors";
import { RESERVED_ENVIRONMENT_KEYS } from "../infra/limits";
import { redactSecretText } from "../infra/secrets";
import { RESERVED_ENVIRONMENT } from "../components/appService";
import { LOG_RETENTION_DAYS, STACK_FILE_MAX_BYTES } from "../lib/awsLimits";
import { ROOT } from "../tools/harness";
import { createMocks } from "../tools/mocks";
import { runPlan } from "../tools/plan";
import { loadSource } from "../tools/plan/stacks";
import { asStackRefusal } from "../tools/plan/refusal";

const STACKS = ["dev", "test", "staging", "prod"] as const;
type StackName = (typeof STACKS)[number];
const BASE: Record<string, RawConfig> = Object.fromEntries(STACKS.map((s) => [s, readStackFile(path.join(ROOT, `Pulumi.${s}.yaml`)).config]));

/** The refusal of a raw config: the ConfigError, or a failed assertion when it loads. */
function refusal(stack: string, raw: RawConfig, secretKeys: string[] = []): ConfigError {
    try {
        loadSettings(stack, raw, { secretKeys });
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
        assert.ok(e.message.startsWith(`Invalid configuration for stack "${stack}"`), e.message);
        assert.ok(!/\n\s+at /.test(e.message), "no stack trace");
        return e;
    }
    assert.fail(`${stack}: expected a refusal for ${JSON.stringify(raw).slice(0, 400)}`);
}

/** A section of a raw config as an object (or list), with one path set. */
function setPath(raw: RawConfig, full: string, pathInside: (string | number)[], value: unknown): RawConfig {
    if (pathInside.length === 0) return { ...raw, [full]: typeof value === "string" ? value : JSON.stringify(value) };
    const current: unknown = raw[full] !== undefined ? JSON.parse(raw[full]) : typeof pathInside[0] === "number" ? [] : {};
    const root = structuredClone(current) as Record<string | number, unknown>;
    let node = root;
    for (const [i, p] of pathInside.entries()) {
        if (i === pathInside.length - 1) node[p] = value;
        else {
            node[p] ??= typeof pathInside[i + 1] === "number" ? [] : {};
            node = node[p] as Record<string | number, unknown>;
        }
    }
    return { ...raw, [full]: JSON.stringify(root) };
}

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

const upperDigits = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
const alnum = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
const b64 = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+");
const str = (chars: fc.Arbitrary<string>, n: number, m = n) => fc.array(chars, { minLength: n, maxLength: m }).map((a) => a.join(""));

/** Credentials by their shape; `core` is the part that must never be printed. */
const secretValue: fc.Arbitrary<{ kind: string; value: string; core: string }> = fc.oneof(
    fc.tuple(fc.constantFrom("AKIA", "ASIA"), str(upperDigits, 16)).map(([p, b]) => ({ kind: "aws-key-id", value: p + b, core: p + b })),
    fc
        .tuple(str(fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ"), 1), str(fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz"), 1), str(fc.constantFrom(..."0123456789"), 1), str(b64, 37))
        .map(([u, l, d, rest]) => rest.slice(0, 12) + u + l + d + rest.slice(12))
        .map((v) => ({ kind: "aws-secret-key", value: v, core: v })),
    fc.tuple(fc.constantFrom("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), str(alnum, 36)).map(([p, b]) => ({ kind: "github-token", value: p + b, core: b })),
    fc.tuple(str(alnum, 22), str(alnum, 59)).map(([a, b]) => ({ kind: "github-pat", value: `github_pat_${a}_${b}`, core: `${a}_${b}` })),
    fc.tuple(fc.constantFrom("RSA ", "EC ", "OPENSSH ", ""), str(b64, 64, 120)).map(([t, body]) => ({ kind: "private-key", value: `-----BEGIN ${t}PRIVATE KEY-----\n${body}\n-----END ${t}PRIVATE KEY-----`, core: body })),
    fc
        .tuple(fc.constantFrom("https", "postgres", "redis", "ftp"), fc.stringMatching(/^[a-z][a-z0-9]{2,10}$/), str(alnum, 12, 24), fc.stringMatching(/^[a-z]{3,10}\.example\.com$/))
        .map(([scheme, user, password, host]) => ({ kind: "url-credentials", value: `${scheme}://${user}:${password}@${host}/db`, core: password })),
);

/** Where a credential is planted: any namespace, innocent names, inside longer text. */
interface Placement {
    stack: StackName;
    full: string;
    inside: (string | number)[];
    /** The key the refusal must name. */
    key: string;
    env: boolean;
}
const innocentEnv = fc.stringMatching(/^[A-Z][A-Z0-9_]{2,14}$/).filter((n) => !/(PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIAL|^DB_)/.test(n));
const innocentTag = fc.stringMatching(/^[a-z][a-z0-9-]{2,14}$/).filter((n) => !/(password|passwd|secret|token|key|credential)/i.test(n));
const placement: fc.Arbitrary<Placement> = fc.oneof(
    fc.tuple(fc.constantFrom(...STACKS), innocentEnv).map(([stack, name]) => ({ stack, full: "stageline:services", inside: [0, "environment", name], key: `stageline:services[web].environment.${name}`, env: true })),
    fc.tuple(fc.constantFrom(...STACKS), innocentTag).map(([stack, name]) => ({ stack, full: "stageline:tags", inside: [name], key: `stageline:tags.${name}`, env: false })),
    fc.constantFrom(...STACKS).map((stack) => ({ stack, full: "stageline:edge", inside: ["domain"], key: "stageline:edge.domain", env: false })),
    fc.constantFrom(...STACKS).map((stack) => ({ stack, full: "stageline:alerts", inside: ["email"], key: "stageline:alerts.email", env: false })),
    fc.constantFrom(...STACKS).map((stack) => ({ stack, full: "stageline:pipeline", inside: ["repository"], key: "stageline:pipeline.repository", env: false })),
    fc.tuple(fc.constantFrom(...STACKS), fc.constantFrom("aws:profile", "aws:defaultTags", "github:owner", "github:baseUrl", "pulumi:description")).map(([stack, full]) => ({ stack, full, inside: [], key: full, env: false })),
);
const wrap = fc.tuple(fc.constantFrom("", "x ", "value=", "prefix-"), fc.constantFrom("", " y", ";tail", "/suffix"));

// ---------------------------------------------------------------------------------------------

const counts = { generated: 0 };

describe("bad input as an attacker would try it: every class refused once, naming stack and key, echoing nothing", function () {
    this.timeout(90000);

    it("redaction recognises each shape and keeps ordinary config readable", () => {
        for (const s of ["arn:aws:codeconnections:eu-west-1:123456789012:connection/0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a", "Z0123456789ABCDEFGHIJ", "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", "https://www.example.com/health", "release-managers@example.com"]) {
            assert.equal(redactSecretText(s), s);
        }
        assert.equal(redactSecretText("postgres://app:hunter22@db.example.com/x"), "postgres://[secret]@db.example.com/x");
        assert.equal(redactSecretText("key AKIAIOSFODNN7EXAMPLE here"), "key [secret] here");
    });

    // Class 1 ----------------------------------------------------------------------------------
    it("class 1: a credential by its shape, anywhere (tags, innocent container variables, any namespace, inside text), is refused and never echoed", () => {
        fc.assert(
            fc.property(secretValue, placement, wrap, (secret, at, [pre, post]) => {
                counts.generated++;
                const value = pre + secret.value + post;
                const e = refusal(at.stack, setPath(BASE[at.stack], at.full, at.inside, value));
                const detail = `${at.key} ← ${secret.kind}\n${e.message}`;
                assert.deepEqual(e.problems.map((p) => p.key), [at.key], detail);
                assert.ok(!e.message.includes(secret.core), `echoed the credential: ${detail}`);
                assert.ok(!JSON.stringify(e.problems).includes(secret.core), `problems hold the credential: ${detail}`);
                if (at.env) assert.match(e.message, /AWS Secrets Manager/, detail);
                else assert.match(e.message, /pulumi config set (--path )?--secret /, detail);
            }),
            { numRuns: 400, seed: 2401 },
        );
    });

    it("class 1: a value refused for its shape is quoted redacted (a credential in a URL-like domain)", () => {
        const e = refusal("test", setPath(BASE.test, "stageline:edge", ["domain"], "https://admin:S3cretPassw0rd@example.com"));
        assert.ok(!e.message.includes("S3cretPassw0rd"), e.message);
        assert.equal(e.problems.length, 1);
    });

    it("class 5: the advice for a plain secret works — following it gives a config that loads", () => {
        fc.assert(
            fc.property(
                fc.constantFrom(...STACKS),
                fc.oneof(
                    fc.tuple(fc.stringMatching(/^[a-z][a-zA-Z]{2,8}$/), fc.constantFrom("Password", "Token", "ApiKey", "Secret")).map(([w, s]) => ({ full: `stageline:${w}${s}`, inside: [] as (string | number)[] })),
                    fc.constantFrom("DB_PASS_TOKEN", "API_SECRET", "STRIPE_API_KEY").map((n) => ({ full: "stageline:services", inside: [0, "environment", n] as (string | number)[] })),
                ),
                (stack, at) => {
                    counts.generated++;
                    const bad = setPath(BASE[stack], at.full, at.inside, "plain-value-1");
                    const e = refusal(stack, bad);
                    assert.equal(e.problems.length, 1, e.message);
                    // What the message tells the user to run, applied literally, plus removing the value.
                    const commands = [...e.message.matchAll(/pulumi config set (?:--path )?--secret (\S+) <value>/g)].map((m) => m[1]);
                    assert.ok(commands.length > 0 || /AWS Secrets Manager/.test(e.message), e.message);
                    assert.ok(!commands.some((c) => c.startsWith("stageline:")), `advises a stageline secret, which is refused again: ${e.message}`);
                    assert.match(e.message, /remove it and rotate it|store it in AWS Secrets Manager/);
                    const fixed: RawConfig = { ...BASE[stack], ...Object.fromEntries(commands.map((c) => [c, "[secret]"])) };
                    loadSettings(stack, fixed, { secretKeys: commands });
                },
            ),
            { numRuns: 40, seed: 2410 },
        );
        // The old advice (store it as a stageline secret) leads to a refused config.
        assert.throws(() => loadSettings("test", { ...BASE.test, "stageline:dbPassword": "[secret]" }, { secretKeys: ["stageline:dbPassword"] }), ConfigError);
    });

    // Class 2 ----------------------------------------------------------------------------------
    it("class 2: plain provider credentials (aws:accessKey, aws:secretKey, aws:token, github:token, github:appAuth.pemFile) must be secure", () => {
        const keys = fc.constantFrom(
            { full: "aws:accessKey", inside: [] as string[], key: "aws:accessKey" } as { full: string; inside: string[]; key: string },
            { full: "aws:secretKey", inside: [], key: "aws:secretKey" },
            { full: "aws:token", inside: [], key: "aws:token" },
            { full: "github:token", inside: [], key: "github:token" },
            { full: "github:appAuth", inside: ["pemFile"], key: "github:appAuth.pemFile" },
        );
        fc.assert(
            fc.property(fc.constantFrom(...STACKS), keys, fc.stringMatching(/^[A-Za-z0-9]{8,30}$/), (stack, k, value) => {
                counts.generated++;
                const e = refusal(stack, setPath(BASE[stack], k.full, k.inside, value));
                assert.deepEqual(e.problems.map((p) => p.key), [k.key], e.message);
                assert.ok(e.message.includes(`pulumi config set${k.inside.length ? " --path" : ""} --secret ${k.key} <value>`), e.message);
                assert.ok(!e.message.includes(value), e.message);
                // The advice works: the same key, secure, is accepted.
                if (k.inside.length === 0) loadSettings(stack, { ...BASE[stack], [k.full]: "[secret]" }, { secretKeys: [k.full] });
                else loadSettings(stack, setPath(BASE[stack], k.full, k.inside, { secure: "v1:abc" }));
            }),
            { numRuns: 60, seed: 2402 },
        );
    });

    // Class 3 ----------------------------------------------------------------------------------
    it("class 3: a stack named like a stage that declares another stage is refused (the pack would judge it by its name)", () => {
        fc.assert(
            fc.property(fc.constantFrom(...STACKS), fc.constantFrom(...STACKS), fc.constantFrom("", "-eu", "_2", "-blue"), (named, declared, suffix) => {
                fc.pre(named !== declared);
                counts.generated++;
                const stack = named + suffix;
                const e = refusal(stack, { ...BASE[declared], "stageline:stage": declared });
                assert.ok(e.problems.some((p) => p.key === "stageline:stage"), e.message);
                assert.ok(e.message.includes(`stageline:stage is "${declared}"; allowed: "${named}" for the stack "${stack}"`), e.message);
            }),
            { numRuns: 60, seed: 2403 },
        );
        // The same declaration under a neutral name is fine.
        loadSettings("eu-blue", { ...BASE.test, "stageline:stage": "test" });
    });

    it("class 3: a namespace that is neither the project's nor a provider's (a typo such as stagline:) is refused, not silently dropped", () => {
        fc.assert(
            fc.property(fc.constantFrom(...STACKS), fc.stringMatching(/^[a-z][a-z0-9]{1,12}$/), fc.constantFrom("network", "edge", "anything"), (stack, ns, key) => {
                fc.pre(!["stageline", "aws", "github", "pulumi"].includes(ns));
                counts.generated++;
                const full = `${ns}:${key}`;
                const e = refusal(stack, { ...BASE[stack], [full]: JSON.stringify({ cidr: "10.99.0.0/16" }) });
                assert.deepEqual(e.problems.map((p) => p.key), [full], e.message);
                assert.match(e.message, /a key in one of the namespaces "stageline:", "aws:", "github:", "pulumi:"/);
            }),
            { numRuns: 60, seed: 2404 },
        );
        assert.match(refusal("test", { ...BASE.test, "stagline:network": "{}" }).message, /did you mean "stageline:network"\?/);
    });

    it("class 3: prod's VPC overlapping staging's is refused when prod is planned alone (read from the stack files), and the reverse", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stageline-peer-"));
        const yaml = (stack: StackName) => YAML.parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, Record<string, unknown>> };
        fc.assert(
            fc.property(fc.constantFrom<StackName>("prod", "staging"), fc.integer({ min: 16, max: 20 }), fc.integer({ min: 0, max: 15 }), (stack, prefix, sub) => {
                counts.generated++;
                // A block inside (or containing) the other stage's 10.30/10.40.0.0/16.
                const other = stack === "prod" ? 30 : 40;
                const cidr = `10.${other}.${prefix === 16 ? 0 : (sub << (24 - prefix)) & 255}.0/${prefix}`;
                const doc = yaml(stack);
                doc.config["stageline:network"] = { ...doc.config["stageline:network"], cidr };
                const file = path.join(dir, `Pulumi.${stack}.yaml`);
                fs.writeFileSync(file, YAML.stringify(doc));
                assert.throws(
                    () => loadSource(undefined, file),
                    (e: unknown) =>
                        e instanceof ConfigError &&
                        e.message.startsWith(`Invalid configuration for stack "${stack}" (1 problem)`) &&
                        e.message.includes(`stageline:network.cidr is "${cidr}"; allowed: a block that does not overlap ${stack === "prod" ? "staging" : "prod"} stack`),
                );
            }),
            { numRuns: 30, seed: 2405 },
        );
        // The four stack files as they are plan clean.
        for (const s of STACKS) loadSource(s);
    });

    it("class 3: what staging's file says about prod (engine, subnet AZs) must match prod's file, from either side", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stageline-contract-"));
        const yaml = (stack: StackName) => YAML.parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, Record<string, unknown>> };
        const cases = fc.oneof(
            fc.constant({ stack: "prod" as StackName, section: "stageline:database", patch: { engine: "mysql", engineVersion: "8.0" }, key: "stageline:database.engine" }),
            fc.constant({ stack: "staging" as StackName, section: "stageline:database", patch: { prodEngine: "mysql" }, key: "stageline:database.prodEngine" }),
            fc.constantFrom(["eu-west-1b", "eu-west-1a", "eu-west-1c"], ["eu-west-1a", "eu-west-1b"]).map((azs) => ({ stack: "prod" as StackName, section: "stageline:network", patch: { availabilityZones: azs, azCount: azs.length }, key: "stageline:network.availabilityZones" })),
            fc.constantFrom(["eu-west-1a", "eu-west-1b"], ["eu-west-1c", "eu-west-1b", "eu-west-1a"]).map((azs) => ({ stack: "staging" as StackName, section: "stageline:database", patch: { prodAvailabilityZones: azs }, key: "stageline:database.prodAvailabilityZones" })),
        );
        fc.assert(
            fc.property(cases, (c) => {
                counts.generated++;
                const doc = yaml(c.stack);
                doc.config[c.section] = { ...doc.config[c.section], ...c.patch };
                const file = path.join(dir, `Pulumi.${c.stack}.yaml`);
                fs.writeFileSync(file, YAML.stringify(doc));
                assert.throws(
                    () => loadSource(undefined, file),
                    (e: unknown) => e instanceof ConfigError && e.problems.length === 1 && e.problems[0].key === c.key && e.message.startsWith(`Invalid configuration for stack "${c.stack}"`),
                );
            }),
            { numRuns: 12, seed: 2411 },
        );
    });

    // Class 4 ----------------------------------------------------------------------------------
    it("class 4: values past an AWS limit are refused at config with the limit and its AWS page named", () => {
        const svc = (stack: StackName) => (JSON.parse(BASE[stack]["stageline:services"]) as Record<string, unknown>[])[0];
        const cases = fc.oneof(
            fc.integer({ min: 1024, max: 3000 }).map((n) => ({ field: ["healthCheckPath"], value: "/" + "h".repeat(n), key: "healthCheckPath", limit: "1024 characters in a health check path" })),
            fc.integer({ min: 128, max: 400 }).map((n) => ({ field: ["pathPatterns"], value: ["/" + "p".repeat(n)], key: "pathPatterns[0]", limit: "128 characters in a path pattern" })),
            fc.integer({ min: 129, max: 250 }).map((n) => ({ field: ["hostHeaders"], value: ["a".repeat(n - 12) + ".example.com"], key: "hostHeaders[0]", limit: "128 characters in a host header" })),
            fc.integer({ min: 6, max: 12 }).map((n) => ({ field: ["pathPatterns"], value: Array.from({ length: n }, (_, i) => `/p${i}/*`), key: "pathPatterns", limit: "5 condition values per listener rule" })),
            fc.integer({ min: 1, max: 3653 }).filter((d) => !LOG_RETENTION_DAYS.values.includes(d)).map((d) => ({ field: ["logRetentionDays"], value: d, key: "logRetentionDays", limit: "CloudWatch Logs retention periods" })),
            fc.constantFrom(...RESERVED_ENVIRONMENT_KEYS.filter((k) => k !== "DB_PASSWORD")).map((k) => ({ field: ["environment"], value: { [k]: "x" }, key: `environment.${k}`, limit: "reserved" })),
        );
        fc.assert(
            fc.property(fc.constantFrom(...STACKS), cases, (stack, c) => {
                counts.generated++;
                const services = [{ ...svc(stack), [c.field[0]]: c.value }];
                const e = refusal(stack, { ...BASE[stack], "stageline:services": JSON.stringify(services) });
                assert.deepEqual(e.problems.map((p) => p.key), [`stageline:services[web].${c.key}`], e.message);
                assert.ok(e.message.includes(c.limit), e.message);
                if (c.limit.includes("characters") || c.limit.includes("per listener")) assert.match(e.message, /AWS limit: https:\/\/docs\.aws\.amazon\.com\//);
            }),
            { numRuns: 150, seed: 2406 },
        );
    });

    it("class 4: tags (aws: prefix in any case, more than 50 with the program's own), CIDRs with leading zeros, AZ letters past h", () => {
        fc.assert(
            fc.property(
                fc.constantFrom(...STACKS),
                fc.oneof(
                    fc.tuple(fc.constantFrom("aws:", "AWS:", "Aws:", "aWs:"), fc.stringMatching(/^[a-z]{1,10}$/)).map(([p, n]) => ({ full: "stageline:tags", value: { [p + n]: "v" }, key: `stageline:tags.${p + n}`, text: "AWS reserves it" })),
                    fc.integer({ min: 45, max: 80 }).map((n) => ({ full: "stageline:tags", value: Object.fromEntries(Array.from({ length: n }, (_, i) => [`team-tag-${i}`, "x"])), key: "stageline:tags", text: "50 tags per resource" })),
                    fc.tuple(fc.integer({ min: 0, max: 4 }), fc.constantFrom("10", "50", "0")).map(([i, second]) => {
                        const parts = ["10", second, "0", "0", "16"];
                        parts[i] = "0" + parts[i];
                        return { full: "stageline:network", value: { cidr: `${parts.slice(0, 4).join(".")}/${parts[4]}` }, key: "stageline:network.cidr", text: "without leading zeros" };
                    }),
                ),
                (stack, c) => {
                    counts.generated++;
                    const current = BASE[stack][c.full] ? JSON.parse(BASE[stack][c.full]) : {};
                    const e = refusal(stack, { ...BASE[stack], [c.full]: JSON.stringify({ ...current, ...c.value }) });
                    assert.deepEqual(e.problems.map((p) => p.key), [c.key], e.message);
                    assert.ok(e.message.includes(c.text), e.message);
                },
            ),
            { numRuns: 80, seed: 2407 },
        );
        const azs = refusal("test", setPath(BASE.test, "stageline:network", ["availabilityZones"], ["eu-west-1a", "eu-west-1k"]));
        assert.deepEqual(azs.problems.map((p) => p.key), ["stageline:network.availabilityZones"]);
        assert.match(azs.message, /ending in a letter from a to h/);
    });

    it("class 4: more services than a load balancer has rules", () => {
        const services = Array.from({ length: 101 }, (_, i) => ({ name: `svc${i}`, pathPatterns: [`/s${i}/*`], priority: 10 + i }));
        const e = refusal("test", { ...BASE.test, "stageline:services": JSON.stringify(services) });
        assert.deepEqual(e.problems.map((p) => p.key), ["stageline:services"], e.message);
        assert.match(e.message, /at most 100 rules per Application Load Balancer/);
    });

    it("the component's list of reserved variables and config's are the same (retention periods: one list, lib/awsLimits.ts)", () => {
        assert.deepEqual([...RESERVED_ENVIRONMENT_KEYS], [...RESERVED_ENVIRONMENT]);
    });

    // Class 4/6: files --------------------------------------------------------------------------
    it("class 4/6: invalid UTF-8, a YAML list or scalar, and a file past the size bound each say so in one message", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stageline-files-"));
        const good = fs.readFileSync(path.join(ROOT, "Pulumi.test.yaml"));
        fc.assert(
            fc.property(fc.integer({ min: 0, max: good.length }), fc.constantFrom([0xff], [0xc3, 0x28], [0xe2, 0x82], [0x80], [0xf0, 0x28, 0x8c, 0x28]), (at, bad) => {
                counts.generated++;
                const file = path.join(dir, "Pulumi.test.yaml");
                fs.writeFileSync(file, Buffer.concat([good.subarray(0, at), Buffer.from(bad), good.subarray(at)]));
                assert.throws(() => readStackFile(file), (e: unknown) => e instanceof ConfigError && e.problems.length === 1 && /is not valid UTF-8 \(first bad byte on line \d+\)/.test(e.message));
            }),
            { numRuns: 40, seed: 2408 },
        );
        for (const [text, given] of [
            ["- a\n- b\n", "a YAML list of 2"],
            ["just a string\n", "a YAML string"],
            ["42\n", "a YAML number"],
        ]) {
            const file = path.join(dir, "Pulumi.test.yaml");
            fs.writeFileSync(file, text);
            assert.throws(() => readStackFile(file), (e: unknown) => e instanceof ConfigError && e.message.includes(given) && e.message.includes("a YAML map with a config: map of keys"));
        }
    });

    it("class 6: a multi-megabyte stack file ends in well under a second with its size named; many problems print the first 25 and a count", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stageline-size-"));
        const file = path.join(dir, "Pulumi.test.yaml");
        const big = fs.readFileSync(path.join(ROOT, "Pulumi.test.yaml"), "utf8") + "  stageline:tags:\n" + Array.from({ length: 120000 }, (_, i) => `    t${i}: "${"v".repeat(20)}"`).join("\n") + "\n";
        fs.writeFileSync(file, big);
        assert.ok(fs.statSync(file).size > 3_000_000);
        const started = Date.now();
        assert.throws(() => readStackFile(file), (e: unknown) => e instanceof ConfigError && e.message.includes(`bytes (`) && e.message.includes(`at most ${STACK_FILE_MAX_BYTES} bytes`) && e.message.length < 600);
        assert.ok(Date.now() - started < 1000, `${Date.now() - started} ms`);
        // Just under the bound, full of problems: a bounded message.
        const keys = Array.from({ length: 3000 }, (_, i) => `  stageline:unknownKey${i}: 1`).join("\n");
        fs.writeFileSync(file, fs.readFileSync(path.join(ROOT, "Pulumi.test.yaml"), "utf8") + keys + "\n");
        assert.ok(fs.statSync(file).size < STACK_FILE_MAX_BYTES);
        const t2 = Date.now();
        assert.throws(
            () => loadSource(undefined, file),
            (e: unknown) => e instanceof ConfigError && e.message.split("\n").length === MAX_LISTED_PROBLEMS + 2 && e.message.includes(`… and ${3000 - MAX_LISTED_PROBLEMS} more problems`),
        );
        assert.ok(Date.now() - t2 < 3000, `${Date.now() - t2} ms`);
        // A pasted document as one value is quoted cut short.
        const e = refusal("test", setPath(BASE.test, "stageline:edge", ["domain"], "x".repeat(200000)));
        assert.ok(e.message.length < 500, `${e.message.length} characters`);
    });

    // Class 5 ----------------------------------------------------------------------------------
    it("class 5: a component's refusal inside an apply prints once, unwrapped, naming the stack", () => {
        const wrapped = new pulumi.ResourceError(`error serializing property "routeTableId": error serializing property "peerVpcId": DatabaseTier "staging" cannot be built:\n  - staging's VPC overlaps prod's`, undefined);
        const e = asStackRefusal("staging", wrapped) as Error;
        assert.equal(e.message, `Invalid configuration for stack "staging" (refused while building it):\n  - DatabaseTier "staging" cannot be built:\n      - staging's VPC overlaps prod's`);
    });

    it("class 5: through npm run plan's entry — one message naming the stack, for a refusal raised inside an apply", async () => {
        const out: string[] = [];
        const program = () => {
            const v = pulumi.output("x").apply(() => {
                throw new pulumi.ResourceError(`AppService "test-web" cannot be built:\n  - AKIAIOSFODNN7EXAMPLE`, undefined);
            });
            return { v } as never;
        };
        const code = await runPlan({ argv: ["--stack", "test", "--quiet"], program, out: (l) => out.push(l), err: (l) => out.push(l) });
        const text = out.join("\n");
        assert.equal(code, 2, text);
        assert.equal(text.split(`Invalid configuration for stack "test"`).length - 1, 1, text);
        assert.ok(!text.includes("error serializing") && !text.includes("AKIAIOSFODNN7EXAMPLE"), text);
    });

    // Every channel ------------------------------------------------------------------------------
    it("every output channel (stdout, stderr, --json, --markdown, --mermaid, --compare) is free of the planted value", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stageline-channels-"));
        const samples = fc.sample(fc.tuple(secretValue, placement), { numRuns: 8, seed: 2409 });
        for (const [secret, at] of samples) {
            counts.generated++;
            const raw = setPath(BASE[at.stack], at.full, at.inside, secret.value);
            const config = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, /^[[{]/.test(v) ? JSON.parse(v) : v]));
            const file = path.join(dir, `Pulumi.${at.stack}.yaml`);
            fs.writeFileSync(file, YAML.stringify({ config }));
            const outs = { json: path.join(dir, "p.json"), md: path.join(dir, "p.md"), mmd: path.join(dir, "mmd") };
            for (const argv of [
                ["--config", file, "--quiet", "--json", outs.json, "--markdown", outs.md, "--mermaid", outs.mmd],
                ["--compare", file, at.stack === "prod" ? "staging" : "prod"],
            ]) {
                const lines: string[] = [];
                const code = await runPlan({ argv, out: (l) => lines.push(l), err: (l) => lines.push(l) });
                const written = [outs.json, outs.md].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f, "utf8"));
                const all = [...lines, ...written].join("\n");
                assert.equal(code, 2, all);
                assert.equal(all.split(`Invalid configuration for stack "${at.stack}"`).length - 1, 1, all);
                assert.ok(all.includes(at.key), `names ${at.key}:\n${all}`);
                assert.ok(!all.includes(secret.core), `echoed ${secret.kind}:\n${all}`);
                assert.ok(!fs.existsSync(outs.json) && !fs.existsSync(outs.md) && !fs.existsSync(outs.mmd), "nothing written");
            }
        }
    });

    it("the Pulumi entry (pulumi up's path) registers no resource before refusing a generated bad input of each class", async () => {
        const samples: [StackName, RawConfig, string][] = [
            ...fc.sample(fc.tuple(secretValue, placement), { numRuns: 6, seed: 2412 }).map(([v, at]) => [at.stack, setPath(BASE[at.stack], at.full, at.inside, v.value), at.key] as [StackName, RawConfig, string]),
            ["test", { ...BASE.test, "github:token": "plain-token-123" }, "github:token"],
            ["prod", { ...BASE.prod, "stageline:stage": "test" }, "stageline:stage"],
            ["test", { ...BASE.test, "stagline:network": "{}" }, "stagline:network"],
            ["test", setPath(BASE.test, "stageline:tags", ["aws:owner"], "x"), "stageline:tags.aws:owner"],
        ];
        for (const [stack, raw, key] of samples) {
            counts.generated++;
            let registered = 0;
            await pulumi.runtime.setMocks(createMocks({ region: "eu-west-1" }, () => registered++), "stageline", stack);
            pulumi.runtime.setAllConfig(raw);
            const entry = require.resolve("../infra/index");
            delete require.cache[entry];
            await assert.rejects(pulumi.runtime.runInPulumiStack(async () => require(entry)), (e: unknown) => e instanceof ConfigError && e.problems.some((p) => p.key === key));
            assert.equal(registered, 0, `${stack} ${key}: ${registered} resources registered`);
        }
    });

    it("usage errors and unexpected errors quote arguments redacted (a token pasted as a stack name)", async () => {
        const lines: string[] = [];
        const code = await runPlan({ argv: ["--stack", "ghp_Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2"], out: (l) => lines.push(l), err: (l) => lines.push(l) });
        assert.equal(code, 2);
        assert.ok(lines.join("\n").includes('no stack "[secret]"') && !lines.join("\n").includes("Z9y8X7w6"), lines.join("\n"));
    });

    it("the real command line: a planted token and six path patterns print one message, exit 2", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stageline-cli-"));
        const doc = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.test.yaml"), "utf8")) as { config: Record<string, unknown> };
        const token = "ghp_" + "Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2";
        const services = doc.config["stageline:services"] as Record<string, unknown>[];
        // One spawn (a command-line start costs seconds): a token in a tag AND six path patterns,
        // which a component used to refuse twice over, without the stack's name.
        const cases: [Record<string, unknown>, string, string][] = [
            [{ ...doc.config, "stageline:tags": { owner: token }, "stageline:services": [{ ...services[0], pathPatterns: ["/a", "/b", "/c", "/d", "/e", "/f"] }] }, "stageline:services[web].pathPatterns", token.slice(4)],
        ];
        for (const [config, key, absent] of cases) {
            const file = path.join(dir, "Pulumi.test.yaml");
            fs.writeFileSync(file, YAML.stringify({ config }));
            const r = spawnSync(process.execPath, [...planNodeArgs(), "--config", file, "--quiet"], { cwd: ROOT, encoding: "utf8", timeout: 60000 });
            const all = r.stdout + r.stderr;
            assert.equal(r.status, 2, all);
            assert.equal(all.split('Invalid configuration for stack "test" (2 problems)').length - 1, 1, all);
            assert.ok(all.includes(key) && all.includes("stageline:tags.owner"), all);
            assert.ok(!all.includes(absent), all);
        }
    });

    after(() => console.log(`      bad input: ${counts.generated} generated cases, each refused as expected`));
});
