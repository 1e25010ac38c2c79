/**
 * Release notes from git history: the commits since the previous release tag, grouped by the
 * work-item keys (`KW-123`) their subjects mention. buildspecs/release-notes.yml runs the same
 * logic in shell inside CodeBuild (the application repository does not carry this script);
 * tests/releaseNotes.test.ts checks both against one fixture history.
 *
 *   npx ts-node scripts/release-notes.ts [--repo DIR] [--tag-pattern 'release-*'] [--stage staging]
 *                                        [--backup 'Database: snapshot x'] [--out NOTES.md]
 */
import { execFileSync } from "child_process";
import * as fs from "fs";

/** One commit: abbreviated SHA and subject line. */
export interface Commit {
    readonly sha: string;
    readonly subject: string;
}

export interface ReleaseNotes {
    /** The release tag on the head commit, if any. */
    readonly tag?: string;
    /** The release tag the notes start after (undefined: from the first commit). */
    readonly previousTag?: string;
    readonly commits: readonly Commit[];
    /** Work-item key → the commits mentioning it, keys in project then numeric order. */
    readonly items: ReadonlyMap<string, readonly Commit[]>;
    /** Commits that mention no work item. */
    readonly other: readonly Commit[];
    readonly markdown: string;
}

export interface ReleaseNotesOptions {
    /** The git working tree. @default process.cwd() */
    readonly cwd?: string;
    /** Glob of release tags. @default "release-*" */
    readonly tagPattern?: string;
    /** The revision being released. @default "HEAD" */
    readonly head?: string;
    /** Stage named in the title. @default "staging" */
    readonly stage?: string;
    /** Backups taken before deploy, one line each. @default [] */
    readonly backups?: readonly string[];
}

/** A work-item key: upper-case project, dash, number (`KW-123`, `OPS2-7`). */
export const WORK_ITEM_RE = /\b[A-Z][A-Z0-9]+-[0-9]+\b/g;

/** Distinct work-item keys in a text, in order of appearance. */
export function workItemKeys(text: string): string[] {
    return [...new Set(text.match(WORK_ITEM_RE) ?? [])];
}

/** Orders `KW-9` before `KW-10`, and projects alphabetically. */
export function compareKeys(a: string, b: string): number {
    const [pa, na] = splitKey(a);
    const [pb, nb] = splitKey(b);
    return pa === pb ? na - nb : pa < pb ? -1 : 1;
}

function splitKey(key: string): [string, number] {
    const i = key.lastIndexOf("-");
    return [key.slice(0, i), Number(key.slice(i + 1))];
}

/** Groups commits by the keys they mention; a commit naming two keys is listed under both. */
export function groupByWorkItem(commits: readonly Commit[]): { items: Map<string, Commit[]>; other: Commit[] } {
    const byKey = new Map<string, Commit[]>();
    const other: Commit[] = [];
    for (const c of commits) {
        const keys = workItemKeys(c.subject);
        if (keys.length === 0) other.push(c);
        for (const k of keys) byKey.set(k, [...(byKey.get(k) ?? []), c]);
    }
    const items = new Map([...byKey.entries()].sort(([a], [b]) => compareKeys(a, b)));
    return { items, other };
}

/** The notes as Markdown (same sections as the buildspec's). */
export function renderMarkdown(n: Omit<ReleaseNotes, "markdown">, stage: string, backups: readonly string[]): string {
    const line = (c: Commit) => `- ${c.subject} (${c.sha})`;
    const out = [`# Release ${n.tag ?? "unreleased"} (${stage})`, "", `Commits since ${n.previousTag ?? "the first commit"}: ${n.commits.length}`, "", "## Work items"];
    if (n.items.size === 0) out.push("", "_none_");
    for (const [key, commits] of n.items) out.push("", `### ${key}`, ...commits.map(line));
    out.push("", "## Other changes", "");
    out.push(...(n.other.length === 0 ? ["_none_"] : n.other.map(line)));
    out.push("", "## Backups taken before deploy", "");
    out.push(...backups.map((b) => `- ${b}`));
    return out.join("\n") + "\n";
}

function git(cwd: string, args: string[]): string {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

function gitOrUndefined(cwd: string, args: string[]): string | undefined {
    try {
        const out = git(cwd, args);
        return out === "" ? undefined : out;
    } catch {
        return undefined;
    }
}

/** The newest release tag on `head` itself. */
export function currentReleaseTag(cwd: string, tagPattern: string, head = "HEAD"): string | undefined {
    const tags = gitOrUndefined(cwd, ["tag", "--points-at", head, "--list", tagPattern]);
    return tags?.split("\n").sort().pop();
}

/** The nearest release tag strictly before `head` (the last release). */
export function previousReleaseTag(cwd: string, tagPattern: string, head = "HEAD"): string | undefined {
    return gitOrUndefined(cwd, ["describe", "--tags", "--abbrev=0", "--match", tagPattern, `${head}^`]);
}

/** Non-merge commits in `(from, head]`, newest first. */
export function commitsSince(cwd: string, from: string | undefined, head = "HEAD"): Commit[] {
    const range = from === undefined ? head : `${from}..${head}`;
    const log = git(cwd, ["log", "--no-merges", "--format=%h%x09%s", range]);
    return log === ""
        ? []
        : log.split("\n").map((l) => {
              const tab = l.indexOf("\t");
              return { sha: l.slice(0, tab), subject: l.slice(tab + 1) };
          });
}

/** Release notes of `head` since the previous release tag. */
export function releaseNotes(opts: ReleaseNotesOptions = {}): ReleaseNotes {
    const cwd = opts.cwd ?? process.cwd();
    const pattern = opts.tagPattern ?? "release-*";
    const head = opts.head ?? "HEAD";
    const tag = currentReleaseTag(cwd, pattern, head);
    const previousTag = previousReleaseTag(cwd, pattern, head);
    const commits = commitsSince(cwd, previousTag, head);
    const { items, other } = groupByWorkItem(commits);
    const partial = { tag, previousTag, commits, items, other };
    return { ...partial, markdown: renderMarkdown(partial, opts.stage ?? "staging", opts.backups ?? []) };
}

/** Parses `--flag value` arguments (`--backup` may repeat). */
export function parseArgs(argv: readonly string[]): ReleaseNotesOptions & { out?: string } {
    const o: { cwd?: string; tagPattern?: string; stage?: string; out?: string; backups: string[] } = { backups: [] };
    for (let i = 0; i < argv.length; i += 2) {
        const [flag, value] = [argv[i], argv[i + 1]];
        if (value === undefined) throw new Error(`${flag} needs a value`);
        if (flag === "--repo") o.cwd = value;
        else if (flag === "--tag-pattern") o.tagPattern = value;
        else if (flag === "--stage") o.stage = value;
        else if (flag === "--out") o.out = value;
        else if (flag === "--backup") o.backups.push(value);
        else throw new Error(`unknown option ${flag}`);
    }
    return o;
}

if (require.main === module) {
    const opts = parseArgs(process.argv.slice(2));
    const notes = releaseNotes(opts);
    if (opts.out !== undefined) fs.writeFileSync(opts.out, notes.markdown);
    else process.stdout.write(notes.markdown);
}
