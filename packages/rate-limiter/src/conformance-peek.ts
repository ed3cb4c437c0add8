import { expect } from "bun:test";
import type { ConformanceKit } from "./conformance.ts";
import type { RateLimitDecision } from "./types.ts";

const MINUTE = 60_000;

/** `peek` answers what a `hit` would, and records nothing. */
export function peekCases({ setup, key, hitN, test }: ConformanceKit): void {
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
}

/** `peek` against the injected clock: expiry, changed limits, a clock stepping backwards. */
export function peekTimelineCases({ setup, key, timed }: ConformanceKit): void {
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
}
