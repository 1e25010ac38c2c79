/**
 * The stageline CrossGuard policy pack: the only module that calls `new PolicyPack` (which starts
 * the analyzer's gRPC server). Run it with `pulumi preview --policy-pack policy`.
 */
import { PolicyPack } from "@pulumi/policy";
import { allPolicies } from "./policies";

new PolicyPack("stageline", {
    description: "Stageline's stage rules (multi-AZ prod, staging on prod's database, nothing public in dev) and security baseline.",
    provider: "aws",
    tags: ["aws", "github", "stageline"],
    policies: allPolicies,
});
