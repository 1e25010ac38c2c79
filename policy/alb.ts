/** Load balancer rules: AZ spread in prod, internal in dev, TLS, logs, header hygiene, WAF. */
import { asList, baseline, dependsOn, known, ofTypes, ResourceRule, Rule, StackRule } from "./rule";
import { isApplicationLb, isInternetFacing, LB_TYPES, LISTENER_TYPES, T } from "./types";
import { PROD_MIN_AZS } from "../lib/prodRedundancy";
// TLS policies that allow TLS 1.2 and newer only: the same list the platform picks its policy from (lib/tlsPolicy.ts, with AWS's page).
import { TLS12_POLICY } from "../lib/tlsPolicy";

export const albRules: Rule[] = [
    {
        kind: "resource",
        name: "prod-alb-spans-two-azs",
        description: "Production load balancers have subnets in at least two Availability Zones, so one AZ outage does not take the entry point down.",
        enforcement: "mandatory",
        stages: ["prod"],
        types: LB_TYPES,
        check(r, f) {
            const subnets = asList(r.props.subnets as string[]);
            const mappings = asList(r.props.subnetMappings as unknown[]);
            const count = Math.max(subnets.length, mappings.length);
            if (count === 0) known(undefined, "subnets");
            if (count < PROD_MIN_AZS) f.fail(`load balancer "${r.name}" must span at least ${PROD_MIN_AZS} Availability Zones in prod (it has ${count} subnet).`, r.urn);
        },
    },
    {
        kind: "resource",
        name: "dev-lb-internal",
        description: "Dev has no external access: its load balancers are internal, reachable only inside the VPC.",
        enforcement: "mandatory",
        stages: ["dev"],
        types: [...LB_TYPES, T.classicElb],
        check(r, f) {
            if (isInternetFacing(r.props)) f.fail(`dev load balancer "${r.name}" must be internal (internal is ${r.props.internal ?? "unset"}): dev has no external access.`, r.urn);
        },
    },
    ...baseline<StackRule>("alb-http-redirects-to-https", {
        kind: "stack",
        description: "On a stage that faces the internet, plain-HTTP listeners only redirect to HTTPS, so no page or credential travels unencrypted.",
        check(resources, f) {
            let facing = false;
            for (const lb of ofTypes(resources, ...LB_TYPES)) f.guard(lb, () => (facing ||= isInternetFacing(lb.props)));
            if (!facing) return;
            for (const l of ofTypes(resources, ...LISTENER_TYPES)) {
                f.guard(l, () => {
                    const protocol = String(l.props.protocol ?? (Number(l.props.port) === 443 ? "HTTPS" : "HTTP"));
                    if (protocol !== "HTTP") return;
                    const actions = asList(known(l.props.defaultActions, "defaultActions") as { type?: string; redirect?: { protocol?: string } }[]);
                    const redirects = actions.length > 0 && actions.every((a) => a.type === "redirect" && a.redirect?.protocol === "HTTPS");
                    if (!redirects) f.fail(`HTTP listener "${l.name}" must redirect to HTTPS.`, l.urn);
                });
            }
        },
    }),
    ...baseline<ResourceRule>("alb-tls-policy", {
        kind: "resource",
        description: "HTTPS listeners negotiate TLS 1.2 or newer only (ELBSecurityPolicy-TLS13-1-2-*, -TLS-1-2-*, -FS-1-2-*).",
        types: LISTENER_TYPES,
        check(r, f) {
            if (r.props.protocol !== "HTTPS") return;
            const policy = String(r.props.sslPolicy ?? "ELBSecurityPolicy-2016-08 (the default)");
            if (!TLS12_POLICY.test(policy)) f.fail(`HTTPS listener "${r.name}" must use a TLS 1.2+ policy (sslPolicy is ${policy}).`, r.urn);
        },
    }),
    ...baseline<ResourceRule>("alb-access-logs", {
        kind: "resource",
        description: "Load balancers write access logs to S3, the record of every request for incident response.",
        types: LB_TYPES,
        check(r, f) {
            const logs = r.props.accessLogs as { enabled?: boolean; bucket?: string } | undefined;
            if (logs?.enabled !== true) f.fail(`load balancer "${r.name}" must have access logs enabled.`, r.urn);
            else known(logs.bucket, "accessLogs.bucket");
        },
    }),
    ...baseline<ResourceRule>("alb-drop-invalid-headers", {
        kind: "resource",
        description: "Application load balancers drop invalid HTTP header fields, closing a request-smuggling path to the services.",
        types: LB_TYPES,
        check(r, f) {
            if (isApplicationLb(r.props) && r.props.dropInvalidHeaderFields !== true) f.fail(`load balancer "${r.name}" must drop invalid header fields.`, r.urn);
        },
    }),
    ...baseline<StackRule>("alb-waf", {
        kind: "stack",
        description: "Every internet-facing application load balancer is behind a WAFv2 web ACL (managed rules, rate limiting).",
        check(resources, f) {
            const assocs = ofTypes(resources, T.wafAssociation);
            const unused = [...assocs];
            for (const lb of ofTypes(resources, ...LB_TYPES)) {
                f.guard(lb, () => {
                    if (!isInternetFacing(lb.props) || !isApplicationLb(lb.props)) return;
                    // Linked by dependency when known (the CLI always sends them); otherwise one association per load balancer.
                    const i = unused.findIndex((a) => (a.dependencies ? dependsOn(a, lb) : true));
                    if (i >= 0) unused.splice(i, 1);
                    else f.fail(`internet-facing load balancer "${lb.name}" has no WAFv2 web ACL association.`, lb.urn);
                });
            }
        },
    }),
];
