/**
 * A bounded least-recently-used cache of verified access tokens, keyed by the whole token
 * string. Only tokens whose signature and claims were fully checked are ever put in, so a
 * token that differs from a cached one in any character (a tampered payload, another
 * signature) is a miss and goes through the full verification. An entry is served only while
 * `now < exp`, the same boundary the verifier applies; an expired entry is dropped on sight.
 *
 * The cache holds claims, never users: the caller still looks the user up on every request, so
 * a cached token of a deleted user is refused at once.
 */
export interface TokenCache<C extends { exp: number }> {
  /** The cached claims if `token` is cached and not expired at `now` (epoch seconds). */
  get(token: string, now: number): C | undefined;
  set(token: string, claims: C): void;
  readonly size: number;
  clear(): void;
}

export function createTokenCache<C extends { exp: number }>(maxEntries: number): TokenCache<C> {
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 0) {
    throw new RangeError(`maxEntries must be an integer >= 0 (got ${maxEntries})`);
  }
  // A Map iterates in insertion order; re-inserting on a hit keeps the least recently used
  // entry first, where eviction takes it; at this size that is cheap next to a verification.
  const entries = new Map<string, C>();
  return {
    get(token, now) {
      const claims = entries.get(token);
      if (claims === undefined) return undefined;
      entries.delete(token);
      if (claims.exp <= now) return undefined;
      entries.set(token, claims);
      return claims;
    },
    set(token, claims) {
      if (maxEntries === 0) return;
      entries.delete(token);
      if (entries.size >= maxEntries) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
      entries.set(token, claims);
    },
    get size() {
      return entries.size;
    },
    clear() {
      entries.clear();
    },
  };
}
