/**
 * How far Redis's clock (TIME, in ms) is ahead of ours (`performance.now()`), kept as a lower
 * bound, so that a deadline of ours converted with it is never later in Redis's clock than it
 * is in ours. Redis read its clock at some moment before its answer reached us, so
 * `redisMs - receivedAt` is such a bound; it errs by at most that round trip, on the early side.
 *
 * `performance.now()` is monotonic, so a step of the local wall clock changes nothing. Drift
 * between the clocks is followed by renewing the bound: the tightest sample is kept for at most
 * `keepMs`, and a bound older than `trustMs` (no traffic) is not used at all.
 */
export class RedisClockOffset {
  #low = Number.NEGATIVE_INFINITY;
  #at = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly keepMs = 10_000,
    private readonly trustMs = 60_000,
  ) {}

  /** The bound, or undefined when none is recent enough (read TIME then). */
  lowerBound(now = performance.now()): number | undefined {
    return now - this.#at < this.trustMs ? this.#low : undefined;
  }

  /**
   * Redis read `redisMs` before its answer reached us at `receivedAt`. A tighter (greater) sample
   * always wins; a looser one, e.g. from a slow answer, only replaces a bound older than `keepMs`.
   */
  sample(redisMs: number, receivedAt: number): void {
    const low = redisMs - receivedAt;
    if (!Number.isFinite(low)) return;
    if (low > this.#low || receivedAt - this.#at >= this.keepMs) {
      this.#low = low;
      this.#at = receivedAt;
    }
  }
}
