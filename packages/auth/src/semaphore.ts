// FIFO: a released slot is handed straight to the oldest waiter instead of being freed, so a
// newcomer can never overtake the queue and nobody starves under a sustained burst.
export function createSemaphore(max: number) {
  let inFlight = 0;
  let maxInFlightSeen = 0;
  const waiters: Array<() => void> = [];

  async function run<T>(task: () => Promise<T>): Promise<T> {
    if (inFlight < max) inFlight++;
    else await new Promise<void>((resolve) => waiters.push(resolve));
    maxInFlightSeen = Math.max(maxInFlightSeen, inFlight);
    try {
      return await task();
    } finally {
      const next = waiters.shift();
      if (next) next();
      else inFlight--;
    }
  }

  const stats = () => ({ inFlight, queued: waiters.length, maxInFlightSeen });
  return { run, stats };
}
