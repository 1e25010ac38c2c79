/**
 * EC2 rules (the `ec2` service runtime and its image builds): production Auto Scaling groups over
 * two AZs with two instances, IMDSv2 only, no public IPs, encrypted volumes. Side-effect free.
 */
import { asList, baseline, known, ResourceRule, Rule } from "./rule";
import { T } from "./types";
import { PROD_MIN_AZS, PROD_MIN_TASKS } from "../lib/prodRedundancy";

/** True for `true` or `"true"` (launch template and recipe EBS flags are strings in the schema). */
function isTrue(v: unknown): boolean {
    return v === true || v === "true";
}

interface BlockDevice {
    deviceName?: string;
    noDevice?: string;
    virtualName?: string;
    ebs?: { encrypted?: unknown };
}

export const ec2Rules: Rule[] = [
    {
        kind: "resource",
        name: "prod-asg-two-azs",
        description: `Production Auto Scaling groups run at least ${PROD_MIN_TASKS} instances over subnets in at least ${PROD_MIN_AZS} Availability Zones, so one instance or one AZ failing leaves the service up.`,
        enforcement: "mandatory",
        stages: ["prod"],
        types: [T.asg],
        check(r, f) {
            const subnets = asList(known(r.props.vpcZoneIdentifiers as string[] | undefined, "vpcZoneIdentifiers"));
            if (subnets.length < PROD_MIN_AZS) f.fail(`Auto Scaling group "${r.name}" must span at least ${PROD_MIN_AZS} AZs in prod (vpcZoneIdentifiers has ${subnets.length} subnet${subnets.length === 1 ? "" : "s"}).`, r.urn);
            const min = Number(known(r.props.minSize as number | undefined, "minSize"));
            if (min < PROD_MIN_TASKS) f.fail(`Auto Scaling group "${r.name}" must keep at least ${PROD_MIN_TASKS} instances in prod (minSize is ${min}).`, r.urn);
        },
    },
    ...baseline<ResourceRule>("ec2-imdsv2-required", {
        kind: "resource",
        description: "Instances and image builds accept only IMDSv2 (session tokens), which closes the SSRF path to the instance role's credentials.",
        types: [T.launchTemplate, T.instance, T.imageBuilderInfrastructure],
        check(r, f) {
            const path = r.type === T.imageBuilderInfrastructure ? "instanceMetadataOptions" : "metadataOptions";
            const options = r.props[path] as { httpTokens?: string } | undefined;
            const tokens = options?.httpTokens;
            if (tokens !== "required") f.fail(`${r.type} "${r.name}" must require IMDSv2 (${path}.httpTokens is ${tokens ?? "unset"}).`, r.urn);
        },
    }),
    ...baseline<ResourceRule>("ec2-no-public-ip", {
        kind: "resource",
        description: "Instances run in private subnets without public IPs; only the load balancer is reachable.",
        types: [T.launchTemplate, T.instance],
        check(r, f) {
            if (r.type === T.instance) {
                if (isTrue(r.props.associatePublicIpAddress)) f.fail(`${r.type} "${r.name}" must not have a public IP (associatePublicIpAddress is true).`, r.urn);
                return;
            }
            asList(r.props.networkInterfaces as Record<string, unknown>[] | undefined).forEach((n, i) => {
                if (isTrue(n.associatePublicIpAddress)) f.fail(`${r.type} "${r.name}" must not assign public IPs (networkInterfaces[${i}].associatePublicIpAddress is true).`, r.urn);
            });
        },
    }),
    ...baseline<ResourceRule>("ec2-encrypted-volumes", {
        kind: "resource",
        description: "Every EBS volume an instance or an image build gets is encrypted (declared, not left to the AMI or the account default).",
        types: [T.launchTemplate, T.imageRecipe, T.instance],
        check(r, f) {
            if (r.type === T.instance) {
                const root = r.props.rootBlockDevice as { encrypted?: unknown } | undefined;
                if (!isTrue(root?.encrypted)) f.fail(`${r.type} "${r.name}" must encrypt its root volume (rootBlockDevice.encrypted is ${String(root?.encrypted ?? "unset")}).`, r.urn);
                return;
            }
            const volumes = asList(r.props.blockDeviceMappings as BlockDevice[] | undefined).filter((d) => d.noDevice === undefined && d.virtualName === undefined);
            if (volumes.length === 0) {
                f.fail(`${r.type} "${r.name}" must declare its EBS volumes encrypted (no blockDeviceMappings).`, r.urn);
                return;
            }
            for (const d of volumes) {
                if (!isTrue(d.ebs?.encrypted)) f.fail(`${r.type} "${r.name}" must encrypt volume ${d.deviceName ?? "?"} (ebs.encrypted is ${String(d.ebs?.encrypted ?? "unset")}).`, r.urn);
            }
        },
    }),
];
