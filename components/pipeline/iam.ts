/**
 * IAM policy statements of the delivery pipeline, as small pure functions: each names exact
 * actions (never `*` or `service:*`) on the pipeline's own resources. Where AWS allows no
 * resource-level scoping (ecr:GetAuthorizationToken, ecs:DescribeTaskDefinition, the EC2
 * describe calls CodeBuild makes in a VPC), the resource is `*` and the comment says so.
 */
import * as pulumi from "@pulumi/pulumi";

export type Statement = Record<string, unknown>;
type Arn = pulumi.Input<string>;

export { policyDocument } from "../iam";

/** Read and write pipeline artifacts in the artifact bucket. */
export function artifactBucketStatements(bucketArn: Arn, write: boolean): Statement[] {
    return [
        { Sid: "ArtifactBucket", Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:GetBucketVersioning", "s3:ListBucket"], Resource: bucketArn },
        {
            Sid: "ArtifactObjects",
            Effect: "Allow",
            Action: write ? ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"] : ["s3:GetObject", "s3:GetObjectVersion"],
            Resource: pulumi.interpolate`${bucketArn}/*`,
        },
    ];
}

/** Use the stage's KMS key(s) for artifacts, logs and encrypted buckets. */
export function kmsStatement(keyArns: Arn[], sid = "StageKey"): Statement {
    return { Sid: sid, Effect: "Allow", Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"], Resource: keyArns };
}

/** Write build logs to the pipeline's log group only. */
export function logStatement(logGroupArn: Arn): Statement {
    return {
        Sid: "BuildLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [logGroupArn, pulumi.interpolate`${logGroupArn}:*`],
    };
}

/**
 * A build that reads the CodeConnections source artifact in CODEBUILD_CLONE_REF format clones the
 * repository through the connection itself, so its role needs UseConnection on it
 * (https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CodestarConnectionSource.html;
 * CDK Pipelines grants it to each such build:
 * https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.pipelines.ConnectionSourceOptions.html).
 * `inputs` are the artifacts the build reads; `cloneRefArtifact` the source's clone-ref output.
 */
export function cloneRefStatements(connectionArn: Arn | undefined, inputs: readonly string[], cloneRefArtifact: string | undefined): Statement[] {
    return connectionArn !== undefined && cloneRefArtifact !== undefined && inputs.includes(cloneRefArtifact) ? [connectionStatement(connectionArn)] : [];
}

/** Use the CodeConnections (CodeStar) connection to GitHub (both service prefixes exist). */
export function connectionStatement(connectionArn: Arn): Statement {
    return { Sid: "UseGitHubConnection", Effect: "Allow", Action: ["codestar-connections:UseConnection", "codeconnections:UseConnection"], Resource: connectionArn };
}

/** ECR login: ecr:GetAuthorizationToken supports no resource scoping, `*` is the only form AWS allows. */
export function ecrLoginStatement(): Statement {
    return { Sid: "EcrLogin", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" };
}

export const ECR_PULL_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer"];
export const ECR_PUSH_ACTIONS = [...ECR_PULL_ACTIONS, "ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"];

/** Push (and read back) images in the services' repositories only. */
export function ecrPushStatement(repositoryArns: pulumi.Input<Arn[]>, sid = "PushServiceImages"): Statement {
    return { Sid: sid, Effect: "Allow", Action: ECR_PUSH_ACTIONS, Resource: repositoryArns };
}

/** Pull images from given repositories (prod pulling staging's approved digest). */
export function ecrPullStatement(repositoryArns: pulumi.Input<Arn[]>, sid = "PullApprovedImages"): Statement {
    return { Sid: sid, Effect: "Allow", Action: ECR_PULL_ACTIONS, Resource: repositoryArns };
}

/** `arn:aws:rds:<region>:<account>:snapshot:<prefix>*`: the snapshots this pipeline names. */
export function snapshotArnPattern(region: string, accountId: pulumi.Input<string>, prefix: string): pulumi.Output<string> {
    return pulumi.interpolate`arn:aws:rds:${region}:${accountId}:snapshot:${prefix}*`;
}

/** Snapshot one RDS instance, into snapshots named with the pipeline's prefix. */
export function dbSnapshotStatements(instanceArn: Arn, snapshotArnPatternValue: Arn): Statement[] {
    return [
        { Sid: "SnapshotTheDatabase", Effect: "Allow", Action: ["rds:AddTagsToResource", "rds:CreateDBSnapshot"], Resource: [instanceArn, snapshotArnPatternValue] },
        { Sid: "WatchTheSnapshot", Effect: "Allow", Action: ["rds:DescribeDBSnapshots"], Resource: [instanceArn, snapshotArnPatternValue] },
    ];
}

/** Copy the uploads bucket into the backup bucket. */
export function uploadsBackupStatements(uploadsBucketArn: Arn, backupBucketArn: Arn): Statement[] {
    return [
        { Sid: "ReadUploads", Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:ListBucket"], Resource: [uploadsBucketArn, backupBucketArn] },
        { Sid: "ReadUploadObjects", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectTagging", "s3:GetObjectVersion"], Resource: pulumi.interpolate`${uploadsBucketArn}/*` },
        { Sid: "WriteBackupObjects", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:PutObjectTagging"], Resource: pulumi.interpolate`${backupBucketArn}/*` },
    ];
}

/**
 * The EC2 calls a CodeBuild project in a VPC makes on `*`, as CodeBuild's VPC policy example grants them
 * (https://docs.aws.amazon.com/codebuild/latest/userguide/auth-and-access-control-iam-identity-based-access-control.html).
 */
export const CODEBUILD_VPC_ACTIONS = [
    "ec2:CreateNetworkInterface",
    "ec2:DeleteNetworkInterface",
    "ec2:DescribeDhcpOptions",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcs",
] as const;

/**
 * CodeBuild inside a VPC creates and deletes its own network interfaces. The EC2 describe/create
 * calls support no resource scoping (`*` is the only form); the permission on the interface is
 * conditioned on CodeBuild and the stage's subnets.
 */
export function vpcStatements(region: string, accountId: pulumi.Input<string>, subnetArns: pulumi.Input<string>[]): Statement[] {
    return [
        {
            Sid: "CodeBuildVpcNetworking",
            Effect: "Allow",
            Action: [...CODEBUILD_VPC_ACTIONS],
            Resource: "*",
        },
        {
            Sid: "CodeBuildVpcInterface",
            Effect: "Allow",
            Action: ["ec2:CreateNetworkInterfacePermission"],
            Resource: pulumi.interpolate`arn:aws:ec2:${region}:${accountId}:network-interface/*`,
            Condition: { StringEquals: { "ec2:AuthorizedService": "codebuild.amazonaws.com" }, ArnEquals: { "ec2:Subnet": subnetArns } },
        },
    ];
}

/** Start and watch the pipeline's own CodeBuild projects. */
export function codeBuildStartStatement(projectArns: Arn[]): Statement {
    return { Sid: "RunPipelineBuilds", Effect: "Allow", Action: ["codebuild:BatchGetBuilds", "codebuild:StartBuild"], Resource: projectArns };
}

/** Publish approval requests. */
export function snsPublishStatement(topicArns: Arn[]): Statement {
    return { Sid: "ApprovalNotifications", Effect: "Allow", Action: ["sns:Publish"], Resource: topicArns };
}

/** The schedule's role: start this one pipeline. */
export function startPipelineStatement(pipelineArn: Arn): Statement {
    return { Sid: "StartThisPipeline", Effect: "Allow", Action: ["codepipeline:StartPipelineExecution"], Resource: pipelineArn };
}

// ---------------------------------------------------------------------------------------------
// EC2 services: package, bake (Image Builder), AMI parameter, instance refresh, prod's AMI copy
// ---------------------------------------------------------------------------------------------

/** Upload the service's release package to its package object only. */
export function packageUploadStatement(packageObjectArns: Arn[]): Statement {
    return { Sid: "UploadReleasePackages", Effect: "Allow", Action: ["s3:PutObject"], Resource: packageObjectArns };
}

/**
 * `arn:aws:imagebuilder:<region>:<account>:image/<recipe>/*`: every image version and build the
 * pipeline makes (images are named after their recipe, in lower case).
 */
export function imageArnPattern(region: pulumi.Input<string>, accountId: pulumi.Input<string>, recipeName: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.interpolate`arn:aws:imagebuilder:${region}:${accountId}:image/${pulumi.output(recipeName).apply((n) => n.toLowerCase())}/*`;
}

/** Start one image pipeline and watch the images it builds. */
export function imageBuildStatements(imagePipelineArn: Arn, imageArns: Arn): Statement[] {
    return [
        { Sid: "StartImagePipeline", Effect: "Allow", Action: ["imagebuilder:GetImagePipeline", "imagebuilder:StartImagePipelineExecution"], Resource: imagePipelineArn },
        { Sid: "WatchImage", Effect: "Allow", Action: ["imagebuilder:GetImage"], Resource: imageArns },
    ];
}

/**
 * Read and write the AMI parameter the launch template resolves. A parameter of data type
 * `aws:ec2:image` is validated with ec2:DescribeImages, which supports no resource scoping (`*`).
 */
export function amiParameterStatements(parameterArns: Arn[]): Statement[] {
    return [
        { Sid: "AmiParameter", Effect: "Allow", Action: ["ssm:GetParameter", "ssm:GetParameterHistory", "ssm:PutParameter"], Resource: parameterArns },
        { Sid: "ValidateAmi", Effect: "Allow", Action: ["ec2:DescribeImages"], Resource: "*" },
    ];
}

/** Start and watch an instance refresh of the given groups (Describe* accept no resource: `*`). */
export function instanceRefreshStatements(groupArns: Arn[]): Statement[] {
    return [
        { Sid: "RefreshGroup", Effect: "Allow", Action: ["autoscaling:CancelInstanceRefresh", "autoscaling:StartInstanceRefresh"], Resource: groupArns },
        { Sid: "WatchRefresh", Effect: "Allow", Action: ["autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeInstanceRefreshes"], Resource: "*" },
    ];
}

/**
 * Prod copies staging's approved AMI into an AMI of its own, encrypted with prod's key: read
 * staging's image and snapshots (staging's key), write prod's (prod's key). CopyImage scopes to
 * images and snapshots of this region; DescribeImages accepts no scoping.
 */
export function amiCopyStatements(region: string, accountId: pulumi.Input<string>, sourceKeyArn: Arn, targetKeyArn: Arn): Statement[] {
    return [
        {
            Sid: "CopyApprovedAmi",
            Effect: "Allow",
            Action: ["ec2:CopyImage", "ec2:CreateTags"],
            Resource: [pulumi.interpolate`arn:aws:ec2:${region}::image/*`, pulumi.interpolate`arn:aws:ec2:${region}:${accountId}:snapshot/*`],
        },
        { Sid: "WatchAmiCopy", Effect: "Allow", Action: ["ec2:DescribeImages"], Resource: "*" },
        {
            Sid: "ReEncryptAmiSnapshots",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
            Resource: [sourceKeyArn, targetKeyArn],
        },
        {
            Sid: "GrantEbsTheKeys",
            Effect: "Allow",
            Action: ["kms:CreateGrant"],
            Resource: [sourceKeyArn, targetKeyArn],
            Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
        },
    ];
}
