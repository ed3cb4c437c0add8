/**
 * The limiter's contract: a `RateLimitStore` decides, per key, whether one more request fits
 * `limit` requests in the last `windowMs` (an exact sliding log: only admitted requests count),
 * and answers with a `RateLimitDecision`. Every store passes the same conformance suite
 * (`conformance.ts`); past where it builds one, the API sees a store only through this.
 */

/** One decision, with what the `RateLimit` and `Retry-After` headers need. */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  /** Slots left after this decision (0..limit); a `peek` consumes none. */
  remaining: number;
  /** Whole seconds (ceil) until the oldest counted request leaves the window; 0 when nothing is counted. */
  reset: number;
  /** When denied: whole seconds until a slot frees, clamped to 1..window seconds. 0 when allowed. */
  retryAfter: number;
}

/** Where the counts live: `MemoryStore` (one process) or `RedisStore` (shared by many). */
export interface RateLimitStore {
  /** One atomic decision. Networked stores return a Promise, so callers always await. */
  hit(key: string, limit: number, windowMs: number): RateLimitDecision | Promise<RateLimitDecision>;
  /**
   * Read-only: the decision `hit` would make for this key at this moment, without making it.
   * For checks that must not count, e.g. refusing a login before the password is verified when
   * only failed logins are `hit`.
   *
   * A peek records nothing and creates no key (an unknown key allocates nothing in memory and
   * writes nothing to a networked store); it refreshes no expiry and no recency, so it can
   * neither extend a window nor keep a key alive or push another out.
   *
   * With `count` = requests counted in the window at this moment (the same count, under the same
   * clock rules, that `hit` would compare against `limit`):
   * - `allowed`: `count < limit`, i.e. exactly whether a `hit` now would be admitted.
   * - `remaining`: `max(0, limit - count)`, the slots left without consuming one. An unknown key
   *   peeks `remaining: limit`; an admitting `hit` now would answer `remaining - 1`.
   * - `reset`: computed as for `hit`, over what is counted: whole seconds (ceil) until the oldest
   *   counted request leaves the window, 0 when nothing is counted (e.g. an unknown key; a `hit`
   *   there would answer a full window, because it counts itself).
   * - `retryAfter`: as for `hit`: 0 when allowed; when denied, whole seconds until a slot frees,
   *   clamped to 1..window seconds.
   * So a denied peek equals, field for field, the denied `hit` at the same moment.
   *
   * A peek is only as current as its moment: a concurrent `hit` may take the last slot right
   * after it. Throws (or rejects) exactly as `hit` does, RangeError for invalid arguments.
   */
  peek(
    key: string,
    limit: number,
    windowMs: number,
  ): RateLimitDecision | Promise<RateLimitDecision>;
  /**
   * All or nothing, in one atomic step: when a `hit` now would be admitted on every key, each
   * key records one (returning each `hit`'s decision); otherwise nothing is recorded anywhere,
   * no key is created, and each decision is that key's `peek`, at least one of them denied.
   * For a request that must fit several limits at once, e.g. a login reserving its attempt
   * under every throttle before the password is checked: a refused request leaves no count.
   * Keys must be distinct; throws RangeError (recording nothing) for invalid arguments.
   */
  hitAll(hits: readonly StoreHit[]): RateLimitDecision[] | Promise<RateLimitDecision[]>;
  /** Forget a key, e.g. after a successful login. */
  reset(key: string): void | Promise<void>;
  /**
   * Takes back the most recently recorded hit of this key: an admission that turned out not to
   * count (a login that succeeded after reserving its attempt). The newest goes, whichever
   * request made it: the count comes out right, and what stays can only leave the window
   * sooner than the caller's own hit would have. A key left with nothing is as if never hit;
   * an unknown key is left alone.
   */
  release(key: string): void | Promise<void>;
  close(): void | Promise<void>;
}

/** One key's part in `RateLimitStore.hitAll`: the arguments `hit` takes. */
export interface StoreHit {
  key: string;
  limit: number;
  windowMs: number;
}

/** A named limit, as the API configures it and the `RateLimit-Policy` header names it. */
export interface RateLimitPolicy {
  name: string;
  limit: number;
  windowSeconds: number;
}
