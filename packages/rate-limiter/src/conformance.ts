import { afterEach, describe, expect, test } from "bun:test";
import { hitAllAndReleaseCases } from "./conformance-hit-all.ts";
import type { RateLimitDecision, RateLimitStore } from "./types.ts";

/** A controllable clock in milliseconds, handed to the store factory. */
export interface FakeClock {
  now: () => number;
  advance(ms: number): void;
}

export function fakeClock(start = 0): FakeClock {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

export interface ConformanceOptions {
  /**
   * Whether the store honours the injected `now`. A store that reads a server clock
   * (e.g. Redis TIME) passes false: the time-travel cases do not apply to it and are not
   * declared at all (a skipped test in every run would read as a hidden failure), so the same
   * store must also be run with an injected clock, which covers them.
   */
  fakeClock?: boolean;
}

export type StoreFactory = (now: () => number) => RateLimitStore | Promise<RateLimitStore>;

const MINUTE = 60_000;

// Stores may throw synchronously or reject; this turns both into a rejection.
const settle = async <T>(fn: () => T | Promise<T>): Promise<T> => fn();

/**
 * Store-level behaviour every RateLimitStore must share, so a Redis store can be held to the
 * exact semantics of the in-memory one. Keys are unique per test so a shared backend is fine.
 */
export function runStoreConformance(
  name: string,
  makeStore: StoreFactory,
  options: ConformanceOptions = {},
): void {
  const open: RateLimitStore[] = [];
  let seq = 0;
  const key = (label: string) => `conformance:${++seq}:${label}`;
  const setup = async (clock = fakeClock(1_700_000_000_000)) => {
    const store = await makeStore(clock.now);
    open.push(store);
    return { store, clock };
  };
  const hitN = async (
    store: RateLimitStore,
    k: string,
    n: number,
    limit: number,
    windowMs: number,
  ) => {
    const out = [];
    for (let i = 0; i < n; i++) out.push(await store.hit(k, limit, windowMs));
    return out;
  };

  describe(`${name}: RateLimitStore conformance`, () => {
    afterEach(async () => {
      for (const store of open.splice(0)) await store.close();
    });

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
      const keys = [
        base,
        `${base}:x`,
        `${base}*?[]`,
        `${base}ключ🔑`,
        `${base}${"k".repeat(1024)}`,
      ];
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

    test("peek on a fresh key: allowed with the full quota, and nothing is created", async () => {
      const { store } = await setup();
      for (const limit of [1, 5]) {
        const k = key(`peek-fresh-${limit}`);
        for (let i = 0; i < 3; i++) {
          expect(await store.peek(k, limit, MINUTE)).toEqual({
            allowed: true,
            limit,
            remaining: limit,
            reset: 0,
            retryAfter: 0,
          });
        }
        // Nothing was recorded: the first hit still finds the whole quota, as on a fresh key.
        expect(await store.hit(k, limit, MINUTE)).toEqual({
          allowed: true,
          limit,
          remaining: limit - 1,
          reset: 60,
          retryAfter: 0,
        });
      }
    });

    test("after k hits a peek shows limit - k and changes no later decision", async () => {
      const { store } = await setup();
      const limit = 4;
      const [k, control] = [key("peeked"), key("control")];
      let last: RateLimitDecision | undefined;
      for (let i = 0; i <= limit + 1; i++) {
        const peek = await store.peek(k, limit, MINUTE);
        expect(peek).toMatchObject({
          allowed: i < limit,
          limit,
          remaining: Math.max(0, limit - i),
        });
        // What a peek leaves is what the last hit said was left.
        if (last) expect(peek.remaining).toBe(last.remaining);
        await store.peek(k, limit, MINUTE);
        const hit = await store.hit(k, limit, MINUTE);
        const unpeeked = await store.hit(control, limit, MINUTE);
        expect(hit.allowed).toBe(peek.allowed);
        expect([hit.allowed, hit.remaining]).toEqual([unpeeked.allowed, unpeeked.remaining]);
        last = hit;
      }
    });

    test("at the limit a peek is denied and says when to retry, like a hit", async () => {
      const { store } = await setup();
      const k = key("peek-full");
      await hitN(store, k, 3, 3, MINUTE);
      const peek = await store.peek(k, 3, MINUTE);
      expect(peek).toMatchObject({ allowed: false, limit: 3, remaining: 0 });
      expect(peek.retryAfter).toBeGreaterThanOrEqual(1);
      expect(peek.retryAfter).toBeLessThanOrEqual(60);
      const hit = await store.hit(k, 3, MINUTE);
      expect(hit).toMatchObject({ allowed: false, remaining: 0 });
      // Same moment up to a server clock that may tick between the two calls.
      expect(Math.abs(hit.retryAfter - peek.retryAfter)).toBeLessThanOrEqual(1);
    });

    test("peek sees the full quota again after reset(key), and other keys untouched", async () => {
      const { store } = await setup();
      const [a, b] = [key("a"), key("b")];
      await hitN(store, a, 2, 2, MINUTE);
      await hitN(store, b, 1, 2, MINUTE);
      await store.reset(a);
      expect(await store.peek(a, 2, MINUTE)).toMatchObject({
        allowed: true,
        remaining: 2,
        reset: 0,
      });
      expect(await store.peek(b, 2, MINUTE)).toMatchObject({ allowed: true, remaining: 1 });
    });

    test("close() can be called twice", async () => {
      const { store } = await setup();
      await store.close();
      await store.close();
    });

    const timed = (title: string, fn: () => Promise<void>) => {
      if (options.fakeClock !== false) test(title, fn);
    };

    hitAllAndReleaseCases({ setup, key, hitN, test, timed });

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

    timed(
      "tutorial timeline with peeks: each peek answers what a hit would, counting nothing",
      async () => {
        const { store, clock } = await setup();
        const k = key("peek-tutorial");
        for (let i = 0; i < 5; i++) {
          // i requests counted; the oldest (at +0 s) was i * 5 s ago.
          expect(await store.peek(k, 5, MINUTE)).toEqual({
            allowed: true,
            limit: 5,
            remaining: 5 - i,
            reset: i === 0 ? 0 : 60 - i * 5,
            retryAfter: 0,
          });
          expect((await store.hit(k, 5, MINUTE)).remaining).toBe(4 - i);
          clock.advance(5_000);
        }
        // +25 s: a denied peek is the denied hit, field for field.
        const denied = { allowed: false, limit: 5, remaining: 0, reset: 35, retryAfter: 35 };
        expect(await store.peek(k, 5, MINUTE)).toEqual(denied);
        expect(await store.hit(k, 5, MINUTE)).toEqual(denied);
        expect(await store.peek(k, 5, MINUTE)).toEqual(denied);
        clock.advance(36_000); // +61 s: the +0 s request has left the window
        expect(await store.peek(k, 5, MINUTE)).toEqual({
          allowed: true,
          limit: 5,
          remaining: 1,
          reset: 4,
          retryAfter: 0,
        });
        expect(await store.hit(k, 5, MINUTE)).toEqual({
          allowed: true,
          limit: 5,
          remaining: 0,
          reset: 4,
          retryAfter: 0,
        });
      },
    );

    timed("peeks never extend a window, and after it a peek is allowed again", async () => {
      const { store, clock } = await setup();
      const [full, partial] = [key("peek-full"), key("peek-partial")];
      await store.hit(full, 1, MINUTE);
      await store.hit(partial, 3, MINUTE);
      for (const at of [0, 10_000, 30_000, 59_000, MINUTE - 1]) {
        clock.advance(at - (clock.now() - 1_700_000_000_000));
        const left = Math.ceil((MINUTE - at) / 1000);
        expect(await store.peek(full, 1, MINUTE)).toEqual({
          allowed: false,
          limit: 1,
          remaining: 0,
          reset: left,
          retryAfter: Math.max(1, left),
        });
        expect(await store.peek(partial, 3, MINUTE)).toEqual({
          allowed: true,
          limit: 3,
          remaining: 2,
          reset: left,
          retryAfter: 0,
        });
      }
      clock.advance(1); // exactly one window after the only hits
      const fresh = (limit: number) => ({
        allowed: true,
        limit,
        remaining: limit,
        reset: 0,
        retryAfter: 0,
      });
      expect(await store.peek(full, 1, MINUTE)).toEqual(fresh(1));
      expect(await store.peek(partial, 3, MINUTE)).toEqual(fresh(3));
      expect(await store.hit(full, 1, MINUTE)).toMatchObject({
        allowed: true,
        remaining: 0,
        reset: 60,
      });
      expect(await store.hit(partial, 3, MINUTE)).toMatchObject({ allowed: true, remaining: 2 });
    });

    timed("under a lowered or raised limit a peek still answers what a hit would", async () => {
      const { store, clock } = await setup();
      const k = key("peek-limits");
      for (let i = 0; i < 4; i++) {
        await store.hit(k, 4, MINUTE);
        clock.advance(1_000);
      }
      // 4 counted at +0..+3 s, now +4 s; under limit 2 a slot frees when the +2 s hit leaves.
      const lowered = { allowed: false, limit: 2, remaining: 0, reset: 56, retryAfter: 58 };
      expect(await store.peek(k, 2, MINUTE)).toEqual(lowered);
      expect(await store.hit(k, 2, MINUTE)).toEqual(lowered);
      expect(await store.peek(k, 6, MINUTE)).toEqual({
        allowed: true,
        limit: 6,
        remaining: 2,
        reset: 56,
        retryAfter: 0,
      });
      // +60.5 s: the +0 s hit has expired (a store may still hold it; a peek must skip it).
      // Counted: +1, +2, +3 s; under limit 2 the slot frees when the +2 s hit leaves.
      clock.advance(56_500);
      const later = { allowed: false, limit: 2, remaining: 0, reset: 1, retryAfter: 2 };
      expect(await store.peek(k, 2, MINUTE)).toEqual(later);
      expect(await store.hit(k, 2, MINUTE)).toEqual(later);
    });

    timed("a clock stepping backwards: peek uses the key's newest time, as hit does", async () => {
      const { store, clock } = await setup();
      const k = key("peek-backwards");
      await store.hit(k, 2, MINUTE);
      clock.advance(10_000);
      await store.hit(k, 2, MINUTE);
      clock.advance(-30_000);
      const peek = await store.peek(k, 2, MINUTE);
      expect(peek).toEqual({ allowed: false, limit: 2, remaining: 0, reset: 50, retryAfter: 50 });
      expect(await store.hit(k, 2, MINUTE)).toEqual(peek);
    });
  });
}
