/**
 * Realistic mock outputs for `pulumi.runtime.setMocks`: AWS-shaped ids (`subnet-0123…`), real
 * ARN formats, AZs, DNS names and endpoints, so that what a test or the plan reads looks like
 * what AWS returns. Everything is derived from the resource's name, so runs are repeatable.
 */
import * as crypto from "crypto";
import type * as pulumi from "@pulumi/pulumi";

export const MOCK_ACCOUNT = "123456789012";

/** 17 lower-case hex digits from a name: the tail of an EC2 id. */
export function hexId(seed: string, length = 17): string {
    return crypto.createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/** Short type name: `aws:ec2/subnet:Subnet` → `ec2/subnet:Subnet` → `Subnet`. */
function typeName(type: string): string {
    return type.split(":").pop() ?? type;
}

/** EC2-style id prefixes by resource type. */
const EC2_PREFIX: Record<string, string> = {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/eip:Eip": "eipalloc",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
    "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": "pcx",
    "aws:ec2/flowLog:FlowLog": "fl",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
    "aws:ec2/networkAcl:NetworkAcl": "acl",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg",
};

export interface MockContext {
    region: string;
    /** Outputs of stacks read by StackReference, by fully qualified stack name. */
    stackOutputs?: Record<string, Record<string, unknown>>;
    /** Leave these output properties unknown (a preview before creation). */
    unknownOutputs?: boolean;
    /**
     * Image repositories hold no image yet: the first `pulumi up` of a new stage, whose services
     * then wait for their first release (components/firstRelease.ts). @default false (every
     * repository holds a released image, as on a stage that has been deployed before)
     */
    emptyRepositories?: boolean;
}

function arn(service: string, region: string, resource: string, global = false): string {
    return `arn:aws:${service}:${global ? "" : region}:${MOCK_ACCOUNT}:${resource}`;
}

/** The state a resource has after creation: its inputs plus what AWS computes. */
export function mockState(type: string, name: string, inputs: Record<string, unknown>, ctx: MockContext): { id: string; state: Record<string, unknown> } {
    const r = ctx.region;
    const h = hexId(`${type}::${name}`);
    const prefix = EC2_PREFIX[type];
    const id = prefix ? `${prefix}-${h}` : `${name}-${h.slice(0, 8)}`;
    const s: Record<string, unknown> = { ...inputs };
    const physical = (inputs.name as string | undefined) ?? `${name}-${h.slice(0, 7)}`;

    if (prefix) s.arn = arn("ec2", r, `${typeName(type).replace(/^./, (c) => c.toLowerCase())}/${id}`);

    switch (type) {
        case "aws:ec2/vpc:Vpc":
            s.defaultSecurityGroupId = `sg-${hexId(name + "default")}`;
            s.mainRouteTableId = `rtb-${hexId(name + "main")}`;
            s.defaultNetworkAclId = `acl-${hexId(name + "acl")}`;
            s.ownerId = MOCK_ACCOUNT;
            break;
        case "aws:ec2/subnet:Subnet":
            s.availabilityZoneId = `${r.slice(0, 3)}${r.slice(-1)}-az${((inputs.availabilityZone as string) ?? "a").slice(-1).charCodeAt(0) - 96}`;
            break;
        case "aws:ec2/eip:Eip":
            s.publicIp = `52.${parseInt(h.slice(0, 2), 16)}.${parseInt(h.slice(2, 4), 16)}.${parseInt(h.slice(4, 6), 16)}`;
            s.allocationId = id;
            break;
        case "aws:ec2/vpcPeeringConnection:VpcPeeringConnection":
            s.acceptStatus = "active";
            break;
        case "aws:lb/loadBalancer:LoadBalancer": {
            const lbName = physical.slice(0, 32);
            s.name = lbName;
            s.arn = arn("elasticloadbalancing", r, `loadbalancer/app/${lbName}/${h.slice(0, 16)}`);
            s.arnSuffix = `app/${lbName}/${h.slice(0, 16)}`;
            s.dnsName = `${inputs.internal ? "internal-" : ""}${lbName}-${parseInt(h.slice(0, 8), 16)}.${r}.elb.amazonaws.com`;
            s.zoneId = "Z32O12XQLNTSW2";
            return { id: s.arn as string, state: s };
        }
        case "aws:lb/targetGroup:TargetGroup": {
            const tgName = physical.slice(0, 32);
            s.name = tgName;
            s.arn = arn("elasticloadbalancing", r, `targetgroup/${tgName}/${h.slice(0, 16)}`);
            s.arnSuffix = `targetgroup/${tgName}/${h.slice(0, 16)}`;
            return { id: s.arn as string, state: s };
        }
        case "aws:lb/listener:Listener":
            s.arn = arn("elasticloadbalancing", r, `listener/app/lb/${h.slice(0, 16)}/${h.slice(1, 17)}`);
            return { id: s.arn as string, state: s };
        case "aws:lb/listenerRule:ListenerRule":
            s.arn = arn("elasticloadbalancing", r, `listener-rule/app/lb/${h.slice(0, 16)}/${h.slice(1, 17)}/${h.slice(2, 18)}`);
            return { id: s.arn as string, state: s };
        case "aws:acm/certificate:Certificate": {
            const domain = inputs.domainName as string;
            s.arn = arn("acm", r, `certificate/${uuid(h)}`);
            const names = [domain, ...(((inputs.subjectAlternativeNames as string[]) ?? []))];
            s.domainValidationOptions = names.map((d) => ({
                domainName: d,
                resourceRecordName: `_${hexId(d, 32)}.${d}.`,
                resourceRecordType: "CNAME",
                resourceRecordValue: `_${hexId(d + "v", 32)}.acm-validations.aws.`,
            }));
            s.status = "ISSUED";
            return { id: s.arn as string, state: s };
        }
        case "aws:route53/zone:Zone":
            s.zoneId = `Z${hexId(name, 20).toUpperCase()}`;
            s.nameServers = ["ns-1.awsdns-01.org", "ns-2.awsdns-02.net"];
            return { id: s.zoneId as string, state: s };
        case "aws:route53/record:Record":
            s.fqdn = inputs.name;
            break;
        case "aws:wafv2/webAcl:WebAcl":
            s.arn = arn("wafv2", r, `regional/webacl/${physical}/${uuid(h)}`);
            s.capacity = 700;
            break;
        case "aws:ecs/cluster:Cluster":
            s.name = physical;
            s.arn = arn("ecs", r, `cluster/${physical}`);
            break;
        case "aws:ecs/service:Service":
            s.name = physical;
            // The long ARN format AWS uses since 2021: service/<cluster>/<service>.
            s.id = arn("ecs", r, `service/${String(inputs.cluster ?? "default").split("/").pop()}/${physical}`);
            s.arn = s.id;
            return { id: s.id as string, state: s };
        case "aws:ecs/taskDefinition:TaskDefinition":
            s.arn = arn("ecs", r, `task-definition/${inputs.family ?? physical}:1`);
            s.revision = 1;
            s.arnWithoutRevision = arn("ecs", r, `task-definition/${inputs.family ?? physical}`);
            break;
        case "aws:ecr/repository:Repository":
            s.name = physical;
            s.arn = arn("ecr", r, `repository/${physical}`);
            s.repositoryUrl = `${MOCK_ACCOUNT}.dkr.ecr.${r}.amazonaws.com/${physical}`;
            s.registryId = MOCK_ACCOUNT;
            break;
        case "aws:rds/instance:Instance": {
            const ident = (inputs.identifier as string | undefined) ?? `${name}-${h.slice(0, 7)}`;
            s.identifier = ident;
            s.arn = arn("rds", r, `db:${ident}`);
            s.address = `${ident}.c${h.slice(0, 11)}.${r}.rds.amazonaws.com`;
            s.port = inputs.port ?? (inputs.engine === "mysql" ? 3306 : 5432);
            s.endpoint = `${s.address}:${s.port}`;
            s.resourceId = `db-${h.toUpperCase().slice(0, 26)}`;
            if (inputs.manageMasterUserPassword) {
                s.masterUserSecrets = [{ secretArn: arn("secretsmanager", r, `secret:rds!db-${uuid(h)}-${h.slice(0, 6)}`), secretStatus: "active", kmsKeyId: inputs.masterUserSecretKmsKeyId ?? "" }];
            }
            return { id: ident, state: s };
        }
        case "aws:rds/subnetGroup:SubnetGroup":
        case "aws:rds/parameterGroup:ParameterGroup":
            s.name = physical;
            s.arn = arn("rds", r, `${type.includes("subnet") ? "subgrp" : "pg"}:${physical}`);
            return { id: physical, state: s };
        case "aws:kms/key:Key":
            s.keyId = uuid(h);
            s.arn = arn("kms", r, `key/${s.keyId}`);
            return { id: s.keyId as string, state: s };
        case "aws:kms/alias:Alias":
            s.arn = arn("kms", r, String(inputs.name ?? `alias/${name}`));
            break;
        case "aws:sns/topic:Topic":
            s.name = physical;
            s.arn = arn("sns", r, physical);
            return { id: s.arn as string, state: s };
        case "aws:cloudwatch/logGroup:LogGroup":
            s.name = physical;
            s.arn = arn("logs", r, `log-group:${physical}`);
            return { id: physical, state: s };
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
            s.arn = arn("cloudwatch", r, `alarm:${physical}`);
            break;
        case "aws:cloudwatch/dashboard:Dashboard":
            s.dashboardArn = arn("cloudwatch", "", `dashboard/${inputs.dashboardName ?? physical}`, true);
            break;
        case "aws:codestarnotifications/notificationRule:NotificationRule":
            // The IAM service prefix is codestar-notifications; the rule's id is AWS's, not its name.
            s.arn = arn("codestar-notifications", r, `notificationrule/${hexId(name, 40)}`);
            break;
        case "aws:cloudwatch/eventRule:EventRule":
            s.arn = arn("events", r, `rule/${physical}`);
            break;
        case "aws:sfn/stateMachine:StateMachine":
            // arn:<partition>:states:<region>:<account>:stateMachine:<name>: https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
            s.name = physical;
            s.arn = arn("states", r, `stateMachine:${physical}`);
            return { id: s.arn as string, state: s };
        case "aws:iam/role:Role":
            s.name = physical;
            s.arn = arn("iam", r, `role/${physical}`, true);
            s.uniqueId = `AROA${h.toUpperCase().slice(0, 17)}`;
            return { id: physical, state: s };
        case "aws:iam/policy:Policy":
            s.arn = arn("iam", r, `policy/${physical}`, true);
            return { id: s.arn as string, state: s };
        case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
            s.arn = arn("iam", r, `oidc-provider/${String(inputs.url ?? "token.actions.githubusercontent.com").replace(/^https:\/\//, "")}`, true);
            return { id: s.arn as string, state: s };
        case "aws:s3/bucket:Bucket": {
            const b = (inputs.bucket as string | undefined) ?? `${name}-${h.slice(0, 7)}`;
            s.bucket = b;
            s.arn = `arn:aws:s3:::${b}`;
            s.bucketDomainName = `${b}.s3.amazonaws.com`;
            s.bucketRegionalDomainName = `${b}.s3.${r}.amazonaws.com`;
            s.region = r;
            return { id: b, state: s };
        }
        case "aws:codepipeline/pipeline:Pipeline":
            s.name = physical;
            s.arn = arn("codepipeline", r, physical);
            return { id: physical, state: s };
        case "aws:codebuild/project:Project":
            s.name = physical;
            s.arn = arn("codebuild", r, `project/${physical}`);
            return { id: physical, state: s };
        case "aws:backup/vault:Vault":
            s.name = physical;
            s.arn = arn("backup", r, `backup-vault:${physical}`);
            return { id: physical, state: s };
        case "aws:backup/plan:Plan":
            s.arn = arn("backup", r, `backup-plan:${uuid(h)}`);
            return { id: uuid(h), state: s };
        case "aws:secretsmanager/secret:Secret":
            s.arn = arn("secretsmanager", r, `secret:${physical}-${h.slice(0, 6)}`);
            return { id: s.arn as string, state: s };
        case "aws:ssm/parameter:Parameter":
            s.arn = arn("ssm", r, `parameter/${String(inputs.name ?? physical).replace(/^\//, "")}`);
            break;
        case "aws:appautoscaling/target:Target":
            s.arn = arn("application-autoscaling", r, `scalable-target/${h.slice(0, 20)}`);
            break;
        case "aws:appautoscaling/policy:Policy":
            s.arn = arn("autoscaling", r, `scalingPolicy:${uuid(h)}:resource/ecs/${physical}`);
            break;
        case "aws:imagebuilder/imagePipeline:ImagePipeline":
        case "aws:imagebuilder/imageRecipe:ImageRecipe":
        case "aws:imagebuilder/component:Component":
        case "aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration":
        case "aws:imagebuilder/distributionConfiguration:DistributionConfiguration":
            // Image Builder ARNs name the type in kebab case: image-pipeline/<name>, image-recipe/<name>/<version>.
            s.arn = arn("imagebuilder", r, `${typeName(type).replace(/[A-Z]/g, (c, i: number) => (i > 0 ? "-" : "") + c.toLowerCase())}/${physical}`);
            break;
        case "aws:ec2/launchTemplate:LaunchTemplate":
            // A new template is version 1 (the group launches from latestVersion).
            s.latestVersion = 1;
            s.defaultVersion = 1;
            break;
        case "aws:autoscaling/group:Group":
            s.name = physical;
            s.arn = arn("autoscaling", r, `autoScalingGroup:${uuid(h)}:autoScalingGroupName/${physical}`);
            return { id: physical, state: s };
        case "github:index/repository:Repository":
            s.name = inputs.name;
            s.fullName = `acme/${inputs.name}`;
            s.nodeId = `R_${hexId(name, 12)}`;
            s.repoId = parseInt(h.slice(0, 8), 16);
            s.htmlUrl = `https://github.com/acme/${inputs.name}`;
            return { id: String(inputs.name), state: s };
        case "github:index/repositoryRuleset:RepositoryRuleset":
            s.rulesetId = parseInt(h.slice(0, 6), 16);
            break;
        case "github:index/repositoryEnvironment:RepositoryEnvironment":
            return { id: `${inputs.repository}:${inputs.environment}`, state: s };
        case "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable":
            s.createdAt = "2026-01-01T00:00:00Z";
            return { id: `${inputs.repository}:${inputs.environment}:${inputs.variableName}`, state: s };
        case "github:index/repositoryFile:RepositoryFile":
            s.sha = hexId(`${name}${String(inputs.content)}`, 40);
            s.commitSha = hexId(`${name}commit`, 40);
            return { id: `${inputs.repository}/${inputs.file}`, state: s };
        case "github:index/branch:Branch":
            s.sha = hexId(`${name}sha`, 40);
            s.ref = `refs/heads/${inputs.branch}`;
            return { id: `${inputs.repository}:${inputs.branch}`, state: s };
        case "github:index/issueLabel:IssueLabel":
            s.url = `https://api.github.com/repos/acme/${inputs.repository}/labels/${encodeURIComponent(String(inputs.name))}`;
            return { id: `${inputs.repository}:${inputs.name}`, state: s };
        case "pulumi:providers:aws":
        case "pulumi:providers:github":
            return { id: `${name}-provider`, state: s };
        default:
            break;
    }
    if (s.arn === undefined && type.startsWith("aws:")) {
        const service = type.split(":")[1].split("/")[0];
        s.arn = arn(service, r, `${typeName(type).toLowerCase()}/${physical}`);
    }
    if (s.name === undefined && type.startsWith("aws:") && inputs.name === undefined && !prefix) s.name = physical;
    return { id, state: s };
}

function uuid(h: string): string {
    const x = (h + hexId(h, 32)).slice(0, 32);
    return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** Answers provider function calls (invokes) the program makes. */
export function mockCall(token: string, inputs: Record<string, unknown>, ctx: MockContext): Record<string, unknown> {
    switch (token) {
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: MOCK_ACCOUNT, arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/mock`, userId: "AIDAMOCK", id: MOCK_ACCOUNT };
        case "aws:index/getRegion:getRegion":
            return { name: ctx.region, region: ctx.region, id: ctx.region, description: ctx.region, endpoint: `ec2.${ctx.region}.amazonaws.com` };
        case "aws:index/getPartition:getPartition":
            return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws", reverseDnsPrefix: "com.amazonaws" };
        case "aws:index/getAvailabilityZones:getAvailabilityZones":
            return { names: ["a", "b", "c"].map((l) => `${ctx.region}${l}`), zoneIds: ["1", "2", "3"].map((n) => `${ctx.region.slice(0, 3)}-az${n}`), id: ctx.region };
        case "aws:elb/getServiceAccount:getServiceAccount":
            return { arn: "arn:aws:iam::156460612806:root", id: "156460612806" };
        case "github:index/getUser:getUser": {
            const login = String(inputs.username);
            return { id: String(parseInt(hexId(`user:${login}`, 7), 16)), login, nodeId: `U_${hexId(login, 12)}`, name: login };
        }
        case "github:index/getTeam:getTeam": {
            const slug = String(inputs.slug);
            return { id: String(parseInt(hexId(`team:${slug}`, 7), 16)), slug, name: slug, nodeId: `T_${hexId(slug, 12)}`, members: [], repositories: [] };
        }
        case "aws:ecr/getImages:getImages": {
            // ECR's ListImages for the repository: empty on a new stage, else one released image.
            const repositoryName = String(inputs.repositoryName);
            const imageIds = ctx.emptyRepositories ? [] : [{ imageDigest: `sha256:${hexId(`image:${repositoryName}`, 64)}`, imageTag: "release-2026.11.15" }];
            return { repositoryName, registryId: inputs.registryId ?? MOCK_ACCOUNT, region: ctx.region, imageIds, id: repositoryName };
        }
        case "aws:iam/getPolicyDocument:getPolicyDocument":
            return { json: JSON.stringify({ Version: "2012-10-17", Statement: inputs.statements ?? [] }), id: "policy" };
        default:
            return { ...inputs };
    }
}

/** A `pulumi.runtime.Mocks` for one stack. */
export function createMocks(ctx: MockContext, onResource?: (args: pulumi.runtime.MockResourceArgs, result: { id: string; state: Record<string, unknown> }) => void): pulumi.runtime.Mocks {
    return {
        newResource(args) {
            // As Pulumi's: reading a stack that does not exist fails; a missing output is undefined
            // (requireOutput fails): https://www.pulumi.com/docs/iac/concepts/stacks/#stackreferences
            if (args.type === "pulumi:pulumi:StackReference") {
                const stackName = String(args.inputs.name ?? args.name);
                const outputs = ctx.stackOutputs?.[stackName];
                if (!outputs) {
                    throw new Error(`the offline plan has no outputs for stack reference "${stackName}"; run that stack first or provide fixture outputs`);
                }
                const result = { id: stackName, state: { name: stackName, outputs, secretOutputNames: [] } };
                onResource?.(args, result);
                return result;
            }
            if (args.custom === false) {
                const result = { id: "", state: {} };
                return result;
            }
            const result = mockState(args.type, args.name, args.inputs, ctx);
            if (ctx.unknownOutputs) {
                // As in a preview before creation: only the inputs are known.
                const known = { id: result.id, state: { ...args.inputs } };
                onResource?.(args, known);
                return { id: undefined as unknown as string, state: { ...args.inputs } };
            }
            onResource?.(args, result);
            return result;
        },
        call(args) {
            return mockCall(args.token, args.inputs, ctx);
        },
    };
}
