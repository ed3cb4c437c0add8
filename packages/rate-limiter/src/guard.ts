import { RateLimitStoreUnavailableError } from "./errors.ts";
import type { RateLimiter } from "./limiter.ts";
import type { RateLimitDecision, RateLimitPolicy } from "./types.ts";

/**
 * What a route does when its limiter's store cannot decide.
 *
 * - `"closed"`: refuse with 503 and `Retry-After`. For limits that protect something (a quota,
 *   an expensive or abusable route): an outage must not turn into unlimited access.
 * - `"open"`: let the request through, without RateLimit headers, and log a warning. For login
 *   throttling: refusing every login while Redis is down locks all users out, which is worse
 *   than briefly losing the brute-force brake; password hashing still bounds the guess rate.
 */
export type UnavailablePolicy = "closed" | "open";

/** What a call under a failure policy came to; `GuardedCheck` is one limiter's. */
export type Guarded<T> =
  | { outcome: "decided"; decision: T }
  /** Fail closed: answer 503 with `Retry-After: retryAfter`. */
  | { outcome: "unavailable"; retryAfter: number; error: RateLimitStoreUnavailableError }
  /** Fail open: serve the request as if allowed; send no RateLimit headers (nothing is known). */
  | { outcome: "bypassed"; error: RateLimitStoreUnavailableError };

export type GuardedCheck = Guarded<RateLimitDecision>;

export interface GuardOptions {
  onUnavailable: UnavailablePolicy;
  /** `Retry-After` for the 503 when failing closed, in whole seconds. */
  retryAfterSeconds?: number;
  /** Where the warnings go; defaults to console.warn. */
  warn?: (message: string, error: RateLimitStoreUnavailableError) => void;
  /** During an outage every request fails the same way: warn at most once per interval. */
  warnIntervalMs?: number;
}

export interface GuardedRateLimiter {
  policy: RateLimitPolicy;
  check(key: string): Promise<GuardedCheck>;
  /**
   * `RateLimiter.peek` under the same policy as `check`: the same outcomes, the same 503 when
   * failing closed, the same "bypassed" when failing open (for login throttling, the password
   * check then runs unthrottled), and the same throttled warnings.
   */
  peek(key: string): Promise<GuardedCheck>;
  /** Like `RateLimiter.reset`, but an unavailable store only warns: the count ages out anyway. */
  reset(key: string): Promise<void>;
  /** Like `RateLimiter.release`, and like `reset` an unavailable store only warns. */
  release(key: string): Promise<void>;
}

/** A failure policy for any store calls, e.g. several limiters' `checkAll`. */
export interface StoreGuard {
  /** Runs a call that decides (`check`, `peek`, `checkAll`) under the policy. */
  decide<T>(call: () => Promise<T>): Promise<Guarded<T>>;
  /**
   * Runs a call that only takes counts back (`reset`, `release`): an unavailable store only
   * warns ("<action> skipped"), and what stays counted ages out.
   */
  forget(action: string, call: () => Promise<void>): Promise<void>;
}

/**
 * Applies a failure policy to a limiter. Only `RateLimitStoreUnavailableError` is handled; any
 * other error is a bug and propagates.
 */
export function guardRateLimiter(limiter: RateLimiter, options: GuardOptions): GuardedRateLimiter {
  const guard = guardStore(limiter.policy.name, options);
  return {
    policy: limiter.policy,
    check: (key) => guard.decide(() => limiter.check(key)),
    peek: (key) => guard.decide(() => limiter.peek(key)),
    reset: (key) => guard.forget("reset", () => limiter.reset(key)),
    release: (key) => guard.forget("release", () => limiter.release(key)),
  };
}

/**
 * The failure policy of `guardRateLimiter`, for calls named `name` in warnings. Only
 * `RateLimitStoreUnavailableError` is handled; any other error is a bug and propagates.
 */
export function guardStore(name: string, options: GuardOptions): StoreGuard {
  const { onUnavailable, retryAfterSeconds = 5, warnIntervalMs = 10_000 } = options;
  const warn =
    options.warn ??
    ((message: string, error: RateLimitStoreUnavailableError) => console.warn(message, error));
  if (!Number.isSafeInteger(retryAfterSeconds) || retryAfterSeconds < 1) {
    throw new RangeError(`retryAfterSeconds must be an integer >= 1, got ${retryAfterSeconds}`);
  }
  let lastWarnAt = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  const report = (action: string, error: RateLimitStoreUnavailableError) => {
    const now = performance.now();
    if (now - lastWarnAt < warnIntervalMs) {
      suppressed++;
      return;
    }
    const more = suppressed > 0 ? ` (${suppressed} similar since the last warning)` : "";
    lastWarnAt = now;
    suppressed = 0;
    warn(`rate limiter "${name}": store unavailable (${error.reason}), ${action}${more}`, error);
  };
  const decide = async <T>(call: () => Promise<T>): Promise<Guarded<T>> => {
    try {
      return { outcome: "decided", decision: await call() };
    } catch (error) {
      if (!(error instanceof RateLimitStoreUnavailableError)) throw error;
      if (onUnavailable === "open") {
        report("failing open: request allowed unchecked", error);
        return { outcome: "bypassed", error };
      }
      report("failing closed: 503", error);
      return { outcome: "unavailable", retryAfter: retryAfterSeconds, error };
    }
  };
  return {
    decide,
    async forget(action, call) {
      try {
        await call();
      } catch (error) {
        if (!(error instanceof RateLimitStoreUnavailableError)) throw error;
        report(`${action} skipped`, error);
      }
    },
  };
}
