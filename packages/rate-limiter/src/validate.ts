import type { RateLimitPolicy, StoreHit } from "./types.ts";

// Shared by every store so they all reject the same inputs the same way.
export function assertHitArgs(limit: number, windowMs: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new RangeError(`limit must be an integer >= 1, got ${limit}`);
  }
  if (!Number.isFinite(windowMs) || windowMs <= 0) {
    throw new RangeError(`windowMs must be a finite number > 0, got ${windowMs}`);
  }
}

export function assertPolicy(policy: RateLimitPolicy): void {
  // The name is sent as an sf-string, and an empty one would make a useless default prefix.
  if (policy.name === "" || !isSfStringValue(policy.name)) {
    throw new RangeError(
      `policy name must be non-empty printable ASCII, got ${JSON.stringify(policy.name)}`,
    );
  }
  if (!Number.isSafeInteger(policy.limit) || policy.limit < 1) {
    throw new RangeError(`policy limit must be an integer >= 1, got ${policy.limit}`);
  }
  // The draft's w parameter is a positive whole number of seconds.
  if (!Number.isSafeInteger(policy.windowSeconds) || policy.windowSeconds < 1) {
    throw new RangeError(
      `policy windowSeconds must be an integer >= 1, got ${policy.windowSeconds}`,
    );
  }
}

// RFC 9651 §3.3.3: an sf-string carries only printable ASCII (0x20-0x7E).
const SF_STRING_CHARS = /^[\x20-\x7e]*$/;

export function isSfStringValue(value: string): boolean {
  return SF_STRING_CHARS.test(value);
}

export function ceilSeconds(ms: number): number {
  return Math.ceil(ms / 1000);
}

/** `hitAll`'s arguments, checked before anything is recorded. */
export function assertHits(hits: readonly StoreHit[]): void {
  const keys = new Set<string>();
  for (const { key, limit, windowMs } of hits) {
    assertHitArgs(limit, windowMs);
    if (keys.has(key))
      throw new RangeError(`hitAll keys must be distinct, got ${JSON.stringify(key)} twice`);
    keys.add(key);
  }
}
