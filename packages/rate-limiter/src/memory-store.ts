import { evictOne, sweepIdle } from "./memory/eviction.ts";
import { hitKnown, hitNew, peekKnown, releaseNewest } from "./memory/ring.ts";
import { Table } from "./memory/table.ts";
import type { RateLimitDecision, RateLimitStore, StoreHit } from "./types.ts";
import { assertHitArgs, assertHits } from "./validate.ts";

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
 * How it is kept (in `memory/`): compactly, so that a million keys fit in well under 150 MB
 * (`table.ts`: typed-array columns and a seeded hash index; `ring.ts`: each key's timestamps;
 * `eviction.ts`: CLOCK at the cap and the idle sweep; `room.ts`: growing and compacting).
 */
export class MemoryStore implements RateLimitStore {
  readonly #table: Table;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    const { maxKeys = 1_000_000, now = Date.now, sweepIntervalMs = 60_000 } = options;
    if (!Number.isSafeInteger(maxKeys) || maxKeys < 1) {
      throw new RangeError(`maxKeys must be an integer >= 1, got ${maxKeys}`);
    }
    if (!Number.isFinite(sweepIntervalMs) || sweepIntervalMs < 0) {
      throw new RangeError(`sweepIntervalMs must be a finite number >= 0, got ${sweepIntervalMs}`);
    }
    this.#table = new Table(maxKeys, now);
    if (sweepIntervalMs > 0) {
      this.#timer = setInterval(() => this.sweep(), sweepIntervalMs);
      // A background sweep must never be the reason a process stays alive.
      this.#timer.unref();
    }
  }

  get size(): number {
    return this.#table.live;
  }

  hit(key: string, limit: number, windowMs: number): RateLimitDecision {
    assertHitArgs(limit, windowMs);
    const table = this.#table;
    const hash = table.hashOf(key);
    const entry = table.find(key, hash);
    if (entry !== -1) return hitKnown(table, entry, limit, windowMs);
    const now = table.now();
    if (table.live >= table.maxKeys) evictOne(table);
    return hitNew(table, table.insert(key, hash), now, limit, windowMs);
  }

  /**
   * Read-only (see `RateLimitStore.peek`): no allocation for an unknown key, no eviction, no
   * trimming or growing of the log, and no used mark, so peeking never keeps a key alive.
   */
  peek(key: string, limit: number, windowMs: number): RateLimitDecision {
    assertHitArgs(limit, windowMs);
    const table = this.#table;
    const entry = table.find(key, table.hashOf(key));
    if (entry === -1) return { allowed: true, limit, remaining: limit, reset: 0, retryAfter: 0 };
    return peekKnown(table, entry, limit, windowMs);
  }

  /**
   * All or nothing (see `RateLimitStore.hitAll`): the peeks and the hits run in one synchronous
   * stretch, so no other call comes between them.
   */
  hitAll(hits: readonly StoreHit[]): RateLimitDecision[] {
    assertHits(hits);
    const peeks = hits.map(({ key, limit, windowMs }) => this.peek(key, limit, windowMs));
    if (!peeks.every((decision) => decision.allowed)) return peeks;
    return hits.map(({ key, limit, windowMs }) => this.hit(key, limit, windowMs));
  }

  reset(key: string): void {
    const table = this.#table;
    const entry = table.find(key, table.hashOf(key));
    if (entry !== -1) table.delete(entry);
  }

  /** See `RateLimitStore.release`. The key's idle time stays: it may be swept a little late. */
  release(key: string): void {
    const table = this.#table;
    const entry = table.find(key, table.hashOf(key));
    if (entry !== -1 && releaseNewest(table, entry) === 0) table.delete(entry);
  }

  /** Evicts keys whose every timestamp has left its window; returns how many were evicted. */
  sweep(): number {
    return sweepIdle(this.#table, this.#table.now());
  }

  /** Stops the sweep timer and forgets every key. */
  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#table.clear();
  }
}
