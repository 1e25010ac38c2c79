/**
 * Fixtures for the EC2 rules (policy/ec2.ts), in the table shape of tests/policy/rules.test.ts,
 * which runs them with every other policy (pass, exact failures, unknowns, metadata) and checks
 * that the catalog is fully covered. tests/policy/ec2.test.ts adds the real plans.
 */
import { JudgedResource } from "../../policy/run";
import { UNKNOWN as U } from "../../policy/rule";
import { T } from "../../policy/types";
import { res } from "./fixtures";

type Build = (stack: string) => JudgedResource[];
export interface Ec2Case {
    readonly rule: string;
    readonly scope: "baseline" | "prod";
    readonly good: Build;
    readonly bad: readonly { readonly when: string; readonly resources: Build; readonly message: string }[];
    readonly unknown?: { readonly resources: Build; readonly message: string };
}

const one = (type: string, name: string, props: Record<string, unknown>): Build => (s) => [res(s, type, name, props)];
const unknownMsg = (type: string, name: string, path: string) => `${type} "${name}": ${path} is unknown during preview (computed during the update); it will be checked on update`;

/** A launch template as AppService's EC2 runtime builds it; `over` replaces top-level props. */
export const launchTemplate = (over: Record<string, unknown> = {}) => ({
    imageId: "resolve:ssm:/stageline/prod/legacy/ami-id",
    instanceType: "t3.small",
    metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
    networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false", securityGroups: ["sg-app"] }],
    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 20, volumeType: "gp3", encrypted: "true", kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/k" } }],
    ...over,
});
const asg = (over: Record<string, unknown> = {}) => ({ vpcZoneIdentifiers: ["subnet-a", "subnet-b"], minSize: 2, maxSize: 4, healthCheckType: "ELB", ...over });
const recipe = (encrypted: unknown) => ({ parentImage: "ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted, volumeType: "gp3" } }] });

export const EC2_CASES: Ec2Case[] = [
    {
        rule: "prod-asg-two-azs",
        scope: "prod",
        good: one(T.asg, "legacy", asg()),
        bad: [
            { when: "one subnet", resources: one(T.asg, "legacy", asg({ vpcZoneIdentifiers: ["subnet-a"] })), message: 'Auto Scaling group "legacy" must span at least 2 AZs in prod (vpcZoneIdentifiers has 1 subnet).' },
            { when: "minSize 1", resources: one(T.asg, "legacy", asg({ minSize: 1 })), message: 'Auto Scaling group "legacy" must keep at least 2 instances in prod (minSize is 1).' },
        ],
        unknown: { resources: one(T.asg, "legacy", asg({ vpcZoneIdentifiers: U.array })), message: unknownMsg(T.asg, "legacy", "vpcZoneIdentifiers") },
    },
    {
        rule: "ec2-imdsv2-required",
        scope: "baseline",
        good: (s) => [
            res(s, T.launchTemplate, "legacy-lt", launchTemplate()),
            res(s, T.imageBuilderInfrastructure, "legacy-infra", { instanceMetadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 } }),
        ],
        bad: [
            {
                when: "a launch template allows IMDSv1",
                resources: one(T.launchTemplate, "legacy-lt", launchTemplate({ metadataOptions: { httpTokens: "optional" } })),
                message: `${T.launchTemplate} "legacy-lt" must require IMDSv2 (metadataOptions.httpTokens is optional).`,
            },
            {
                when: "a launch template leaves it to the AMI",
                resources: one(T.launchTemplate, "legacy-lt", launchTemplate({ metadataOptions: undefined })),
                message: `${T.launchTemplate} "legacy-lt" must require IMDSv2 (metadataOptions.httpTokens is unset).`,
            },
            {
                when: "an image build allows IMDSv1",
                resources: one(T.imageBuilderInfrastructure, "legacy-infra", {}),
                message: `${T.imageBuilderInfrastructure} "legacy-infra" must require IMDSv2 (instanceMetadataOptions.httpTokens is unset).`,
            },
        ],
        unknown: {
            resources: one(T.launchTemplate, "legacy-lt", launchTemplate({ metadataOptions: { httpTokens: U.string } })),
            message: unknownMsg(T.launchTemplate, "legacy-lt", "metadataOptions.httpTokens"),
        },
    },
    {
        rule: "ec2-no-public-ip",
        scope: "baseline",
        good: one(T.launchTemplate, "legacy-lt", launchTemplate()),
        bad: [
            {
                when: "a launch template assigns a public IP",
                resources: one(T.launchTemplate, "legacy-lt", launchTemplate({ networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "true" }] })),
                message: `${T.launchTemplate} "legacy-lt" must not assign public IPs (networkInterfaces[0].associatePublicIpAddress is true).`,
            },
            {
                when: "an instance has a public IP",
                resources: one(T.instance, "bastion", { associatePublicIpAddress: true }),
                message: `${T.instance} "bastion" must not have a public IP (associatePublicIpAddress is true).`,
            },
        ],
        unknown: {
            resources: one(T.launchTemplate, "legacy-lt", launchTemplate({ networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: U.string }] })),
            message: unknownMsg(T.launchTemplate, "legacy-lt", "networkInterfaces.0.associatePublicIpAddress"),
        },
    },
    {
        rule: "ec2-encrypted-volumes",
        scope: "baseline",
        good: (s) => [res(s, T.launchTemplate, "legacy-lt", launchTemplate()), res(s, T.imageRecipe, "legacy-recipe", recipe("true"))],
        bad: [
            {
                when: "a launch template volume is not encrypted",
                resources: one(T.launchTemplate, "legacy-lt", launchTemplate({ blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false" } }] })),
                message: `${T.launchTemplate} "legacy-lt" must encrypt volume /dev/xvda (ebs.encrypted is false).`,
            },
            {
                when: "a launch template declares no volumes",
                resources: one(T.launchTemplate, "legacy-lt", launchTemplate({ blockDeviceMappings: undefined })),
                message: `${T.launchTemplate} "legacy-lt" must declare its EBS volumes encrypted (no blockDeviceMappings).`,
            },
            {
                when: "an image recipe's volume is not encrypted",
                resources: one(T.imageRecipe, "legacy-recipe", recipe(undefined)),
                message: `${T.imageRecipe} "legacy-recipe" must encrypt volume /dev/xvda (ebs.encrypted is unset).`,
            },
        ],
        unknown: {
            resources: one(T.launchTemplate, "legacy-lt", launchTemplate({ blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: U.string } }] })),
            message: unknownMsg(T.launchTemplate, "legacy-lt", "blockDeviceMappings.0.ebs.encrypted"),
        },
    },
];
