/**
 * The pack stands alone: `pulumi preview --policy-pack policy` runs `policy/index.ts` from the
 * policy/ folder with ts-node type-checking and its own compiler options (no tsconfig.json there:
 * target ES2020, module and resolution `nodenext`; @pulumi/pulumi cmd/run-policy-pack/run.js).
 * The pack may import only its own files, the repository's `lib/` and npm packages, so it needs
 * `lib/` next to it and nothing of the program (`infra/`, `components/`).
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import * as ts from "typescript";
import { ROOT } from "../../tools/harness";

describe("policy pack as the Pulumi CLI compiles it (from policy/, without the repository's tsconfig)", function () {
    this.timeout(60_000);
    const entry = path.join(ROOT, "policy", "index.ts");
    let program: ts.Program;
    before(() => {
        program = ts.createProgram([entry], { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, sourceMap: true });
    });

    it("type-checks with no error (in its own files: ts-node reports those, not the packages' declarations)", () => {
        const own = program.getSourceFiles().filter((f) => !f.fileName.includes(`${path.sep}node_modules${path.sep}`));
        const errors = own.flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)]).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n") + (d.file ? ` (${path.relative(ROOT, d.file.fileName)})` : ""));
        assert.deepEqual(errors, []);
    });

    it("loads only policy/, lib/ and npm packages", () => {
        const outside = program
            .getSourceFiles()
            .map((f) => path.relative(ROOT, f.fileName))
            .filter((f) => !f.startsWith(`node_modules${path.sep}`) && !f.startsWith(`policy${path.sep}`) && !f.startsWith(`lib${path.sep}`));
        assert.deepEqual(outside, []);
    });
});
