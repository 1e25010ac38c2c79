/**
 * `ImagePipeline`: the EC2 Image Builder pipeline that bakes one EC2 service's release into an
 * AMI — a component that installs the release's tar package from the stage's package bucket, a
 * recipe on Amazon Linux 2023 with an encrypted gp3 root volume, an infrastructure configuration
 * (least-privilege instance profile, private subnet, a security group without ingress, IMDSv2)
 * and a distribution that writes the new AMI id into the stage's SSM parameter.
 *
 * Each stage's stack owns its own pipeline and parameter, so the branch whose delivery pipeline
 * built the package (`dev`, `qa`, `main`) decides the stage the AMI lands on; the service's
 * launch template reads the parameter (`resolve:ssm:`), and an instance refresh rolls it out.
 * No schedule: the delivery pipeline starts an execution per release. See docs/ec2.md.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Stage } from "../lib/stage";
import type { Ec2RuntimeArgs, ServiceArgs } from "./service";
import { SecureBucket } from "./secureBucket";
import { EnvironmentRefs, Tags } from "./types";
import { serviceTrustPolicy, policyDocument } from "./iam";
import { checkArgs } from "./argsError";

/** Where in the package bucket the delivery pipeline puts the release the next image installs. */
export function packageKey(service: string): string {
    return `${service}/release.tar.gz`;
}

/** Where the release is installed on the image. */
export function installDir(service: string): string {
    return `/opt/${service}`;
}

export interface ImagePipelineArgs {
    /** The stage whose parameter the pipeline writes. @default none (required) */
    readonly stage: Stage;
    /** The service the AMIs are for (its name and port). @default none (required) */
    readonly service: ServiceArgs;
    /** The service's EC2 runtime (instance type, root volume, parent image, AMI parameter). @default none (required) */
    readonly runtime: Ec2RuntimeArgs;
    /** The stage's network (workload subnets), key and VPC. @default none (required) */
    readonly env: EnvironmentRefs;
    /** The SSM parameter the distribution writes the new AMI id into (the stack creates it). @default none (required) */
    readonly amiParameterName: pulumi.Input<string>;
    /** Tags on every resource and on the AMIs it builds. @default none (required) */
    readonly tags: Tags;
    /**
     * The stage holds data that outlives any deploy (the program passes true for prod): data
     * resources are protected and retained, logs retained (components/dataGuard.ts).
     */
    readonly keepData: boolean;
    /** Protect and retain the package bucket (packages are release artifacts). @default keepData */
    readonly retainPackages?: boolean;
    /** Days an overwritten package version is kept. @default 90 */
    readonly packageVersionDays?: number;
    /** Minutes the image's tests may take. @default 60 */
    readonly testTimeoutMinutes?: number;
}

/** Problems with the args a user can fix. Pure: tested directly. */
export function validateImagePipelineArgs(args: ImagePipelineArgs): string[] {
    const problems: string[] = [];
    if (args.env.workloadSubnetIds.length === 0) problems.push("env.workloadSubnetIds is empty; allowed: the private subnets the image builds in");
    if (!args.runtime.parentImageParameter.startsWith("/aws/service/")) {
        problems.push(`runtime.parentImageParameter is "${args.runtime.parentImageParameter}"; allowed: a public /aws/service/... parameter`);
    }
    return problems;
}

/**
 * The Image Builder component document (YAML): download the release package from S3, unpack it
 * into the install directory, run its `install.sh` (which installs and enables its systemd unit),
 * then validate that the unit is enabled. Plain function of resolved values.
 */
export function componentDocument(p: { service: string; bucket: string; key: string }): string {
    const dir = installDir(p.service);
    return [
        `name: install-${p.service}`,
        `description: Installs the ${p.service} release package from s3://${p.bucket}/${p.key}`,
        `schemaVersion: 1.0`,
        `phases:`,
        `  - name: build`,
        `    steps:`,
        `      - name: DownloadRelease`,
        `        action: S3Download`,
        `        inputs:`,
        `          - source: s3://${p.bucket}/${p.key}`,
        `            destination: /tmp/${p.service}-release.tar.gz`,
        `      - name: InstallRelease`,
        `        action: ExecuteBash`,
        `        inputs:`,
        `          commands:`,
        `            - set -euo pipefail`,
        `            - mkdir -p ${dir}`,
        `            - tar -xzf /tmp/${p.service}-release.tar.gz -C ${dir}`,
        `            - ${dir}/install.sh`,
        `            - rm -f /tmp/${p.service}-release.tar.gz`,
        `  - name: validate`,
        `    steps:`,
        `      - name: ServiceEnabled`,
        `        action: ExecuteBash`,
        `        inputs:`,
        `          commands:`,
        `            - systemctl is-enabled ${p.service}.service`,
        ``,
    ].join("\n");
}

export class ImagePipeline extends pulumi.ComponentResource {
    readonly pipelineArn: pulumi.Output<string>;
    readonly recipeArn: pulumi.Output<string>;
    /** The recipe's name: its images are `image/<recipeName>/<version>/<build>` (what a bake may read). */
    readonly recipeName: pulumi.Output<string>;
    /** The bucket the delivery pipeline uploads release packages to, and the key it uses. */
    readonly packageBucketName: pulumi.Output<string>;
    readonly packageBucketArn: pulumi.Output<string>;
    readonly packageKey: string;
    /** The role the build instances run as. */
    readonly buildRoleArn: pulumi.Output<string>;
    /** The parameter each successful build writes. */
    readonly amiParameterName: pulumi.Output<string>;

    constructor(name: string, args: ImagePipelineArgs, opts?: pulumi.ComponentResourceOptions) {
        super("stageline:app:ImagePipeline", name, {}, opts);
        checkArgs("ImagePipeline", name, validateImagePipelineArgs(args), this);
        const s = args.service;
        const parent = this;
        const tags = { ...args.tags, service: s.name };
        const retain = args.retainPackages ?? args.keepData;

        const packages = new SecureBucket(
            `${name}-packages`,
            {
                purpose: `release packages of ${s.name}, installed into its AMIs`,
                kmsKeyArn: args.env.kmsKeyArn,
                versioned: true,
                noncurrentExpireAfterDays: args.packageVersionDays ?? 90,
                retainOnDelete: retain,
                tags,
            },
            { parent },
        );
        const key = packageKey(s.name);

        const component = new aws.imagebuilder.Component(
            `${name}-install`,
            {
                name: `${name}-install`,
                platform: "Linux",
                version: "1.0.0",
                description: `Installs the ${s.name} release package`,
                data: packages.bucket.apply((bucket) => componentDocument({ service: s.name, bucket, key })),
                kmsKeyId: args.env.kmsKeyArn,
                tags,
            },
            // Image Builder versions are immutable: a changed document replaces the component.
            { parent, deleteBeforeReplace: true },
        );

        const recipe = new aws.imagebuilder.ImageRecipe(
            `${name}-recipe`,
            {
                name: `${name}-recipe`,
                version: "1.0.0",
                description: `${s.name} on Amazon Linux 2023`,
                parentImage: `ssm:${args.runtime.parentImageParameter}`,
                components: [{ componentArn: component.arn }],
                blockDeviceMappings: [
                    {
                        deviceName: "/dev/xvda",
                        ebs: { volumeSize: args.runtime.rootVolumeGb, volumeType: "gp3", encrypted: "true", kmsKeyId: args.env.kmsKeyArn, deleteOnTermination: "true" },
                    },
                ],
                systemsManagerAgent: { uninstallAfterBuild: false },
                workingDirectory: "/tmp",
                tags,
            },
            { parent, deleteBeforeReplace: true },
        );

        const role = new aws.iam.Role(
            `${name}-build`,
            {
                description: `Image Builder instances of ${name}: read the release package, talk to SSM`,
                assumeRolePolicy: serviceTrustPolicy("ec2.amazonaws.com", { sourceAccount: args.env.accountId }),
                tags,
            },
            { parent },
        );
        new aws.iam.RolePolicyAttachment(`${name}-build-ssm`, { role: role.name, policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" }, { parent });
        new aws.iam.RolePolicy(
            `${name}-build`,
            {
                role: role.id,
                policy: policyDocument([
                    { Sid: "ReadReleasePackage", Effect: "Allow", Action: ["s3:GetObject"], Resource: pulumi.interpolate`${packages.arn}/${key}` },
                    // The package bucket encrypts with the stage key.
                    { Sid: "DecryptPackage", Effect: "Allow", Action: ["kms:Decrypt"], Resource: args.env.kmsKeyArn },
                    { Sid: "ReadOwnComponent", Effect: "Allow", Action: ["imagebuilder:GetComponent"], Resource: pulumi.interpolate`${component.arn}*` },
                ]),
            },
            { parent },
        );
        const profile = new aws.iam.InstanceProfile(`${name}-build`, { role: role.name, tags }, { parent });

        const buildSg = new aws.ec2.SecurityGroup(
            `${name}-build`,
            {
                description: `Image builds of ${name}: no ingress; HTTPS out (S3, SSM, package repositories)`,
                vpcId: args.env.vpcId,
                egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "HTTPS to AWS APIs and package repositories" }],
                tags,
            },
            { parent },
        );

        const infrastructure = new aws.imagebuilder.InfrastructureConfiguration(
            `${name}-infra`,
            {
                name: `${name}-infra`,
                description: `Builds ${s.name} images in a private subnet`,
                instanceProfileName: profile.name,
                instanceTypes: [args.runtime.instanceType],
                subnetId: args.env.workloadSubnetIds[0],
                securityGroupIds: [buildSg.id],
                instanceMetadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
                terminateInstanceOnFailure: true,
                resourceTags: tags,
                tags,
            },
            { parent },
        );

        const distribution = new aws.imagebuilder.DistributionConfiguration(
            `${name}-dist`,
            {
                name: `${name}-dist`,
                description: `Publishes ${s.name} AMIs to ${args.stage} through ${args.runtime.amiParameterName}`,
                distributions: [
                    {
                        region: args.env.region,
                        amiDistributionConfiguration: {
                            name: `${name}-{{ imagebuilder:buildDate }}`,
                            description: `${s.name} for ${args.stage}`,
                            amiTags: { ...tags, stage: args.stage },
                            kmsKeyId: args.env.kmsKeyArn,
                        },
                        // The stage's launch template reads this parameter (resolve:ssm:).
                        ssmParameterConfigurations: [{ parameterName: args.amiParameterName, dataType: "aws:ec2:image" }],
                    },
                ],
                tags,
            },
            { parent },
        );

        const pipeline = new aws.imagebuilder.ImagePipeline(
            `${name}-images`,
            {
                name: `${name}-images`,
                description: `Bakes ${s.name} releases into AMIs for ${args.stage}; started by the delivery pipeline`,
                imageRecipeArn: recipe.arn,
                infrastructureConfigurationArn: infrastructure.arn,
                distributionConfigurationArn: distribution.arn,
                status: "ENABLED",
                enhancedImageMetadataEnabled: true,
                imageTestsConfiguration: { imageTestsEnabled: true, timeoutMinutes: args.testTimeoutMinutes ?? 60 },
                tags,
            },
            { parent },
        );

        this.pipelineArn = pipeline.arn;
        this.recipeArn = recipe.arn;
        this.recipeName = recipe.name;
        this.packageBucketName = packages.bucket;
        this.packageBucketArn = packages.arn;
        this.packageKey = key;
        this.buildRoleArn = role.arn;
        this.amiParameterName = pulumi.output(args.amiParameterName);
        this.registerOutputs({ pipelineArn: this.pipelineArn, packageBucketName: this.packageBucketName, packageKey: key, amiParameterName: this.amiParameterName });
    }
}
