import type { SlidingLog } from "../sliding-log.ts";
import {
  EMPTY,
  INLINE,
  LIVE,
  MIN_ENTRIES,
  MIN_KEY_BYTES,
  OVERFLOW,
  TOMBSTONE,
  WIDE,
} from "./layout.ts";
import { makeKeyRoom, makeRoom } from "./room.ts";

/**
 * The in-memory store's whole state: one entry per key, as columns of typed arrays (see
 * `layout.ts`), and the hash table that finds a key's entry. Its fields are public to the
 * store's own parts (the ring, eviction, room), which work on them directly; nothing outside
 * `memory/` sees a `Table`.
 *
 * Keys are compared in full: a hash collision can never merge two clients. The hash is seeded
 * per table, so which keys collide cannot be worked out in advance.
 */
export class Table {
  readonly maxKeys: number;
  /** Room for an eighth more entries than keys: deleted ones wait there until squeezed out. */
  readonly maxEntries: number;
  /** Clock in milliseconds. */
  readonly now: () => number;
  readonly seed: number;

  // Entries, in insertion order: [0, tail) are used, `live` of them live, `dead` deleted.
  tail = 0;
  live = 0;
  dead = 0;
  /** Outputs of `counting` (ring.ts): the moment it counted at, and the oldest counted slot. */
  countedAt = 0;
  countedHead = 0;
  hash = new Int32Array(0);
  keyStart = new Uint32Array(0);
  keyLength = new Uint32Array(0);
  flags = new Uint8Array(0);
  head = new Uint8Array(0);
  count = new Uint8Array(0);
  /** Timestamps are stored as whole milliseconds after their key's base time. */
  base = new Float64Array(0);
  idle = new Uint32Array(0);
  ring = new Uint32Array(0);
  readonly overflow = new Map<number, SlidingLog>();
  /** The eviction hand: the next entry it looks at. */
  hand = 0;

  // The index: open addressing over a power-of-two table.
  slots = new Int32Array(0);
  tombstones = 0;

  // Key characters.
  keys = new Uint8Array(0);
  keysUsed = 0;
  keysGarbage = 0;

  constructor(maxKeys: number, now: () => number) {
    this.maxKeys = maxKeys;
    this.maxEntries = maxKeys + Math.max(MIN_ENTRIES, Math.ceil(maxKeys / 8));
    this.now = now;
    this.seed = crypto.getRandomValues(new Int32Array(1))[0] as number;
    this.allocate(MIN_ENTRIES, MIN_KEY_BYTES);
  }

  /** A seeded 32-bit hash of the key's UTF-16 code units (Murmur-style mixing). */
  hashOf(key: string): number {
    let h = this.seed ^ key.length;
    for (let i = 0; i < key.length; i++) {
      h = Math.imul(h ^ key.charCodeAt(i), 0x5bd1e995);
      h ^= h >>> 15;
    }
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return h ^ (h >>> 16);
  }

  /** The entry holding `key`, or -1. */
  find(key: string, hash: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    const hashes = this.hash;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const slot = slots[i] as number;
      if (slot === EMPTY) return -1;
      if (slot > 0 && hashes[slot - 1] === hash && this.#sameKey(slot - 1, key)) return slot - 1;
    }
  }

  #sameKey(entry: number, key: string): boolean {
    const length = key.length;
    if (this.keyLength[entry] !== length) return false;
    const keys = this.keys;
    let at = this.keyStart[entry] as number;
    if ((this.flags[entry] as number) & WIDE) {
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
  insert(key: string, hash: number): number {
    if (this.tail === this.hash.length) makeRoom(this);
    let wide = false;
    for (let i = 0; i < key.length; i++) {
      if (key.charCodeAt(i) > 0xff) {
        wide = true;
        break;
      }
    }
    const bytes = wide ? key.length * 2 : key.length;
    if (this.keysUsed + bytes > this.keys.length) makeKeyRoom(this, bytes);
    const keys = this.keys;
    let at = this.keysUsed;
    const entry = this.tail++;
    this.keyStart[entry] = at;
    this.keyLength[entry] = key.length;
    if (wide) {
      for (let i = 0; i < key.length; i++, at += 2) {
        const unit = key.charCodeAt(i);
        keys[at] = unit & 0xff;
        keys[at + 1] = unit >>> 8;
      }
    } else {
      for (let i = 0; i < key.length; i++) keys[at + i] = key.charCodeAt(i);
    }
    this.keysUsed += bytes;
    this.hash[entry] = hash;
    this.flags[entry] = wide ? LIVE | WIDE : LIVE;
    this.head[entry] = 0;
    this.count[entry] = 0;
    this.live++;
    // Keep the index at most 70% full, deleted slots included.
    if (this.live + this.tombstones > this.slots.length * 0.7) this.#rebuildIndex();
    else this.#index(entry, hash);
    return entry;
  }

  /** Puts an entry in the first free (empty or deleted) slot of its probe sequence. */
  #index(entry: number, hash: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let i = hash & mask;
    while ((slots[i] as number) > 0) i = (i + 1) & mask;
    if (slots[i] === TOMBSTONE) this.tombstones--;
    slots[i] = entry + 1;
  }

  #rebuildIndex(): void {
    let size = 16;
    while (size < this.live * 2) size *= 2;
    this.slots = new Int32Array(size);
    this.tombstones = 0;
    for (let entry = 0; entry < this.tail; entry++) {
      if ((this.flags[entry] as number) & LIVE) this.#index(entry, this.hash[entry] as number);
    }
  }

  delete(entry: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let i = (this.hash[entry] as number) & mask;
    while (slots[i] !== entry + 1) i = (i + 1) & mask;
    slots[i] = TOMBSTONE;
    this.tombstones++;
    const flags = this.flags[entry] as number;
    if (flags & OVERFLOW) this.overflow.delete(entry);
    this.keysGarbage += (this.keyLength[entry] as number) * (flags & WIDE ? 2 : 1);
    this.flags[entry] = 0;
    this.live--;
    this.dead++;
  }

  /** Forgets every key. */
  clear(): void {
    this.overflow.clear();
    this.tail = 0;
    this.live = 0;
    this.dead = 0;
    this.hand = 0;
    this.keysUsed = 0;
    this.keysGarbage = 0;
    this.allocate(MIN_ENTRIES, MIN_KEY_BYTES);
  }

  /** Fresh, empty columns and index (the key arena too). */
  allocate(entries: number, keyBytes: number): void {
    this.hash = new Int32Array(entries);
    this.keyStart = new Uint32Array(entries);
    this.keyLength = new Uint32Array(entries);
    this.flags = new Uint8Array(entries);
    this.head = new Uint8Array(entries);
    this.count = new Uint8Array(entries);
    this.base = new Float64Array(entries);
    this.idle = new Uint32Array(entries);
    this.ring = new Uint32Array(entries * INLINE);
    this.keys = new Uint8Array(keyBytes);
    this.slots = new Int32Array(16);
    this.tombstones = 0;
  }

  /** Larger columns holding the same entries under the same numbers. */
  resize(entries: number, keyBytes: number): void {
    const old = {
      hash: this.hash,
      keyStart: this.keyStart,
      keyLength: this.keyLength,
      flags: this.flags,
      head: this.head,
      count: this.count,
      base: this.base,
      idle: this.idle,
      ring: this.ring,
      keys: this.keys,
      slots: this.slots,
      tombstones: this.tombstones,
    };
    this.allocate(entries, keyBytes);
    const n = this.tail;
    this.hash.set(old.hash.subarray(0, n));
    this.keyStart.set(old.keyStart.subarray(0, n));
    this.keyLength.set(old.keyLength.subarray(0, n));
    this.flags.set(old.flags.subarray(0, n));
    this.head.set(old.head.subarray(0, n));
    this.count.set(old.count.subarray(0, n));
    this.base.set(old.base.subarray(0, n));
    this.idle.set(old.idle.subarray(0, n));
    this.ring.set(old.ring.subarray(0, n * INLINE));
    this.keys.set(old.keys.subarray(0, this.keysUsed));
    // Entry numbers did not change: the index stays valid.
    this.slots = old.slots;
    this.tombstones = old.tombstones;
  }
}
