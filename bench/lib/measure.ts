/**
 * The micro-benchmark harness: a warm-up, then `rounds` timed rounds of `roundMs`, each
 * reporting operations per second; the caller takes the median. The clock is read once per
 * `batch` operations, so its cost stays far below the operation's. Good to ~10 ns per
 * operation, which is all the micro-benchmarks here need (see README: why not mitata).
 */
export interface MeasureOptions {
  rounds?: number;
  roundMs?: number;
  warmupMs?: number;
  /** Operations between two clock reads. */
  batch?: number;
}

export interface Measured {
  /** Operations per second, one entry per round, in round order. */
  rounds: number[];
  median: number;
}

const env = Bun.env;
export const DEFAULTS = {
  rounds: Math.max(3, Number(env.BENCH_MICRO_ROUNDS ?? 5)),
  roundMs: Number(env.BENCH_MICRO_ROUND_MS ?? 500),
  warmupMs: 300,
  batch: 256,
};

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Operations per second of a synchronous `op(i)`. */
export function measureSync(op: (i: number) => unknown, options: MeasureOptions = {}): Measured {
  const { rounds, roundMs, warmupMs, batch } = { ...DEFAULTS, ...options };
  let i = 0;
  let sink: unknown;
  const runFor = (ms: number) => {
    const start = performance.now();
    const deadline = start + ms;
    let done = 0;
    let now = start;
    while (now < deadline) {
      for (let b = 0; b < batch; b++) sink = op(i++);
      done += batch;
      now = performance.now();
    }
    return done / ((now - start) / 1000);
  };
  runFor(warmupMs);
  const rates = Array.from({ length: rounds }, () => runFor(roundMs));
  if (sink === Symbol.for("never")) console.log(sink);
  return { rounds: rates, median: medianOf(rates) };
}

/** Operations per second of an asynchronous `op(i)`, `concurrency` callers at a time. */
export async function measureAsync(
  op: (i: number) => Promise<unknown>,
  options: MeasureOptions & { concurrency?: number } = {},
): Promise<Measured> {
  const { rounds, roundMs, warmupMs, batch } = { ...DEFAULTS, ...options };
  const concurrency = options.concurrency ?? 1;
  let i = 0;
  const runFor = async (ms: number) => {
    const start = performance.now();
    const deadline = start + ms;
    let done = 0;
    const caller = async () => {
      while (performance.now() < deadline) {
        for (let b = 0; b < batch; b++) await op(i++);
        done += batch;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, caller));
    return done / ((performance.now() - start) / 1000);
  };
  await runFor(warmupMs);
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) rates.push(await runFor(roundMs));
  return { rounds: rates, median: medianOf(rates) };
}

/** What a micro-benchmark script prints for bench/run.ts: one line, `BENCH_JSON {...}`. */
export function emit(result: unknown): void {
  console.log(`BENCH_JSON ${JSON.stringify(result)}`);
}
