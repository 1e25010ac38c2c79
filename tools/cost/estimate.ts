/**
 * The offline monthly cost estimate of a planned stack: every resource the plan holds is priced
 * from the eu-west-1 table (`prices-eu-west-1.ts`) and the usage assumptions (`assumptions.ts`),
 * with the formula written next to each figure (`basis`). A type the table does not know is
 * "not priced" (`monthlyUsd: null`) and listed, never counted as 0; types AWS does not bill
 * (IAM roles, subnets, security groups...) are priced at 0 with the reason.
 *
 * Pure: reads the plan's resources (type, name, inputs, outputs, parent), nothing else.
 */
import type { PlannedResource } from "../harness";
import { assumptionsFor, CostAssumptions, DEFAULT_ASSUMPTIONS, UsageAssumptions } from "./assumptions";
import { Price, PRICE_TABLE } from "./prices-eu-west-1";

/** The parts of a plan the estimate reads (a `StackPlan` fits; tests pass fabricated ones). */
export interface CostablePlan {
    readonly stack?: string;
    readonly settings?: { readonly stage?: string; readonly region?: string };
    readonly resources: readonly PlannedResource[];
}

export interface ResourceCost {
    urn: string;
    type: string;
    name: string;
    /** Top-level component label (`AppService dev-web`), or `(stack)`. */
    component: string;
    /** USD a month; null: not priced (unknown type or size). */
    monthlyUsd: number | null;
    /** How the figure was reached, or why it is not priced. */
    basis: string;
}

export interface ComponentCost {
    component: string;
    monthlyUsd: number;
    /** Resources under it that are not priced. */
    notPriced: number;
}

export interface NotPricedType {
    type: string;
    count: number;
    reason: string;
}

export interface StackCost {
    stack: string;
    stage?: string;
    region: string;
    currency: "USD";
    /** Custom resources only (components are groupings, not bills). */
    resources: ResourceCost[];
    /** Per top-level component, in plan order. */
    byComponent: ComponentCost[];
    /** Sum of every priced resource. */
    total: number;
    notPriced: NotPricedType[];
    /** The usage assumptions applied to this stack. */
    assumptions: UsageAssumptions;
    warnings: string[];
}

export interface EstimateOptions {
    /** @default DEFAULT_ASSUMPTIONS */
    readonly assumptions?: CostAssumptions;
}

const P = PRICE_TABLE.prices;

/** `$12.34`; small figures keep a third decimal so they do not read as free. */
export function usd(n: number): string {
    const abs = Math.abs(n);
    const s = abs > 0 && abs < 0.1 ? abs.toFixed(3) : abs.toFixed(2);
    return `${n < 0 ? "-" : ""}$${s.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}`;
}

const fmt = (p: Price) => `$${p.usd}/${p.unit}${p.checked === "recalled" ? "*" : ""}`;
const num = (v: unknown): number | undefined => {
    const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
    return typeof n === "number" && Number.isFinite(n) ? n : undefined;
};

/** Types AWS does not bill for by themselves (their traffic or storage is priced elsewhere). */
const FREE: [RegExp, string][] = [
    [/^aws:iam\//, "IAM: no charge"],
    [/^aws:ec2\/(vpc|subnet|routeTable|routeTableAssociation|route|internetGateway|securityGroup|defaultSecurityGroup):/, "VPC building block: no charge"],
    [/^aws:vpc\/securityGroup(Ingress|Egress)Rule:/, "security group rule: no charge"],
    [/^aws:ec2\/flowLog:/, "flow log: billed as ingestion into its log group"],
    [/^aws:ec2\/vpcPeeringConnection:/, "peering: no hourly charge (cross-AZ data transfer not estimated)"],
    [/^aws:rds\/(subnetGroup|parameterGroup):/, "RDS configuration: no charge"],
    [/^aws:s3\/bucket(OwnershipControls|PublicAccessBlock|Versioning|ServerSideEncryptionConfiguration|LifecycleConfiguration|Policy):/, "bucket setting: no charge"],
    [/^aws:kms\/alias:/, "KMS alias: no charge"],
    [/^aws:s3\/bucketObjectv2:/, "pipeline script object: a few KB, within its bucket's storage"],
    [/^aws:ecs\/cluster:/, "ECS cluster: no charge (tasks are priced on their service)"],
    [/^aws:ecs\/taskDefinition:/, "task definition: no charge (running tasks are priced on their service)"],
    [/^aws:lb\/(targetGroup|listener|listenerRule):/, "load balancer part: priced on the load balancer"],
    [/^aws:acm\/(certificate|certificateValidation):/, "public ACM certificate: no charge"],
    [/^aws:wafv2\/webAclAssociation:/, "association: priced on the web ACL"],
    [/^aws:appautoscaling\//, "Application Auto Scaling: no charge"],
    [/^aws:ecr\/lifecyclePolicy:/, "lifecycle policy: no charge"],
    [/^aws:sns\/(topic|topicPolicy|topicSubscription):/, "SNS: alarm and approval volumes stay within the free 1M publishes"],
    [/^aws:route53\/record:/, "record: no charge (alias queries to AWS resources are free)"],
    [/^aws:cloudwatch\/event(Rule|Target):/, "EventBridge schedule/rule on AWS events: no charge"],
    [/^aws:codestarnotifications\//, "notification rule: no charge"],
    // Standard workflows are billed per state transition ($0.025 per 1,000): one restart per rotation (weekly) is fractions of a cent.
    [/^aws:sfn\/stateMachine:/, "Step Functions: billed per state transition; a restart per secret rotation costs under $0.01/month"],
    [/^aws:ec2\/launchTemplate:/, "launch template: no charge (its instances and volumes are priced on the Auto Scaling group)"],
    [/^aws:autoscaling\/(policy|schedule|notification|lifecycleHook):/, "EC2 Auto Scaling: no charge"],
    [/^aws:kms\/grant:/, "KMS grant: no charge (the key is priced)"],
    [/^aws:imagebuilder\/(component|imageRecipe|infrastructureConfiguration|distributionConfiguration):/, "Image Builder configuration: no charge (build instance time is priced on the image pipeline)"],
    [/^aws:backup\/(vault|selection):/, "backup vault/selection: no charge (storage is in the plan's backups)"],
    [/^github:/, "GitHub object: outside the AWS bill"],
    [/^pulumi:providers:/, "provider: not a cloud resource"],
    [/^pulumi:pulumi:StackReference$/, "reads another stack's outputs: no charge"],
];

/** Reasons for types we know but do not estimate (listed as not priced). */
const UNESTIMATED: [RegExp, string][] = [[/^aws:backup\/plan:/, "backup storage depends on snapshot size and change rate; not estimated"]];

interface Ctx {
    a: UsageAssumptions;
    hours: number;
    resources: readonly PlannedResource[];
}

type Priced = { usd: number | null; basis: string };
const none = (basis: string): Priced => ({ usd: null, basis });

function natGateway(_r: PlannedResource, c: Ctx): Priced {
    const hours = c.hours * P.natGatewayHour.usd;
    const data = c.a.natGbProcessedPerMonth * P.natGatewayGb.usd;
    return { usd: hours + data, basis: `${c.hours} h × ${fmt(P.natGatewayHour)} + ${c.a.natGbProcessedPerMonth} GB (assumed) × ${fmt(P.natGatewayGb)}` };
}

function eip(_r: PlannedResource, c: Ctx): Priced {
    return { usd: c.hours * P.publicIpv4Hour.usd, basis: `public IPv4: ${c.hours} h × ${fmt(P.publicIpv4Hour)}` };
}

function loadBalancer(r: PlannedResource, c: Ctx): Priced {
    const kind = (r.inputs.loadBalancerType as string | undefined) ?? "application";
    if (kind !== "application") return none(`${kind} load balancer: not in the price table`);
    let usd = c.hours * P.albHour.usd + c.a.albLcuPerHour * c.hours * P.albLcuHour.usd;
    let basis = `${c.hours} h × ${fmt(P.albHour)} + ${c.a.albLcuPerHour} LCU (assumed) × ${c.hours} h × ${fmt(P.albLcuHour)}`;
    if (r.inputs.internal !== true) {
        const subnets = Array.isArray(r.inputs.subnets) ? r.inputs.subnets.length : Array.isArray(r.inputs.subnetMappings) ? r.inputs.subnetMappings.length : 2;
        usd += subnets * c.hours * P.publicIpv4Hour.usd;
        basis += ` + ${subnets} public IPv4 (one per AZ) × ${c.hours} h × ${fmt(P.publicIpv4Hour)}`;
    }
    return { usd, basis };
}

function rdsInstance(r: PlannedResource, c: Ctx): Priced {
    const cls = String(r.inputs.instanceClass ?? "");
    const engine = String(r.inputs.engine ?? "");
    const price = engine === "postgres" ? P.rdsPostgresInstanceHour[cls] : undefined;
    if (!price) return none(`RDS ${engine || "?"} ${cls || "?"}: instance class not in the price table`);
    const storageType = String(r.inputs.storageType ?? "gp3");
    if (storageType !== "gp3" && storageType !== "gp2") return none(`RDS storage type ${storageType}: not in the price table`);
    const copies = r.inputs.multiAz === true ? 2 : 1;
    const gb = num(r.inputs.allocatedStorage) ?? 0;
    const instance = copies * c.hours * price.usd;
    const storage = copies * gb * P.rdsGp3GbMonth.usd;
    const parts = [`${copies > 1 ? "Multi-AZ 2 × " : ""}${c.hours} h × ${cls} ${fmt(price)}`, `${copies > 1 ? "2 × " : ""}${gb} GB ${storageType} × ${fmt(P.rdsGp3GbMonth)}`];
    let usd = instance + storage;
    if (r.inputs.manageMasterUserPassword === true) {
        usd += P.rdsManagedSecretMonth.usd;
        parts.push(`RDS-managed secret ${fmt(P.rdsManagedSecretMonth)}`);
    }
    return { usd, basis: parts.join(" + ") };
}

/** The task definition a service runs: by ARN, else the one sibling under the same parent. */
function taskDefinitionOf(service: PlannedResource, c: Ctx): PlannedResource | undefined {
    const tds = c.resources.filter((x) => x.type === "aws:ecs/taskDefinition:TaskDefinition");
    const ref = service.inputs.taskDefinition;
    return (
        tds.find((t) => ref !== undefined && (t.outputs.arn === ref || t.outputs.arnWithoutRevision === ref || t.inputs.family === ref)) ??
        (tds.filter((t) => t.parent === service.parent).length === 1 ? tds.find((t) => t.parent === service.parent) : undefined)
    );
}

function ecsService(r: PlannedResource, c: Ctx): Priced {
    const launch = r.inputs.launchType ?? (r.inputs.capacityProviderStrategies ? "capacity providers" : "EC2");
    if (launch !== "FARGATE") return none(`ECS service on ${String(launch)}: only Fargate is priced`);
    const td = taskDefinitionOf(r, c);
    if (!td) return none("Fargate service: its task definition is not in the plan");
    const cpu = num(td.inputs.cpu);
    const mem = num(td.inputs.memory);
    if (cpu === undefined || mem === undefined) return none("Fargate service: task CPU/memory unknown");
    const rp = td.inputs.runtimePlatform as { cpuArchitecture?: string } | undefined;
    const arm = rp?.cpuArchitecture === "ARM64";
    const vcpuP = arm ? P.fargateArmVcpuHour : P.fargateX86VcpuHour;
    const gbP = arm ? P.fargateArmGbHour : P.fargateX86GbHour;
    const count = num(r.inputs.desiredCount) ?? 1;
    const vcpu = cpu / 1024;
    const gb = mem / 1024;
    return {
        usd: count * c.hours * (vcpu * vcpuP.usd + gb * gbP.usd),
        basis: `${count} task${count === 1 ? "" : "s"} × ${c.hours} h × (${vcpu} vCPU × ${fmt(vcpuP)} + ${gb} GB × ${fmt(gbP)}) [${arm ? "ARM64" : "X86_64"}]`,
    };
}

function webAcl(r: PlannedResource, c: Ctx): Priced {
    const rules = Array.isArray(r.inputs.rules) ? r.inputs.rules.length : 0;
    const req = c.a.wafMillionRequestsPerMonth;
    return {
        usd: P.wafWebAclMonth.usd + rules * P.wafRuleMonth.usd + req * P.wafMillionRequests.usd,
        basis: `web ACL ${fmt(P.wafWebAclMonth)} + ${rules} rules × ${fmt(P.wafRuleMonth)} + ${req} M requests (assumed) × ${fmt(P.wafMillionRequests)}`,
    };
}

/** What writes to a log group: VPC flow logs, a container, a CodeBuild project, or other. */
function logKind(r: PlannedResource, c: Ctx): keyof UsageAssumptions["logIngestGbPerMonth"] {
    const arn = r.outputs.arn;
    const name = r.outputs.name ?? r.inputs.name;
    for (const x of c.resources) {
        if (x.type === "aws:ec2/flowLog:FlowLog" && arn !== undefined && x.inputs.logDestination === arn) return "flowLogs";
        if (x.type === "aws:codebuild/project:Project" && name !== undefined) {
            const lc = x.inputs.logsConfig as { cloudwatchLogs?: { groupName?: unknown } } | undefined;
            if (lc?.cloudwatchLogs?.groupName === name) return "builds";
        }
        if (x.type === "aws:ecs/taskDefinition:TaskDefinition" && typeof name === "string" && typeof x.inputs.containerDefinitions === "string") {
            if (x.inputs.containerDefinitions.includes(`"awslogs-group":"${name}"`)) return "service";
        }
    }
    return "other";
}

function logGroup(r: PlannedResource, c: Ctx): Priced {
    const kind = logKind(r, c);
    const gb = c.a.logIngestGbPerMonth[kind];
    const days = num(r.inputs.retentionInDays);
    const months = days && days > 0 ? days / 30 : c.a.logNeverExpireMonths;
    const stored = gb * months;
    return {
        usd: gb * P.logsIngestGb.usd + stored * P.logsStorageGbMonth.usd,
        basis: `${gb} GB/month ${kind} (assumed) × ${fmt(P.logsIngestGb)} + ${round(stored)} GB kept (${days && days > 0 ? `${days} d retention` : `never expires: ${c.a.logNeverExpireMonths} months assumed`}) × ${fmt(P.logsStorageGbMonth)}`,
    };
}

function metricAlarm(r: PlannedResource): Priced {
    const queries = Array.isArray(r.inputs.metricQueries) ? (r.inputs.metricQueries as { metric?: unknown }[]).filter((q) => q.metric).length : 0;
    const metrics = Math.max(1, queries);
    const period = num(r.inputs.period);
    const p = period !== undefined && period < 60 ? P.alarmHighResMetricMonth : P.alarmMetricMonth;
    return { usd: metrics * p.usd, basis: `${metrics} metric${metrics === 1 ? "" : "s"} × ${fmt(p)}` };
}

function codePipeline(r: PlannedResource, c: Ctx): Priced {
    if (r.inputs.pipelineType !== "V2") return { usd: P.codePipelineV1Month.usd, basis: `V1 pipeline ${fmt(P.codePipelineV1Month)}` };
    const stages = Array.isArray(r.inputs.stages) ? (r.inputs.stages as { actions?: { category?: string }[] }[]) : [];
    const actions = stages.flatMap((s) => s.actions ?? []).filter((a) => a.category !== "Approval").length;
    const minutes = c.a.pipelineExecutionsPerMonth * actions * c.a.pipelineMinutesPerAction;
    return {
        usd: minutes * P.codePipelineV2ActionMinute.usd,
        basis: `${c.a.pipelineExecutionsPerMonth} runs (assumed) × ${actions} billed actions × ${c.a.pipelineMinutesPerAction} min (assumed) × ${fmt(P.codePipelineV2ActionMinute)}`,
    };
}

function codeBuild(r: PlannedResource, c: Ctx): Priced {
    const env = r.inputs.environment as { computeType?: string; type?: string } | undefined;
    const ct = env?.computeType ?? "?";
    const price = env?.type === "LINUX_CONTAINER" ? P.codeBuildMinute[ct] : undefined;
    if (!price) return none(`CodeBuild ${env?.type ?? "?"} ${ct}: not in the price table`);
    const minutes = c.a.pipelineExecutionsPerMonth * c.a.codeBuildMinutesPerBuild;
    return { usd: minutes * price.usd, basis: `${c.a.pipelineExecutionsPerMonth} builds (assumed) × ${c.a.codeBuildMinutesPerBuild} min (assumed) × ${fmt(price)}` };
}

/** An input that names another resource: by its id, ARN or name. */
function named(type: string, ref: unknown, c: Ctx): PlannedResource | undefined {
    if (ref === undefined) return undefined;
    return c.resources.find((x) => x.type === type && (x.id === ref || x.outputs.arn === ref || x.outputs.name === ref || x.inputs.name === ref));
}

/** The gp3 GB of a launch template's volumes, or why they cannot be priced. */
function launchTemplateVolumes(lt: PlannedResource): { gb: number } | { why: string } {
    let gb = 0;
    for (const m of (lt.inputs.blockDeviceMappings as { deviceName?: string; ebs?: { volumeSize?: unknown; volumeType?: string } }[] | undefined) ?? []) {
        if (!m.ebs) continue;
        const size = num(m.ebs.volumeSize);
        const type = m.ebs.volumeType ?? "gp3";
        if (type !== "gp3") return { why: `volume ${m.deviceName ?? "?"} is ${type}: only gp3 is in the price table` };
        if (size === undefined) return { why: `volume ${m.deviceName ?? "?"} takes its size from the AMI: unknown to the plan` };
        gb += size;
    }
    return { gb };
}

/**
 * An Auto Scaling group: its launch template's instance type × desired capacity (else min size)
 * × hours, plus the template's gp3 volumes per instance. Scaling out is not estimated.
 */
function autoScalingGroup(r: PlannedResource, c: Ctx): Priced {
    const spec = r.inputs.launchTemplate as { id?: unknown; name?: unknown } | undefined;
    const lt = named("aws:ec2/launchTemplate:LaunchTemplate", spec?.id ?? spec?.name, c);
    if (!lt) return none("Auto Scaling group: its launch template is not in the plan (mixed instances policies are not priced)");
    const type = String(lt.inputs.instanceType ?? "?");
    const price = P.ec2LinuxInstanceHour[type];
    if (!price) return none(`EC2 ${type}: instance type not in the price table`);
    const volumes = launchTemplateVolumes(lt);
    if ("why" in volumes) return none(volumes.why);
    const desired = num(r.inputs.desiredCapacity);
    const count = desired ?? num(r.inputs.minSize) ?? 0;
    const instances = count * c.hours * price.usd;
    const storage = count * volumes.gb * P.ebsGp3GbMonth.usd;
    return {
        usd: instances + storage,
        basis: `${count} instance${count === 1 ? "" : "s"} (${desired === undefined ? "min size" : "desired"}) × (${c.hours} h × ${type} ${fmt(price)} + ${volumes.gb} GB gp3 × ${fmt(P.ebsGp3GbMonth)})`,
    };
}

/** An Image Builder pipeline: Image Builder is free; its build instance runs per image. */
function imagePipeline(r: PlannedResource, c: Ctx): Priced {
    const infra = named("aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration", r.inputs.infrastructureConfigurationArn, c);
    const type = String((infra?.inputs.instanceTypes as unknown[] | undefined)?.[0] ?? "?");
    const price = P.ec2LinuxInstanceHour[type];
    if (!price) return none(`Image Builder: no charge itself; its build instance ${type} is not in the price table`);
    const runs = c.a.pipelineExecutionsPerMonth;
    const hours = (runs * c.a.imageBuildMinutes) / 60;
    return {
        usd: hours * price.usd,
        basis: `Image Builder: no charge; build instance ${runs} images (one per pipeline run, assumed) × ${c.a.imageBuildMinutes} min (assumed) × ${type} ${fmt(price)}`,
    };
}

/** SSM parameters: the standard tier is free; advanced parameters are not in the table. */
function ssmParameter(r: PlannedResource): Priced {
    const tier = String(r.inputs.tier ?? "Standard");
    return tier === "Standard" ? { usd: 0, basis: "SSM standard parameter: no charge" } : none(`SSM ${tier} parameter: not in the price table`);
}

const fixed =
    (price: Price, what: string) =>
    (): Priced => ({ usd: price.usd, basis: `${what} ${fmt(price)}` });

const PRICERS: Record<string, (r: PlannedResource, c: Ctx) => Priced> = {
    "aws:ec2/natGateway:NatGateway": natGateway,
    "aws:ec2/eip:Eip": eip,
    "aws:lb/loadBalancer:LoadBalancer": loadBalancer,
    "aws:rds/instance:Instance": rdsInstance,
    "aws:ecs/service:Service": ecsService,
    "aws:wafv2/webAcl:WebAcl": webAcl,
    "aws:cloudwatch/logGroup:LogGroup": logGroup,
    "aws:cloudwatch/metricAlarm:MetricAlarm": metricAlarm,
    "aws:cloudwatch/dashboard:Dashboard": fixed(P.dashboardMonth, "dashboard"),
    "aws:ecr/repository:Repository": (_r, c) => ({ usd: c.a.ecrGbPerRepository * P.ecrGbMonth.usd, basis: `${c.a.ecrGbPerRepository} GB images (assumed) × ${fmt(P.ecrGbMonth)}` }),
    "aws:s3/bucket:Bucket": (_r, c) => ({ usd: c.a.s3GbPerBucket * P.s3StandardGbMonth.usd, basis: `${c.a.s3GbPerBucket} GB (assumed) × ${fmt(P.s3StandardGbMonth)}` }),
    "aws:kms/key:Key": fixed(P.kmsKeyMonth, "key"),
    "aws:secretsmanager/secret:Secret": fixed(P.secretMonth, "secret"),
    "aws:codepipeline/pipeline:Pipeline": codePipeline,
    "aws:codebuild/project:Project": codeBuild,
    "aws:route53/zone:Zone": fixed(P.route53ZoneMonth, "hosted zone"),
    "aws:autoscaling/group:Group": autoScalingGroup,
    "aws:imagebuilder/imagePipeline:ImagePipeline": imagePipeline,
    "aws:ssm/parameter:Parameter": ssmParameter,
};

/** Prices one resource. */
function priceResource(r: PlannedResource, c: Ctx): Priced {
    const pricer = PRICERS[r.type];
    if (pricer) return pricer(r, c);
    const free = FREE.find(([re]) => re.test(r.type));
    if (free) return { usd: 0, basis: free[1] };
    const known = UNESTIMATED.find(([re]) => re.test(r.type));
    return none(known ? known[1] : `type not in the ${PRICE_TABLE.region} price table`);
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Top-level component label per URN, as the plan's "by component" counts label them. */
function componentLabels(resources: readonly PlannedResource[]): Map<string, string> {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const labels = new Map<string, string>();
    for (const r of resources) {
        let top = r;
        while (top.parent && byUrn.has(top.parent)) top = byUrn.get(top.parent) as PlannedResource;
        labels.set(r.urn, top === r && r.custom ? "(stack)" : `${top.type.split(":").pop()} ${top.name}`);
    }
    return labels;
}

/** The monthly estimate of one planned stack. */
export function estimateStack(plan: CostablePlan, opts: EstimateOptions = {}): StackCost {
    const stage = plan.settings?.stage;
    const a = assumptionsFor(opts.assumptions ?? DEFAULT_ASSUMPTIONS, stage);
    const c: Ctx = { a, hours: a.hoursPerMonth, resources: plan.resources };
    const labels = componentLabels(plan.resources);
    const warnings: string[] = [];
    const region = plan.settings?.region;
    if (region && region !== PRICE_TABLE.region) warnings.push(`stack region ${region}: priced with ${PRICE_TABLE.region} prices (the only table so far)`);

    const resources: ResourceCost[] = plan.resources
        .filter((r) => r.custom !== false)
        .map((r) => {
            const p = priceResource(r, c);
            return { urn: r.urn, type: r.type, name: r.name, component: labels.get(r.urn) ?? "(stack)", monthlyUsd: p.usd, basis: p.basis };
        });

    const byComponent = new Map<string, ComponentCost>();
    for (const r of plan.resources) {
        const label = labels.get(r.urn) ?? "(stack)";
        if (!byComponent.has(label)) byComponent.set(label, { component: label, monthlyUsd: 0, notPriced: 0 });
    }
    for (const r of resources) {
        const comp = byComponent.get(r.component) as ComponentCost;
        if (r.monthlyUsd === null) comp.notPriced++;
        else comp.monthlyUsd += r.monthlyUsd;
    }

    const notPriced = new Map<string, NotPricedType>();
    for (const r of resources.filter((x) => x.monthlyUsd === null)) {
        const n = notPriced.get(r.type) ?? { type: r.type, count: 0, reason: r.basis };
        n.count++;
        notPriced.set(r.type, n);
    }
    const total = resources.reduce((s, r) => s + (r.monthlyUsd ?? 0), 0);
    return {
        stack: plan.stack ?? "",
        stage,
        region: PRICE_TABLE.region,
        currency: "USD",
        resources,
        byComponent: [...byComponent.values()],
        total,
        notPriced: [...notPriced.values()],
        assumptions: a,
        warnings,
    };
}
