import { expect } from "bun:test";
import type { ConformanceKit } from "./conformance.ts";

const MINUTE = 60_000;

// Stores may throw synchronously or reject; this turns both into a rejection.
const settle = async <T>(fn: () => T | Promise<T>): Promise<T> => fn();

/** `hit` and `reset`: counting, independence of keys, and the arguments refused. */
export function hitCases({ setup, key, hitN, test }: ConformanceKit): void {
  test("first hit is allowed and echoes the limit", async () => {
    const { store } = await setup();
    expect(await store.hit(key("a"), 5, MINUTE)).toEqual({
      allowed: true,
      limit: 5,
      remaining: 4,
      reset: 60,
      retryAfter: 0,
    });
  });

  test("remaining counts down to 0, then the next hit is denied", async () => {
    const { store } = await setup();
    const k = key("a");
    const decisions = await hitN(store, k, 6, 5, MINUTE);
    expect(decisions.map((d) => d.remaining)).toEqual([4, 3, 2, 1, 0, 0]);
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, true, false]);
    const denied = decisions[5];
    expect(denied?.retryAfter).toBeGreaterThanOrEqual(1);
    expect(denied?.retryAfter).toBeLessThanOrEqual(60);
  });

  test("limit 1 allows exactly one hit", async () => {
    const { store } = await setup();
    const k = key("one");
    expect((await store.hit(k, 1, MINUTE)).allowed).toBe(true);
    expect((await store.hit(k, 1, MINUTE)).allowed).toBe(false);
  });

  test("keys are independent", async () => {
    const { store } = await setup();
    const [a, b] = [key("a"), key("b")];
    await hitN(store, a, 3, 3, MINUTE);
    expect((await store.hit(a, 3, MINUTE)).allowed).toBe(false);
    expect(await store.hit(b, 3, MINUTE)).toMatchObject({ allowed: true, remaining: 2 });
  });

  test("keys are opaque strings: empty, unicode, separators, long", async () => {
    const { store } = await setup();
    const base = key("");
    const keys = [base, `${base}:x`, `${base}*?[]`, `${base}ключ🔑`, `${base}${"k".repeat(1024)}`];
    for (const k of keys) expect((await store.hit(k, 1, MINUTE)).allowed).toBe(true);
    for (const k of keys) expect((await store.hit(k, 1, MINUTE)).allowed).toBe(false);
  });

  test("reset(key) forgets only that key", async () => {
    const { store } = await setup();
    const [a, b] = [key("a"), key("b")];
    await hitN(store, a, 2, 2, MINUTE);
    await hitN(store, b, 2, 2, MINUTE);
    await store.reset(a);
    expect(await store.hit(a, 2, MINUTE)).toMatchObject({ allowed: true, remaining: 1 });
    expect((await store.hit(b, 2, MINUTE)).allowed).toBe(false);
  });

  test("reset of an unknown key is a no-op", async () => {
    const { store } = await setup();
    await store.reset(key("never-seen"));
  });

  test("rejects invalid limit and window with RangeError", async () => {
    const { store } = await setup();
    const k = key("bad");
    for (const limit of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(settle(() => store.hit(k, limit, MINUTE))).rejects.toThrow(RangeError);
      await expect(settle(() => store.peek(k, limit, MINUTE))).rejects.toThrow(RangeError);
    }
    for (const windowMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(settle(() => store.hit(k, 5, windowMs))).rejects.toThrow(RangeError);
      await expect(settle(() => store.peek(k, 5, windowMs))).rejects.toThrow(RangeError);
    }
  });
}

/** `hit` against the injected clock: the tutorial's timeline, window edges, rounding. */
export function hitTimelineCases({ setup, key, hitN, timed }: ConformanceKit): void {
  timed("tutorial timeline: 5 in 20 s, 6th denied at +25 s, allowed at +61 s", async () => {
    const { store, clock } = await setup();
    const k = key("tutorial");
    for (let i = 0; i < 5; i++) {
      expect((await store.hit(k, 5, MINUTE)).allowed).toBe(true);
      clock.advance(5_000);
    }
    // now +25 s
    expect(await store.hit(k, 5, MINUTE)).toEqual({
      allowed: false,
      limit: 5,
      remaining: 0,
      reset: 35,
      retryAfter: 35,
    });
    clock.advance(36_000); // +61 s: the +0 s request has left the window
    expect(await store.hit(k, 5, MINUTE)).toEqual({
      allowed: true,
      limit: 5,
      remaining: 0,
      reset: 4,
      retryAfter: 0,
    });
  });

  timed("a request stops counting exactly one window after it was made", async () => {
    const { store, clock } = await setup();
    const k = key("edge");
    await store.hit(k, 1, MINUTE);
    clock.advance(MINUTE - 1);
    expect((await store.hit(k, 1, MINUTE)).allowed).toBe(false);
    clock.advance(1);
    expect((await store.hit(k, 1, MINUTE)).allowed).toBe(true);
  });

  timed("denied hits are not recorded", async () => {
    const { store, clock } = await setup();
    const k = key("denied");
    await hitN(store, k, 2, 2, MINUTE);
    clock.advance(30_000);
    await hitN(store, k, 10, 2, MINUTE); // all denied; if recorded they would block until +90 s
    clock.advance(30_000);
    expect(await store.hit(k, 2, MINUTE)).toMatchObject({ allowed: true, remaining: 1 });
  });

  timed("reset and retryAfter round up to whole seconds", async () => {
    const { store, clock } = await setup();
    const k = key("round");
    await store.hit(k, 1, MINUTE);
    clock.advance(100);
    expect(await store.hit(k, 1, MINUTE)).toMatchObject({ reset: 60, retryAfter: 60 });
    clock.advance(59_801); // 99 ms left
    expect(await store.hit(k, 1, MINUTE)).toMatchObject({ reset: 1, retryAfter: 1 });
  });

  timed("sub-second and fractional windows round up and clamp to the window", async () => {
    const { store, clock } = await setup();
    const k = key("short");
    await store.hit(k, 1, 1_500);
    clock.advance(1);
    // 1499 ms left rounds up to 2 s, which is also ceil(window).
    expect(await store.hit(k, 1, 1_500)).toMatchObject({
      allowed: false,
      reset: 2,
      retryAfter: 2,
    });
    const j = key("tiny");
    await store.hit(j, 1, 250);
    expect(await store.hit(j, 1, 250)).toMatchObject({ allowed: false, reset: 1, retryAfter: 1 });
  });

  timed("each key keeps its own limit and window in one store", async () => {
    const { store, clock } = await setup();
    const [fast, slow] = [key("fast"), key("slow")];
    await hitN(store, fast, 2, 2, 10_000);
    await hitN(store, slow, 3, 3, MINUTE);
    clock.advance(10_000);
    expect((await store.hit(fast, 2, 10_000)).allowed).toBe(true);
    expect(await store.hit(slow, 3, MINUTE)).toMatchObject({ allowed: false, retryAfter: 50 });
  });

  timed("a sliding window frees slots one by one", async () => {
    const { store, clock } = await setup();
    const k = key("slide");
    for (let i = 0; i < 3; i++) {
      await store.hit(k, 3, MINUTE);
      clock.advance(10_000);
    }
    clock.advance(30_000); // +60 s: only the first has left
    expect(await store.hit(k, 3, MINUTE)).toMatchObject({
      allowed: true,
      remaining: 0,
      reset: 10,
    });
    expect(await store.hit(k, 3, MINUTE)).toMatchObject({ allowed: false, retryAfter: 10 });
  });
}
