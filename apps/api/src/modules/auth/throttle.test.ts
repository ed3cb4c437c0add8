import { describe, expect, test } from "bun:test";
import { MemoryStore, RedisStore } from "@statuslab/rate-limiter";
import { expectProblem } from "../../../test/problem-assertions.ts";
import { makeApp } from "../../../test/support.ts";

/** An app whose callers' address the test sets, with a clock the test can move. */
async function throttled() {
  let address = "198.51.100.1";
  let now = Date.now();
  const made = await makeApp(
    {},
    {
      rateLimitStore: new MemoryStore({ now: () => now, sweepIntervalMs: 0 }),
      clientAddress: () => address,
    },
  );
  const user = await made.api.register("victim@example.com", "right-password-1");
  return {
    ...made,
    user,
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
