/** Config rules of the `services` section: its values after defaults, and what is wrong with them. */
import { EdgeSettings, NetworkSettings, ServiceSettings } from "../../settings";
import { fargateMemoryAllowed, fargateMemoryText } from "../../../lib/awsLimits";
import { PROD_MIN_AZS, PROD_MIN_TASKS } from "../../../lib/prodRedundancy";
import { hostnameProblems, serviceNameProblems } from "../../nameRules";
import { secretAdvice } from "../../secrets";
import { NS } from "../shapes";
import { SECRET_KEY_RE } from "../issues";
import { definedOnly, SectionContext } from "./context";

/** The services: routing, sizes, counts, names; their rules across the list. */
export function resolveServices(ctx: SectionContext, network: NetworkSettings, edge: EdgeSettings): ServiceSettings[] {
    const { stage, c, d, k, problems } = ctx;
    const rawServices = c.services ?? [{ name: "web", pathPatterns: ["/*"] }];
    const services: ServiceSettings[] = rawServices.map((s, i) => {
        const name = s.name ?? "";
        const label = name ? `services[${name}]` : `services[${i}]`;
        if (s.name === undefined) problems.push({ key: k(`${label}.name`), given: "(missing)", allowed: "a lower-case name of 2-29 letters, digits and dashes, starting with a letter" });
        const sv: ServiceSettings = {
            ...d.service,
            ...definedOnly(s),
            name,
            priority: s.priority ?? 100 + i * 10,
            pathPatterns: s.pathPatterns ?? (s.hostHeaders === undefined ? (rawServices.length === 1 ? ["/*"] : [`/${name}/*`]) : []),
            hostHeaders: s.hostHeaders ?? [],
            environment: s.environment ?? {},
            amiParameterName: s.amiParameterName ?? `/stageline/${stage}/${name}/ami-id`,
        };
        if (sv.pathPatterns.length === 0 && sv.hostHeaders.length === 0) {
            problems.push({ key: k(`${label}.pathPatterns`), given: "an empty list", allowed: "at least one path pattern or host header, so the load balancer can route to the service" });
        }
        if (sv.runtime === "fargate" && !fargateMemoryAllowed(sv.cpu, sv.memory)) {
            problems.push({ key: k(`${label}.memory`), given: String(sv.memory), allowed: fargateMemoryText(sv.cpu) });
        }
        if (sv.minCount > sv.maxCount) problems.push({ key: k(`${label}.minCount`), given: String(sv.minCount), allowed: `at most maxCount (${sv.maxCount})` });
        if (sv.desiredCount < sv.minCount || sv.desiredCount > sv.maxCount) {
            problems.push({ key: k(`${label}.desiredCount`), given: String(sv.desiredCount), allowed: `from minCount (${sv.minCount}) to maxCount (${sv.maxCount})` });
        }
        if (stage === "prod" && sv.minCount < PROD_MIN_TASKS) {
            const what = sv.runtime === "ec2" ? "instances in an Auto Scaling group over at least two AZs" : "tasks, spread across AZs";
            problems.push({ key: k(`${label}.minCount`), given: String(sv.minCount), allowed: `${PROD_MIN_TASKS} or more in prod (at least two ${what})` });
        }
        if (stage !== "prod" && sv.minCount >= PROD_MIN_TASKS && network.azCount < PROD_MIN_AZS) {
            // AppService refuses it too (two or more tasks need workload subnets in two AZs): said here, once, with the key.
            const what = sv.runtime === "ec2" ? "instances" : "tasks";
            problems.push({ key: k(`${label}.minCount`), given: String(sv.minCount), allowed: `${PROD_MIN_TASKS - 1} while network.azCount is ${network.azCount} (${sv.minCount} ${what} could not spread across AZs; raise network.azCount to ${PROD_MIN_AZS} to run ${sv.minCount})` });
        }
        if (sv.runtime === "ec2" && sv.initialAmiId === undefined) {
            problems.push({ key: k(`${label}.initialAmiId`), given: "(missing)", allowed: "the AMI id the first instances launch from (an ec2 service needs one until its image pipeline has built an AMI), e.g. ami-0123456789abcdef0" });
        }
        for (const envKey of Object.keys(sv.environment)) {
            if (SECRET_KEY_RE.test(envKey)) {
                problems.push({ key: k(`${label}.environment.${envKey}`), given: "a plain-text value", allowed: secretAdvice(k(`${label}.environment.${envKey}`), "a credential") });
            }
        }
        return sv;
    });
    const seen = new Map<string, number>();
    for (const s of services) seen.set(s.name, (seen.get(s.name) ?? 0) + 1);
    for (const [name, count] of seen) {
        if (name && count > 1) problems.push({ key: k(`services[${name}].name`), given: `"${name}" ${count} times`, allowed: "a name unique in the stage" });
    }
    const prio = new Map<number, string[]>();
    for (const s of services) prio.set(s.priority, [...(prio.get(s.priority) ?? []), s.name]);
    for (const [p, names] of prio) {
        if (names.length > 1) problems.push({ key: k(`services[${names[1]}].priority`), given: String(p), allowed: `a listener priority unique in the stage (${names.join(" and ")} share it)` });
    }
    // A catch-all rule (path /* on any host) evaluated before another service's rule shadows it.
    const namesUnique = new Set(services.map((s) => s.name)).size === services.length;
    for (const all of services.filter((s) => namesUnique && s.hostHeaders.length === 0 && s.pathPatterns.includes("/*"))) {
        const shadowed = services.filter((o) => o !== all && o.priority > all.priority).map((o) => o.name);
        if (shadowed.length > 0) {
            problems.push({ key: k(`services[${all.name}].priority`), given: String(all.priority), allowed: `a number above every other service's priority: its path "/*" catches every request first, so ${shadowed.join(", ")} would never be reached` });
        }
    }
    if (services.length === 0) problems.push({ key: k("services"), given: "an empty list", allowed: "at least one service" });
    // Names built from config must fit AWS's limits (lib/names.ts).
    problems.push(...serviceNameProblems(NS, stage, services.map((s) => s.name)));
    if (edge.domain) problems.push(...hostnameProblems(NS, edge.hostname, edge.tls));
    return services;
}
