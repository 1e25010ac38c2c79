/**
 * The resource tree of a planned stack (component → children, from `parent` URNs), and the
 * counts by type and by top-level component.
 */
import { PlannedResource, StackPlan } from "../harness";

/** `aws:ec2/subnet:Subnet` → `aws:ec2:Subnet`; component tokens stay as they are. */
export function shortType(type: string): string {
    const m = /^([^:]+):([^/:]+)\/[^:]+:(.+)$/.exec(type);
    return m ? `${m[1]}:${m[2]}:${m[3]}` : type;
}

interface Node {
    r: PlannedResource;
    children: Node[];
}

/** Roots (direct children of the stack) with their subtrees, in registration order. */
export function buildTree(plan: StackPlan): Node[] {
    const nodes = new Map<string, Node>(plan.resources.map((r) => [r.urn, { r, children: [] }]));
    const roots: Node[] = [];
    for (const n of nodes.values()) {
        const parent = n.r.parent ? nodes.get(n.r.parent) : undefined;
        if (parent) parent.children.push(n);
        else roots.push(n);
    }
    return roots;
}

function flags(r: PlannedResource): string {
    const f: string[] = [];
    if (r.options.protect) f.push("protected");
    if (r.options.retainOnDelete) f.push("retained");
    return f.length ? `  [${f.join(", ")}]` : "";
}

/** The tree as indented text lines. */
export function renderTree(plan: StackPlan): string[] {
    const lines: string[] = [];
    const walk = (nodes: Node[], prefix: string) => {
        nodes.forEach((n, i) => {
            const last = i === nodes.length - 1;
            const count = n.children.length ? `  (${descendants(n)})` : "";
            lines.push(`${prefix}${last ? "└─ " : "├─ "}${n.r.name}  ${shortType(n.r.type)}${count}${flags(n.r)}`);
            walk(n.children, prefix + (last ? "   " : "│  "));
        });
    };
    walk(buildTree(plan), "");
    return lines;
}

function descendants(n: Node): number {
    return n.children.reduce((sum, c) => sum + 1 + descendants(c), 0);
}

export interface Counts {
    /** Resources per type, most first. */
    byType: [string, number][];
    /** Resources under each top-level component (itself included), in registration order. */
    byComponent: [string, number][];
    total: number;
}

/** Counts by type and by top-level component (`Environment dev`, `AppService dev-web`, ...). */
export function countResources(plan: StackPlan): Counts {
    const byType = new Map<string, number>();
    for (const r of plan.resources) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
    const byComponent: [string, number][] = buildTree(plan).map((n) => [`${componentLabel(n.r)}`, 1 + descendants(n)]);
    return {
        byType: [...byType.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
        byComponent,
        total: plan.resources.length,
    };
}

function componentLabel(r: PlannedResource): string {
    const kind = r.type.split(":").pop() ?? r.type;
    return `${kind} ${r.name}`;
}

/** Two-column text table. */
export function table(rows: [string, string | number][], indent = "  "): string[] {
    const width = Math.max(0, ...rows.map((r) => r[0].length));
    return rows.map(([a, b]) => `${indent}${a.padEnd(width)}  ${String(b).padStart(4)}`);
}
