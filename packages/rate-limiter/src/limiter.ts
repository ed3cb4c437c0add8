import type { RateLimitDecision, RateLimitPolicy, RateLimitStore } from "./types.ts";
import { assertPolicy } from "./validate.ts";

export interface RateLimiterOptions {
  store: RateLimitStore;
  policy: RateLimitPolicy;
  /** Namespace inside the store; defaults to the policy name so policies sharing a store never share counts. */
  prefix?: string;
}

export interface RateLimiter {
  policy: RateLimitPolicy;
  /** Counts a request (`RateLimitStore.hit`) and returns the decision. */
  check(key: string): Promise<RateLimitDecision>;
  /**
   * The decision `check` would make now, without counting anything (`RateLimitStore.peek`):
   * `remaining` is what is left without consuming a slot. For login throttling that counts
   * only failures: peek before verifying the password, `check` on a failure, `reset` on success.
   */
  peek(key: string): Promise<RateLimitDecision>;
  reset(key: string): Promise<void>;
}

export function createRateLimiter({ store, policy, prefix }: RateLimiterOptions): RateLimiter {
  assertPolicy(policy);
  // Keys are client-controlled and may contain ':'; percent-encoding the prefix keeps ':' out of
  // it, so the first ':' always ends the namespace and no key can reach into another policy's.
  const namespace = `${encodeURIComponent(prefix ?? policy.name)}:`;
  const { limit } = policy;
  const windowMs = policy.windowSeconds * 1000;
  const frozen = Object.freeze({ ...policy });
  return {
    policy: frozen,
    check: async (key) => store.hit(namespace + key, limit, windowMs),
    peek: async (key) => store.peek(namespace + key, limit, windowMs),
    reset: async (key) => {
      await store.reset(namespace + key);
    },
  };
}
