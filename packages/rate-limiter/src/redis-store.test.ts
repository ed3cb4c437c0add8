import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RedisClient } from "bun";
import fc from "fast-check";
import { fakeClock, runStoreConformance } from "./conformance.ts";
import { RateLimitStoreUnavailableError } from "./errors.ts";
import { guardRateLimiter } from "./guard.ts";
import { createRateLimiter } from "./limiter.ts";
import { MemoryStore } from "./memory-store.ts";
import { PEEK_SCRIPT } from "./redis-scripts.ts";
import { RedisStore, type RedisStoreOptions } from "./redis-store.ts";
import {
  blackhole,
  deleteKeys,
  HEALTHY_CALL_BUDGET_MS,
  REDIS_URL,
  redisGate,
  redisProxy,
  requireRedis,
  uniquePrefix,
} from "./redis-test-support.ts";
import type { RateLimitDecision } from "./types.ts";

const MINUTE = 60_000;
const run = await requireRedis();
const prefix = uniquePrefix("rate-limiter");

// The store must stay within its timeout whatever Redis does; this is the slack allowed for a
// loaded test machine on top of it.
const SLACK_MS = 150;

let admin: RedisClient;
const stores: RedisStore[] = [];
/** A store under this run's prefix, closed after all tests. */
const store = (options: RedisStoreOptions = {}) => {
  const s = new RedisStore({
    url: REDIS_URL,
    keyPrefix: `${prefix}x:`,
    timeoutMs: HEALTHY_CALL_BUDGET_MS,
    ...options,
  });
  stores.push(s);
  return s;
};
let seq = 0;
const key = (label: string) => `${++seq}:${label}`;
const full = (k: string) => `${prefix}x:${k}`;

async function elapsed<T>(
  fn: () => Promise<T>,
): Promise<{ ms: number; result: PromiseSettledResult<T> }> {
  const start = performance.now();
  const [result] = await Promise.allSettled([fn()]);
  return { ms: performance.now() - start, result: result as PromiseSettledResult<T> };
}

function unavailableReason(result: PromiseSettledResult<unknown>): string {
  if (result.status === "fulfilled") return "fulfilled";
  expect(result.reason).toBeInstanceOf(RateLimitStoreUnavailableError);
  return (result.reason as RateLimitStoreUnavailableError).reason;
}

/** Calls fn until it settles within 20 ms (a fast failure); gives up after budgetMs. */
async function untilFast<T>(fn: () => Promise<T>, budgetMs: number) {
  const start = performance.now();
  for (;;) {
    const attempt = await elapsed(fn);
    if (attempt.ms < 20 || performance.now() - start > budgetMs) return attempt;
    await Bun.sleep(5);
  }
}

/** Calls fn until it resolves; returns how long that took and how many calls failed first. */
async function untilOk<T>(fn: () => Promise<T>, budgetMs: number, pauseMs = 20) {
  const start = performance.now();
  let failures = 0;
  for (;;) {
    try {
      const value = await fn();
      return { value, ms: performance.now() - start, failures };
    } catch (error) {
      expect(error).toBeInstanceOf(RateLimitStoreUnavailableError);
      failures++;
      if (performance.now() - start > budgetMs) throw error;
      await Bun.sleep(pauseMs);
    }
  }
}

test("redisGate: run when reachable, fail under CI, skip (loudly) elsewhere", () => {
  expect(redisGate(true, true)).toBe("run");
  expect(redisGate(true, false)).toBe("run");
  expect(redisGate(false, true)).toBe("fail");
  expect(redisGate(false, false)).toBe("skip");
});

describe.skipIf(!run)("RedisStore", () => {
  beforeAll(async () => {
    admin = new RedisClient(REDIS_URL);
    await admin.connect();
  });

  afterAll(async () => {
    for (const s of stores) s.close();
    await deleteKeys(admin, prefix);
    expect(await deleteKeys(admin, prefix)).toBe(0);
    admin.close();
  });

  // The full suite, time-travel cases included: the fake clock's `now` is sent to the script.
  runStoreConformance("RedisStore (injected clock)", (now) =>
    store({ now, keyPrefix: `${prefix}fake:` }),
  );
  // The production path reads Redis TIME, so only the clock-free cases apply.
  runStoreConformance("RedisStore (Redis TIME)", () => store({ keyPrefix: `${prefix}time:` }), {
    fakeClock: false,
  });

  test("decides and peeks exactly as MemoryStore on random histories (limits, windows, resets)", async () => {
    let clock = fakeClock();
    const redis = store({ now: () => clock.now(), keyPrefix: `${prefix}model:` });
    let round = 0;
    const op = fc.oneof(
      {
        weight: 10,
        arbitrary: fc.record({
          kind: fc.constant("hit" as const),
          key: fc.constantFrom("a", "b"),
          limit: fc.integer({ min: 1, max: 4 }),
          advance: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 4_000 })),
        }),
      },
      {
        weight: 4,
        arbitrary: fc.record({
          kind: fc.constant("peek" as const),
          key: fc.constantFrom("a", "b", "c"), // "c" is only ever peeked
          limit: fc.integer({ min: 1, max: 4 }),
          advance: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 4_000 })),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant("reset" as const),
          key: fc.constantFrom("a", "b"),
        }),
      },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3_000 }),
        fc.array(op, { maxLength: 40 }),
        async (windowMs, ops) => {
          clock = fakeClock(1_700_000_000_000);
          const memory = new MemoryStore({ now: clock.now, sweepIntervalMs: 0 });
          const ns = `${++round}:`; // fresh Redis keys for every run
          for (const o of ops) {
            if (o.kind === "reset") {
              memory.reset(o.key);
              await redis.reset(ns + o.key);
              continue;
            }
            clock.advance(o.advance);
            if (o.kind === "peek") {
              expect(await redis.peek(ns + o.key, o.limit, windowMs)).toEqual(
                memory.peek(o.key, o.limit, windowMs),
              );
              continue;
            }
            expect(await redis.hit(ns + o.key, o.limit, windowMs)).toEqual(
              memory.hit(o.key, o.limit, windowMs),
            );
          }
          expect(await admin.send("EXISTS", [`${prefix}model:${ns}c`])).toBe(0);
        },
      ),
      { numRuns: 50 },
    );
  });

  describe("atomicity", () => {
    test("200 concurrent hits on one key with limit 5: exactly 5 allowed", async () => {
      const s = store();
      const k = key("burst");
      const decisions = await Promise.all(Array.from({ length: 200 }, () => s.hit(k, 5, MINUTE)));
      const allowed = decisions.filter((d) => d.allowed);
      expect(allowed).toHaveLength(5);
      expect(allowed.map((d) => d.remaining).sort()).toEqual([0, 1, 2, 3, 4]);
      expect(await admin.send("ZCARD", [full(k)])).toBe(5);
    });

    test("two stores (two connections, as two processes) share one limit", async () => {
      const [a, b] = [store(), store()];
      const k = key("shared");
      const decisions = await Promise.all(
        Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).hit(k, 5, MINUTE)),
      );
      expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    });

    test("peeks amid 200 concurrent hits: exactly 5 allowed, each peek a consistent snapshot", async () => {
      // Peeks on one connection, hits on another, all in flight together.
      const [peeker, hitter] = [store(), store()];
      const k = key("peek-burst");
      const hits: Promise<RateLimitDecision>[] = [];
      const peeks: RateLimitDecision[] = []; // in the order Redis answered them
      const peeking: Promise<unknown>[] = [];
      for (let i = 0; i < 200; i++) {
        peeking.push(peeker.peek(k, 5, MINUTE).then((d) => peeks.push(d)));
        hits.push(hitter.hit(k, 5, MINUTE));
      }
      const decisions = await Promise.all(hits);
      await Promise.all(peeking);
      const allowed = decisions.filter((d) => d.allowed);
      expect(allowed).toHaveLength(5);
      expect(allowed.map((d) => d.remaining).sort()).toEqual([0, 1, 2, 3, 4]);
      expect(await admin.send("ZCARD", [full(k)])).toBe(5);
      expect(peeks).toHaveLength(200);
      for (const p of peeks) {
        expect(p.limit).toBe(5);
        expect(p.allowed).toBe(p.remaining > 0);
        if (p.allowed) expect(p.retryAfter).toBe(0);
        else expect(p.retryAfter >= 1 && p.retryAfter <= 60).toBe(true);
        expect(p.reset === 0).toBe(p.remaining === 5);
      }
      // One connection answers in order and hits only add, so what is left never goes up.
      const left = peeks.map((p) => p.remaining);
      expect(left).toEqual(left.toSorted((a, b) => b - a));
      expect(await peeker.peek(k, 5, MINUTE)).toMatchObject({ allowed: false, remaining: 0 });
    });

    test("hits in the same millisecond are recorded separately", async () => {
      const s = store({ now: () => 1_700_000_000_000 });
      const k = key("same-ms");
      for (let i = 0; i < 5; i++) await s.hit(k, 10, MINUTE);
      expect(await admin.send("ZCARD", [full(k)])).toBe(5);
    });
  });

  describe("keys", () => {
    test("live under the prefix and expire one window after the last admission", async () => {
      const s = store();
      const k = key("ttl");
      await s.hit(k, 1, MINUTE);
      const ttl = Number(await admin.send("PTTL", [full(k)]));
      expect(ttl).toBeGreaterThan(MINUTE - 5_000);
      expect(ttl).toBeLessThanOrEqual(MINUTE);
      await Bun.sleep(20);
      await s.hit(k, 1, MINUTE); // denied: must not push the expiry out
      expect(Number(await admin.send("PTTL", [full(k)]))).toBeLessThanOrEqual(ttl - 10);
    });

    test("with an injected clock, a key outlives its window in real time: only that clock expires entries", async () => {
      // Redis expires keys by its own clock. Were the key to live one window of real time, a slow
      // moment between two calls (a busy machine) would erase hits the injected clock still counts.
      const s = store({ now: () => 1_700_000_000_000 });
      const k = key("fake-ttl");
      expect((await s.hit(k, 3, 20)).remaining).toBe(2);
      await Bun.sleep(60);
      expect((await s.hit(k, 3, 20)).remaining).toBe(1);
      expect(Number(await admin.send("PTTL", [full(k)]))).toBeGreaterThan(MINUTE);
    });

    test("a short-window key disappears by itself", async () => {
      const s = store();
      const k = key("gone");
      await s.hit(k, 2, 150);
      expect(await admin.send("EXISTS", [full(k)])).toBe(1);
      await Bun.sleep(250);
      expect(await admin.send("EXISTS", [full(k)])).toBe(0);
    });

    test("a peek on an unknown key creates nothing (either clock)", async () => {
      for (const s of [store(), store({ now: () => 1_700_000_000_000 })]) {
        const k = key("peek-unknown");
        for (let i = 0; i < 3; i++) {
          expect(await s.peek(k, 5, MINUTE)).toEqual({
            allowed: true,
            limit: 5,
            remaining: 5,
            reset: 0,
            retryAfter: 0,
          });
        }
        expect(await admin.send("EXISTS", [full(k)])).toBe(0);
      }
    });

    test("a peek on a live key leaves its members and its expiry as they were", async () => {
      const s = store();
      const k = key("peek-live");
      await s.hit(k, 2, MINUTE);
      await s.hit(k, 2, MINUTE);
      const members = await admin.send("ZRANGE", [full(k), "0", "-1", "WITHSCORES"]);
      const ttl = Number(await admin.send("PTTL", [full(k)]));
      await Bun.sleep(20);
      for (const limit of [1, 2, 3]) await s.peek(k, limit, MINUTE); // denied and allowed paths
      expect(await admin.send("ZRANGE", [full(k), "0", "-1", "WITHSCORES"])).toEqual(members);
      expect(Number(await admin.send("PTTL", [full(k)]))).toBeLessThanOrEqual(ttl - 10);
    });

    test("the peek script issues no write: Redis runs it read-only (EVAL_RO)", async () => {
      const info = String(await admin.send("INFO", ["server"]));
      const major = Number(info.match(/redis_version:(\d+)/)?.[1]);
      if (!(major >= 7)) {
        console.warn(`EVAL_RO needs Redis >= 7 (found ${major}); read-only check skipped`);
        return;
      }
      const s = store({ now: () => 1_700_000_000_000 });
      const k = key("peek-ro");
      await s.hit(k, 3, MINUTE);
      await s.hit(k, 3, MINUTE);
      const peek = (limit: number, now: string) =>
        admin.send("EVAL_RO", [PEEK_SCRIPT, "1", full(k), String(limit), String(MINUTE), now]);
      // Allowed, denied, all expired, Redis TIME, and an unknown key: every branch of the script.
      for (const [limit, now] of [
        [3, "1700000000000"],
        [1, "1700000000000"],
        [3, String(1_700_000_000_000 + MINUTE)],
        [3, ""],
      ] as const) {
        expect(await peek(limit, now)).toHaveLength(5);
      }
      expect(
        await admin.send("EVAL_RO", [PEEK_SCRIPT, "1", full(key("none")), "1", "1000", ""]),
      ).toHaveLength(5);
    });

    test("reset(key) deletes the key", async () => {
      const s = store();
      const k = key("del");
      await s.hit(k, 1, MINUTE);
      await s.reset(k);
      expect(await admin.send("EXISTS", [full(k)])).toBe(0);
    });
  });

  test("without an injected clock it uses Redis TIME and slides in real time", async () => {
    const s = store();
    const k = key("time");
    const before = await admin.send("TIME", []);
    expect((await s.hit(k, 1, 400)).allowed).toBe(true);
    const [member] = (await admin.send("ZRANGE", [full(k), "0", "0"])) as [string];
    const score = Number(await admin.send("ZSCORE", [full(k), member]));
    const redisMs = Number(before[0]) * 1000 + Math.floor(Number(before[1]) / 1000);
    expect(Number(score) - redisMs).toBeGreaterThanOrEqual(0);
    expect(Number(score) - redisMs).toBeLessThan(1_000);
    expect(await s.hit(k, 1, 400)).toMatchObject({ allowed: false, retryAfter: 1 });
    await Bun.sleep(450);
    expect((await s.hit(k, 1, 400)).allowed).toBe(true);
  });

  test("NOSCRIPT after SCRIPT FLUSH: reloads once and carries on", async () => {
    const s = store();
    const k = key("noscript");
    await s.hit(k, 100, MINUTE);
    await admin.send("SCRIPT", ["FLUSH"]);
    // Concurrent calls after the flush all recover, through one shared reload.
    const decisions = await Promise.all(Array.from({ length: 20 }, () => s.hit(k, 100, MINUTE)));
    expect(decisions.every((d) => d.allowed)).toBe(true);
    expect(Math.min(...decisions.map((d) => d.remaining))).toBe(100 - 21);
    await admin.send("SCRIPT", ["FLUSH"]);
    expect(await s.hit(k, 100, MINUTE)).toMatchObject({ allowed: true, remaining: 100 - 22 });
  });

  test("NOSCRIPT after SCRIPT FLUSH: peek reloads its own script too", async () => {
    const s = store();
    const k = key("peek-noscript");
    await s.hit(k, 100, MINUTE);
    expect((await s.peek(k, 100, MINUTE)).remaining).toBe(99);
    await admin.send("SCRIPT", ["FLUSH"]);
    // Peeks and hits recover together, each script through its own shared reload.
    const [peeks, hits] = await Promise.all([
      Promise.all(Array.from({ length: 20 }, () => s.peek(k, 100, MINUTE))),
      Promise.all(Array.from({ length: 20 }, () => s.hit(k, 100, MINUTE))),
    ]);
    expect(hits.every((d) => d.allowed)).toBe(true);
    expect(peeks.every((d) => d.allowed && d.remaining >= 100 - 21 && d.remaining <= 99)).toBe(
      true,
    );
    await admin.send("SCRIPT", ["FLUSH"]);
    expect(await s.peek(k, 100, MINUTE)).toMatchObject({ allowed: true, remaining: 100 - 21 });
  });

  describe("failure modes", () => {
    test("a server that accepts and never answers: each call fails within its timeout", async () => {
      const hole = blackhole();
      try {
        // The connect attempt outlives the three calls below, so each one hits its own timeout.
        const s = store({ url: hole.url, timeoutMs: 100, connectTimeoutMs: 600 });
        const calls: (() => Promise<unknown>)[] = [
          () => s.hit("k", 5, MINUTE),
          () => s.reset("k"),
          () => s.ping(),
        ];
        for (const call of calls) {
          const { ms, result } = await elapsed(call);
          expect(unavailableReason(result)).toBe("timeout");
          expect(ms).toBeGreaterThanOrEqual(95);
          expect(ms).toBeLessThan(100 + SLACK_MS);
        }
        // Once the connect attempt has failed (600 ms), calls fail fast during the backoff
        // before the next attempt.
        await Bun.sleep(600 - 300);
        const fast = await untilFast(() => s.hit("k", 5, MINUTE), 1_000);
        expect(unavailableReason(fast.result)).toBe("connection");
      } finally {
        hole.stop();
      }
    });

    test("a peek on a server that never answers fails within its timeout too", async () => {
      const hole = blackhole();
      try {
        const s = store({ url: hole.url, timeoutMs: 100, connectTimeoutMs: 600 });
        const { ms, result } = await elapsed(() => s.peek("k", 5, MINUTE));
        expect(unavailableReason(result)).toBe("timeout");
        expect(ms).toBeGreaterThanOrEqual(95);
        expect(ms).toBeLessThan(100 + SLACK_MS);
        // The fail-open guard lets the login through unchecked instead.
        const guarded = guardRateLimiter(
          createRateLimiter({ store: s, policy: { name: "login", limit: 5, windowSeconds: 60 } }),
          { onUnavailable: "open", warn: () => {} },
        );
        const outcome = await guarded.peek("alice");
        expect(outcome.outcome).toBe("bypassed");
      } finally {
        hole.stop();
      }
    });

    test("a refused connection fails fast with reason 'connection'", async () => {
      const hole = blackhole();
      const url = hole.url;
      hole.stop(); // nothing listens there now
      const s = store({ url, timeoutMs: 1_000, maxRetries: 0 });
      const { ms, result } = await elapsed(() => s.hit("k", 5, MINUTE));
      expect(unavailableReason(result)).toBe("connection");
      expect(ms).toBeLessThan(500);
    });

    test("the fail-closed guard turns a dead store into 503 + Retry-After within the timeout", async () => {
      const hole = blackhole();
      try {
        const limiter = createRateLimiter({
          store: store({ url: hole.url, timeoutMs: 100 }),
          policy: { name: "default", limit: 5, windowSeconds: 60 },
        });
        const warnings: string[] = [];
        const guarded = guardRateLimiter(limiter, {
          onUnavailable: "closed",
          warn: (m) => warnings.push(m),
        });
        const { ms, result } = await elapsed(() => guarded.check("alice"));
        expect(result.status === "fulfilled" && result.value).toMatchObject({
          outcome: "unavailable",
          retryAfter: 5,
        });
        expect(ms).toBeLessThan(100 + SLACK_MS);
        expect(warnings).toHaveLength(1);
      } finally {
        hole.stop();
      }
    });

    test("CLIENT KILL mid-run: calls in the gap fail fast, then hits succeed again", async () => {
      const name = `statuslab-test-kill-${process.pid}-${Date.now()}`;
      const s = store({ clientName: name, timeoutMs: 1_000 });
      const k = key("kill");
      const LIMIT = 1_000_000;
      await s.hit(k, LIMIT, MINUTE);
      const findId = async () => {
        const list = (await admin.send("CLIENT", ["LIST"])) as string;
        return list
          .split("\n")
          .find((line) => line.includes(` name=${name} `))
          ?.match(/^id=(\d+) /)?.[1];
      };
      const firstId = await findId();
      expect(firstId).toBeDefined();

      // Eight workers hammer the key while the connection is killed under them.
      let stop = false;
      let ok = 0;
      const failures: string[] = [];
      const worker = async () => {
        while (!stop) {
          try {
            await s.hit(k, LIMIT, MINUTE);
            ok++;
          } catch (error) {
            expect(error).toBeInstanceOf(RateLimitStoreUnavailableError);
            failures.push((error as RateLimitStoreUnavailableError).reason);
            await Bun.sleep(5);
          }
        }
      };
      const workers = Array.from({ length: 8 }, worker);
      await Bun.sleep(100);
      const okBeforeKill = ok;
      expect(await admin.send("CLIENT", ["KILL", "ID", String(firstId)])).toBe(1);
      const killedAt = performance.now();
      // Recovered: a hit succeeds after the kill, within a bounded time.
      const recovery = await untilOk(() => s.hit(k, LIMIT, MINUTE), 2_000, 5);
      const recoveredMs = performance.now() - killedAt;
      await Bun.sleep(100);
      stop = true;
      await Promise.all(workers);

      expect(okBeforeKill).toBeGreaterThan(0);
      expect(recoveredMs).toBeLessThan(2_000);
      expect(ok).toBeGreaterThan(okBeforeKill);
      // Failures, if any, were the gap itself, never a timeout: nothing hung.
      expect(failures.filter((r) => r !== "connection")).toEqual([]);
      // A new connection, named again, and every counted hit is still in Redis.
      const secondId = await findId();
      expect(secondId).toBeDefined();
      expect(secondId).not.toBe(firstId);
      const counted = Number(await admin.send("ZCARD", [full(k)]));
      expect(counted).toBeGreaterThanOrEqual(1 + ok + 1);
      console.info(
        `CLIENT KILL: recovered after ${recoveredMs.toFixed(0)} ms, ${recovery.failures} failed retries, ` +
          `${failures.length} failed worker calls (${[...new Set(failures)].join(", ") || "none"})`,
      );
    });

    test("Redis down longer than Bun's retries, then back: the store reconnects by itself", async () => {
      const proxy = redisProxy();
      try {
        const s = store({ url: proxy.url, timeoutMs: 250, maxRetries: 2 });
        const k = key("outage");
        expect((await s.hit(k, 10, MINUTE)).remaining).toBe(9);
        proxy.down();
        // While Bun retries, a call may wait out its timeout; once it has given up, calls fail
        // as "connection". Wait for that state (a busy machine takes longer), not a clock.
        const deadline = performance.now() + 5_000;
        for (let reason = ""; reason !== "connection"; ) {
          if (performance.now() > deadline) throw new Error("Bun never gave up reconnecting");
          reason = unavailableReason((await elapsed(() => s.hit(k, 10, MINUTE))).result);
          expect(["connection", "timeout"]).toContain(reason);
        }
        const { ms, result } = await elapsed(() => s.hit(k, 10, MINUTE));
        expect(unavailableReason(result)).toBe("connection");
        expect(ms).toBeLessThan(250 + SLACK_MS);
        proxy.up();
        // Attempts are spaced by a backoff capped at 2 s, so it is back within ~2 s.
        const back = await untilOk(() => s.hit(k, 10, MINUTE), 3_000, 50);
        expect(back.value.remaining).toBe(8);
        expect(back.ms).toBeLessThan(2_500);
      } finally {
        proxy.stop();
      }
    });

    test("Redis stalls (slow or half-open): timeouts, the connection is recycled, then recovery", async () => {
      const proxy = redisProxy();
      try {
        const s = store({
          url: proxy.url,
          timeoutMs: 100,
          connectTimeoutMs: 300,
          recycleAfterTimeouts: 3,
        });
        const k = key("stall");
        // The first call connects and loads the script: on a busy machine it may miss 100 ms.
        await untilOk(() => s.hit(k, 100, MINUTE), 2_000);
        proxy.stall(true);
        for (let i = 0; i < 3; i++) {
          const { ms, result } = await elapsed(() => s.hit(k, 100, MINUTE));
          expect(unavailableReason(result)).toBe("timeout");
          expect(ms).toBeLessThan(100 + SLACK_MS);
        }
        proxy.stall(false);
        // The third timeout dropped the wedged connection; the next calls reconnect.
        const back = await untilOk(() => s.hit(k, 100, MINUTE), 2_000);
        expect(back.ms).toBeLessThan(2_000);
        // The three timed-out calls were not counted (see redis-deadline.test.ts).
        expect(back.value.remaining).toBe(98);
      } finally {
        proxy.stop();
      }
    });
  });

  describe("lifecycle and options", () => {
    test("a shared client is used as is and left open by close()", async () => {
      const client = new RedisClient(REDIS_URL, { enableOfflineQueue: false });
      try {
        const s = store({ client });
        expect((await s.hit(key("shared-client"), 1, MINUTE)).allowed).toBe(true);
        s.close();
        expect(await client.send("PING", [])).toBe("PONG");
      } finally {
        client.close();
      }
    });

    test("calls after close() reject with reason 'closed'", async () => {
      const s = store();
      await s.ping();
      s.close();
      const { result } = await elapsed(() => s.hit("k", 1, MINUTE));
      expect(unavailableReason(result)).toBe("closed");
      expect(unavailableReason((await elapsed(() => s.peek("k", 1, MINUTE))).result)).toBe(
        "closed",
      );
    });

    test("rejects invalid options with RangeError", () => {
      expect(() => new RedisStore({ timeoutMs: 0 })).toThrow(RangeError);
      expect(() => new RedisStore({ connectTimeoutMs: Number.NaN })).toThrow(RangeError);
      expect(() => new RedisStore({ maxRetries: -1 })).toThrow(RangeError);
      expect(() => new RedisStore({ recycleAfterTimeouts: 1.5 })).toThrow(RangeError);
      expect(() => new RedisStore({ clientName: "has space" })).toThrow(RangeError);
    });
  });
});
