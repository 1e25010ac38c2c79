/** Config rules of the `pipeline` section: its values after defaults, and what is wrong with them. */
import { renderGiven } from "../../errors";
import { EdgeSettings, PipelineSettings } from "../../settings";
import { loadTestProblems, resolveLoadTest } from "../../loadTestConfig";
import { definedOnly, SectionContext } from "./context";

/** The delivery pipeline: trigger, approvals, snapshots, the load test. */
export function resolvePipeline(ctx: SectionContext, edge: EdgeSettings): PipelineSettings {
    const { stage, c, d, k, problems } = ctx;
    // promoteFromStack is no setting: resolveProdStack refuses it (infra/stacks.ts).
    const { promoteFromStack: _refused, ...p } = c.pipeline ?? {};
    const pipeline: PipelineSettings = {
        ...d.pipeline,
        ...definedOnly(p),
        repository: p.repository ?? `${c.github?.owner ?? "acme"}/app`,
        schedule: p.schedule === null ? undefined : (p.schedule ?? d.pipeline.schedule),
        approverEmails: p.approverEmails ?? d.pipeline.approverEmails,
        loadTest: resolveLoadTest(d.pipeline.loadTest, p.loadTest),
    };
    problems.push(...loadTestProblems(stage, pipeline, edge));
    if (pipeline.enabled && pipeline.trigger !== "promote" && pipeline.connectionArn === undefined) {
        problems.push({ key: k("pipeline.connectionArn"), given: "(missing)", allowed: "the ARN of an authorised CodeConnections GitHub connection (see README: one-time setup), or pipeline.enabled: false" });
    }
    if (stage === "prod" && pipeline.enabled && pipeline.trigger !== "promote") {
        problems.push({ key: k("pipeline.trigger"), given: renderGiven(pipeline.trigger), allowed: `"promote" in prod (prod deploys the image staging approved; it never rebuilds)` });
    }
    if ((stage === "staging" || stage === "prod") && pipeline.enabled && !pipeline.approval) {
        problems.push({ key: k("pipeline.approval"), given: "false", allowed: `true in ${stage} (a person approves every release)` });
    }
    if ((stage === "staging" || stage === "prod") && pipeline.enabled && !pipeline.snapshotBeforeDeploy) {
        problems.push({ key: k("pipeline.snapshotBeforeDeploy"), given: "false", allowed: `true in ${stage} (a release that can touch production's database takes a snapshot first)` });
    }
    return pipeline;
}
