import { expect } from "bun:test";
import type { ConformanceKit } from "./conformance.ts";
import type { RateLimitDecision } from "./types.ts";

const MINUTE = 60_000;

// Stores may throw synchronously or reject; this turns both into a rejection.
const settle = async <T>(fn: () => T | Promise<T>): Promise<T> => fn();

/** Two decisions made moments apart, up to a server clock that may tick between them. */
function expectAlike(actual: RateLimitDecision[], expected: RateLimitDecision[]): void {
  const exact = (ds: RateLimitDecision[]) => ds.map((d) => [d.allowed, d.limit, d.remaining]);
  expect(exact(actual)).toEqual(exact(expected));
  for (const [i, d] of actual.entries()) {
    const e = expected[i] as RateLimitDecision;
    expect(Math.abs(d.reset - e.reset)).toBeLessThanOrEqual(1);
    expect(Math.abs(d.retryAfter - e.retryAfter)).toBeLessThanOrEqual(1);
  }
}

/**
 * The conformance cases of `hitAll` and `release`, declared inside `runStoreConformance` with
 * its helpers; `timed` cases need a store that honours the injected clock.
 */
export function hitAllAndReleaseCases({ setup, key, hitN, test, timed }: ConformanceKit): void {
  test("hitAll admits on every key at once, each as its hit would", async () => {
    const { store } = await setup();
    const [a, b, c, control] = [key("a"), key("b"), key("c"), key("control")];
    await hitN(store, b, 2, 3, MINUTE);
    await hitN(store, control, 2, 3, MINUTE);
    const decisions = await store.hitAll([
      { key: a, limit: 1, windowMs: MINUTE },
      { key: b, limit: 3, windowMs: MINUTE },
      { key: c, limit: 12, windowMs: 10_000 },
    ]);
    expect([decisions[0], decisions[2]]).toEqual([
      { allowed: true, limit: 1, remaining: 0, reset: 60, retryAfter: 0 },
      { allowed: true, limit: 12, remaining: 11, reset: 10, retryAfter: 0 },
    ]);
    expectAlike([decisions[1] as RateLimitDecision], [await store.hit(control, 3, MINUTE)]);
    expect((await store.peek(a, 1, MINUTE)).allowed).toBe(false);
    expect((await store.peek(b, 3, MINUTE)).allowed).toBe(false);
    expect((await store.peek(c, 12, 10_000)).remaining).toBe(11);
    expect(await store.hitAll([])).toEqual([]);
  });

  test("hitAll with one key full records nothing anywhere: each decision is a peek", async () => {
    const { store } = await setup();
    const [fresh, some, full] = [key("fresh"), key("some"), key("full")];
    await hitN(store, some, 1, 3, MINUTE);
    await hitN(store, full, 2, 2, MINUTE);
    const hits = [
      { key: fresh, limit: 3, windowMs: MINUTE },
      { key: some, limit: 3, windowMs: MINUTE },
      { key: full, limit: 2, windowMs: MINUTE },
    ];
    const before = await Promise.all(hits.map((h) => store.peek(h.key, h.limit, h.windowMs)));
    for (let i = 0; i < 3; i++) {
      const refused = await store.hitAll(hits);
      expect(refused.map((d) => d.allowed)).toEqual([true, true, false]);
      expectAlike(refused, before);
    }
    // Nothing was recorded: the fresh key was never created, the others kept their counts.
    expect(await store.hit(fresh, 3, MINUTE)).toMatchObject({ remaining: 2, reset: 60 });
    expect(await store.hit(some, 3, MINUTE)).toMatchObject({ allowed: true, remaining: 1 });
    expect(await store.hit(some, 3, MINUTE)).toMatchObject({ allowed: true, remaining: 0 });
  });

  test("hitAll rejects invalid arguments and repeated keys with RangeError, recording nothing", async () => {
    const { store } = await setup();
    const [a, b] = [key("a"), key("b")];
    const bad = [
      [{ key: a, limit: 0, windowMs: MINUTE }],
      [{ key: a, limit: 2, windowMs: Number.NaN }],
      [
        { key: a, limit: 2, windowMs: MINUTE },
        { key: b, limit: 1.5, windowMs: MINUTE },
      ],
      [
        { key: a, limit: 2, windowMs: MINUTE },
        { key: b, limit: 2, windowMs: MINUTE },
        { key: a, limit: 2, windowMs: MINUTE },
      ],
    ];
    for (const hits of bad) {
      await expect(settle(() => store.hitAll(hits))).rejects.toThrow(RangeError);
    }
    for (const k of [a, b]) expect((await store.peek(k, 2, MINUTE)).remaining).toBe(2);
  });

  test("release takes back one hit: a full key admits one more", async () => {
    const { store } = await setup();
    for (const limit of [3, 12]) {
      const k = key(`release-${limit}`);
      await hitN(store, k, limit, limit, MINUTE);
      await store.release(k);
      expect(await store.peek(k, limit, MINUTE)).toMatchObject({ allowed: true, remaining: 1 });
      expect(await store.hit(k, limit, MINUTE)).toMatchObject({ allowed: true, remaining: 0 });
      expect((await store.hit(k, limit, MINUTE)).allowed).toBe(false);
      for (let i = 0; i < 3; i++) await store.release(k);
      expect(await store.peek(k, limit, MINUTE)).toMatchObject({ remaining: 3 });
    }
  });

  test("release of a key's only hit leaves it as if never hit; of an unknown key, nothing", async () => {
    const { store } = await setup();
    const [k, other, unknown] = [key("once"), key("other"), key("unknown")];
    await store.hit(k, 2, MINUTE);
    await store.hit(other, 2, MINUTE);
    await store.release(k);
    await store.release(k);
    await store.release(unknown);
    const fresh = { allowed: true, limit: 2, remaining: 2, reset: 0, retryAfter: 0 };
    expect(await store.peek(k, 2, MINUTE)).toEqual(fresh);
    expect(await store.peek(unknown, 2, MINUTE)).toEqual(fresh);
    expect(await store.peek(other, 2, MINUTE)).toMatchObject({ remaining: 1 });
    expect(await store.hit(k, 2, MINUTE)).toMatchObject({ remaining: 1, reset: 60 });
  });

  timed(
    "release takes back the newest hit: the oldest still decides when a slot frees",
    async () => {
      const { store, clock } = await setup();
      for (const limit of [2, 8]) {
        const k = key(`release-newest-${limit}`);
        const start = clock.now();
        for (let i = 0; i < limit; i++) {
          await store.hit(k, limit, MINUTE);
          clock.advance(10_000 / limit);
        }
        await store.release(k);
        // +30 s: the hit at +0 s is still there, so the window resets 30 s from now.
        clock.advance(30_000 - (clock.now() - start));
        expect(await store.peek(k, limit, MINUTE)).toMatchObject({ remaining: 1, reset: 30 });
        expect(await store.hit(k, limit, MINUTE)).toMatchObject({ allowed: true, reset: 30 });
        expect(await store.hit(k, limit, MINUTE)).toMatchObject({
          allowed: false,
          retryAfter: 30,
        });
      }
    },
  );

  timed("hitAll follows each key's own window", async () => {
    const { store, clock } = await setup();
    const [short, long] = [key("short"), key("long")];
    const hits = [
      { key: short, limit: 1, windowMs: 10_000 },
      { key: long, limit: 2, windowMs: MINUTE },
    ];
    expect((await store.hitAll(hits)).map((d) => d.allowed)).toEqual([true, true]);
    clock.advance(5_000);
    const refused = await store.hitAll(hits);
    expect(refused.map((d) => [d.allowed, d.remaining, d.retryAfter])).toEqual([
      [false, 0, 5],
      [true, 1, 0],
    ]);
    clock.advance(5_000); // the short key's hit has left its window
    expect(await store.hitAll(hits)).toEqual([
      { allowed: true, limit: 1, remaining: 0, reset: 10, retryAfter: 0 },
      { allowed: true, limit: 2, remaining: 0, reset: 50, retryAfter: 0 },
    ]);
    expect((await store.hitAll(hits)).map((d) => d.allowed)).toEqual([false, false]);
  });
}
