import type { RateLimitDecision, RateLimitPolicy } from "./types.ts";
import { assertPolicy, isSfStringValue } from "./validate.ts";

/**
 * RateLimit-Policy / RateLimit fields as in draft-ietf-httpapi-ratelimit-headers-11 (May 2026):
 * each is a Structured Fields List whose Items are the policy name as an sf-string, with
 * parameters q (quota) and w (window, seconds) for the policy, r (remaining quota) and
 * t (seconds of the effective window) for the current limit. Retry-After (RFC 9110) is added
 * only on denial; the store never makes it earlier than the end of the effective window,
 * which the draft asks for when both are sent.
 */
export function rateLimitHeaders(
  policy: RateLimitPolicy,
  d: RateLimitDecision,
): Record<string, string> {
  // Revalidated because a malformed q or w would produce a field clients must reject.
  assertPolicy(policy);
  const name = sfString(policy.name);
  const headers: Record<string, string> = {
    "RateLimit-Policy": `${name};q=${policy.limit};w=${policy.windowSeconds}`,
    RateLimit: `${name};r=${d.remaining};t=${d.reset}`,
  };
  if (!d.allowed) headers["Retry-After"] = String(d.retryAfter);
  return headers;
}

export function sfString(value: string): string {
  if (!isSfStringValue(value)) {
    throw new RangeError(
      `not representable as a structured-field string: ${JSON.stringify(value)}`,
    );
  }
  // RFC 9651 §4.1.6: only " and \ need escaping.
  return `"${value.replace(/["\\]/g, "\\$&")}"`;
}
