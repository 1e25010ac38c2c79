/** Config rules of the `network` section: its values after defaults, and what is wrong with them. */
import { renderGiven } from "../../errors";
import { NetworkSettings } from "../../settings";
import { parseCidr } from "../../../lib/cidr";
import { SUBNET_MIN_AZS } from "../../../lib/awsLimits";
import { PROD_MIN_AZS } from "../../../lib/prodRedundancy";
import { SectionContext } from "./context";

/** The VPC: block, AZs, NAT layout, flow logs. */
export function resolveNetwork(ctx: SectionContext): NetworkSettings {
    const { stage, region, c, d, k, problems } = ctx;
    const n = c.network ?? {};
    const azCount = n.azCount ?? d.network.azCount;
    const subnetAzCount = Math.max(azCount, SUBNET_MIN_AZS);
    const letters = "abcdefghij";
    const availabilityZones = n.availabilityZones ?? Array.from({ length: subnetAzCount }, (_, i) => `${region}${letters[i]}`);
    const network: NetworkSettings = {
        cidr: n.cidr ?? d.network.cidr,
        azCount,
        availabilityZones,
        natGateways: n.natGateways ?? d.network.natGateways,
        flowLogRetentionDays: n.flowLogRetentionDays ?? d.network.flowLogRetentionDays,
    };
    const parsed = parseCidr(network.cidr);
    if (!parsed || parsed.prefix < 16 || parsed.prefix > 20) {
        problems.push({ key: k("network.cidr"), given: renderGiven(network.cidr), allowed: "an IPv4 CIDR block from /16 to /20 on its network boundary, e.g. 10.40.0.0/16" });
    }
    if (stage === "prod" && azCount < PROD_MIN_AZS) {
        problems.push({ key: k("network.azCount"), given: String(azCount), allowed: `an integer from ${PROD_MIN_AZS} to 6 (prod serves traffic from at least two Availability Zones)` });
    }
    if (stage === "prod" && network.natGateways !== "perAz") {
        problems.push({ key: k("network.natGateways"), given: renderGiven(network.natGateways), allowed: `"perAz" in prod (one NAT gateway must not be a single point of failure for every AZ)` });
    }
    if (n.availabilityZones !== undefined) {
        const bad = availabilityZones.filter((az) => !az.startsWith(region) || !/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/.test(az));
        const dupes = availabilityZones.filter((az, i) => availabilityZones.indexOf(az) !== i);
        if (availabilityZones.length !== subnetAzCount || bad.length > 0 || dupes.length > 0) {
            problems.push({
                key: k("network.availabilityZones"),
                given: renderGiven(availabilityZones),
                allowed: `exactly ${subnetAzCount} distinct Availability Zones of ${region || "the region"} (max(azCount, ${SUBNET_MIN_AZS}): load balancers and database subnet groups need two)`,
            });
        }
    }
    return network;
}
