import { afterAll, describe, expect, test } from "bun:test";
import { HashingBusyError } from "@statuslab/auth";
import { MemoryStore, type RateLimitStore, RedisStore } from "@statuslab/rate-limiter";
import { deleteKeys, REDIS_URL, requireRedis, uniquePrefix } from "@statuslab/rate-limiter/testing";
import { RedisClient } from "bun";
import { expectProblem } from "../../../test/problem-assertions.ts";
import { makeApp } from "../../../test/support.ts";

/** An app whose callers' address the test sets, with a clock the test can move. */
async function throttled(store?: RateLimitStore) {
  let address = "198.51.100.1";
  let now = Date.now();
  const made = await makeApp(
    {},
    {
      rateLimitStore: store ?? new MemoryStore({ now: () => now, sweepIntervalMs: 0 }),
      clientAddress: () => address,
    },
  );
  const user = await made.api.register("victim@example.com", "right-password-1");
  // Counts the password checks that start: what a throttle exists to bound.
  const hasher = made.deps.hasher;
  const checks = { started: 0 };
  made.deps.hasher = {
    ...hasher,
    verify: (password, encoded) => {
      checks.started++;
      return hasher.verify(password, encoded);
    },
  };
  return {
    ...made,
    user,
    checks,
    from(next: string) {
      address = next;
    },
    advance(seconds: number) {
      now += seconds * 1000;
    },
    attempt: (password: string, email = "victim@example.com") => made.api.login(email, password),
  };
}

const fail = async (t: Awaited<ReturnType<typeof throttled>>, times: number, email?: string) => {
  for (let i = 0; i < times; i++) expect((await t.attempt(`wrong-${i}`, email)).status).toBe(401);
};

describe("login throttling", () => {
  test("10 failures for one account from one address: the 11th attempt is 429, even with the right password", async () => {
    const t = await throttled();
    await fail(t, 10);
    for (const password of ["wrong-again", "right-password-1"]) {
      const sent = await t.attempt(password);
      expectProblem(sent, 429, "Too many failed login attempts; try again later");
      const retryAfter = Number(sent.headers.get("retry-after"));
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 900).toBe(true);
      expect(sent.headers.get("cache-control")).toBe("no-store");
    }
  });

  test("the real user, from another address, still logs in", async () => {
    const t = await throttled();
    await fail(t, 10);
    t.from("203.0.113.7");
    expect((await t.attempt("right-password-1")).status).toBe(200);
  });

  test("the lock lifts by itself once the failures leave the 15-minute window", async () => {
    const t = await throttled();
    await fail(t, 10);
    t.advance(14 * 60);
    expect((await t.attempt("right-password-1")).status).toBe(429);
    t.advance(61);
    expect((await t.attempt("right-password-1")).status).toBe(200);
  });

  test("successful logins are never counted, and a success clears the account's failures", async () => {
    const t = await throttled();
    for (let i = 0; i < 25; i++) expect((await t.attempt("right-password-1")).status).toBe(200);
    await fail(t, 9);
    expect((await t.attempt("right-password-1")).status).toBe(200);
    await fail(t, 9);
    expect((await t.attempt("right-password-1")).status).toBe(200);
  });

  test("one address spraying many accounts is stopped after 100 failures, for every account", async () => {
    const t = await throttled();
    for (let i = 0; i < 100; i++)
      expect((await t.attempt("guess", `user${i}@example.com`)).status).toBe(401);
    expect((await t.attempt("right-password-1")).status).toBe(429);
    expect((await t.attempt("guess", "someone-new@example.com")).status).toBe(429);
    t.from("203.0.113.7");
    expect((await t.attempt("right-password-1")).status).toBe(200);
  });

  test("one account guessed from many addresses is capped at 100 failures per window", async () => {
    const t = await throttled();
    for (let a = 0; a < 10; a++) {
      t.from(`192.0.2.${a}`);
      await fail(t, 10);
    }
    t.from("192.0.2.200");
    expectProblem(
      await t.attempt("right-password-1"),
      429,
      "Too many failed login attempts; try again later",
    );
    t.advance(15 * 60 + 1);
    expect((await t.attempt("right-password-1")).status).toBe(200);
  });

  test("unknown emails are throttled exactly like real ones: the answer reveals no account", async () => {
    const t = await throttled();
    await fail(t, 10, "nobody@example.com");
    expect((await t.attempt("x", "nobody@example.com")).status).toBe(429);
  });

  test("with the shared store down, logins fail open (still checked by password) and a warning is logged", async () => {
    const store = new RedisStore({
      url: "redis://127.0.0.1:1",
      timeoutMs: 200,
      connectTimeoutMs: 200,
    });
    const { api, logs, close } = await makeApp({}, { rateLimitStore: store });
    try {
      await api.register("open@example.com", "right-password-1");
      expect((await api.login("open@example.com", "wrong")).status).toBe(401);
      expect((await api.login("open@example.com", "right-password-1")).status).toBe(200);
      expect(logs.some((line) => line.includes("failing open"))).toBe(true);
    } finally {
      await close();
    }
  });
});

/** `n` wrong-password logins for the victim at once; the statuses, counted. */
async function flood(t: Awaited<ReturnType<typeof throttled>>, n: number) {
  const sent = await Promise.all(Array.from({ length: n }, (_, i) => t.attempt(`wrong-${i}`)));
  const statuses: Record<number, number> = {};
  for (const { status } of sent) statuses[status] = (statuses[status] ?? 0) + 1;
  return statuses;
}

/**
 * Issue 16, point 1: 120 parallel wrong-password logins got 120 × 401 (the count was read
 * before the password check and written after it), and the owner, from another address, was
 * then locked out for minutes. Each attempt now reserves its slot before its password check.
 */
async function parallelFloodHolds(t: Awaited<ReturnType<typeof throttled>>) {
  expect(await flood(t, 120)).toEqual({ 401: 10, 429: 110 });
  expect(t.checks.started).toBe(10);
  t.from("203.0.113.7");
  expect((await t.attempt("right-password-1")).status).toBe(200);
}

describe("login throttling under parallel attempts", () => {
  test("120 at once from one address: exactly 10 password checks run, and the owner elsewhere logs in at once", async () => {
    await parallelFloodHolds(await throttled());
  });

  test("the 110 refused attempts leave no count: 90 more failures from other addresses fill the account", async () => {
    const t = await throttled();
    await flood(t, 120);
    for (let a = 1; a <= 9; a++) {
      t.from(`192.0.2.${a}`);
      await fail(t, 10);
    }
    t.from("192.0.2.100");
    expect((await t.attempt("right-password-1")).status).toBe(429);
  });

  test("a login whose password check cannot run (hashing busy: 503) does not count", async () => {
    const t = await throttled();
    const { verify } = t.deps.hasher;
    t.deps.hasher.verify = () => Promise.reject(new HashingBusyError("verify", 1));
    for (let i = 0; i < 15; i++) expect((await t.attempt("wrong")).status).toBe(503);
    t.deps.hasher.verify = verify;
    await fail(t, 10);
    expect((await t.attempt("right-password-1")).status).toBe(429);
  });

  test("a success gives its address slot back: 100 logins into one's own account, then 100 failures", async () => {
    const t = await throttled();
    for (let i = 0; i < 100; i++) expect((await t.attempt("right-password-1")).status).toBe(200);
    for (let i = 0; i < 100; i++)
      expect((await t.attempt("guess", `user${i}@example.com`)).status).toBe(401);
    expect((await t.attempt("guess", "one-more@example.com")).status).toBe(429);
  });
});

const redisUp = await requireRedis();
const prefix = uniquePrefix("api-login-throttle");

describe.skipIf(!redisUp)("login throttling under parallel attempts, on Redis", () => {
  afterAll(async () => {
    const admin = new RedisClient(REDIS_URL);
    await admin.connect();
    await deleteKeys(admin, prefix);
    admin.close();
  });

  test("120 at once from one address: exactly 10 password checks run, and the owner elsewhere logs in at once", async () => {
    const store = new RedisStore({ url: REDIS_URL, keyPrefix: `${prefix}flood:` });
    await parallelFloodHolds(await throttled(store));
  });
});
