/** Small, exact IPv4 CIDR arithmetic (no dependency needed for this much). */

export interface Cidr {
    /** Network address as an unsigned 32-bit integer. */
    base: number;
    prefix: number;
}

/** Parses `a.b.c.d/p`; returns undefined unless it is a valid block on its network boundary. */
export function parseCidr(text: string): Cidr | undefined {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
    if (!m) return undefined;
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) return undefined;
    const base = ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
    const size = 2 ** (32 - prefix);
    if (base % size !== 0) return undefined;
    return { base, prefix };
}

export function formatCidr(c: Cidr): string {
    const b = c.base;
    return `${(b >>> 24) & 255}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${c.prefix}`;
}

/** The `index`-th sub-block of `newPrefix` inside `parent` (like Terraform's cidrsubnet). */
export function subnetOf(parent: string, newPrefix: number, index: number): string {
    const p = parseCidr(parent);
    if (!p) throw new Error(`not a CIDR block: ${parent}`);
    const count = 2 ** (newPrefix - p.prefix);
    if (newPrefix < p.prefix || index < 0 || index >= count) {
        throw new Error(`${parent} has no /${newPrefix} block number ${index}`);
    }
    return formatCidr({ base: p.base + index * 2 ** (32 - newPrefix), prefix: newPrefix });
}

export function cidrOverlaps(a: string, b: string): boolean {
    const x = parseCidr(a);
    const y = parseCidr(b);
    if (!x || !y) return false;
    const xEnd = x.base + 2 ** (32 - x.prefix);
    const yEnd = y.base + 2 ** (32 - y.prefix);
    return x.base < yEnd && y.base < xEnd;
}

/** The network tiers of a stage's VPC. */
export type SubnetTier = "public" | "private" | "isolated";

const TIER_INDEX: Record<SubnetTier, number> = { public: 0, private: 1, isolated: 2 };

/**
 * The CIDR of one subnet: the VPC is cut into four tier blocks (public, private, isolated,
 * spare), each tier block into eight AZ blocks. The AZ block comes from the AZ's letter
 * (`eu-west-1b` → 1), not from its position in a list, so adding or removing an AZ never
 * renumbers (and so never replaces) the subnets of the others.
 */
export function subnetCidr(vpcCidr: string, tier: SubnetTier, az: string): string {
    const p = parseCidr(vpcCidr);
    if (!p) throw new Error(`not a CIDR block: ${vpcCidr}`);
    const letter = az.charCodeAt(az.length - 1) - "a".charCodeAt(0);
    if (letter < 0 || letter > 7) throw new Error(`Availability Zone ${az} does not end in a letter a-h`);
    const tierBlock = subnetOf(vpcCidr, p.prefix + 2, TIER_INDEX[tier]);
    return subnetOf(tierBlock, p.prefix + 5, letter);
}
