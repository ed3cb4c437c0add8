import { describe, expect, test } from "bun:test";
import { RateLimitStoreUnavailableError } from "./errors.ts";
import { rateLimitStoreFromEnv } from "./from-env.ts";
import { guardRateLimiter, guardStore } from "./guard.ts";
import { checkAll, createRateLimiter } from "./limiter.ts";
import { MemoryStore } from "./memory-store.ts";
import { RedisStore } from "./redis-store.ts";
import type { RateLimitStore } from "./types.ts";

const policy = { name: "default", limit: 1, windowSeconds: 60 };

/** A store that fails the way we tell it to. */
function brokenStore(error: () => Error): RateLimitStore {
  return {
    hit: async () => {
      throw error();
    },
    peek: async () => {
      throw error();
    },
    hitAll: async () => {
      throw error();
    },
    reset: async () => {
      throw error();
    },
    release: async () => {
      throw error();
    },
    close: () => {},
  };
}

const down = () => new RateLimitStoreUnavailableError("connection", "Redis is down");

function setup(store: RateLimitStore, onUnavailable: "open" | "closed", warnIntervalMs = 10_000) {
  const warnings: string[] = [];
  const guarded = guardRateLimiter(createRateLimiter({ store, policy }), {
    onUnavailable,
    warn: (message, error) => {
      expect(error).toBeInstanceOf(RateLimitStoreUnavailableError);
      warnings.push(message);
    },
    warnIntervalMs,
  });
  return { guarded, warnings };
}

describe("guardRateLimiter", () => {
  test("passes decisions through while the store works", async () => {
    const { guarded, warnings } = setup(new MemoryStore({ sweepIntervalMs: 0 }), "closed");
    expect(await guarded.check("alice")).toMatchObject({
      outcome: "decided",
      decision: { allowed: true, remaining: 0 },
    });
    expect(await guarded.check("alice")).toMatchObject({
      outcome: "decided",
      decision: { allowed: false },
    });
    expect(warnings).toEqual([]);
    expect(guarded.policy).toEqual(policy);
  });

  test("peek passes decisions through without counting", async () => {
    const { guarded, warnings } = setup(new MemoryStore({ sweepIntervalMs: 0 }), "closed");
    for (let i = 0; i < 3; i++) {
      expect(await guarded.peek("alice")).toEqual({
        outcome: "decided",
        decision: { allowed: true, limit: 1, remaining: 1, reset: 0, retryAfter: 0 },
      });
    }
    await guarded.check("alice");
    expect(await guarded.peek("alice")).toMatchObject({
      outcome: "decided",
      decision: { allowed: false, remaining: 0, retryAfter: 60 },
    });
    expect(warnings).toEqual([]);
  });

  test("peek follows the same failure policy as check, and shares its warning throttle", async () => {
    const closed = setup(brokenStore(down), "closed");
    expect(await closed.guarded.peek("alice")).toMatchObject({
      outcome: "unavailable",
      retryAfter: 5,
    });
    expect(closed.warnings).toEqual([
      'rate limiter "default": store unavailable (connection), failing closed: 503',
    ]);
    const open = setup(brokenStore(down), "open");
    const bypassed = await open.guarded.peek("alice");
    expect(bypassed).toMatchObject({ outcome: "bypassed" });
    expect(bypassed.outcome === "bypassed" && bypassed.error).toBeInstanceOf(
      RateLimitStoreUnavailableError,
    );
    await open.guarded.check("alice");
    await open.guarded.peek("alice");
    expect(open.warnings).toEqual([
      'rate limiter "default": store unavailable (connection), failing open: request allowed unchecked',
    ]);
  });

  test("fail closed: unavailable with a Retry-After, and a warning", async () => {
    const { guarded, warnings } = setup(brokenStore(down), "closed");
    const result = await guarded.check("alice");
    expect(result).toMatchObject({ outcome: "unavailable", retryAfter: 5 });
    expect(warnings).toEqual([
      'rate limiter "default": store unavailable (connection), failing closed: 503',
    ]);
  });

  test("fail open: bypassed, and a warning", async () => {
    const { guarded, warnings } = setup(brokenStore(down), "open");
    expect(await guarded.check("alice")).toMatchObject({ outcome: "bypassed" });
    expect(warnings).toEqual([
      'rate limiter "default": store unavailable (connection), failing open: request allowed unchecked',
    ]);
  });

  test("warnings are throttled and count what they suppressed", async () => {
    const { guarded, warnings } = setup(brokenStore(down), "open", 50);
    for (let i = 0; i < 10; i++) await guarded.check("alice");
    expect(warnings).toHaveLength(1);
    await Bun.sleep(60);
    await guarded.check("alice");
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toEndWith("(9 similar since the last warning)");
  });

  test("reset and release on an unavailable store warn instead of throwing", async () => {
    for (const action of ["reset", "release"] as const) {
      const { guarded, warnings } = setup(brokenStore(down), "closed");
      await guarded[action]("alice");
      expect(warnings).toEqual([
        `rate limiter "default": store unavailable (connection), ${action} skipped`,
      ]);
    }
  });

  test("release passes through while the store works", async () => {
    const { guarded } = setup(new MemoryStore({ sweepIntervalMs: 0 }), "closed");
    await guarded.check("alice");
    expect(await guarded.check("alice")).toMatchObject({ decision: { allowed: false } });
    await guarded.release("alice");
    expect(await guarded.check("alice")).toMatchObject({ decision: { allowed: true } });
  });

  test("guardStore puts any store call under the policy, e.g. checkAll", async () => {
    const warnings: string[] = [];
    const guard = guardStore("login", { onUnavailable: "open", warn: (m) => warnings.push(m) });
    const store = brokenStore(down);
    const limiter = createRateLimiter({ store, policy });
    expect(await guard.decide(() => checkAll([{ limiter, key: "a" }]))).toMatchObject({
      outcome: "bypassed",
    });
    const working = createRateLimiter({ store: new MemoryStore({ sweepIntervalMs: 0 }), policy });
    expect(await guard.decide(() => checkAll([{ limiter: working, key: "a" }]))).toMatchObject({
      outcome: "decided",
      decision: [{ allowed: true }],
    });
    expect(warnings).toEqual([
      'rate limiter "login": store unavailable (connection), failing open: request allowed unchecked',
    ]);
  });

  test("other errors are bugs and propagate", async () => {
    const bug = () => new TypeError("boom");
    for (const mode of ["open", "closed"] as const) {
      const { guarded, warnings } = setup(brokenStore(bug), mode);
      await expect(guarded.check("alice")).rejects.toThrow(TypeError);
      await expect(guarded.peek("alice")).rejects.toThrow(TypeError);
      await expect(guarded.reset("alice")).rejects.toThrow(TypeError);
      await expect(guarded.release("alice")).rejects.toThrow(TypeError);
      expect(warnings).toEqual([]);
    }
  });

  test("rejects a Retry-After that is not a whole number of seconds >= 1", () => {
    const limiter = createRateLimiter({ store: new MemoryStore({ sweepIntervalMs: 0 }), policy });
    for (const retryAfterSeconds of [0, 1.5, Number.NaN]) {
      expect(() =>
        guardRateLimiter(limiter, { onUnavailable: "closed", retryAfterSeconds }),
      ).toThrow(RangeError);
    }
  });
});

describe("rateLimitStoreFromEnv", () => {
  test("REDIS_URL unset or blank: MemoryStore", () => {
    for (const env of [{}, { REDIS_URL: "" }, { REDIS_URL: "  " }]) {
      const store = rateLimitStoreFromEnv({ env, memory: { sweepIntervalMs: 0 } });
      expect(store).toBeInstanceOf(MemoryStore);
      store.close();
    }
  });

  test("REDIS_URL set: RedisStore, which connects only when first used", async () => {
    const store = rateLimitStoreFromEnv({
      env: { REDIS_URL: "redis://127.0.0.1:1" },
      redis: { timeoutMs: 500, maxRetries: 0 },
    });
    expect(store).toBeInstanceOf(RedisStore);
    await expect(Promise.resolve(store.hit("k", 1, 1_000))).rejects.toBeInstanceOf(
      RateLimitStoreUnavailableError,
    );
    await store.close();
  });
});
