/** The stage table: every default of every stage, once. */
import { OwnedDatabaseSettings, GitHubSettings, NetworkSettings, PipelineSettings, RepositorySettings, ServiceSettings, Stage, EdgeSettings } from "../settings";
import { BRANCHES, STAGE_BRANCH } from "../../lib/branches";

// ---------------------------------------------------------------------------------------------
// The stage table: every default lives here, once.
// ---------------------------------------------------------------------------------------------

export interface StageDefaults {
    network: Omit<NetworkSettings, "availabilityZones">;
    edge: Omit<EdgeSettings, "domain" | "hostedZoneId" | "hostname">;
    database: OwnedDatabaseSettings | { mode: "shared" };
    service: Omit<ServiceSettings, "name" | "priority" | "amiParameterName" | "initialAmiId">;
    pipeline: Omit<PipelineSettings, "connectionArn" | "repository" | "schedule" | "promoteFromStack"> & { schedule?: string };
    github: Omit<GitHubSettings, "owner" | "repositories">;
}

export const PROD_DB: OwnedDatabaseSettings = {
    mode: "owned" as const,
    engine: "postgres" as const,
    engineVersion: "16",
    autoMinorVersionUpgrade: true,
    instanceClass: "db.m6g.large",
    allocatedStorageGb: 100,
    maxAllocatedStorageGb: 500,
    multiAz: true,
    backupRetentionDays: 14,
    deletionProtection: true,
    performanceInsights: true,
    monitoringIntervalSeconds: 60,
    databaseName: "app",
    masterUsername: "app_admin",
    forceTls: true,
    awsBackup: true,
};

export const BASE_SERVICE: StageDefaults["service"] = {
    port: 8080,
    healthCheckPath: "/health",
    pathPatterns: [],
    hostHeaders: [],
    cpu: 256,
    memory: 512,
    desiredCount: 1,
    minCount: 1,
    maxCount: 2,
    cpuTarget: 60,
    requestsPerTarget: 1000,
    environment: {},
    readOnlyRootFilesystem: true,
    user: "1000:1000",
    initialImageTag: "bootstrap",
    logRetentionDays: 30,
    latencyP95Seconds: 1,
    errors5xxPerMinute: 10,
    runtime: "fargate",
    instanceType: "t3.small",
    rootVolumeGb: 20,
    parentImageParameter: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
};

export const BASE_PIPELINE: StageDefaults["pipeline"] = {
    enabled: true,
    branch: STAGE_BRANCH.dev,
    trigger: "push",
    tagPattern: "release-*",
    approval: false,
    approverEmails: [],
    snapshotBeforeDeploy: false,
    signOff: false,
    buildComputeType: "BUILD_GENERAL1_SMALL",
    buildTimeoutMinutes: 30,
    logRetentionDays: 30,
    artifactRetentionDays: 30,
    snapshotsToKeep: 10,
    // Sized for staging (docs/pipeline.md "Load test"): 20/s for 60 s is 1,200 requests, under 80 % of the WAF's 2,000 per 5 minutes.
    loadTest: { enabled: false, durationSeconds: 60, connections: 10, ratePerSecond: 20, p95Ms: 1000, p99Ms: 2000, maxErrorRate: 0.01 },
};

export const BASE_GITHUB: StageDefaults["github"] = {
    enabled: true,
    manageOrgResources: false,
    infraRepository: "infrastructure",
    requiredApprovals: 1,
    reviewers: [],
    reviewerTeams: [],
    requiredChecks: ["plan", "preview (dev)", "preview (test)", "preview (staging)", "preview (prod)"],
    deployBranch: STAGE_BRANCH.dev,
};

/** The branches GitHubRepos creates and protects in every repository that deploys (the one list: lib/branches.ts). */
export const MANAGED_BRANCHES = BRANCHES;

export const STAGE_DEFAULTS: Record<Stage, StageDefaults> = {
    dev: {
        network: { cidr: "10.10.0.0/16", azCount: 1, natGateways: "single", flowLogRetentionDays: 14 },
        edge: { recordName: "dev", public: false, tls: false, waf: false, wafRateLimit: 2000, accessLogRetentionDays: 14 },
        database: {
            ...PROD_DB,
            instanceClass: "db.t4g.micro",
            allocatedStorageGb: 20,
            maxAllocatedStorageGb: 50,
            multiAz: false,
            backupRetentionDays: 7,
            deletionProtection: false,
            performanceInsights: false,
            monitoringIntervalSeconds: 0,
            awsBackup: false,
        },
        service: { ...BASE_SERVICE, logRetentionDays: 14 },
        pipeline: { ...BASE_PIPELINE, branch: STAGE_BRANCH.dev, trigger: "push", logRetentionDays: 14, artifactRetentionDays: 14 },
        github: { ...BASE_GITHUB },
    },
    test: {
        network: { cidr: "10.20.0.0/16", azCount: 2, natGateways: "single", flowLogRetentionDays: 30 },
        edge: { recordName: "test", public: true, tls: true, waf: true, wafRateLimit: 2000, accessLogRetentionDays: 30 },
        database: {
            ...PROD_DB,
            instanceClass: "db.t4g.small",
            allocatedStorageGb: 20,
            maxAllocatedStorageGb: 100,
            multiAz: false,
            backupRetentionDays: 7,
            deletionProtection: false,
            performanceInsights: false,
            monitoringIntervalSeconds: 0,
            awsBackup: false,
        },
        service: { ...BASE_SERVICE, maxCount: 3 },
        pipeline: { ...BASE_PIPELINE, branch: STAGE_BRANCH.test, trigger: "push" },
        github: { ...BASE_GITHUB, deployBranch: STAGE_BRANCH.test },
    },
    staging: {
        network: { cidr: "10.30.0.0/16", azCount: 3, natGateways: "perAz", flowLogRetentionDays: 90 },
        edge: { recordName: "staging", public: true, tls: true, waf: true, wafRateLimit: 2000, accessLogRetentionDays: 90 },
        database: { mode: "shared" },
        service: { ...BASE_SERVICE, cpu: 512, memory: 1024, desiredCount: 2, minCount: 2, maxCount: 4, logRetentionDays: 90 },
        pipeline: {
            ...BASE_PIPELINE,
            branch: STAGE_BRANCH.staging,
            trigger: "tag",
            schedule: "cron(0 6 1,15 * ? *)",
            approval: true,
            snapshotBeforeDeploy: true,
            signOff: true,
            logRetentionDays: 90,
            artifactRetentionDays: 90,
            loadTest: { ...BASE_PIPELINE.loadTest, enabled: true },
        },
        github: { ...BASE_GITHUB, deployBranch: STAGE_BRANCH.staging },
    },
    prod: {
        network: { cidr: "10.40.0.0/16", azCount: 3, natGateways: "perAz", flowLogRetentionDays: 365 },
        edge: { recordName: "www", public: true, tls: true, waf: true, wafRateLimit: 2000, accessLogRetentionDays: 365 },
        database: { ...PROD_DB },
        service: { ...BASE_SERVICE, cpu: 512, memory: 1024, desiredCount: 2, minCount: 2, maxCount: 10, logRetentionDays: 365 },
        pipeline: {
            ...BASE_PIPELINE,
            branch: STAGE_BRANCH.prod,
            trigger: "promote",
            approval: true,
            snapshotBeforeDeploy: true,
            signOff: true,
            logRetentionDays: 365,
            artifactRetentionDays: 365,
        },
        github: { ...BASE_GITHUB, manageOrgResources: true, deployBranch: STAGE_BRANCH.prod },
    },
};

/** The repositories our users asked for, used when a stack lists none. */
export const DEFAULT_REPOSITORIES: readonly RepositorySettings[] = [
    { name: "app", description: "The application (software)", kind: "software", deploys: true, visibility: "private" },
    { name: "app-image", description: "The AMI recipe (EC2 Image Builder)", kind: "image", deploys: true, visibility: "private" },
    { name: "infrastructure", description: "stageline: this Pulumi program", kind: "infrastructure", deploys: true, visibility: "private" },
    { name: "devops-infrastructure", description: "CI/CD and tooling infrastructure", kind: "devops", deploys: true, visibility: "private" },
    { name: "ios-development", description: "iOS app, development", kind: "mobile", deploys: false, visibility: "private" },
    { name: "ios-staging", description: "iOS app, staging", kind: "mobile", deploys: false, visibility: "private" },
    { name: "ios-production", description: "iOS app, production", kind: "mobile", deploys: false, visibility: "private" },
    { name: "android-development", description: "Android app, development", kind: "mobile", deploys: false, visibility: "private" },
    { name: "android-staging", description: "Android app, staging", kind: "mobile", deploys: false, visibility: "private" },
    { name: "android-production", description: "Android app, production", kind: "mobile", deploys: false, visibility: "private" },
];

