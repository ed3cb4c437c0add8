import {
  decide,
  dropNewest,
  logFrom,
  idleAt as logIdleAt,
  newest as logNewest,
  peekLog,
  prepare,
  type SlidingLog,
  toDecision,
} from "./sliding-log.ts";
import type { RateLimitDecision, RateLimitStore, StoreHit } from "./types.ts";
import { assertHitArgs, assertHits, ceilSeconds } from "./validate.ts";

export interface MemoryStoreOptions {
  /** Hard cap on tracked keys; beyond it a least-recently-used key is evicted. */
  maxKeys?: number;
  /** Clock in milliseconds. */
  now?: () => number;
  /** How often idle keys are swept; 0 disables the timer (call `sweep()` yourself). */
  sweepIntervalMs?: number;
}

/** Timestamps a key keeps inline: the tutorial's limit. Keys allowed more move to a growable log. */
const INLINE = 5;
// Entry flags.
const LIVE = 1;
/** Hit since the eviction hand last passed (CLOCK's second chance). */
const USED = 2;
/** The key has a character above U+00FF and is stored as UTF-16 (else as Latin-1 bytes). */
const WIDE = 4;
/** The key's timestamps live in `#overflow` (its limit outgrew the inline ring). */
const OVERFLOW = 8;
// Index slots hold an entry number + 1; 0 is empty, -1 a deleted slot (a tombstone).
const EMPTY = 0;
const TOMBSTONE = -1;
const MIN_ENTRIES = 64;
const MAX_OFFSET = 0xffff_ffff;
/** Whether a time offset fits an entry's ring: whole milliseconds, 32 bits (49 days). */
const fits = (ms: number) => Number.isInteger(ms) && ms >= 0 && ms <= MAX_OFFSET;
const MIN_KEY_BYTES = 1024;

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
 * Layout: compact, because a million keys must fit in well under 150 MB. A JavaScript `Map`
 * from key strings to small arrays cost ~266 bytes per key (a string, a map entry and an array
 * object each); here a key costs ~96 (1,000,000 keys: 128 MB resident, against 284 MB). Every key
 * is an "entry" in a set of typed arrays (its hash, where its characters are, flags, and an
 * inline ring of INLINE timestamps kept as whole milliseconds after a per-key base), its
 * characters are copied into one byte arena (Latin-1, or UTF-16 when needed), and an
 * open-addressing index (linear probing over a seeded hash) maps keys to entries. A key whose
 * limit lets it hold more than INLINE timestamps (login throttling's 10 and 100), or whose times
 * do not fit the ring (fractions of a millisecond, more than 49 days apart), moves to an ordinary
 * growable log in a side map. Keys are compared in full: a hash collision can never merge two
 * clients.
 *
 * Recency is tracked with CLOCK (second chance): a hit only sets a flag on its entry. When the
 * cap is reached a persistent hand walks the entries in insertion order: flagged keys lose the
 * flag and are skipped, the first unflagged key is evicted. So a key hit since the hand last
 * passed it is never evicted. New keys start unflagged, so one-off keys (scans, floods of
 * random ids) are evicted before clients that keep coming back. Deleted entries leave holes
 * that are squeezed out (keeping the order) when the entries run out of room.
 */
export class MemoryStore implements RateLimitStore {
  readonly #maxKeys: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #seed: number;
  #timer: ReturnType<typeof setInterval> | undefined;

  // Entries, in insertion order: [0, #tail) are used, #live of them live, #dead deleted.
  #tail = 0;
  #live = 0;
  #dead = 0;
  /** Outputs of `#counting`: the moment it counted at, and the oldest counted slot. */
  #countedAt = 0;
  #countedHead = 0;
  #hash = new Int32Array(0);
  #keyStart = new Uint32Array(0);
  #keyLength = new Uint32Array(0);
  #flags = new Uint8Array(0);
  #head = new Uint8Array(0);
  #count = new Uint8Array(0);
  /** Timestamps are stored as whole milliseconds after their key's base time. */
  #base = new Float64Array(0);
  #idle = new Uint32Array(0);
  #ring = new Uint32Array(0);
  readonly #overflow = new Map<number, SlidingLog>();
  /** The eviction hand: the next entry it looks at. */
  #hand = 0;

  // The index: open addressing over a power-of-two table.
  #slots = new Int32Array(0);
  #tombstones = 0;

  // Key characters.
  #keys = new Uint8Array(0);
  #keysUsed = 0;
  #keysGarbage = 0;

  constructor(options: MemoryStoreOptions = {}) {
    const { maxKeys = 1_000_000, now = Date.now, sweepIntervalMs = 60_000 } = options;
    if (!Number.isSafeInteger(maxKeys) || maxKeys < 1) {
      throw new RangeError(`maxKeys must be an integer >= 1, got ${maxKeys}`);
    }
    if (!Number.isFinite(sweepIntervalMs) || sweepIntervalMs < 0) {
      throw new RangeError(`sweepIntervalMs must be a finite number >= 0, got ${sweepIntervalMs}`);
    }
    this.#maxKeys = maxKeys;
    // Room for an eighth more entries than keys: deleted ones wait there until squeezed out.
    this.#maxEntries = maxKeys + Math.max(MIN_ENTRIES, Math.ceil(maxKeys / 8));
    this.#now = now;
    // Seeded per store, so which keys collide cannot be worked out in advance.
    this.#seed = crypto.getRandomValues(new Int32Array(1))[0] as number;
    this.#allocate(MIN_ENTRIES, MIN_KEY_BYTES);
    if (sweepIntervalMs > 0) {
      this.#timer = setInterval(() => this.sweep(), sweepIntervalMs);
      // A background sweep must never be the reason a process stays alive.
      this.#timer.unref();
    }
  }

  get size(): number {
    return this.#live;
  }

  hit(key: string, limit: number, windowMs: number): RateLimitDecision {
    assertHitArgs(limit, windowMs);
    const hash = this.#hashOf(key);
    let entry = this.#find(key, hash);
    if (entry === -1) {
      const now = this.#now();
      if (this.#live >= this.#maxKeys) this.#evictOne();
      entry = this.#insert(key, hash);
      this.#base[entry] = now;
      if (!fits(windowMs)) {
        this.#toOverflow(entry, 0, 0, limit);
        return this.#hitOverflow(entry, limit, windowMs);
      }
      // A new key's first hit is always admitted (limit >= 1).
      this.#ring[entry * INLINE] = 0;
      this.#count[entry] = 1;
      this.#idle[entry] = windowMs;
      return {
        allowed: true,
        limit,
        remaining: limit - 1,
        reset: ceilSeconds(windowMs),
        retryAfter: 0,
      };
    }
    const flags = this.#flags;
    flags[entry] = (flags[entry] as number) | USED;
    if ((flags[entry] as number) & OVERFLOW) return this.#hitOverflow(entry, limit, windowMs);

    const ring = this.#ring;
    const at = entry * INLINE;
    let base = this.#base[entry] as number;
    let count = this.#counting(entry, windowMs);
    const head = this.#countedHead;
    const now = this.#countedAt;
    this.#head[entry] = head;
    this.#count[entry] = count;
    const allowed = count < limit;
    if (allowed) {
      if (count === 0) {
        base = now;
        this.#base[entry] = now;
      } else if (count < INLINE && !fits(now + windowMs - base)) {
        // Rebase on the oldest timestamp kept.
        const shift = ring[at + head] as number;
        for (let i = 0; i < count; i++) {
          const k = at + ((head + i) % INLINE);
          ring[k] = (ring[k] as number) - shift;
        }
        base += shift;
        this.#base[entry] = base;
        this.#idle[entry] = (this.#idle[entry] as number) - shift;
      }
      if (count === INLINE || !fits(now - base) || !fits(now + windowMs - base)) {
        // Full while the limit allows more, or a time the ring cannot hold (fractions of a
        // millisecond, or over 49 days from the oldest): move to a growable log of numbers.
        this.#toOverflow(entry, head, count, limit);
        return this.#hitOverflow(entry, limit, windowMs);
      }
      // `decide`, on the inline ring: record the admission (a denial is not recorded).
      ring[at + ((head + count) % INLINE)] = now - base;
      count++;
      this.#count[entry] = count;
      this.#idle[entry] = now + windowMs - base;
    }
    const reset = count > 0 ? ceilSeconds(base + (ring[at + head] as number) + windowMs - now) : 0;
    let retryAfter = 0;
    if (!allowed) {
      // A slot frees once enough of the oldest leave to bring the count below the limit. That is
      // the oldest one, unless this key was recorded under a higher limit than the one asked now.
      const freesAt = base + (ring[at + ((head + count - limit) % INLINE)] as number) + windowMs;
      retryAfter = Math.min(Math.max(ceilSeconds(freesAt - now), 1), ceilSeconds(windowMs));
    }
    return { allowed, limit, remaining: Math.max(0, limit - count), reset, retryAfter };
  }

  /**
   * How many of an inline entry's timestamps still count at this moment; the moment and the
   * oldest counted slot are left in `#countedAt`/`#countedHead` (fields, not an object: this runs on
   * every decision). Reads only: `hit` stores the result, `peek` does not.
   */
  #counting(entry: number, windowMs: number): number {
    const ring = this.#ring;
    const at = entry * INLINE;
    const base = this.#base[entry] as number;
    let head = this.#head[entry] as number;
    let count = this.#count[entry] as number;
    // Wall clocks can step backwards (NTP). Treating time as frozen at this key's newest
    // timestamp keeps the ring sorted; the only effect is that the key's entries expire later.
    const newest =
      count === 0
        ? Number.NEGATIVE_INFINITY
        : base + (ring[at + ((head + count - 1) % INLINE)] as number);
    const now = Math.max(this.#now(), newest);
    // A timestamp counts while now - t < window, so it is gone exactly at t + window.
    while (count > 0 && now - (base + (ring[at + head] as number)) >= windowMs) {
      head = head + 1 === INLINE ? 0 : head + 1;
      count--;
    }
    this.#countedAt = now;
    this.#countedHead = head;
    return count;
  }

  /** Moves an entry's (already trimmed) timestamps to a growable log of plain numbers. */
  #toOverflow(entry: number, head: number, count: number, limit: number): void {
    const base = this.#base[entry] as number;
    const at = entry * INLINE;
    const times = Array.from(
      { length: count },
      (_, i) => base + (this.#ring[at + ((head + i) % INLINE)] as number),
    );
    const idle = count > 0 ? base + (this.#idle[entry] as number) : base;
    this.#overflow.set(entry, logFrom(times, Math.max(INLINE, Math.min(limit, INLINE * 2)), idle));
    this.#flags[entry] = (this.#flags[entry] as number) | OVERFLOW;
  }

  #hitOverflow(entry: number, limit: number, windowMs: number): RateLimitDecision {
    let log = this.#overflow.get(entry) as SlidingLog;
    const now = Math.max(this.#now(), logNewest(log));
    log = prepare(log, limit, windowMs, now);
    const decision = decide(log, limit, windowMs, now);
    this.#overflow.set(entry, log);
    return decision;
  }

  /**
   * Read-only (see `RateLimitStore.peek`): no allocation for an unknown key, no eviction, no
   * trimming or growing of the log, and no used mark, so peeking never keeps a key alive.
   */
  peek(key: string, limit: number, windowMs: number): RateLimitDecision {
    assertHitArgs(limit, windowMs);
    const entry = this.#find(key, this.#hashOf(key));
    if (entry === -1) return { allowed: true, limit, remaining: limit, reset: 0, retryAfter: 0 };
    if ((this.#flags[entry] as number) & OVERFLOW) {
      const log = this.#overflow.get(entry) as SlidingLog;
      // The same backwards-clock rule as `hit`, so a peek answers what a hit would.
      return peekLog(log, limit, windowMs, Math.max(this.#now(), logNewest(log)));
    }
    const ring = this.#ring;
    const at = entry * INLINE;
    const base = this.#base[entry] as number;
    // Expired timestamps are skipped over here, not dropped: a peek changes nothing.
    const count = this.#counting(entry, windowMs);
    const head = this.#countedHead;
    const now = this.#countedAt;
    const allowed = count < limit;
    const oldest = base + (ring[at + head] as number);
    const freeing = allowed
      ? oldest
      : base + (ring[at + ((head + count - limit) % INLINE)] as number);
    return toDecision(allowed, limit, windowMs, now, count, oldest, freeing);
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
    const entry = this.#find(key, this.#hashOf(key));
    if (entry !== -1) this.#delete(entry);
  }

  /** See `RateLimitStore.release`. The key's idle time stays: it may be swept a little late. */
  release(key: string): void {
    const entry = this.#find(key, this.#hashOf(key));
    if (entry === -1) return;
    let left: number;
    if ((this.#flags[entry] as number) & OVERFLOW) {
      left = dropNewest(this.#overflow.get(entry) as SlidingLog);
    } else {
      // The newest timestamp is the ring's last; dropping it is one fewer to count.
      left = Math.max(0, (this.#count[entry] as number) - 1);
      this.#count[entry] = left;
    }
    if (left === 0) this.#delete(entry);
  }

  /** Evicts keys whose every timestamp has left its window; returns how many were evicted. */
  sweep(): number {
    const now = this.#now();
    let evicted = 0;
    for (let entry = 0; entry < this.#tail; entry++) {
      const flags = this.#flags[entry] as number;
      if (!(flags & LIVE)) continue;
      const idleAt =
        flags & OVERFLOW
          ? logIdleAt(this.#overflow.get(entry) as SlidingLog)
          : (this.#base[entry] as number) + (this.#idle[entry] as number);
      if (now >= idleAt) {
        this.#delete(entry);
        evicted++;
      }
    }
    return evicted;
  }

  /** Stops the sweep timer and forgets every key. */
  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#overflow.clear();
    this.#tail = 0;
    this.#live = 0;
    this.#dead = 0;
    this.#hand = 0;
    this.#keysUsed = 0;
    this.#keysGarbage = 0;
    this.#allocate(MIN_ENTRIES, MIN_KEY_BYTES);
  }

  // --- Keys and the index ---------------------------------------------------------------

  /** A seeded 32-bit hash of the key's UTF-16 code units (Murmur-style mixing). */
  #hashOf(key: string): number {
    let h = this.#seed ^ key.length;
    for (let i = 0; i < key.length; i++) {
      h = Math.imul(h ^ key.charCodeAt(i), 0x5bd1e995);
      h ^= h >>> 15;
    }
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return h ^ (h >>> 16);
  }

  /** The entry holding `key`, or -1. */
  #find(key: string, hash: number): number {
    const slots = this.#slots;
    const mask = slots.length - 1;
    const hashes = this.#hash;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const slot = slots[i] as number;
      if (slot === EMPTY) return -1;
      if (slot > 0 && hashes[slot - 1] === hash && this.#sameKey(slot - 1, key)) return slot - 1;
    }
  }

  #sameKey(entry: number, key: string): boolean {
    const length = key.length;
    if (this.#keyLength[entry] !== length) return false;
    const keys = this.#keys;
    let at = this.#keyStart[entry] as number;
    if ((this.#flags[entry] as number) & WIDE) {
      for (let i = 0; i < length; i++, at += 2) {
        if (((keys[at] as number) | ((keys[at + 1] as number) << 8)) !== key.charCodeAt(i)) {
          return false;
        }
      }
      return true;
    }
    for (let i = 0; i < length; i++) if (keys[at + i] !== key.charCodeAt(i)) return false;
    return true;
  }

  /** Adds a key known to be absent; returns its entry, with an empty ring and no flags but LIVE. */
  #insert(key: string, hash: number): number {
    if (this.#tail === this.#hash.length) this.#makeRoom();
    let wide = false;
    for (let i = 0; i < key.length; i++) {
      if (key.charCodeAt(i) > 0xff) {
        wide = true;
        break;
      }
    }
    const bytes = wide ? key.length * 2 : key.length;
    if (this.#keysUsed + bytes > this.#keys.length) this.#makeKeyRoom(bytes);
    const keys = this.#keys;
    let at = this.#keysUsed;
    const entry = this.#tail++;
    this.#keyStart[entry] = at;
    this.#keyLength[entry] = key.length;
    if (wide) {
      for (let i = 0; i < key.length; i++, at += 2) {
        const unit = key.charCodeAt(i);
        keys[at] = unit & 0xff;
        keys[at + 1] = unit >>> 8;
      }
    } else {
      for (let i = 0; i < key.length; i++) keys[at + i] = key.charCodeAt(i);
    }
    this.#keysUsed += bytes;
    this.#hash[entry] = hash;
    this.#flags[entry] = wide ? LIVE | WIDE : LIVE;
    this.#head[entry] = 0;
    this.#count[entry] = 0;
    this.#live++;
    // Keep the index at most 70% full, deleted slots included.
    if (this.#live + this.#tombstones > this.#slots.length * 0.7) this.#rebuildIndex();
    else this.#index(entry, hash);
    return entry;
  }

  /** Puts an entry in the first free (empty or deleted) slot of its probe sequence. */
  #index(entry: number, hash: number): void {
    const slots = this.#slots;
    const mask = slots.length - 1;
    let i = hash & mask;
    while ((slots[i] as number) > 0) i = (i + 1) & mask;
    if (slots[i] === TOMBSTONE) this.#tombstones--;
    slots[i] = entry + 1;
  }

  #rebuildIndex(): void {
    let size = 16;
    while (size < this.#live * 2) size *= 2;
    this.#slots = new Int32Array(size);
    this.#tombstones = 0;
    for (let entry = 0; entry < this.#tail; entry++) {
      if ((this.#flags[entry] as number) & LIVE) this.#index(entry, this.#hash[entry] as number);
    }
  }

  #delete(entry: number): void {
    const slots = this.#slots;
    const mask = slots.length - 1;
    let i = (this.#hash[entry] as number) & mask;
    while (slots[i] !== entry + 1) i = (i + 1) & mask;
    slots[i] = TOMBSTONE;
    this.#tombstones++;
    const flags = this.#flags[entry] as number;
    if (flags & OVERFLOW) this.#overflow.delete(entry);
    this.#keysGarbage += (this.#keyLength[entry] as number) * (flags & WIDE ? 2 : 1);
    this.#flags[entry] = 0;
    this.#live--;
    this.#dead++;
  }

  #evictOne(): void {
    // Terminates: the first lap clears every flag it passes, so the second lap finds a victim.
    const flags = this.#flags;
    for (;;) {
      if (this.#hand >= this.#tail) this.#hand = 0;
      const entry = this.#hand++;
      const f = flags[entry] as number;
      if (!(f & LIVE)) continue;
      if (f & USED) {
        flags[entry] = f & ~USED;
        continue;
      }
      this.#delete(entry);
      return;
    }
  }

  // --- Room -------------------------------------------------------------------------------

  /** The entries are used up to the end: squeeze out the deleted ones, or grow. */
  #makeRoom(): void {
    const capacity = this.#hash.length;
    if (this.#dead >= capacity / 4 || (capacity >= this.#maxEntries && this.#dead > 0)) {
      this.#compact();
    } else {
      this.#resize(Math.min(capacity * 2, this.#maxEntries), this.#keys.length);
    }
  }

  /** The key arena is full: drop deleted keys' characters, or grow. */
  #makeKeyRoom(bytes: number): void {
    if (
      this.#keysGarbage >= this.#keys.length / 4 &&
      this.#keysUsed - this.#keysGarbage + bytes <= this.#keys.length
    ) {
      this.#compact();
      return;
    }
    let size = this.#keys.length;
    while (size < this.#keysUsed + bytes) size *= 2;
    const keys = new Uint8Array(size);
    keys.set(this.#keys.subarray(0, this.#keysUsed));
    this.#keys = keys;
  }

  #allocate(entries: number, keyBytes: number): void {
    this.#hash = new Int32Array(entries);
    this.#keyStart = new Uint32Array(entries);
    this.#keyLength = new Uint32Array(entries);
    this.#flags = new Uint8Array(entries);
    this.#head = new Uint8Array(entries);
    this.#count = new Uint8Array(entries);
    this.#base = new Float64Array(entries);
    this.#idle = new Uint32Array(entries);
    this.#ring = new Uint32Array(entries * INLINE);
    this.#keys = new Uint8Array(keyBytes);
    this.#slots = new Int32Array(16);
    this.#tombstones = 0;
  }

  #resize(entries: number, keyBytes: number): void {
    const old = {
      hash: this.#hash,
      keyStart: this.#keyStart,
      keyLength: this.#keyLength,
      flags: this.#flags,
      head: this.#head,
      count: this.#count,
      base: this.#base,
      idle: this.#idle,
      ring: this.#ring,
      keys: this.#keys,
      slots: this.#slots,
      tombstones: this.#tombstones,
    };
    this.#allocate(entries, keyBytes);
    const n = this.#tail;
    this.#hash.set(old.hash.subarray(0, n));
    this.#keyStart.set(old.keyStart.subarray(0, n));
    this.#keyLength.set(old.keyLength.subarray(0, n));
    this.#flags.set(old.flags.subarray(0, n));
    this.#head.set(old.head.subarray(0, n));
    this.#count.set(old.count.subarray(0, n));
    this.#base.set(old.base.subarray(0, n));
    this.#idle.set(old.idle.subarray(0, n));
    this.#ring.set(old.ring.subarray(0, n * INLINE));
    this.#keys.set(old.keys.subarray(0, this.#keysUsed));
    // Entry numbers did not change: the index stays valid.
    this.#slots = old.slots;
    this.#tombstones = old.tombstones;
  }

  /**
   * Moves the live entries (and their characters) down over the deleted ones, keeping their
   * order, and renumbers them in the index. Runs of live entries move with one `copyWithin` per
   * array (with CLOCK, the deleted ones are mostly the oldest, so the runs are long): ~11 ms
   * for a million keys, once per `maxKeys / 8` evictions at most. (A Map of a million keys
   * paused for up to ~65 ms in garbage collection under the same churn.)
   */
  #compact(): void {
    const flags = this.#flags;
    const keyStart = this.#keyStart;
    const tail = this.#tail;
    // With CLOCK the deleted entries are mostly the oldest, so usually one run of live
    // entries is left; then every entry moves by the same amount and the index needs no lookup.
    let runs = 0;
    for (let e = 0; e < tail; ) {
      while (e < tail && !((flags[e] as number) & LIVE)) e++;
      if (e === tail) break;
      runs++;
      while (e < tail && (flags[e] as number) & LIVE) e++;
    }
    const renumbered = runs > 1 ? new Int32Array(tail).fill(-1) : undefined;
    const arrays = [
      this.#hash,
      keyStart,
      this.#keyLength,
      flags,
      this.#head,
      this.#count,
      this.#base,
      this.#idle,
    ];
    let write = 0;
    let keyWrite = 0;
    let entry = 0;
    let firstLive = tail;
    while (entry < tail) {
      while (entry < tail && !((flags[entry] as number) & LIVE)) entry++;
      const from = entry;
      while (entry < tail && (flags[entry] as number) & LIVE) entry++;
      if (entry === from) break;
      firstLive = Math.min(firstLive, from);
      const last = entry - 1;
      const keysFrom = keyStart[from] as number;
      const keysTo =
        (keyStart[last] as number) +
        (this.#keyLength[last] as number) * ((flags[last] as number) & WIDE ? 2 : 1);
      if (renumbered) for (let e = from; e < entry; e++) renumbered[e] = write + e - from;
      if (write !== from) {
        for (const array of arrays) array.copyWithin(write, from, entry);
        this.#ring.copyWithin(write * INLINE, from * INLINE, entry * INLINE);
      }
      // A run's characters are contiguous: the arena is in entry order.
      if (keyWrite !== keysFrom) {
        this.#keys.copyWithin(keyWrite, keysFrom, keysTo);
        const shift = keysFrom - keyWrite;
        const end = write + entry - from;
        for (let e = write; e < end; e++) keyStart[e] = (keyStart[e] as number) - shift;
      }
      keyWrite += keysTo - keysFrom;
      write += entry - from;
    }
    flags.fill(0, write, tail);
    // Old entry number → new one (entries that were live only).
    const renumber = renumbered
      ? (old: number) => renumbered[old] as number
      : (old: number) => old - firstLive;
    // The hand keeps its place: at the first live entry at or after where it was.
    let hand = this.#hand;
    while (hand < tail && !this.#wasLive(hand, renumbered, firstLive, write)) hand++;
    this.#hand = hand < tail ? renumber(hand) : write;
    const overflow = [...this.#overflow];
    this.#overflow.clear();
    for (const [old, log] of overflow) this.#overflow.set(renumber(old), log);
    const slots = this.#slots;
    if (renumbered) {
      for (let i = 0; i < slots.length; i++) {
        const slot = slots[i] as number;
        if (slot > 0) slots[i] = (renumbered[slot - 1] as number) + 1;
      }
    } else {
      for (let i = 0; i < slots.length; i++) {
        const slot = slots[i] as number;
        if (slot > 0) slots[i] = slot - firstLive;
      }
    }
    this.#tail = write;
    this.#dead = 0;
    this.#keysUsed = keyWrite;
    this.#keysGarbage = 0;
  }

  /** During `#compact`: whether old entry `e` was live (its flags are already overwritten). */
  #wasLive(e: number, renumbered: Int32Array | undefined, firstLive: number, live: number) {
    return renumbered ? (renumbered[e] as number) !== -1 : e >= firstLive && e < firstLive + live;
  }
}
