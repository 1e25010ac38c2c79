/** Network rules: AZ spread and NAT in prod, nothing public in dev, flow logs, internet ingress. */
import { asList, baseline, dependsOn, known, ofTypes, Rule, StackRule, Subject } from "./rule";
import { LB_TYPES, T } from "./types";
import { PROD_MIN_AZS } from "../lib/prodRedundancy";

/** Subnet tiers, read from the `tier`/`Name` tag or the resource name (`prod-private-eu-west-1a`). */
export const TIERS = ["public", "private", "isolated"] as const;

/** The tier of a subnet, or "untiered". */
export function subnetTier(s: Subject): string {
    const tags = (s.props.tags as Record<string, string> | undefined) ?? {};
    if (tags.tier && (TIERS as readonly string[]).includes(tags.tier)) return tags.tier;
    for (const text of [tags.Name ?? "", s.name]) {
        const tier = TIERS.find((t) => new RegExp(`(^|[-_])${t}([-_]|$)`).test(text));
        if (tier) return tier;
    }
    return "untiered";
}

function subnetAz(s: Subject): string {
    return String(s.props.availabilityZone ?? known(s.props.availabilityZoneId, "availabilityZone"));
}

/**
 * A source that is the internet: 0.0.0.0/0 or ::/0, or a piece of it wider than a /8 (IPv4) or a
 * /16 (IPv6) — `0.0.0.0/1` + `128.0.0.0/1` is the whole internet in two rules.
 */
export function isInternetBlock(cidr: string): boolean {
    const m = /\/(\d{1,3})$/.exec(cidr.trim());
    if (!m) return false;
    const prefix = Number(m[1]);
    return cidr.includes(":") ? prefix < 16 : prefix < 8;
}

/** Protocol "-1" (or "all") opens every port whatever the port fields say. */
function allTraffic(protocol: string): boolean {
    return protocol === "-1" || protocol.toLowerCase() === "all";
}

/** One ingress permission, wherever it is declared. */
interface Ingress {
    readonly from: Subject;
    /** The security group it opens: the group's URN (inline) or its id (standalone rules). */
    readonly groupRef: string;
    readonly protocol: string;
    readonly fromPort: number;
    readonly toPort: number;
    readonly sources: string[];
}

/** Every ingress permission of a resource (inline SG ingress, standalone rules). */
export function ingressOf(r: Subject): Ingress[] {
    const p = r.props;
    /** One permission; the three shapes differ only in where they keep these fields. */
    const ingress = (groupRef: string, protocol: unknown, fromPort: unknown, toPort: unknown, sources: string[]): Ingress => ({
        from: r,
        groupRef,
        protocol: String(protocol ?? "-1"),
        fromPort: Number(fromPort ?? 0),
        toPort: Number(toPort ?? 0),
        sources,
    });
    const cidrs = (x: Record<string, unknown>) => [...asList(x.cidrBlocks as string[]), ...asList(x.ipv6CidrBlocks as string[])];
    if (r.type === T.securityGroup) {
        return asList(p.ingress as Record<string, unknown>[] | undefined).map((i) => ingress(r.urn, i.protocol, i.fromPort, i.toPort, cidrs(i)));
    }
    if (r.type === T.ingressRule) {
        return [ingress(String(p.securityGroupId ?? ""), p.ipProtocol, p.fromPort, p.toPort, [p.cidrIpv4, p.cidrIpv6].filter((x): x is string => typeof x === "string"))];
    }
    if (r.type === T.securityGroupRule && p.type === "ingress") {
        return [ingress(String(p.securityGroupId ?? ""), p.protocol, p.fromPort, p.toPort, cidrs(p))];
    }
    return [];
}

const INGRESS_TYPES = [T.securityGroup, T.ingressRule, T.securityGroupRule];

function describePorts(i: Ingress): string {
    if (allTraffic(i.protocol)) return "all traffic";
    return i.fromPort === i.toPort ? `port ${i.fromPort}` : `ports ${i.fromPort}-${i.toPort}`;
}

export const networkRules: Rule[] = [
    {
        kind: "stack",
        name: "prod-subnets-span-two-azs",
        description: "Every production subnet tier (public, private, isolated) spans at least two Availability Zones, so one AZ outage leaves each tier serving.",
        enforcement: "mandatory",
        stages: ["prod"],
        check(resources, f) {
            const byTier = new Map<string, Set<string>>();
            for (const s of ofTypes(resources, T.subnet)) {
                f.guard(s, () => {
                    const tier = subnetTier(s);
                    byTier.set(tier, (byTier.get(tier) ?? new Set()).add(subnetAz(s)));
                });
            }
            for (const [tier, azs] of byTier) {
                if (!f.sawUnknown && azs.size < PROD_MIN_AZS) f.fail(`prod subnets of tier "${tier}" span ${azs.size} Availability Zone (${[...azs].join(", ")}); each tier needs at least ${PROD_MIN_AZS}.`);
            }
        },
    },
    {
        kind: "stack",
        name: "prod-nat-per-az",
        description: "Production has a NAT gateway in each workload AZ (at least two), so the loss of one AZ's NAT does not cut every private subnet off the internet.",
        enforcement: "mandatory",
        stages: ["prod"],
        check(resources, f) {
            const nats = ofTypes(resources, T.natGateway).filter((n) => n.props.connectivityType !== "private");
            if (nats.length === 0) return; // no internet egress at all: nothing single-pointed
            const subnets = new Set<string>();
            for (const n of nats) f.guard(n, () => subnets.add(String(known(n.props.subnetId, "subnetId"))));
            if (!f.sawUnknown && subnets.size < PROD_MIN_AZS) {
                f.fail(`prod has ${nats.length} NAT gateway(s) in ${subnets.size} subnet(s); a single NAT gateway is a single point of failure for every AZ: put one in each workload AZ (at least ${PROD_MIN_AZS}).`);
            }
        },
    },
    {
        kind: "resource",
        name: "dev-no-public-ips",
        description: "Dev has no external access: no subnet, task or instance gets a public IP address or an Elastic IP.",
        enforcement: "mandatory",
        stages: ["dev"],
        types: [T.subnet, T.ecsService, T.instance, T.launchTemplate, T.eip, T.eipAssociation],
        check(r, f) {
            const p = r.props;
            // An Elastic IP on an instance or interface is a public address (a NAT gateway's has neither).
            if ((r.type === T.eip && (p.instance !== undefined || p.networkInterface !== undefined)) || r.type === T.eipAssociation) {
                f.fail(`dev must not assign public IPs: ${r.type} "${r.name}" gives an instance or interface an Elastic IP.`, r.urn);
                return;
            }
            const bad =
                (r.type === T.subnet && p.mapPublicIpOnLaunch === true && "mapPublicIpOnLaunch") ||
                (r.type === T.ecsService && (p.networkConfiguration as Record<string, unknown> | undefined)?.assignPublicIp === true && "networkConfiguration.assignPublicIp") ||
                (r.type === T.instance && p.associatePublicIpAddress === true && "associatePublicIpAddress") ||
                (r.type === T.launchTemplate &&
                    asList(p.networkInterfaces as Record<string, unknown>[]).some((n) => n.associatePublicIpAddress === true || n.associatePublicIpAddress === "true") &&
                    "networkInterfaces.associatePublicIpAddress");
            if (bad) f.fail(`dev must not assign public IPs: ${r.type} "${r.name}" sets ${bad}.`, r.urn);
        },
    },
    {
        kind: "resource",
        name: "dev-no-internet-ingress",
        description: "Dev has no external access: no security group admits traffic from 0.0.0.0/0 or ::/0, or from a piece of them wider than /8 (IPv4) or /16 (IPv6).",
        enforcement: "mandatory",
        stages: ["dev"],
        types: INGRESS_TYPES,
        check(r, f) {
            for (const i of ingressOf(r)) {
                const open = i.sources.filter(isInternetBlock);
                if (open.length > 0) f.fail(`dev must not admit the internet: ${r.type} "${r.name}" allows ${describePorts(i)} from ${open.join(", ")}.`, r.urn);
            }
        },
    },
    ...baseline<StackRule>("sg-internet-ingress-web-only", {
        kind: "stack",
        description: "Only the load balancer faces the internet, and only on HTTP/HTTPS: any ingress from 0.0.0.0/0, ::/0 or a piece of them wider than /8 (/16 for IPv6) must be TCP port 80 or 443 on a load balancer's security group.",
        check(resources, f) {
            const lbs = ofTypes(resources, ...LB_TYPES);
            const lbGroupIds = new Set(lbs.flatMap((lb) => asList(lb.props.securityGroups as string[])));
            for (const r of ofTypes(resources, ...INGRESS_TYPES)) {
                f.guard(r, () => {
                    for (const i of ingressOf(r)) {
                        const open = i.sources.filter(isInternetBlock);
                        if (open.length === 0) continue;
                        const webPort = !allTraffic(i.protocol) && i.fromPort === i.toPort && (i.fromPort === 80 || i.fromPort === 443);
                        if (!webPort) {
                            f.fail(`${r.type} "${r.name}" allows ${describePorts(i)} from ${open.join(", ")}; only ports 80 and 443 may be open to the internet.`, r.urn);
                            continue;
                        }
                        // Which group is opened: standalone rules name its id; inline ingress is the group itself.
                        const onLb =
                            r.type === T.securityGroup ? lbs.some((lb) => dependsOn(lb, r)) || lbs.every((lb) => lb.dependencies === undefined) : lbGroupIds.has(known(i.groupRef || undefined, "securityGroupId"));
                        if (!onLb) f.fail(`${r.type} "${r.name}" opens port ${i.fromPort} to the internet on a security group no load balancer uses; only the load balancer's group may be.`, r.urn);
                    }
                });
            }
        },
    }),
    ...baseline<StackRule>("vpc-flow-logs", {
        kind: "stack",
        description: "Every VPC records flow logs, so traffic can be investigated after an incident.",
        readsValues: false,
        check(resources, f) {
            const vpcs = ofTypes(resources, T.vpc);
            const unlinked = ofTypes(resources, T.flowLog);
            for (const vpc of vpcs) {
                // Linked by dependency when known (the CLI always sends them); otherwise one log per VPC.
                const i = unlinked.findIndex((l) => (l.dependencies ? dependsOn(l, vpc) : true));
                if (i >= 0) unlinked.splice(i, 1);
                else f.fail(`VPC "${vpc.name}" has no flow log.`, vpc.urn);
            }
        },
    }),
];

