// Issue 23 step 5, "names that collide get distinct words" (README "Words"): a CodePipeline stage
// is a *pipeline stage* (a bare "stage" is dev/test/staging/prod), a GitHub Environment is a
// *deployment gate* ("environment" is the stage's Environment component), and a map of
// environment variables is never a field named `environment` of our own. Read from the syntax of
// the sources, so a new declaration that slips back into the old words fails here.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import * as deliveryPipeline from "../components/deliveryPipeline";
import { ROOT, sourcesUnder } from "./fixtures/sources";

const DIRS = ["components", "infra", "lib", "tools"];

/** Fields named `environment` that are a contract, not our choice of word (README "Words"). */
const ENVIRONMENT_FIELDS_KEPT: Record<string, string> = {
    "infra/settings.ts": "the config key stageline:services[].environment (users' stack files)",
    "components/service.ts": "ServiceArgs.environment: the config key's value, handed to ECS's own `environment`",
};


interface Named {
    readonly file: string;
    readonly name: string;
    /** What the declaration holds: its type annotation, or the class it constructs. */
    readonly holds: string;
    readonly kind: "value" | "type" | "field";
}

/** Every named declaration with what it holds, from the syntax alone. */
export function declarations(file: string, text: string): Named[] {
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const out: Named[] = [];
    const visit = (node: ts.Node): void => {
        if ((ts.isVariableDeclaration(node) || ts.isParameter(node)) && ts.isIdentifier(node.name)) {
            const holds = node.type?.getText(sf) ?? (node.initializer && ts.isNewExpression(node.initializer) ? node.initializer.expression.getText(sf) : "");
            out.push({ file, name: node.name.text, holds, kind: "value" });
        } else if (ts.isFunctionDeclaration(node) && node.name) {
            out.push({ file, name: node.name.text, holds: node.type?.getText(sf) ?? "", kind: "value" });
        } else if (ts.isTypeAliasDeclaration(node)) {
            out.push({ file, name: node.name.text, holds: node.type.getText(sf), kind: "type" });
        } else if (ts.isPropertySignature(node) && ts.isIdentifier(node.name)) {
            out.push({ file, name: node.name.text, holds: node.type?.getText(sf) ?? "", kind: "field" });
        }
        ts.forEachChild(node, visit);
    };
    visit(sf);
    return out;
}

const ALL = DIRS.flatMap((d) => sourcesUnder(d, /^(?!.*\.d\.ts$).*\.ts$/)).flatMap((f) => declarations(f.split(path.sep).join("/"), fs.readFileSync(path.join(ROOT, f), "utf8")));
const show = (d: Named) => `${d.file}: ${d.name}: ${d.holds}`;

describe("words: one meaning per word (README \"Words\")", () => {
    it("GIVEN a declaration holding a CodePipeline stage THEN it is named a pipeline stage (or after the pipeline stage it is)", () => {
        const aliases = new Set(ALL.filter((d) => d.kind === "type" && /codepipeline\.PipelineStage\b(?!Action)/.test(d.holds)).map((d) => d.name));
        const holdsStage = (d: Named) => /codepipeline\.PipelineStage\b(?!Action)/.test(d.holds) || [...aliases].some((a) => new RegExp(`\\b${a}\\b`).test(d.holds));
        // The table of the pipeline stages' own names (Source, Build, Deploy…), whatever it is called.
        const table = (Object.values(deliveryPipeline) as unknown[]).find((v): v is Record<string, string> => typeof v === "object" && v !== null && "source" in v && "deploy" in v);
        const ownNames = new Set(Object.keys(table ?? {}).map((k) => k.toLowerCase()));
        const bad = ALL.filter((d) => (d.kind === "type" ? aliases.has(d.name) : holdsStage(d)) && !/pipelineStage/i.test(d.name) && !ownNames.has(d.name.toLowerCase()));
        assert.ok(aliases.size > 0 && ownNames.has("deploy"), "the CodePipeline stage type and the pipeline stages' names are found (else this test reads nothing)");
        assert.deepEqual(bad.map(show), []);
    });

    it("GIVEN a declaration holding a GitHub Environment THEN it is named a deployment gate", () => {
        const held = ALL.filter((d) => d.kind === "value" && /\bgithub\.RepositoryEnvironment$/.test(d.holds));
        assert.ok(held.length >= 3, `the gate's declarations are found: ${held.map(show).join(", ")}`);
        assert.deepEqual(held.filter((d) => !/deploymentGate/i.test(d.name)).map(show), []);
    });

    it("GIVEN our own interfaces THEN no field of environment variables is named `environment`, except the config key's", () => {
        const fields = ALL.filter((d) => d.kind === "field" && d.name === "environment" && /Record<string/.test(d.holds));
        assert.deepEqual(fields.filter((d) => !(d.file in ENVIRONMENT_FIELDS_KEPT)).map(show), []);
    });
});
