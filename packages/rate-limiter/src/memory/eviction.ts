import { idleAt as logIdleAt, type SlidingLog } from "../sliding-log.ts";
import { LIVE, OVERFLOW, USED } from "./layout.ts";
import type { Table } from "./table.ts";

/**
 * Makes room for one key at the cap by CLOCK (second chance): a hit only sets USED on its
 * entry, and a persistent hand walks the entries in insertion order, clearing USED where it
 * finds it and evicting the first key without it. So a key hit since the hand last passed is
 * never evicted, and new keys (which start without USED) go before clients that come back.
 */
export function evictOne(t: Table): void {
  // Terminates: the first lap clears every flag it passes, so the second lap finds a victim.
  const flags = t.flags;
  for (;;) {
    if (t.hand >= t.tail) t.hand = 0;
    const entry = t.hand++;
    const f = flags[entry] as number;
    if (!(f & LIVE)) continue;
    if (f & USED) {
      flags[entry] = f & ~USED;
      continue;
    }
    t.delete(entry);
    return;
  }
}

/** Deletes the keys whose every timestamp has left its window at `now`; returns how many. */
export function sweepIdle(t: Table, now: number): number {
  let evicted = 0;
  for (let entry = 0; entry < t.tail; entry++) {
    const flags = t.flags[entry] as number;
    if (!(flags & LIVE)) continue;
    const idleAt =
      flags & OVERFLOW
        ? logIdleAt(t.overflow.get(entry) as SlidingLog)
        : (t.base[entry] as number) + (t.idle[entry] as number);
    if (now >= idleAt) {
      t.delete(entry);
      evicted++;
    }
  }
  return evicted;
}
