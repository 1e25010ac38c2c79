/**
 * The TLS security policy of HTTPS listeners: the one the platform's load balancer uses, and the
 * family the policy pack accepts from any program. Both from AWS's list of Application Load
 * Balancer security policies, which recommends ELBSecurityPolicy-TLS13-1-2-2021-06 ("includes
 * TLS 1.3, and is backwards compatible with TLS 1.2"):
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
 */

/** The platform's HTTPS listeners: TLS 1.3 and 1.2 only, forward-secret ciphers. */
export const PLATFORM_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/**
 * Security policies that negotiate TLS 1.2 and newer only (the pack's rule `alb-tls-policy`):
 * ELBSecurityPolicy-TLS13-1-2-* and the TLS 1.3-only ELBSecurityPolicy-TLS13-1-3-*, -TLS-1-2-*,
 * -FS-1-2-*; never -TLS13-1-0-* or -TLS13-1-1-*, which also accept TLS 1.0 or 1.1. Broader than the
 * platform's choice, since the pack judges any program; `PLATFORM_TLS_POLICY` is one of them
 * (tests/limits.test.ts).
 */
export const TLS12_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)-/;
