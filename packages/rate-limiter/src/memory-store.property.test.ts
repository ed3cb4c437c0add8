import { expect, test } from "bun:test";
import fc from "fast-check";
import { fakeClock } from "./conformance.ts";
import { MemoryStore } from "./memory-store.ts";
import type { RateLimitDecision } from "./types.ts";

/** The tutorial's algorithm, as literally as possible: filter the array, compare, push. */
class ReferenceModel {
  readonly #logs = new Map<string, number[]>();

  hit(key: string, limit: number, windowMs: number, now: number): RateLimitDecision {
    const log = (this.#logs.get(key) ?? []).filter((t) => now - t < windowMs);
    this.#logs.set(key, log);
    const allowed = log.length < limit;
    if (allowed) log.push(now);
    const windowSeconds = Math.ceil(windowMs / 1000);
    const oldest = Math.min(...log);
    const reset = log.length > 0 ? Math.ceil((oldest + windowMs - now) / 1000) : 0;
    let retryAfter = 0;
    if (!allowed) {
      // Admission needs log.length < limit, i.e. the (length - limit + 1) oldest must leave.
      const freesAt = (log.toSorted((a, b) => a - b)[log.length - limit] as number) + windowMs;
      retryAfter = Math.min(windowSeconds, Math.max(1, Math.ceil((freesAt - now) / 1000)));
    }
    return { allowed, limit, remaining: Math.max(0, limit - log.length), reset, retryAfter };
  }

  /** Pure: reads the key's log, filters a copy, and writes nothing back. */
  peek(key: string, limit: number, windowMs: number, now: number): RateLimitDecision {
    const log = (this.#logs.get(key) ?? []).filter((t) => now - t < windowMs);
    const allowed = log.length < limit;
    const windowSeconds = Math.ceil(windowMs / 1000);
    const reset = log.length > 0 ? Math.ceil((Math.min(...log) + windowMs - now) / 1000) : 0;
    let retryAfter = 0;
    if (!allowed) {
      const freesAt = (log.toSorted((a, b) => a - b)[log.length - limit] as number) + windowMs;
      retryAfter = Math.min(windowSeconds, Math.max(1, Math.ceil((freesAt - now) / 1000)));
    }
    return { allowed, limit, remaining: Math.max(0, limit - log.length), reset, retryAfter };
  }

  reset(key: string): void {
    this.#logs.delete(key);
  }

  /** Forgets the newest recorded timestamp (the last pushed; this model's clock never steps back). */
  release(key: string): void {
    const log = this.#logs.get(key);
    log?.pop();
    if (log?.length === 0) this.#logs.delete(key);
  }

  /** Peeks every key; hits them all only if every peek is allowed. */
  hitAll(hits: { key: string; limit: number }[], windowMs: number, now: number) {
    const peeks = hits.map(({ key, limit }) => this.peek(key, limit, windowMs, now));
    if (!peeks.every((d) => d.allowed)) return peeks;
    return hits.map(({ key, limit }) => this.hit(key, limit, windowMs, now));
  }

  clone(): ReferenceModel {
    const copy = new ReferenceModel();
    for (const [key, log] of this.#logs) copy.#logs.set(key, [...log]);
    return copy;
  }

  /** Everything the model holds, to show a peek changed none of it. */
  snapshot(): [string, number[]][] {
    return [...this.#logs].map(([key, log]) => [key, [...log]]);
  }
}

const op = (limit: fc.Arbitrary<number>) =>
  fc.oneof(
    {
      weight: 10,
      arbitrary: fc.record({
        kind: fc.constant("hit" as const),
        key: fc.constantFrom("a", "b", "c"),
        limit,
        // Mostly small steps so logs fill up, sometimes jumps past the window.
        advance: fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 5_000 })),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("reset" as const),
        key: fc.constantFrom("a", "b", "c"),
      }),
    },
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant("peek" as const),
        key: fc.constantFrom("a", "b", "c", "d"), // "d" is only ever peeked: never created
        limit,
        advance: fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 5_000 })),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("sweep" as const) }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant("release" as const),
        key: fc.constantFrom("a", "b", "c", "d"),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant("hitAll" as const),
        hits: fc.uniqueArray(fc.record({ key: fc.constantFrom("a", "b", "c"), limit }), {
          selector: (h) => h.key,
          maxLength: 3,
        }),
        advance: fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 5_000 })),
      }),
    },
  );

type Op = typeof op extends (limit: fc.Arbitrary<number>) => fc.Arbitrary<infer T> ? T : never;

function checkAgainstModel(ops: fc.Arbitrary<Op[]>) {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 3_000 }), ops, (windowMs, ops) => {
      const clock = fakeClock(1_000_000);
      const store = new MemoryStore({ now: clock.now, sweepIntervalMs: 0 });
      const model = new ReferenceModel();
      for (const o of ops) {
        if (o.kind === "reset") {
          store.reset(o.key);
          model.reset(o.key);
        } else if (o.kind === "sweep") {
          store.sweep(); // only idle keys go, so decisions must not change
        } else if (o.kind === "release") {
          store.release(o.key);
          model.release(o.key);
        } else if (o.kind === "hitAll") {
          clock.advance(o.advance);
          const hits = o.hits.map(({ key, limit }) => ({ key, limit, windowMs }));
          expect(store.hitAll(hits)).toEqual(model.hitAll(o.hits, windowMs, clock.now()));
        } else if (o.kind === "peek") {
          clock.advance(o.advance);
          const now = clock.now();
          const [size, state] = [store.size, model.snapshot()];
          const peeked = store.peek(o.key, o.limit, windowMs);
          expect(peeked).toEqual(model.peek(o.key, o.limit, windowMs, now));
          // Peeks change nothing: the model's state, and the store's key count.
          expect(model.snapshot()).toEqual(state);
          expect(store.size).toBe(size);
          // It is the decision a hit would make now: identical when denied; when allowed, the
          // hit would leave one slot fewer.
          const hit = model.clone().hit(o.key, o.limit, windowMs, now);
          expect(peeked.allowed).toBe(hit.allowed);
          if (hit.allowed) expect(peeked.remaining).toBe(hit.remaining + 1);
          else expect(peeked).toEqual(hit);
        } else {
          clock.advance(o.advance);
          expect(store.hit(o.key, o.limit, windowMs)).toEqual(
            model.hit(o.key, o.limit, windowMs, clock.now()),
          );
        }
      }
      store.close();
    }),
    { numRuns: 300 },
  );
}

const opsOf = (limit: fc.Arbitrary<number>) => fc.array(op(limit), { maxLength: 200, size: "max" });

test("MemoryStore hits, peeks, releases and hits all-or-nothing exactly like the naive sliding log (one limit per run)", () => {
  // Limits past the initial ring capacity (8) make the ring grow.
  checkAgainstModel(fc.integer({ min: 1, max: 12 }).chain((limit) => opsOf(fc.constant(limit))));
});

test("MemoryStore matches the naive sliding log even when a key's limit changes between calls", () => {
  // Raising a key's limit grows its ring; lowering it leaves more counted than the limit.
  checkAgainstModel(opsOf(fc.integer({ min: 1, max: 20 })));
});

test("under a tiny maxKeys, size stays capped and every denial (hit or peek) rests on real admissions", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 1, max: 3_000 }),
      fc.array(
        fc.record({
          key: fc.constantFrom("a", "b", "c", "d", "e", "f"),
          advance: fc.integer({ min: 0, max: 300 }),
          peek: fc.boolean(),
        }),
        { maxLength: 200, size: "max" },
      ),
      (maxKeys, limit, windowMs, ops) => {
        const clock = fakeClock(0);
        const store = new MemoryStore({ maxKeys, now: clock.now, sweepIntervalMs: 0 });
        const admitted = new Map<string, number[]>();
        for (const { key, advance, peek } of ops) {
          clock.advance(advance);
          const now = clock.now();
          const size = store.size;
          const decision = peek
            ? store.peek(key, limit, windowMs)
            : store.hit(key, limit, windowMs);
          const log = admitted.get(key) ?? [];
          if (peek)
            expect(store.size).toBe(size); // a peek neither creates nor evicts
          else if (decision.allowed) admitted.set(key, [...log, now]);
          if (!decision.allowed) {
            expect(log.filter((t) => now - t < windowMs).length).toBeGreaterThanOrEqual(limit);
          }
          expect(store.size).toBeLessThanOrEqual(maxKeys);
        }
        store.close();
      },
    ),
    { numRuns: 300 },
  );
});

test("the compact layout's edges (rebasing, sub-millisecond clocks, 49-day spans) match the model", () => {
  // Clock steps with fractions of a millisecond and jumps past what 32 bits of milliseconds
  // hold, under windows up to 60 days: the inline ring rebases or hands the key to a plain log.
  const advance = fc.oneof(
    fc.integer({ min: 0, max: 200 }),
    fc.double({ min: 0, max: 50, noNaN: true }),
    fc.constantFrom(2 ** 31, 2 ** 32 - 1, 2 ** 32 + 7, 30 * 86_400_000),
  );
  fc.assert(
    fc.property(
      fc.constantFrom(1_000, 60_000, 3_600_000, 60 * 86_400_000, 0.5, 1_500.25),
      fc.array(
        fc.record({
          key: fc.constantFrom("a", "b", "ü", "키"),
          limit: fc.integer({ min: 1, max: 8 }),
          advance,
          peek: fc.boolean(),
        }),
        { maxLength: 150, size: "max" },
      ),
      (windowMs, ops) => {
        const clock = fakeClock(1_700_000_000_000);
        const store = new MemoryStore({ now: clock.now, sweepIntervalMs: 0 });
        const model = new ReferenceModel();
        for (const { key, limit, advance: ms, peek } of ops) {
          clock.advance(ms);
          const now = clock.now();
          if (peek)
            expect(store.peek(key, limit, windowMs)).toEqual(model.peek(key, limit, windowMs, now));
          else
            expect(store.hit(key, limit, windowMs)).toEqual(model.hit(key, limit, windowMs, now));
        }
        store.close();
      },
    ),
    { numRuns: 300 },
  );
});
