/**
 * Config rules for the parts of AWS names that come from config: a value that would make a name
 * longer than AWS allows is refused here, with the limit named, instead of failing at preview
 * (the limits and their AWS pages: lib/names.ts).
 */
import { ConfigProblem } from "./errors";
import { maxHostnameLength, maxServiceNameLength, NAME_LIMITS, SERVICE_NAME_TEMPLATE } from "../lib/names";

/** Service names too long for the stage's AWS names (one problem per service). */
export function serviceNameProblems(ns: string, stage: string, names: readonly string[]): ConfigProblem[] {
    const max = maxServiceNameLength(stage);
    const limit = NAME_LIMITS[SERVICE_NAME_TEMPLATE.type];
    return names
        .filter((n) => n.length > max)
        .map((n) => ({
            key: `${ns}:services[${n}].name`,
            given: JSON.stringify(n),
            allowed:
                `a name of at most ${max} characters in ${stage}: its ${limit.what}, "${SERVICE_NAME_TEMPLATE.build(stage, n)}" plus Pulumi's 8-character suffix, ` +
                `would be ${SERVICE_NAME_TEMPLATE.build(stage, n).length + 8} characters and AWS allows ${limit.max} (${limit.doc})`,
        }));
}

/** A host name too long for DNS, or (with TLS) for the certificate's Common Name. */
export function hostnameProblems(ns: string, hostname: string, tls: boolean): ConfigProblem[] {
    const max = maxHostnameLength(tls);
    if (hostname.length <= max) return [];
    const why = tls
        ? `the certificate's domain name (its Common Name) is at most 64 characters (${NAME_LIMITS["aws:acm/certificate:Certificate"].doc})`
        : `a DNS name is at most 253 characters (${NAME_LIMITS["aws:route53/record:Record"].doc})`;
    return [
        {
            key: `${ns}:edge.domain`,
            given: JSON.stringify(hostname.slice(hostname.indexOf(".") + 1)),
            allowed: `a domain that keeps the host name "${hostname}" (${hostname.length} characters) within ${max}: ${why}; or a shorter edge.recordName`,
            dependsOn: [`${ns}:edge.recordName`],
        },
    ];
}
