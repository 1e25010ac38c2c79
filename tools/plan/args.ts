/**
 * Command-line arguments of `npm run plan`. Parsing is pure: it returns the options or throws a
 * `UsageError` (exit 2) with one line a person can act on.
 */

export const HELP = `Usage: npm run plan -- [options]

Plans the stageline stacks offline (Pulumi mocks, no credentials), judges them with the policy
pack, and prints a resource tree, counts and the policy verdicts.

Options:
  --stack <name>       plan this stack (repeatable); default: dev, test, prod, staging
  --config <path>      plan a stack file that is not a stack yet (name from the file, or --stack)
  --json <file>        write the machine-readable plan (secrets redacted)
  --markdown <file>    write a job-summary / PR-comment document (diagram + verdicts per stack)
  --mermaid <dir>      write <stack>.mmd, one Mermaid flowchart per stack
  --compare <a> <b>    show how two stacks (names or stack files) differ in shape and in cost
  --cost               print each stack's monthly estimate (eu-west-1 prices; docs/cost.md)
  --cost-assumptions <file>  JSON overriding the usage assumptions (GB, requests, build minutes)
  --validate           check each stack against AWS's own rules offline (@aws/cloudformation-validate);
                       errors fail the plan (exit 1), info findings are counted
  --validate-info      with --validate, list the info-level findings too
  --first-deploy       plan each stack as its first \`pulumi up\`: image repositories are empty, so
                       services wait at 0 tasks for the pipeline's first deploy (reported)
  --quiet              print only the verdicts and the final summary line
  --debug              print the stack trace of an unexpected error
  --help               show this help

Exit codes: 0 no mandatory violation (advisories allowed), 1 a mandatory policy violation,
2 bad configuration or bad usage, 3 unexpected error.`;

/** A mistake on the command line: exit 2 with this message. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

export interface PlanArgs {
    /** Stacks to plan, as given (empty: all four, or the `--config` file's stack). */
    readonly stacks: readonly string[];
    /** A stack file to plan instead of `Pulumi.<stack>.yaml`. */
    readonly config?: string;
    readonly json?: string;
    readonly markdown?: string;
    readonly mermaid?: string;
    /** Two stacks (names or paths to stack files) to compare. */
    readonly compare?: readonly [string, string];
    readonly quiet: boolean;
    /** Print the monthly cost estimate per stack. */
    readonly cost: boolean;
    /** A JSON file overriding the cost usage assumptions (implies `cost`). */
    readonly costAssumptions?: string;
    /** Validate each stack's CloudFormation translation with AWS's rules (errors exit 1). */
    readonly validate: boolean;
    /** List info-level validator findings (implies `validate`). */
    readonly validateInfo: boolean;
    /** Plan as a new stage's first `pulumi up` (empty image repositories). */
    readonly firstDeploy: boolean;
    readonly debug: boolean;
    readonly help: boolean;
}

const STACK_NAME_RE = /^[A-Za-z0-9_.-]+$/;

/** Parses `process.argv.slice(2)`. Accepts `--flag value` and `--flag=value`. */
export function parseArgs(argv: readonly string[]): PlanArgs {
    const stacks: string[] = [];
    let config: string | undefined;
    let json: string | undefined;
    let markdown: string | undefined;
    let mermaid: string | undefined;
    let compare: [string, string] | undefined;
    let quiet = false;
    let cost = false;
    let costAssumptions: string | undefined;
    let validate = false;
    let validateInfo = false;
    let firstDeploy = false;
    let debug = false;
    let help = false;

    const items = argv.flatMap((a) => (/^--[a-z-]+=/.test(a) ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a]));
    for (let i = 0; i < items.length; i++) {
        const flag = items[i];
        const value = (what: string): string => {
            const v = items[i + 1];
            if (v === undefined || (v.startsWith("--") && v.length > 2)) throw new UsageError(`${flag} needs ${what}`);
            i++;
            return v;
        };
        switch (flag) {
            case "--stack": {
                const s = value("a stack name");
                if (!STACK_NAME_RE.test(s)) throw new UsageError(`--stack "${s}" is not a stack name (letters, digits, ".", "_", "-")`);
                stacks.push(s);
                break;
            }
            case "--config":
                if (config !== undefined) throw new UsageError("--config can be given once");
                config = value("a path to a stack file");
                break;
            case "--json":
                json = value("a file path");
                break;
            case "--markdown":
                markdown = value("a file path");
                break;
            case "--mermaid":
                mermaid = value("a directory");
                break;
            case "--compare":
                compare = [value("two stacks"), value("two stacks")];
                break;
            case "--cost":
                cost = true;
                break;
            case "--cost-assumptions":
                costAssumptions = value("a JSON file");
                cost = true;
                break;
            case "--validate":
                validate = true;
                break;
            case "--validate-info":
                validate = true;
                validateInfo = true;
                break;
            case "--first-deploy":
                firstDeploy = true;
                break;
            case "--quiet":
            case "-q":
                quiet = true;
                break;
            case "--debug":
                debug = true;
                break;
            case "--help":
            case "-h":
                help = true;
                break;
            default:
                throw new UsageError(`unknown argument "${flag}" (see --help)`);
        }
    }
    if (config !== undefined && stacks.length > 1) throw new UsageError("--config plans one stack: give at most one --stack to name it");
    if (compare && (config !== undefined || stacks.length > 0)) throw new UsageError("--compare takes its two stacks itself; drop --stack/--config");
    return { stacks, config, json, markdown, mermaid, compare, quiet, cost, costAssumptions, validate, validateInfo, firstDeploy, debug, help };
}
