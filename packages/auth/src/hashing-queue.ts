import { HashingBusyError } from "./errors.ts";

/** `hash` makes a new hash (sign-up), `verify` checks a password against one (login). */
export type Lane = "hash" | "verify";

export interface HashingQueueOptions {
  /** Tasks running at once, both lanes together. */
  slots: number;
  /** Slots a hash may never hold, so that a verification finds one free. Less than `slots`. */
  reservedForVerify: number;
  /** Tasks allowed to wait, per lane; the next one is refused at once with HashingBusyError. */
  maxQueued: Record<Lane, number>;
}

const LANES = ["verify", "hash"] as const;

/**
 * Two lanes over one set of slots, so a sign-up burst cannot starve logins:
 * - a freed slot goes to the oldest waiting verification before any hash;
 * - hashes never hold the `reservedForVerify` slots, so with one reserved a login starts at
 *   once however many sign-ups wait (with none reserved it waits for one running hash at most);
 * - each lane's queue is bounded: a full lane refuses at once instead of growing, so nothing
 *   waits without end.
 * Within a lane it is FIFO: a freed slot is handed straight to the oldest waiter, so a newcomer
 * never overtakes the queue.
 */
export function createHashingQueue({ slots, reservedForVerify, maxQueued }: HashingQueueOptions) {
  const hashSlots = slots - reservedForVerify;
  const running: Record<Lane, number> = { hash: 0, verify: 0 };
  const waiting: Record<Lane, Array<() => void>> = { hash: [], verify: [] };
  // A running average of how long a task takes, per lane, to tell a refused client when to retry.
  const typicalMs: Record<Lane, number> = { hash: 250, verify: 250 };
  let maxInFlightSeen = 0;

  const inFlight = () => running.hash + running.verify;
  const canStart = (lane: Lane) =>
    inFlight() < slots && (lane === "verify" || running.hash < hashSlots);
  const take = (lane: Lane) => {
    running[lane]++;
    maxInFlightSeen = Math.max(maxInFlightSeen, inFlight());
  };

  function dispatch() {
    for (const lane of LANES) {
      while (waiting[lane].length > 0 && canStart(lane)) {
        take(lane);
        waiting[lane].shift()?.();
      }
    }
  }

  /** Seconds until the lane's queue has drained, at the pace tasks have been taking. */
  function retryAfter(lane: Lane): number {
    const lanes = lane === "hash" ? hashSlots : slots;
    const seconds = ((waiting[lane].length + 1) * typicalMs[lane]) / lanes / 1000;
    return Math.min(60, Math.max(1, Math.ceil(seconds)));
  }

  async function run<T>(lane: Lane, task: () => Promise<T>): Promise<T> {
    if (waiting[lane].length === 0 && canStart(lane)) take(lane);
    else if (waiting[lane].length >= maxQueued[lane])
      throw new HashingBusyError(lane, retryAfter(lane));
    else await new Promise<void>((resolve) => waiting[lane].push(resolve));
    const began = performance.now();
    try {
      return await task();
    } finally {
      typicalMs[lane] += (performance.now() - began - typicalMs[lane]) / 8;
      running[lane]--;
      dispatch();
    }
  }

  const stats = () => ({
    inFlight: inFlight(),
    queued: waiting.hash.length + waiting.verify.length,
    maxInFlightSeen,
    hash: { inFlight: running.hash, queued: waiting.hash.length },
    verify: { inFlight: running.verify, queued: waiting.verify.length },
  });
  return { run, stats };
}
