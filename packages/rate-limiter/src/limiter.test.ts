import { describe, expect, test } from "bun:test";
import { fakeClock } from "./conformance.ts";
import { checkAll, createRateLimiter } from "./limiter.ts";
import { MemoryStore } from "./memory-store.ts";
import type { RateLimitPolicy, RateLimitStore } from "./types.ts";

const tutorial: RateLimitPolicy = { name: "default", limit: 5, windowSeconds: 60 };

function setup() {
  const clock = fakeClock(Date.parse("2025-01-01T10:00:00Z"));
  const store = new MemoryStore({ now: clock.now, sweepIntervalMs: 0 });
  return { clock, store };
}

describe("createRateLimiter", () => {
  test("reproduces the tutorial timeline for one client_id", async () => {
    const { clock, store } = setup();
    const limiter = createRateLimiter({ store, policy: tutorial });
    const remaining = [];
    for (let s = 0; s <= 20; s += 5) {
      clock.advance(s === 0 ? 0 : 5_000); // 10:00:00, :05, :10, :15, :20
      const d = await limiter.check("client-1");
      expect(d.allowed).toBe(true);
      remaining.push(d.remaining);
    }
    expect(remaining).toEqual([4, 3, 2, 1, 0]);

    clock.advance(5_000); // 10:00:25
    expect(await limiter.check("client-1")).toEqual({
      allowed: false,
      limit: 5,
      remaining: 0,
      reset: 35,
      retryAfter: 35,
    });

    clock.advance(36_000); // 10:01:01
    expect(await limiter.check("client-1")).toMatchObject({ allowed: true, remaining: 0 });
  });

  test("prefixes isolate policies sharing a store", async () => {
    const { store } = setup();
    const login = createRateLimiter({ store, policy: { ...tutorial, limit: 1 }, prefix: "login" });
    const api = createRateLimiter({ store, policy: { ...tutorial, limit: 1 }, prefix: "api" });
    expect((await login.check("alice")).allowed).toBe(true);
    expect((await login.check("alice")).allowed).toBe(false);
    expect((await api.check("alice")).allowed).toBe(true);
  });

  test("the same prefix shares counts", async () => {
    const { store } = setup();
    const a = createRateLimiter({ store, policy: { ...tutorial, limit: 1 }, prefix: "shared" });
    const b = createRateLimiter({ store, policy: { ...tutorial, limit: 1 }, prefix: "shared" });
    await a.check("alice");
    expect((await b.check("alice")).allowed).toBe(false);
  });

  test("without a prefix, differently named policies do not share counts", async () => {
    const { store } = setup();
    const perMinute = createRateLimiter({
      store,
      policy: { name: "permin", limit: 1, windowSeconds: 60 },
    });
    const perHour = createRateLimiter({
      store,
      policy: { name: "perhr", limit: 1, windowSeconds: 3600 },
    });
    await perMinute.check("alice");
    expect((await perHour.check("alice")).allowed).toBe(true);
  });

  test("a client-chosen key cannot reach into another prefix", async () => {
    const { store } = setup();
    const outer = createRateLimiter({ store, policy: { ...tutorial, limit: 1 }, prefix: "a" });
    const inner = createRateLimiter({ store, policy: { ...tutorial, limit: 1 }, prefix: "a:b" });
    await inner.check("c");
    expect((await outer.peek("b:c")).remaining).toBe(1);
    expect((await outer.check("b:c")).allowed).toBe(true);
    await outer.reset("b:c");
    expect((await inner.check("c")).allowed).toBe(false);
  });

  test("reset(key) lets that client start over", async () => {
    const { store } = setup();
    const limiter = createRateLimiter({ store, policy: { ...tutorial, limit: 1 } });
    await limiter.check("alice");
    await limiter.check("bob");
    await limiter.reset("alice");
    expect((await limiter.check("alice")).allowed).toBe(true);
    expect((await limiter.check("bob")).allowed).toBe(false);
  });

  test("awaits asynchronous stores", async () => {
    const { store } = setup();
    const asyncStore: RateLimitStore = {
      hit: async (...args) => store.hit(...args),
      peek: async (...args) => store.peek(...args),
      hitAll: async (hits) => store.hitAll(hits),
      reset: async (key) => store.reset(key),
      release: async (key) => store.release(key),
      close: async () => store.close(),
    };
    const limiter = createRateLimiter({ store: asyncStore, policy: { ...tutorial, limit: 1 } });
    expect((await limiter.peek("alice")).allowed).toBe(true);
    expect((await limiter.check("alice")).allowed).toBe(true);
    expect((await limiter.peek("alice")).allowed).toBe(false);
    expect((await limiter.check("alice")).allowed).toBe(false);
    await limiter.release("alice");
    expect((await checkAll([{ limiter, key: "alice" }]))[0]?.allowed).toBe(true);
  });

  test("peek(key) answers what check would, without counting", async () => {
    const { clock, store } = setup();
    const limiter = createRateLimiter({ store, policy: tutorial });
    for (let i = 0; i < 10; i++) {
      expect(await limiter.peek("alice")).toEqual({
        allowed: true,
        limit: 5,
        remaining: 5,
        reset: 0,
        retryAfter: 0,
      });
    }
    expect(store.size).toBe(0);
    await limiter.check("alice");
    clock.advance(10_000);
    expect(await limiter.peek("alice")).toMatchObject({ allowed: true, remaining: 4, reset: 50 });
    expect((await limiter.check("alice")).remaining).toBe(3);
  });

  test("login throttling: reserve the attempt before the password, keep it on a failure, reset on success", async () => {
    const { clock, store } = setup();
    const login = createRateLimiter({
      store,
      policy: { name: "login", limit: 3, windowSeconds: 60 },
    });
    let checks = 0;
    const attempt = async (user: string, passwordOk: boolean) => {
      const reserved = await login.check(user);
      if (!reserved.allowed) return { status: 429, retryAfter: reserved.retryAfter };
      checks++;
      await Bun.sleep(0); // the password check: other attempts run meanwhile
      if (!passwordOk) return { status: 401 }; // the reservation is the failure's record
      await login.reset(user);
      return { status: 200 };
    };
    // Successful logins never count, however many.
    for (let i = 0; i < 10; i++) expect(await attempt("alice", true)).toEqual({ status: 200 });
    // Parallel failures: only the limit's worth of password checks run.
    checks = 0;
    const statuses = (await Promise.all(Array.from({ length: 20 }, () => attempt("alice", false))))
      .map((r) => r.status)
      .sort();
    expect(statuses).toEqual([...Array(3).fill(401), ...Array(17).fill(429)]);
    expect(checks).toBe(3);
    clock.advance(3_000);
    // Over the limit, even the right password is not tried; and refused attempts do not count.
    for (let i = 0; i < 5; i++) {
      expect(await attempt("alice", true)).toEqual({ status: 429, retryAfter: 57 });
    }
    expect(await attempt("bob", false)).toEqual({ status: 401 });
    clock.advance(57_000); // the failures have left the window
    expect(await attempt("alice", true)).toEqual({ status: 200 });
    expect(await login.peek("alice")).toMatchObject({ allowed: true, remaining: 3 });
  });

  test("checkAll counts under every limiter or under none", async () => {
    const { store } = setup();
    const pair = createRateLimiter({
      store,
      policy: { name: "pair", limit: 2, windowSeconds: 60 },
    });
    const account = createRateLimiter({
      store,
      policy: { name: "account", limit: 3, windowSeconds: 60 },
    });
    const both = (address: string) =>
      checkAll([
        { limiter: pair, key: `alice|${address}` },
        { limiter: account, key: "alice" },
      ]);
    expect((await both("a")).map((d) => d.remaining)).toEqual([1, 2]);
    expect((await both("a")).map((d) => d.remaining)).toEqual([0, 1]);
    // The pair is full: nothing is counted, not even under the account.
    expect((await both("a")).map((d) => [d.allowed, d.remaining])).toEqual([
      [false, 0],
      [true, 1],
    ]);
    expect((await both("b")).map((d) => d.allowed)).toEqual([true, true]);
    expect((await both("c")).map((d) => [d.allowed, d.remaining])).toEqual([
      [true, 2],
      [false, 0],
    ]);
    expect(await pair.peek("alice|c")).toMatchObject({ remaining: 2 });
    expect(await checkAll([])).toEqual([]);
  });

  test("checkAll refuses limiters on different stores, or not made by createRateLimiter", async () => {
    const { store } = setup();
    const ours = createRateLimiter({ store, policy: tutorial });
    const elsewhere = createRateLimiter({
      store: new MemoryStore({ sweepIntervalMs: 0 }),
      policy: tutorial,
    });
    await expect(
      checkAll([
        { limiter: ours, key: "k" },
        { limiter: elsewhere, key: "k" },
      ]),
    ).rejects.toThrow(RangeError);
    await expect(checkAll([{ limiter: { ...ours }, key: "k" }])).rejects.toThrow(TypeError);
    expect(await ours.peek("k")).toMatchObject({ remaining: 5 });
  });

  test("passes the policy's limit and window in milliseconds to the store", async () => {
    const calls: unknown[][] = [];
    const spy: RateLimitStore = {
      hit: (key, limit, windowMs) => {
        calls.push(["hit", key, limit, windowMs]);
        return { allowed: true, limit, remaining: limit - 1, reset: 60, retryAfter: 0 };
      },
      peek: (key, limit, windowMs) => {
        calls.push(["peek", key, limit, windowMs]);
        return { allowed: true, limit, remaining: limit, reset: 0, retryAfter: 0 };
      },
      hitAll: () => [],
      reset: () => {},
      release: () => {},
      close: () => {},
    };
    const limiter = createRateLimiter({ store: spy, policy: tutorial });
    await limiter.check("client-1");
    await limiter.peek("client-1");
    expect(calls).toEqual([
      ["hit", "default:client-1", 5, 60_000],
      ["peek", "default:client-1", 5, 60_000],
    ]);
  });

  test("the exposed policy is a frozen copy", () => {
    const { store } = setup();
    const policy = { ...tutorial };
    const limiter = createRateLimiter({ store, policy });
    policy.limit = 1_000;
    expect(limiter.policy).toEqual(tutorial);
    expect(Object.isFrozen(limiter.policy)).toBe(true);
  });

  test("rejects invalid policies with RangeError", () => {
    const { store } = setup();
    const bad: RateLimitPolicy[] = [
      { ...tutorial, name: "" },
      { ...tutorial, name: "ünïcode" },
      { ...tutorial, name: "line\nbreak" },
      { ...tutorial, limit: 0 },
      { ...tutorial, limit: 2.5 },
      { ...tutorial, windowSeconds: 0 },
      { ...tutorial, windowSeconds: 0.5 },
      { ...tutorial, windowSeconds: Number.NaN },
    ];
    for (const policy of bad)
      expect(() => createRateLimiter({ store, policy })).toThrow(RangeError);
  });
});
