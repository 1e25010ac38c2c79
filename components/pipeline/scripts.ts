/**
 * Buildspec shell logic lives in `scripts/*.sh`, where a test can drive it against stand-in `aws`
 * and `docker` commands (tests/releaseScripts.test.ts). A buildspec names a script with one
 * command line `- stageline-script <file> [args]`; the project's inline buildspec carries the
 * script itself (written to /tmp by a quoted heredoc and run with bash), so the CodeBuild step
 * needs nothing from this repository at run time.
 */
import * as fs from "fs";
import * as path from "path";

/** Directory of the scripts the buildspecs run. */
export const SCRIPT_DIR = path.resolve(__dirname, "..", "..", "scripts");

/** Delimiter of the heredoc that carries a script; no script may contain it as a line. */
export const SCRIPT_DELIMITER = "STAGELINE_SCRIPT_END";

const MARKER = /^(\s*)- stageline-script ([A-Za-z0-9._-]+\.sh)(.*)$/;

/** The scripts a buildspec text runs, in order. */
export function scriptsOf(buildspecText: string): string[] {
    return buildspecText
        .split("\n")
        .map((l) => MARKER.exec(l)?.[2])
        .filter((f): f is string => f !== undefined);
}

/** A script sources a shared piece with exactly this line; inlining puts the piece in its place. */
const SOURCE = /^source "\$\(dirname "\$\{BASH_SOURCE\[0\]\}"\)\/([A-Za-z0-9._-]+\.sh)"$/;

/** The script's lines, with each `source "$(dirname "${BASH_SOURCE[0]}")/<piece>.sh"` replaced by the piece. */
function scriptLines(dir: string, file: string, seen: readonly string[] = []): string[] {
    if (seen.includes(file)) throw new Error(`scripts/${file} sources itself through ${seen.join(" → ")}`);
    return fs
        .readFileSync(path.join(dir, file), "utf8")
        .replace(/\n$/, "")
        .split("\n")
        .flatMap((l) => {
            const m = SOURCE.exec(l);
            return m ? scriptLines(dir, m[1], [...seen, file]) : [l];
        });
}

/** `buildspecText` with every `- stageline-script <file> [args]` command replaced by the script inlined. */
export function inlineScripts(buildspecText: string, dir: string = SCRIPT_DIR): string {
    return buildspecText
        .split("\n")
        .map((line) => {
            const m = MARKER.exec(line);
            if (!m) return line;
            const [, indent, file, rest] = m;
            const body = scriptLines(dir, file);
            if (body.includes(SCRIPT_DELIMITER)) throw new Error(`scripts/${file} contains the line ${SCRIPT_DELIMITER}`);
            const pad = `${indent}  `;
            // A YAML block scalar: its common indentation is stripped, so the heredoc is the script verbatim.
            return [
                `${indent}- |`,
                `${pad}cat > /tmp/${file} <<'${SCRIPT_DELIMITER}'`,
                ...body.map((l) => (l === "" ? "" : `${pad}${l}`)),
                `${pad}${SCRIPT_DELIMITER}`,
                `${pad}bash /tmp/${file}${rest}`,
            ].join("\n");
        })
        .join("\n");
}
