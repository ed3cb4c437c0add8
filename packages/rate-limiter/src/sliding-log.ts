import type { RateLimitDecision } from "./types.ts";
import { ceilSeconds } from "./validate.ts";

/**
 * One key's exact sliding log, flattened into a single number[]:
 *
 *   [HEAD, COUNT, IDLE_AT, USED, ring slot 0, ring slot 1, ...]
 *
 * One flat array per key instead of an object holding an array saves a second allocation
 * (header + pointer) per key, which adds up at a million keys. JSC stores an all-number array
 * as unboxed doubles, so each slot costs 8 bytes.
 *
 * Only admitted requests are recorded and at most `limit` of them can be inside the window,
 * so the ring never needs more than `limit` slots; it starts small and doubles on demand, so a
 * generous policy (say 1000/hour) does not reserve 8 KB for every key that made one request.
 * With a monotonic clock the ring is sorted oldest-first from HEAD, so expiry only ever pops
 * from the front: amortised O(1) per hit.
 */
export type SlidingLog = number[];

const HEAD = 0;
const COUNT = 1;
/** When every recorded timestamp has left its window; from then on the key is idle. */
const IDLE_AT = 2;
/** 1 if the key was hit since the store's eviction hand last passed it (see MemoryStore). */
const USED = 3;
const RING = 4;
/** The tutorial's limit: small policies get an exact-size ring and never reallocate. */
const INITIAL_CAPACITY = 5;

export function createLog(limit: number): SlidingLog {
  return createSized(Math.min(limit, INITIAL_CAPACITY));
}

export function idleAt(log: SlidingLog): number {
  return log[IDLE_AT] as number;
}

export function markUsed(log: SlidingLog): void {
  log[USED] = 1;
}

/** Clears the used mark and reports whether it was set. */
export function takeUsed(log: SlidingLog): boolean {
  const used = log[USED] === 1;
  log[USED] = 0;
  return used;
}

/** The latest recorded timestamp, or -Infinity when nothing is recorded. */
export function newest(log: SlidingLog): number {
  const count = log[COUNT] as number;
  if (count === 0) return Number.NEGATIVE_INFINITY;
  const cap = log.length - RING;
  return log[RING + (((log[HEAD] as number) + count - 1) % cap)] as number;
}

/** Forgets the latest recorded timestamp, if any; returns how many stay recorded. */
export function dropNewest(log: SlidingLog): number {
  const count = Math.max(0, (log[COUNT] as number) - 1);
  log[COUNT] = count;
  return count;
}

/**
 * Drops timestamps that left the window and, if the limit still allows an admission but the
 * ring is full, grows it. Returns the log to keep: the same array, or a larger copy.
 */
export function prepare(log: SlidingLog, limit: number, windowMs: number, now: number): SlidingLog {
  const cap = log.length - RING;
  let head = log[HEAD] as number;
  let count = log[COUNT] as number;
  // A timestamp counts while now - t < window, so it is gone exactly at t + window
  // (the tutorial's 10:00:00 request no longer counts at 10:01:00).
  while (count > 0 && now - (log[RING + head] as number) >= windowMs) {
    head = head + 1 === cap ? 0 : head + 1;
    count--;
  }
  log[HEAD] = head;
  log[COUNT] = count;
  return count === cap && count < limit ? grow(log, Math.min(limit, cap * 2)) : log;
}

function grow(log: SlidingLog, capacity: number): SlidingLog {
  const cap = log.length - RING;
  const head = log[HEAD] as number;
  const count = log[COUNT] as number;
  const next = createSized(capacity);
  for (let i = 0; i < count; i++) next[RING + i] = log[RING + ((head + i) % cap)] as number;
  next[COUNT] = count;
  next[IDLE_AT] = log[IDLE_AT] as number;
  next[USED] = log[USED] as number;
  return next;
}

/**
 * A log holding `times` (oldest first, at most `capacity` of them) with the given idle time:
 * for a store that kept them elsewhere until they outgrew it.
 */
export function logFrom(times: readonly number[], capacity: number, idle: number): SlidingLog {
  const log = createSized(Math.max(capacity, times.length));
  for (const [i, t] of times.entries()) log[RING + i] = t;
  log[COUNT] = times.length;
  log[IDLE_AT] = idle;
  return log;
}

function createSized(capacity: number): SlidingLog {
  return new Array<number>(RING + capacity).fill(0);
}

/**
 * Decides on a log returned by `prepare` (same arguments): records `now` if admitted; a denied
 * request is not recorded, as in the tutorial, so hammering while blocked does not extend the block.
 */
export function decide(
  log: SlidingLog,
  limit: number,
  windowMs: number,
  now: number,
): RateLimitDecision {
  const cap = log.length - RING;
  const head = log[HEAD] as number;
  let count = log[COUNT] as number;
  const allowed = count < limit;
  if (allowed) {
    log[RING + ((head + count) % cap)] = now;
    log[COUNT] = ++count;
    log[IDLE_AT] = now + windowMs;
  }
  const reset = count > 0 ? ceilSeconds((log[RING + head] as number) + windowMs - now) : 0;
  let retryAfter = 0;
  if (!allowed) {
    // A slot frees once enough of the oldest leave to bring the count below the limit. That is
    // the oldest one, unless this key was recorded under a higher limit than the one asked now.
    const freesAt = (log[RING + ((head + count - limit) % cap)] as number) + windowMs;
    retryAfter = Math.min(Math.max(ceilSeconds(freesAt - now), 1), ceilSeconds(windowMs));
  }
  return { allowed, limit, remaining: Math.max(0, limit - count), reset, retryAfter };
}

/**
 * What `decide` would say at `now` (at least `newest(log)`, as for `prepare`) without deciding:
 * the read-only `peek`. Nothing is written, not even the trimming `prepare` does: expired
 * timestamps are skipped over, not dropped, so a peek costs O(expired) (at most `limit`) and
 * leaves the log, its idle time and its used mark exactly as they were.
 */
export function peekLog(
  log: SlidingLog,
  limit: number,
  windowMs: number,
  now: number,
): RateLimitDecision {
  const cap = log.length - RING;
  let head = log[HEAD] as number;
  let count = log[COUNT] as number;
  while (count > 0 && now - (log[RING + head] as number) >= windowMs) {
    head = head + 1 === cap ? 0 : head + 1;
    count--;
  }
  const allowed = count < limit;
  const oldest = log[RING + head] as number;
  const freeing = allowed ? oldest : (log[RING + ((head + count - limit) % cap)] as number);
  return toDecision(allowed, limit, windowMs, now, count, oldest, freeing);
}

/**
 * `decide`'s arithmetic for a store that counted elsewhere (RedisStore's script returns these
 * inputs). Kept apart from `decide`, whose arithmetic the in-memory store inlines onto its own
 * ring (memory/ring.ts); the RedisStore-vs-MemoryStore property test holds them to one output.
 *
 * @param count timestamps inside the window, including this request if it was admitted (for a
 *   peek, only those already recorded, so `remaining` is what is left without consuming one)
 * @param oldest the oldest of them (ignored when count is 0)
 * @param freeing when denied, the timestamp whose expiry frees a slot: the (count - limit)-th
 *   oldest, 0-based. That is the oldest, unless the key was filled under a higher limit.
 */
export function toDecision(
  allowed: boolean,
  limit: number,
  windowMs: number,
  now: number,
  count: number,
  oldest: number,
  freeing: number,
): RateLimitDecision {
  const reset = count > 0 ? ceilSeconds(oldest + windowMs - now) : 0;
  let retryAfter = 0;
  if (!allowed) {
    retryAfter = Math.min(
      Math.max(ceilSeconds(freeing + windowMs - now), 1),
      ceilSeconds(windowMs),
    );
  }
  return { allowed, limit, remaining: Math.max(0, limit - count), reset, retryAfter };
}
