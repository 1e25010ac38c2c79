/** Config rules of the `edge` section: its values after defaults, and what is wrong with them. */
import { EdgeSettings } from "../../settings";
import { SectionContext } from "./context";

/** The load balancer's edge: domain, host name, public, TLS, WAF. */
export function resolveEdge(ctx: SectionContext): EdgeSettings {
    const { stage, c, d, k, problems } = ctx;
    const e = c.edge ?? {};
    const domain = e.domain;
    if (domain === undefined) problems.push({ key: k("edge.domain"), given: "(missing)", allowed: "a lower-case DNS domain such as example.com" });
    const recordName = e.recordName ?? d.edge.recordName;
    const edge: EdgeSettings = {
        domain: domain ?? "",
        hostedZoneId: e.hostedZoneId,
        recordName,
        hostname: `${recordName}.${domain ?? ""}`,
        public: e.public ?? d.edge.public,
        tls: e.tls ?? d.edge.tls,
        waf: e.waf ?? d.edge.waf,
        wafRateLimit: e.wafRateLimit ?? d.edge.wafRateLimit,
        accessLogRetentionDays: e.accessLogRetentionDays ?? d.edge.accessLogRetentionDays,
    };
    if (stage === "dev" && edge.public) {
        problems.push({ key: k("edge.public"), given: "true", allowed: "false in dev (developers' sandbox has no external access)" });
    }
    if (edge.public && !edge.tls) {
        problems.push({ key: k("edge.tls"), given: "false", allowed: "true when edge.public is true (internet-facing load balancers serve HTTPS only)" });
    }
    if (edge.public && !edge.waf) {
        problems.push({ key: k("edge.waf"), given: "false", allowed: "true when edge.public is true (every internet-facing load balancer has a WAF)" });
    }
    if ((edge.tls || edge.public) && edge.hostedZoneId === undefined) {
        problems.push({ key: k("edge.hostedZoneId"), given: "(missing)", allowed: "the Route 53 hosted zone id of edge.domain (needed for the certificate and the public record)" });
    }
    return edge;
}
