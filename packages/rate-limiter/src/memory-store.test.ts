import { describe, expect, test } from "bun:test";
import { fakeClock, runStoreConformance } from "./conformance.ts";
import { MemoryStore } from "./memory-store.ts";

runStoreConformance("MemoryStore", (now) => new MemoryStore({ now, sweepIntervalMs: 0 }));

const MINUTE = 60_000;

function setup(options: { maxKeys?: number } = {}) {
  const clock = fakeClock();
  const store = new MemoryStore({ ...options, now: clock.now, sweepIntervalMs: 0 });
  return { clock, store };
}

describe("MemoryStore", () => {
  test("sweep() evicts idle keys and keeps active ones", () => {
    const { clock, store } = setup();
    store.hit("idle", 5, MINUTE);
    clock.advance(30_000);
    store.hit("active", 5, MINUTE);
    store.hit("other-window", 5, 10_000);
    clock.advance(30_000); // idle's only hit is now exactly one window old
    expect(store.sweep()).toBe(2);
    expect(store.size).toBe(1);
    expect(store.hit("active", 5, MINUTE).remaining).toBe(3);
  });

  test("sweep() judges idleness by the newest timestamp, not the oldest", () => {
    const { clock, store } = setup();
    store.hit("k", 5, MINUTE);
    clock.advance(50_000);
    store.hit("k", 5, MINUTE);
    clock.advance(20_000); // first hit expired, second still counts
    expect(store.sweep()).toBe(0);
    clock.advance(40_000);
    expect(store.sweep()).toBe(1);
  });

  test("maxKeys evicts the least recently used key and size never exceeds the cap", () => {
    const { store } = setup({ maxKeys: 3 });
    for (const k of ["a", "b", "c"]) store.hit(k, 1, MINUTE);
    store.hit("a", 1, MINUTE); // denied, but still a use: "b" is now least recent
    store.hit("d", 1, MINUTE);
    expect(store.size).toBe(3);
    expect(store.hit("a", 1, MINUTE).allowed).toBe(false);
    expect(store.hit("c", 1, MINUTE).allowed).toBe(false);
    expect(store.hit("b", 1, MINUTE).allowed).toBe(true); // forgotten, so granted again
    for (let i = 0; i < 100; i++) {
      store.hit(`flood-${i}`, 1, MINUTE);
      expect(store.size).toBeLessThanOrEqual(3);
    }
  });

  test("eviction spares keys hit since the hand last passed and takes one-off keys first", () => {
    const { store } = setup({ maxKeys: 3 });
    for (const k of ["a", "b", "c"]) store.hit(k, 1, MINUTE);
    store.hit("a", 1, MINUTE);
    store.hit("c", 1, MINUTE);
    store.hit("d", 1, MINUTE); // evicts b, the only key not hit again
    store.hit("e", 1, MINUTE); // c used its second chance above; d is a one-off and goes
    expect(store.size).toBe(3);
    // Present keys are still denied (a denied hit inserts nothing, so checking is harmless).
    for (const k of ["a", "c", "e"]) expect(store.hit(k, 1, MINUTE).allowed).toBe(false);
    expect(store.hit("b", 1, MINUTE).allowed).toBe(true);
  });

  test("maxKeys 1 keeps only the latest key", () => {
    const { store } = setup({ maxKeys: 1 });
    store.hit("a", 1, MINUTE);
    store.hit("b", 1, MINUTE);
    expect(store.size).toBe(1);
    expect(store.hit("b", 1, MINUTE).allowed).toBe(false);
  });

  test("reset(key) and close() drop state", () => {
    const { store } = setup();
    store.hit("a", 1, MINUTE);
    store.hit("b", 1, MINUTE);
    store.reset("a");
    expect(store.size).toBe(1);
    store.close();
    expect(store.size).toBe(0);
  });

  test("a clock stepping backwards never throws and never grants extra slots", () => {
    const { clock, store } = setup();
    store.hit("k", 2, MINUTE);
    clock.advance(10_000);
    store.hit("k", 2, MINUTE);
    clock.advance(-30_000);
    expect(store.hit("k", 2, MINUTE)).toMatchObject({ allowed: false, remaining: 0 });
    clock.advance(80_000); // 60 s after the first hit
    expect(store.hit("k", 2, MINUTE).allowed).toBe(true);
  });

  test("after the clock steps backwards, peek agrees with hit", () => {
    const { clock, store } = setup();
    store.hit("k", 3, MINUTE);
    clock.advance(10_000);
    store.hit("k", 3, MINUTE);
    clock.advance(-30_000); // before the first hit: time is frozen at +10 s for this key
    expect(store.peek("k", 3, MINUTE)).toEqual({
      allowed: true,
      limit: 3,
      remaining: 1,
      reset: 50,
      retryAfter: 0,
    });
    expect(store.hit("k", 3, MINUTE)).toMatchObject({ allowed: true, remaining: 0, reset: 50 });
    expect(store.peek("k", 3, MINUTE)).toEqual(store.hit("k", 3, MINUTE));
  });

  test("large limits grow the log on demand and stay exact", () => {
    const { clock, store } = setup();
    for (let i = 0; i < 1000; i++) {
      expect(store.hit("k", 1000, MINUTE).remaining).toBe(999 - i);
      clock.advance(10);
    }
    expect(store.peek("k", 1000, MINUTE)).toMatchObject({ allowed: false, retryAfter: 50 });
    expect(store.hit("k", 1000, MINUTE)).toMatchObject({ allowed: false, retryAfter: 50 });
    clock.advance(50_000); // +60 s: exactly the first hit has left
    expect(store.hit("k", 1000, MINUTE)).toMatchObject({ allowed: true, remaining: 0 });
    expect(store.hit("k", 1000, MINUTE).allowed).toBe(false);
  });

  test("a key whose limit is lowered stays denied until enough old hits leave", () => {
    const { clock, store } = setup();
    for (let i = 0; i < 4; i++) {
      store.hit("k", 4, MINUTE);
      clock.advance(1_000);
    }
    // 4 counted at +0..+3 s; under limit 2 a slot frees when the +2 s hit leaves.
    expect(store.hit("k", 2, MINUTE)).toMatchObject({ allowed: false, reset: 56, retryAfter: 58 });
  });

  test("peek allocates nothing: an unknown key stays unknown, even at the maxKeys cap", () => {
    const { store } = setup({ maxKeys: 2 });
    for (let i = 0; i < 10; i++) {
      expect(store.peek(`ghost-${i}`, 1, MINUTE)).toMatchObject({ allowed: true, remaining: 1 });
    }
    expect(store.size).toBe(0);
    store.hit("a", 1, MINUTE);
    store.hit("b", 1, MINUTE);
    // At the cap a hit on a new key would evict; a peek must not.
    expect(store.peek("c", 1, MINUTE).allowed).toBe(true);
    expect(store.size).toBe(2);
    expect(store.peek("a", 1, MINUTE).allowed).toBe(false);
    expect(store.peek("b", 1, MINUTE).allowed).toBe(false);
  });

  test("peek does not mark a key used, so it cannot save the key from eviction", () => {
    const { store } = setup({ maxKeys: 3 });
    for (const k of ["a", "b", "c"]) store.hit(k, 1, MINUTE);
    store.hit("b", 1, MINUTE); // b gets its second chance
    for (let i = 0; i < 5; i++) store.peek("a", 1, MINUTE); // a must not
    // The hand starts at a: unmarked, so a goes. Had the peeks marked it, a and b would lose
    // their marks and c, the only unmarked key, would go instead.
    store.hit("d", 1, MINUTE);
    expect(store.size).toBe(3);
    // Presence checked with peeks, which do not disturb the marks: absent keys are allowed.
    expect(store.peek("a", 1, MINUTE).allowed).toBe(true);
    for (const k of ["b", "c", "d"]) expect(store.peek(k, 1, MINUTE).allowed).toBe(false);
  });

  test("peek does not keep a key alive: expired entries are skipped, left to sweep()", () => {
    const { clock, store } = setup();
    store.hit("k", 2, MINUTE);
    store.hit("k", 2, MINUTE);
    clock.advance(MINUTE);
    expect(store.peek("k", 2, MINUTE)).toEqual({
      allowed: true,
      limit: 2,
      remaining: 2,
      reset: 0,
      retryAfter: 0,
    });
    expect(store.size).toBe(1); // a peek does not delete either; the sweep does
    expect(store.sweep()).toBe(1);
    expect(store.size).toBe(0);
  });

  test("rejects invalid options", () => {
    expect(() => new MemoryStore({ maxKeys: 0 })).toThrow(RangeError);
    expect(() => new MemoryStore({ maxKeys: 1.5 })).toThrow(RangeError);
    expect(() => new MemoryStore({ sweepIntervalMs: -1 })).toThrow(RangeError);
  });

  test("the sweep timer runs on its interval", async () => {
    const clock = fakeClock();
    const store = new MemoryStore({ now: clock.now, sweepIntervalMs: 5 });
    try {
      store.hit("k", 1, 1_000);
      clock.advance(1_000);
      await Bun.sleep(50);
      expect(store.size).toBe(0);
    } finally {
      store.close();
    }
  });

  test("the sweep timer does not keep the process alive", () => {
    const entry = new URL("./index.ts", import.meta.url).pathname;
    const script = `import { MemoryStore } from ${JSON.stringify(entry)}; new MemoryStore().hit("k", 1, 1000);`;
    // A ref'ed 60 s interval would hold the child until this timeout kills it (exitCode null).
    const child = Bun.spawnSync([process.execPath, "-e", script], { timeout: 3_000 });
    expect(child.exitCode).toBe(0);
  });
});

describe("MemoryStore's compact layout", () => {
  test("keys are compared in full: Latin-1, UTF-16, empty and very long keys stay apart", () => {
    const { store } = setup();
    const keys = ["", "a", "a\u0000", "ä", "\u00e4", "a\u0308", "키", "😀", "x".repeat(100_000)];
    const distinct = [...new Set(keys)];
    for (const k of distinct) expect(store.hit(k, 2, MINUTE).remaining).toBe(1);
    for (const k of distinct) expect(store.hit(k, 2, MINUTE).remaining).toBe(0);
    expect(store.size).toBe(distinct.length);
    expect(store.peek("x".repeat(99_999), 2, MINUTE).remaining).toBe(2);
    expect(store.peek("😁", 2, MINUTE).remaining).toBe(2);
  });

  test("churn far past maxKeys: deleted entries are squeezed out and every live key stays exact", () => {
    const { clock, store } = setup({ maxKeys: 100 });
    for (let i = 0; i < 20_000; i++) {
      store.hit(`flood-${i}`, 3, MINUTE);
      if (i % 7 === 0) store.reset(`flood-${i - 3}`);
      // A client that keeps coming back survives the flood (its mark is renewed each time).
      if (i % 10 === 0) store.hit("regular", 1_000_000, MINUTE);
      expect(store.size).toBeLessThanOrEqual(100);
      clock.advance(1);
    }
    expect(store.peek("regular", 1_000_000, MINUTE).remaining).toBe(1_000_000 - 2_000);
    // The newest flood keys are all there, with their one hit counted (but those reset).
    for (let i = 19_990; i < 20_000; i++) {
      const reset = (i + 3) % 7 === 0;
      expect(store.peek(`flood-${i}`, 3, MINUTE).remaining).toBe(reset ? 3 : 2);
    }
  });

  test("a million keys, hit twice each, are all kept and counted", () => {
    const { store } = setup();
    const n = 1_000_000;
    for (let i = 0; i < n; i++) store.hit(`client-${i}`, 5, MINUTE);
    for (let i = 0; i < n; i += 997) expect(store.hit(`client-${i}`, 5, MINUTE).remaining).toBe(3);
    expect(store.size).toBe(n);
    expect(store.hit("one-more", 5, MINUTE).allowed).toBe(true);
    expect(store.size).toBe(n); // one evicted to make room
    // 0.7 s alone, but 5 s under the whole suite on a loaded 2-core CI machine: the limit is a
    // hang guard, not a speed check (speed lives in bench/).
  }, 60_000);

  test("sweep, reset and eviction keep the index whole (every remaining key still found)", () => {
    const { clock, store } = setup({ maxKeys: 500 });
    for (let i = 0; i < 1_000; i++) {
      store.hit(`k${i}`, 5, i % 2 === 0 ? 1_000 : MINUTE);
      clock.advance(1);
    }
    clock.advance(1_000);
    store.sweep();
    for (let i = 0; i < 1_000; i += 3) store.reset(`k${i}`);
    let found = 0;
    for (let i = 0; i < 1_000; i++) if (store.peek(`k${i}`, 5, MINUTE).remaining === 4) found++;
    expect(found).toBe(store.size);
  });
});
