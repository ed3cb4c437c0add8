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
   * `remaining` is what is left without consuming a slot. Only as current as its moment: work
   * that must fit the limit (a password check) takes its slot first, with `check` or
   * `checkAll`, and gives it back with `release` if it turns out not to count.
   */
  peek(key: string): Promise<RateLimitDecision>;
  reset(key: string): Promise<void>;
  /** Takes back the key's most recent counted request (`RateLimitStore.release`). */
  release(key: string): Promise<void>;
}

/** What `checkAll` needs of each limiter and callers never see. */
const inside = new WeakMap<
  RateLimiter,
  { store: RateLimitStore; namespace: string; limit: number; windowMs: number }
>();

/**
 * Counts one request under several limiters at once, or under none (`RateLimitStore.hitAll`):
 * when every limiter admits it, each counts it and answers as `check` would; when any refuses,
 * nothing is counted anywhere and each answers as `peek` would. The limiters must come from
 * `createRateLimiter` and share one store, and the keys must not meet in one namespace.
 */
export async function checkAll(
  checks: readonly { limiter: RateLimiter; key: string }[],
): Promise<RateLimitDecision[]> {
  const parts = checks.map(({ limiter, key }) => {
    const part = inside.get(limiter);
    if (!part) throw new TypeError(`checkAll: limiter "${limiter.policy.name}" is not our own`);
    return { ...part, key };
  });
  const store = parts[0]?.store;
  if (!store) return [];
  if (parts.some((part) => part.store !== store)) {
    throw new RangeError("checkAll: the limiters must share one store");
  }
  return store.hitAll(
    parts.map(({ namespace, key, limit, windowMs }) => ({ key: namespace + key, limit, windowMs })),
  );
}

export function createRateLimiter({ store, policy, prefix }: RateLimiterOptions): RateLimiter {
  assertPolicy(policy);
  // Keys are client-controlled and may contain ':'; percent-encoding the prefix keeps ':' out of
  // it, so the first ':' always ends the namespace and no key can reach into another policy's.
  const namespace = `${encodeURIComponent(prefix ?? policy.name)}:`;
  const { limit } = policy;
  const windowMs = policy.windowSeconds * 1000;
  const frozen = Object.freeze({ ...policy });
  const limiter: RateLimiter = {
    policy: frozen,
    check: async (key) => store.hit(namespace + key, limit, windowMs),
    peek: async (key) => store.peek(namespace + key, limit, windowMs),
    reset: async (key) => {
      await store.reset(namespace + key);
    },
    release: async (key) => {
      await store.release(namespace + key);
    },
  };
  inside.set(limiter, { store, namespace, limit, windowMs });
  return limiter;
}
