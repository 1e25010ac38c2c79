/**
 * One Mermaid flowchart per stack: the VPC with a subgraph per AZ (its subnets), the load
 * balancer, the services, the database (staging: an arrow to prod's database labelled
 * StackReference) and the pipeline stages in order. Built as a model (nodes, edges, subgraphs)
 * from the planned resources, with the stack's settings filling in what a component has not
 * created yet; rendered to text last.
 */
import { PlannedStack } from "./stacks";

export type Shape = "box" | "round" | "db" | "stadium";

export interface DiagramNode {
    id: string;
    label: string;
    shape: Shape;
}
export interface DiagramEdge {
    from: string;
    to: string;
    label?: string;
}
export interface Subgraph {
    id: string;
    label: string;
    nodes: DiagramNode[];
    subgraphs: Subgraph[];
}
export interface Diagram {
    direction: "TB" | "LR";
    nodes: DiagramNode[];
    subgraphs: Subgraph[];
    edges: DiagramEdge[];
}

const T = {
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    waf: "aws:wafv2/webAcl:WebAcl",
    rds: "aws:rds/instance:Instance",
    ecs: "aws:ecs/service:Service",
    pipeline: "aws:codepipeline/pipeline:Pipeline",
    appService: "stageline:app:AppService",
    database: "stageline:stage:DatabaseTier",
    delivery: "stageline:delivery:DeliveryPipeline",
};

/** A Mermaid-safe id. */
export function nodeId(...parts: string[]): string {
    return parts.join("_").replace(/[^A-Za-z0-9_]/g, "_").replace(/_+/g, "_");
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);

/** The diagram model of one planned stack. */
export function buildDiagram(p: PlannedStack): Diagram {
    const s = p.source.settings;
    const rs = p.plan.resources;
    const of = (type: string) => rs.filter((r) => r.type === type);
    const d: Diagram = { direction: "TB", nodes: [], subgraphs: [], edges: [] };

    // Edge: internet (or the VPC inside) → WAF → ALB.
    const vpcRes = of(T.vpc)[0];
    const vpc: Subgraph = {
        id: "vpc",
        label: `VPC ${str(vpcRes?.inputs.cidrBlock) ?? s.network.cidr}`,
        nodes: [],
        subgraphs: [],
    };
    d.subgraphs.push(vpc);

    const subnets = of(T.subnet);
    const azs = [...new Set([...s.network.availabilityZones, ...subnets.map((r) => str(r.inputs.availabilityZone)).filter((x): x is string => !!x)])];
    for (const az of azs) {
        const sg: Subgraph = {
            id: nodeId("az", az),
            label: `${az}${s.network.availabilityZones.indexOf(az) < s.network.azCount && s.network.availabilityZones.includes(az) ? " (workloads)" : ""}`,
            nodes: [],
            subgraphs: [],
        };
        for (const sub of subnets.filter((r) => r.inputs.availabilityZone === az)) {
            sg.nodes.push({ id: nodeId("subnet", sub.name), label: `${sub.name}${str(sub.inputs.cidrBlock) ? `<br/>${sub.inputs.cidrBlock}` : ""}`, shape: "box" });
        }
        if (!sg.nodes.length) sg.nodes.push({ id: nodeId("az", az, "subnets"), label: "subnets: not planned yet", shape: "round" });
        vpc.subgraphs.push(sg);
    }

    const lbs = of(T.lb);
    const albIds: string[] = [];
    const scheme = s.edge.tls ? "HTTPS" : "HTTP";
    if (lbs.length) {
        for (const lb of lbs) {
            const internal = lb.inputs.internal === true;
            albIds.push(nodeId("alb", lb.name));
            vpc.nodes.push({ id: nodeId("alb", lb.name), label: `ALB ${lb.name}<br/>${internal ? "internal" : "internet-facing"}, ${scheme}`, shape: "box" });
        }
    } else {
        albIds.push("alb");
        vpc.nodes.push({ id: "alb", label: `ALB<br/>${s.edge.public ? "internet-facing" : "internal"}, ${scheme}`, shape: "box" });
    }
    const client = s.edge.public ? { id: "internet", label: `Internet<br/>${s.edge.hostname}` } : { id: "clients", label: `VPC clients<br/>${s.edge.hostname}` };
    d.nodes.push({ ...client, shape: "round" });
    const wafs = of(T.waf);
    if (wafs.length || s.edge.waf) {
        const wafId = wafs.length ? nodeId("waf", wafs[0].name) : "waf";
        d.nodes.push({ id: wafId, label: `WAF${wafs.length ? ` ${wafs[0].name}` : ""}`, shape: "stadium" });
        d.edges.push({ from: client.id, to: wafId, label: scheme });
        for (const a of albIds) d.edges.push({ from: wafId, to: a });
    } else {
        for (const a of albIds) d.edges.push({ from: client.id, to: a, label: scheme });
    }

    // Services: one node per AppService (its ECS service where it exists), fed by the ALB.
    const services: Subgraph = { id: "services", label: "services (ECS Fargate)", nodes: [], subgraphs: [] };
    const comps = of(T.appService);
    const serviceIds: string[] = [];
    const items = comps.length ? comps.map((c) => ({ name: c.name, svc: s.services.find((x) => c.name === `${s.stage}-${x.name}`) })) : s.services.map((x) => ({ name: `${s.stage}-${x.name}`, svc: x }));
    for (const it of items) {
        const id = nodeId("svc", it.name);
        serviceIds.push(id);
        const sizing = it.svc ? `<br/>${it.svc.cpu} CPU / ${it.svc.memory} MiB × ${it.svc.desiredCount}` : "";
        services.nodes.push({ id, label: `${it.name}${sizing}`, shape: "box" });
        const route = it.svc ? [...it.svc.pathPatterns, ...it.svc.hostHeaders].join(" ") : undefined;
        for (const a of albIds) d.edges.push({ from: a, to: id, label: route || undefined });
    }
    if (services.nodes.length) vpc.subgraphs.push(services);

    // Database: owned (RDS in the isolated subnets) or prod's, through a StackReference.
    if (s.database.mode === "owned") {
        const db = s.database;
        const rds = of(T.rds);
        const dbNodes = rds.length
            ? rds.map((r) => ({ id: nodeId("db", r.name), label: `RDS ${r.name}<br/>${str(r.inputs.instanceClass) ?? db.instanceClass}${r.inputs.multiAz === true ? ", Multi-AZ" : ""}`, shape: "db" as const }))
            : [{ id: "db", label: `database ${db.engine} ${db.engineVersion}<br/>${db.instanceClass}${db.multiAz ? ", Multi-AZ" : ""}`, shape: "db" as const }];
        vpc.nodes.push(...dbNodes);
        for (const svc of serviceIds) for (const n of dbNodes) d.edges.push({ from: svc, to: n.id });
    } else {
        const ref = s.database.prodStack;
        const prodStack: Subgraph = { id: "prod_stack", label: `stack ${ref}`, nodes: [{ id: "prod_db", label: "prod database (RDS)", shape: "db" }], subgraphs: [] };
        d.subgraphs.push(prodStack);
        const local = of(T.database)[0];
        if (local) {
            const id = nodeId("dbref", local.name);
            vpc.nodes.push({ id, label: `${local.name}: shared database<br/>(VPC peering to prod)`, shape: "round" });
            for (const svc of serviceIds) d.edges.push({ from: svc, to: id });
            d.edges.push({ from: id, to: "prod_db", label: "StackReference" });
        } else {
            for (const svc of serviceIds) d.edges.push({ from: svc, to: "prod_db", label: "StackReference" });
        }
    }

    // Pipeline stages, in order, deploying to the services.
    const pipelines = of(T.pipeline);
    let previous: string | undefined;
    for (const pl of pipelines) {
        const sg: Subgraph = { id: nodeId("pipeline", pl.name), label: `pipeline ${pl.name}`, nodes: [], subgraphs: [] };
        const pipelineStages = Array.isArray(pl.inputs.stages) ? (pl.inputs.stages as { name?: unknown; actions?: { name?: unknown; runOrder?: unknown }[] }[]) : [];
        previous = undefined;
        for (const st of pipelineStages) {
            const id = nodeId("stage", pl.name, String(st.name ?? "stage"));
            // A pipeline stage with several steps lists them in run order, parallel ones joined by "+"
            // (Deploy: Deploy-web → SmokeTest → LoadTest → SignOff).
            const byOrder = new Map<number, string[]>();
            for (const a of st.actions ?? []) byOrder.set(Number(a.runOrder ?? 1), [...(byOrder.get(Number(a.runOrder ?? 1)) ?? []), String(a.name ?? "action")]);
            const steps = [...byOrder.entries()].sort(([x], [y]) => x - y).map(([, names]) => names.join(" + "));
            const label = (st.actions ?? []).length > 1 ? `${String(st.name ?? "stage")}<br/>${steps.join(" → ")}` : String(st.name ?? "stage");
            sg.nodes.push({ id, label, shape: "stadium" });
            if (previous) d.edges.push({ from: previous, to: id });
            previous = id;
        }
        if (!sg.nodes.length) sg.nodes.push({ id: nodeId("pipeline", pl.name, "node"), label: pl.name, shape: "stadium" });
        d.subgraphs.push(sg);
        if (previous) for (const svc of serviceIds) d.edges.push({ from: previous, to: svc, label: "deploy" });
    }
    if (!pipelines.length && s.pipeline.enabled) {
        const comp = of(T.delivery)[0];
        const id = "pipeline";
        d.nodes.push({ id, label: `${comp?.name ?? "pipeline"}: ${s.pipeline.trigger}${s.pipeline.trigger === "promote" ? "" : ` ${s.pipeline.branch}`}<br/>(pipeline stages not planned yet)`, shape: "stadium" });
        for (const svc of serviceIds) d.edges.push({ from: id, to: svc, label: "deploy" });
    }
    return d;
}

function escapeLabel(label: string): string {
    // Labels carry names, CIDRs and sizes only (never input values that could be secret).
    return label.replace(/"/g, "#quot;");
}

function renderNode(n: DiagramNode): string {
    const l = escapeLabel(n.label);
    switch (n.shape) {
        case "db":
            return `${n.id}[("${l}")]`;
        case "round":
            return `${n.id}("${l}")`;
        case "stadium":
            return `${n.id}(["${l}"])`;
        default:
            return `${n.id}["${l}"]`;
    }
}

/** The Mermaid text of a diagram model. */
export function renderMermaid(d: Diagram): string {
    const lines = [`flowchart ${d.direction}`];
    const sub = (g: Subgraph, indent: string) => {
        lines.push(`${indent}subgraph ${g.id}["${escapeLabel(g.label)}"]`);
        for (const n of g.nodes) lines.push(`${indent}  ${renderNode(n)}`);
        for (const c of g.subgraphs) sub(c, indent + "  ");
        lines.push(`${indent}end`);
    };
    for (const n of d.nodes) lines.push(`  ${renderNode(n)}`);
    for (const g of d.subgraphs) sub(g, "  ");
    for (const e of d.edges) lines.push(`  ${e.from} -->${e.label ? `|"${escapeLabel(e.label)}"|` : ""} ${e.to}`);
    return lines.join("\n") + "\n";
}

/** The Mermaid flowchart of one planned stack. */
export function stackMermaid(p: PlannedStack): string {
    return renderMermaid(buildDiagram(p));
}
