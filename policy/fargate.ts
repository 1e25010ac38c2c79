/**
 * Fargate task sizes: a task definition for Fargate asks for a CPU/memory pair Fargate runs.
 * RegisterTaskDefinition refuses any other pair at deploy time; the pack says so at preview, from
 * the same table the config checks a stack file's `cpu`/`memory` against (lib/awsLimits.ts).
 */
import { FARGATE_MEMORY, FARGATE_TASK_SIZES_DOC, fargateMemoryAllowed, fargateMemoryText } from "../lib/awsLimits";
import { baseline, known, ResourceRule, Rule } from "./rule";
import { T } from "./types";

export const fargateRules: Rule[] = [
    ...baseline<ResourceRule>("fargate-task-size", {
        kind: "resource",
        description: "A Fargate task definition asks for a CPU/memory pair Fargate runs (the sizes the platform offers, lib/awsLimits.ts), so RegisterTaskDefinition does not refuse it at deploy time.",
        types: [T.ecsTaskDefinition],
        check(r, f) {
            const compat = r.props.requiresCompatibilities as string[] | undefined;
            if (!Array.isArray(compat) || !compat.includes("FARGATE")) return;
            const cpu = Number(known(r.props.cpu, "cpu"));
            const memory = Number(known(r.props.memory, "memory"));
            if (fargateMemoryAllowed(cpu, memory)) return;
            const allowed = cpu in FARGATE_MEMORY ? fargateMemoryText(cpu) : `a CPU of ${Object.keys(FARGATE_MEMORY).join(", ")} units`;
            f.fail(`task definition "${r.name}" asks Fargate for ${cpu} CPU units and ${memory} MiB, which Fargate refuses; allowed: ${allowed} (${FARGATE_TASK_SIZES_DOC}).`, r.urn);
        },
    }),
];
