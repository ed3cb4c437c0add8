import {
  createLog,
  decide,
  idleAt,
  markUsed,
  newest,
  peekLog,
  prepare,
  type SlidingLog,
  takeUsed,
} from "./sliding-log.ts";
import type { RateLimitDecision, RateLimitStore } from "./types.ts";
import { assertHitArgs } from "./validate.ts";

export interface MemoryStoreOptions {
  /** Hard cap on tracked keys; beyond it a least-recently-used key is evicted. */
  maxKeys?: number;
  /** Clock in milliseconds. */
  now?: () => number;
  /** How often idle keys are swept; 0 disables the timer (call `sweep()` yourself). */
  sweepIntervalMs?: number;
}

/**
 * In-process exact sliding-log store. Memory stays bounded two ways: idle keys are swept,
 * and `maxKeys` caps the total by evicting a least-recently-used key.
 *
 * Evicting a key early is safe-ish: a denial always rests on `limit` requests this store really
 * admitted within the window, and forgetting a key only throws such evidence away. So eviction
 * can let a client through early but never blocks one that has not used its quota. The cost is
 * that a flood of distinct keys could launder a client's history, so size the cap well above
 * the number of clients expected within one window.
 *
 * Recency is tracked with CLOCK (second chance), not by reordering the Map on every hit:
 * in Bun/JSC a Map delete + re-insert per hit measured ~0.2 M ops/s at a million keys, and
 * finding the oldest key via `keys().next()` gets slower with every deletion. Here a hit only
 * sets a flag on its log. When the cap is reached a persistent iterator (the "hand") walks the
 * Map: flagged keys lose the flag and are skipped, the first unflagged key is evicted. So a key
 * hit since the hand last passed it is never evicted. New keys start unflagged, so one-off keys
 * (scans, floods of random ids) are evicted before clients that keep coming back.
 */
export class MemoryStore implements RateLimitStore {
  readonly #logs = new Map<string, SlidingLog>();
  readonly #maxKeys: number;
  readonly #now: () => number;
  #hand: MapIterator<[string, SlidingLog]> | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    const { maxKeys = 1_000_000, now = Date.now, sweepIntervalMs = 60_000 } = options;
    if (!Number.isSafeInteger(maxKeys) || maxKeys < 1) {
      throw new RangeError(`maxKeys must be an integer >= 1, got ${maxKeys}`);
    }
    if (!Number.isFinite(sweepIntervalMs) || sweepIntervalMs < 0) {
      throw new RangeError(`sweepIntervalMs must be a finite number >= 0, got ${sweepIntervalMs}`);
    }
    this.#maxKeys = maxKeys;
    this.#now = now;
    if (sweepIntervalMs > 0) {
      this.#timer = setInterval(() => this.sweep(), sweepIntervalMs);
      // A background sweep must never be the reason a process stays alive.
      this.#timer.unref();
    }
  }

  get size(): number {
    return this.#logs.size;
  }

  hit(key: string, limit: number, windowMs: number): RateLimitDecision {
    assertHitArgs(limit, windowMs);
    const known = this.#logs.get(key);
    let log = known ?? createLog(limit);
    // Wall clocks can step backwards (NTP). Treating time as frozen at this key's newest
    // timestamp keeps the ring sorted; the only effect is that the key's entries expire later.
    const now = Math.max(this.#now(), newest(log));
    log = prepare(log, limit, windowMs, now);
    const decision = decide(log, limit, windowMs, now);
    if (known === undefined) {
      if (this.#logs.size >= this.#maxKeys) this.#evictOne();
      this.#logs.set(key, log);
    } else {
      markUsed(log);
      if (log !== known) this.#logs.set(key, log); // the ring grew; same Map slot
    }
    return decision;
  }

  /**
   * Read-only (see `RateLimitStore.peek`): no allocation for an unknown key, no eviction, no
   * trimming or growing of the log, and no used mark, so peeking never keeps a key alive.
   */
  peek(key: string, limit: number, windowMs: number): RateLimitDecision {
    assertHitArgs(limit, windowMs);
    const log = this.#logs.get(key);
    if (log === undefined)
      return { allowed: true, limit, remaining: limit, reset: 0, retryAfter: 0 };
    // The same backwards-clock rule as `hit`, so a peek answers what a hit would.
    return peekLog(log, limit, windowMs, Math.max(this.#now(), newest(log)));
  }

  reset(key: string): void {
    this.#logs.delete(key);
  }

  /** Evicts keys whose every timestamp has left its window; returns how many were evicted. */
  sweep(): number {
    const now = this.#now();
    let evicted = 0;
    for (const [key, log] of this.#logs) {
      if (now >= idleAt(log)) {
        this.#logs.delete(key);
        evicted++;
      }
    }
    return evicted;
  }

  /** Stops the sweep timer and forgets every key. */
  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#hand = undefined;
    this.#logs.clear();
  }

  #evictOne(): void {
    // Terminates: the first lap clears every flag it passes, so the second lap finds a victim.
    for (;;) {
      let next = this.#hand?.next();
      if (next === undefined || next.done) {
        this.#hand = this.#logs.entries();
        next = this.#hand.next();
        if (next.done) return;
      }
      const [key, log] = next.value;
      if (!takeUsed(log)) {
        this.#logs.delete(key);
        return;
      }
    }
  }
}
