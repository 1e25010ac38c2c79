/**
 * The smoke test's own security group. The smoke test runs in the stage's VPC (so dev's internal
 * load balancer is reachable; https://docs.aws.amazon.com/codebuild/latest/userguide/vpc-support.html)
 * and used to borrow the service tasks' group, whose egress allows only 443 and the database
 * ports: dev's URL is plain HTTP on 80, so every dev smoke test would have timed out. Its own group
 * allows exactly what the step needs, and nothing the database admits:
 *  - 443 to anywhere: CodeBuild's own calls (logs, artifacts) and the public load balancers of
 *    test/staging/prod, reached through the NAT gateway;
 *  - the listener port (80 when the stage serves plain HTTP) to the load balancer's group, whose
 *    ingress admits the VPC's CIDR on that port.
 * Security group rules: https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EnvironmentRefs, Tags } from "../types";

/** The port the stage's URL is served on (the listener the smoke test calls). */
export function listenerPort(env: Pick<EnvironmentRefs, "scheme">): number {
    return env.scheme === "https" ? 443 : 80;
}

/** `${name}-smoke-test`: the group of the smoke test's network interfaces, with its egress rules. */
export function smokeTestGroup(name: string, env: EnvironmentRefs, tags: Tags, parent: pulumi.Resource): aws.ec2.SecurityGroup {
    const group = new aws.ec2.SecurityGroup(
        `${name}-smoke-test`,
        { vpcId: env.vpcId, description: `Smoke test of the ${name} pipeline: out to the load balancer and AWS APIs only`, tags: { ...tags, Name: `${name}-smoke-test` } },
        { parent },
    );
    new aws.vpc.SecurityGroupEgressRule(
        `${name}-smoke-test-https-out`,
        { securityGroupId: group.id, description: "HTTPS out: CodeBuild logs and artifacts, public load balancers via NAT", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0", tags },
        { parent },
    );
    const port = listenerPort(env);
    if (port !== 443) {
        new aws.vpc.SecurityGroupEgressRule(
            `${name}-smoke-test-to-alb-${port}`,
            { securityGroupId: group.id, description: `The stage's URL (${env.scheme}, port ${port}) on its load balancer`, ipProtocol: "tcp", fromPort: port, toPort: port, referencedSecurityGroupId: env.albSecurityGroupId, tags },
            { parent },
        );
    }
    return group;
}
