import { INLINE, LIVE, WIDE } from "./layout.ts";
import type { Table } from "./table.ts";

/** The entries are used up to the end: squeeze out the deleted ones, or grow. */
export function makeRoom(t: Table): void {
  const capacity = t.hash.length;
  if (t.dead >= capacity / 4 || (capacity >= t.maxEntries && t.dead > 0)) {
    compact(t);
  } else {
    t.resize(Math.min(capacity * 2, t.maxEntries), t.keys.length);
  }
}

/** The key arena is full: drop deleted keys' characters, or grow. */
export function makeKeyRoom(t: Table, bytes: number): void {
  if (t.keysGarbage >= t.keys.length / 4 && t.keysUsed - t.keysGarbage + bytes <= t.keys.length) {
    compact(t);
    return;
  }
  let size = t.keys.length;
  while (size < t.keysUsed + bytes) size *= 2;
  const keys = new Uint8Array(size);
  keys.set(t.keys.subarray(0, t.keysUsed));
  t.keys = keys;
}

/**
 * Moves the live entries (and their characters) down over the deleted ones, keeping their
 * order, and renumbers them in the index. Runs of live entries move with one `copyWithin` per
 * array: with CLOCK the deleted ones are mostly the oldest, so the runs are long, and this
 * runs once per `maxKeys / 8` evictions at most, a short pause instead of a garbage collector's.
 */
function compact(t: Table): void {
  const flags = t.flags;
  const keyStart = t.keyStart;
  const tail = t.tail;
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
  const arrays = [t.hash, keyStart, t.keyLength, flags, t.head, t.count, t.base, t.idle];
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
      (t.keyLength[last] as number) * ((flags[last] as number) & WIDE ? 2 : 1);
    if (renumbered) for (let e = from; e < entry; e++) renumbered[e] = write + e - from;
    if (write !== from) {
      for (const array of arrays) array.copyWithin(write, from, entry);
      t.ring.copyWithin(write * INLINE, from * INLINE, entry * INLINE);
    }
    // A run's characters are contiguous: the arena is in entry order.
    if (keyWrite !== keysFrom) {
      t.keys.copyWithin(keyWrite, keysFrom, keysTo);
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
  let hand = t.hand;
  while (hand < tail && !wasLive(hand, renumbered, firstLive, write)) hand++;
  t.hand = hand < tail ? renumber(hand) : write;
  const overflow = [...t.overflow];
  t.overflow.clear();
  for (const [old, log] of overflow) t.overflow.set(renumber(old), log);
  const slots = t.slots;
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
  t.tail = write;
  t.dead = 0;
  t.keysUsed = keyWrite;
  t.keysGarbage = 0;
}

/** During `compact`: whether old entry `e` was live (its flags are already overwritten). */
function wasLive(e: number, renumbered: Int32Array | undefined, firstLive: number, live: number) {
  return renumbered ? (renumbered[e] as number) !== -1 : e >= firstLive && e < firstLive + live;
}
