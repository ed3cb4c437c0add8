import { afterEach, describe, test } from "bun:test";
import { hitCases, hitTimelineCases } from "./conformance-hit.ts";
import { hitAllAndReleaseCases } from "./conformance-hit-all.ts";
import { peekCases, peekTimelineCases } from "./conformance-peek.ts";
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

type Case = (title: string, fn: () => Promise<void>) => void;

/** What each group of cases is handed: a fresh store per test, unique keys, and two ways to declare. */
export interface ConformanceKit {
  setup: (clock?: FakeClock) => Promise<{ store: RateLimitStore; clock: FakeClock }>;
  /** A key no other test uses, so a shared backend is fine. */
  key: (label: string) => string;
  /** `n` hits in a row on one key, their decisions in order. */
  hitN: (
    store: RateLimitStore,
    key: string,
    n: number,
    limit: number,
    windowMs: number,
  ) => Promise<RateLimitDecision[]>;
  test: Case;
  /** A case that needs a store honouring the injected clock (declared only for such a store). */
  timed: Case;
}

/**
 * Store-level behaviour every RateLimitStore must share, so a Redis store can be held to the
 * exact semantics of the in-memory one. The cases live beside this file, grouped by method
 * (`conformance-hit.ts`, `conformance-peek.ts`, `conformance-hit-all.ts`).
 */
export function runStoreConformance(
  name: string,
  makeStore: StoreFactory,
  options: ConformanceOptions = {},
): void {
  const open: RateLimitStore[] = [];
  let seq = 0;
  const setup = async (clock = fakeClock(1_700_000_000_000)) => {
    const store = await makeStore(clock.now);
    open.push(store);
    return { store, clock };
  };
  const kit: ConformanceKit = {
    setup,
    key: (label) => `conformance:${++seq}:${label}`,
    hitN: async (store, k, n, limit, windowMs) => {
      const out = [];
      for (let i = 0; i < n; i++) out.push(await store.hit(k, limit, windowMs));
      return out;
    },
    test,
    timed: (title, fn) => {
      if (options.fakeClock !== false) test(title, fn);
    },
  };

  describe(`${name}: RateLimitStore conformance`, () => {
    afterEach(async () => {
      for (const store of open.splice(0)) await store.close();
    });

    hitCases(kit);
    peekCases(kit);

    test("close() can be called twice", async () => {
      const { store } = await setup();
      await store.close();
      await store.close();
    });

    hitAllAndReleaseCases(kit);
    hitTimelineCases(kit);
    peekTimelineCases(kit);
  });
}
