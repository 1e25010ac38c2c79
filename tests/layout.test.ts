/**
 * Issue 23: which folder may import which (README "Layout").
 *
 * - `lib/`: neutral helpers (stage names, CIDR arithmetic, AWS limits, name lengths); imports
 *   neither `infra/` nor `components/`.
 * - `components/`: the reusable building blocks; each declares its own arguments and may import
 *   `lib/` and other components, never `infra/` (the config, the stack files, the StackReferences).
 * - `infra/`: the program: reads and validates the stack's config, reads other stacks, and maps the
 *   settings onto the components' arguments. It may import everything above.
 * - `policy/`: the policy pack: its own files, `lib/` and npm packages only.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { ROOT, sourcesUnder } from "./fixtures/sources";



/** Every module a file imports (import … from, export … from, import(), require()), resolved to a repository path. */
export function importsOf(file: string, text = fs.readFileSync(path.join(ROOT, file), "utf8")): string[] {
    const specs = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm)].map((m) => m[1]);
    return specs.filter((s) => s.startsWith(".")).map((s) => path.relative(ROOT, path.resolve(ROOT, path.dirname(file), s)));
}

/** `file imports target` for each import of a file under `dir` that lands in one of `forbidden`. */
function crossings(dir: string, forbidden: string[]): string[] {
    return sourcesUnder(dir).flatMap((file) =>
        importsOf(file)
            .filter((target) => forbidden.some((f) => target === f || target.startsWith(`${f}${path.sep}`)))
            .map((target) => `${file} imports ${target}`),
    );
}

describe("Layout: which folder may import which (README \"Layout\")", () => {
    it("finds the imports it checks (import, export from, import type, require)", () => {
        const text = 'import * as a from "../infra/a";\nimport type { B } from "../infra/b";\nexport { C } from "./c";\nconst d = require("../infra/d");\nimport "../infra/e";\n';
        assert.deepEqual(importsOf("components/x.ts", text), ["infra/a", "infra/b", "components/c", "infra/d", "infra/e"]);
    });

    it("nothing under components/ imports from infra/ (components own their arguments)", () => {
        assert.deepEqual(crossings("components", ["infra"]), []);
    });

    it("nothing under lib/ imports from infra/ or components/ (lib/ is neutral)", () => {
        assert.deepEqual(crossings("lib", ["infra", "components"]), []);
    });

    it("policy/ imports only its own files, lib/ and npm packages (the pack judges any program and runs from policy/ with lib/ next to it)", () => {
        const within = (target: string, dirs: string[]) => dirs.some((d) => target.startsWith(`${d}${path.sep}`));
        const outside = sourcesUnder("policy").flatMap((file) =>
            importsOf(file)
                .filter((target) => !within(target, ["policy", "lib"]))
                .map((target) => `${file} imports ${target}`),
        );
        assert.deepEqual(outside, []);
    });

    it("no component decides by the stage's name: stage policy arrives as data (keepData, multiAz, ...)", () => {
        const tests = sourcesUnder("components").flatMap((file) =>
            fs
                .readFileSync(path.join(ROOT, file), "utf8")
                .split("\n")
                .map((line, i) => ({ line, at: `${file}:${i + 1}` }))
                .filter(({ line }) => !/^\s*(\/\/|\/?\*)/.test(line) && /\bstage\s*[!=]==\s*["']/.test(line))
                .map(({ at, line }) => `${at}: ${line.trim()}`),
        );
        assert.deepEqual(tests, []);
    });

    it("no component reads a name out of a URN (ImagePipeline exposes recipeName)", () => {
        const parses = sourcesUnder("components").filter((file) => /\.urn\.apply\(/.test(fs.readFileSync(path.join(ROOT, file), "utf8")));
        assert.deepEqual(parses, []);
    });

    it("no import cycle among components/ (a runtime never imports the service that composes it)", () => {
        const files = sourcesUnder("components");
        const graph = new Map(files.map((f) => [f.replace(/\.ts$/, ""), importsOf(f)]));
        const cycles: string[] = [];
        const visit = (node: string, trail: string[]): void => {
            const at = trail.indexOf(node);
            if (at >= 0) {
                cycles.push([...trail.slice(at), node].join(" -> "));
                return;
            }
            for (const next of graph.get(node) ?? []) if (graph.has(next)) visit(next, [...trail, node]);
        };
        for (const node of graph.keys()) visit(node, []);
        assert.deepEqual([...new Set(cycles)], []);
    });

    it("AppService and its runtimes narrow on runtime.kind: no type assertion, no non-null assertion", () => {
        const found: string[] = [];
        for (const file of ["components/service.ts", "components/appService.ts", "components/ec2Runtime.ts", "components/stageDashboard.ts"]) {
            const source = ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), "utf8"), ts.ScriptTarget.Latest, true);
            const walk = (node: ts.Node): void => {
                const asConst = ts.isAsExpression(node) && ts.isTypeReferenceNode(node.type) && node.type.getText(source) === "const";
                if ((ts.isAsExpression(node) && !asConst) || ts.isTypeAssertionExpression(node) || ts.isNonNullExpression(node)) {
                    found.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}: ${node.getText(source)}`);
                }
                ts.forEachChild(node, walk);
            };
            walk(source);
        }
        assert.deepEqual(found, []);
    });
});
