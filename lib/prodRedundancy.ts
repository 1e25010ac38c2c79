/**
 * The platform's own redundancy rule (the mission, not an AWS limit): production serves traffic
 * from at least two Availability Zones, runs at least two tasks or instances of every service,
 * and its database is Multi-AZ, so one task, one instance or one AZ failing leaves prod up.
 *
 * One number each, used by the config (infra/config/sections/), the components' wiring checks
 * and the policy pack (policy/), which must agree: tests/limits.test.ts proves they do at the
 * boundary. The AWS minimums the subnets obey whatever the stage are in lib/awsLimits.ts
 * (`ALB_MIN_AZS`, `DB_SUBNET_GROUP_MIN_AZS`).
 */

/** Availability Zones prod serves traffic from: workload subnets, NAT gateways, load balancer, Auto Scaling groups. */
export const PROD_MIN_AZS = 2;

/**
 * Tasks (Fargate) or instances (EC2) every prod service keeps running, autoscaling included.
 * In any stage, a service that runs this many spreads them over at least `PROD_MIN_AZS` AZs.
 */
export const PROD_MIN_TASKS = 2;

/** Instances of a prod Aurora cluster: a writer and a reader in another AZ to fail over to. */
export const PROD_MIN_AURORA_INSTANCES = 2;
