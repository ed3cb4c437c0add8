import {
  decide,
  dropNewest,
  logFrom,
  newest as logNewest,
  peekLog,
  prepare,
  type SlidingLog,
  toDecision,
} from "../sliding-log.ts";
import type { RateLimitDecision } from "../types.ts";
import { ceilSeconds } from "../validate.ts";
import { fits, INLINE, OVERFLOW, USED } from "./layout.ts";
import type { Table } from "./table.ts";

/*
 * Decisions on one entry's timestamps: the sliding log of `sliding-log.ts`, inlined onto the
 * entry's ring of INLINE whole-millisecond offsets from its base time. A key that outgrows the
 * ring (a higher limit, sub-millisecond times, spans over 49 days) moves to a `SlidingLog` in
 * `Table.overflow` and is decided there by the same rules.
 */

/** The first hit of a key just inserted at `now`: always admitted (limit >= 1). */
export function hitNew(
  t: Table,
  entry: number,
  now: number,
  limit: number,
  windowMs: number,
): RateLimitDecision {
  t.base[entry] = now;
  if (!fits(windowMs)) {
    toOverflow(t, entry, 0, 0, limit);
    return hitOverflow(t, entry, limit, windowMs);
  }
  t.ring[entry * INLINE] = 0;
  t.count[entry] = 1;
  t.idle[entry] = windowMs;
  return {
    allowed: true,
    limit,
    remaining: limit - 1,
    reset: ceilSeconds(windowMs),
    retryAfter: 0,
  };
}

/** `decide` for a known key; marks it used for the eviction hand. */
export function hitKnown(
  t: Table,
  entry: number,
  limit: number,
  windowMs: number,
): RateLimitDecision {
  const flags = t.flags;
  flags[entry] = (flags[entry] as number) | USED;
  if ((flags[entry] as number) & OVERFLOW) return hitOverflow(t, entry, limit, windowMs);

  const ring = t.ring;
  const at = entry * INLINE;
  let base = t.base[entry] as number;
  let count = counting(t, entry, windowMs);
  const head = t.countedHead;
  const now = t.countedAt;
  t.head[entry] = head;
  t.count[entry] = count;
  const allowed = count < limit;
  if (allowed) {
    if (count === 0) {
      base = now;
      t.base[entry] = now;
    } else if (count < INLINE && !fits(now + windowMs - base)) {
      // Rebase on the oldest timestamp kept.
      const shift = ring[at + head] as number;
      for (let i = 0; i < count; i++) {
        const k = at + ((head + i) % INLINE);
        ring[k] = (ring[k] as number) - shift;
      }
      base += shift;
      t.base[entry] = base;
      t.idle[entry] = (t.idle[entry] as number) - shift;
    }
    if (count === INLINE || !fits(now - base) || !fits(now + windowMs - base)) {
      // Full while the limit allows more, or a time the ring cannot hold (fractions of a
      // millisecond, or over 49 days from the oldest): move to a growable log of numbers.
      toOverflow(t, entry, head, count, limit);
      return hitOverflow(t, entry, limit, windowMs);
    }
    // `decide`, on the inline ring: record the admission (a denial is not recorded).
    ring[at + ((head + count) % INLINE)] = now - base;
    count++;
    t.count[entry] = count;
    t.idle[entry] = now + windowMs - base;
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

/** `peekLog` for a known key: reads only, and leaves no used mark. */
export function peekKnown(
  t: Table,
  entry: number,
  limit: number,
  windowMs: number,
): RateLimitDecision {
  if ((t.flags[entry] as number) & OVERFLOW) {
    const log = t.overflow.get(entry) as SlidingLog;
    // The same backwards-clock rule as `hit`, so a peek answers what a hit would.
    return peekLog(log, limit, windowMs, Math.max(t.now(), logNewest(log)));
  }
  const ring = t.ring;
  const at = entry * INLINE;
  const base = t.base[entry] as number;
  // Expired timestamps are skipped over here, not dropped: a peek changes nothing.
  const count = counting(t, entry, windowMs);
  const head = t.countedHead;
  const now = t.countedAt;
  const allowed = count < limit;
  const oldest = base + (ring[at + head] as number);
  const freeing = allowed
    ? oldest
    : base + (ring[at + ((head + count - limit) % INLINE)] as number);
  return toDecision(allowed, limit, windowMs, now, count, oldest, freeing);
}

/** Takes back the key's newest timestamp; returns how many stay recorded. */
export function releaseNewest(t: Table, entry: number): number {
  if ((t.flags[entry] as number) & OVERFLOW) {
    return dropNewest(t.overflow.get(entry) as SlidingLog);
  }
  // The newest timestamp is the ring's last; dropping it is one fewer to count.
  const left = Math.max(0, (t.count[entry] as number) - 1);
  t.count[entry] = left;
  return left;
}

/**
 * How many of an inline entry's timestamps still count at this moment; the moment and the
 * oldest counted slot are left in `t.countedAt`/`t.countedHead` (fields, not an object: this
 * runs on every decision). Reads only: `hitKnown` stores the result, `peekKnown` does not.
 */
function counting(t: Table, entry: number, windowMs: number): number {
  const ring = t.ring;
  const at = entry * INLINE;
  const base = t.base[entry] as number;
  let head = t.head[entry] as number;
  let count = t.count[entry] as number;
  // Wall clocks can step backwards (NTP). Treating time as frozen at this key's newest
  // timestamp keeps the ring sorted; the only effect is that the key's entries expire later.
  const newest =
    count === 0
      ? Number.NEGATIVE_INFINITY
      : base + (ring[at + ((head + count - 1) % INLINE)] as number);
  const now = Math.max(t.now(), newest);
  // A timestamp counts while now - t < window, so it is gone exactly at t + window.
  while (count > 0 && now - (base + (ring[at + head] as number)) >= windowMs) {
    head = head + 1 === INLINE ? 0 : head + 1;
    count--;
  }
  t.countedAt = now;
  t.countedHead = head;
  return count;
}

/** Moves an entry's (already trimmed) timestamps to a growable log of plain numbers. */
function toOverflow(t: Table, entry: number, head: number, count: number, limit: number): void {
  const base = t.base[entry] as number;
  const at = entry * INLINE;
  const times = Array.from(
    { length: count },
    (_, i) => base + (t.ring[at + ((head + i) % INLINE)] as number),
  );
  const idle = count > 0 ? base + (t.idle[entry] as number) : base;
  t.overflow.set(entry, logFrom(times, Math.max(INLINE, Math.min(limit, INLINE * 2)), idle));
  t.flags[entry] = (t.flags[entry] as number) | OVERFLOW;
}

function hitOverflow(t: Table, entry: number, limit: number, windowMs: number): RateLimitDecision {
  let log = t.overflow.get(entry) as SlidingLog;
  const now = Math.max(t.now(), logNewest(log));
  log = prepare(log, limit, windowMs, now);
  const decision = decide(log, limit, windowMs, now);
  t.overflow.set(entry, log);
  return decision;
}
