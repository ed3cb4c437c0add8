/**
 * Rate-limiter decisions per second, MemoryStore and RedisStore in the same run:
 *
 *   bun bench/limiter.bench.ts
 *
 * Every decision goes through `createRateLimiter(...).check()`, the path a request takes.
 * Each scenario gets a warm-up, then BENCH_ROUNDS timed rounds of BENCH_ROUND_MS; the table
 * shows the median (and the spread) and the ratio to the in-memory hot-key case of this run.
 * Redis is REDIS_URL (default redis://127.0.0.1:6379); its keys use a unique prefix and are
 * deleted at the end. Not part of `bun test` (the name does not end in .test.ts).
 */

import { availableParallelism } from "node:os";
import { RedisClient } from "bun";
import {
  createRateLimiter,
  MemoryStore,
  type RateLimitStore,
  RedisStore,
} from "../packages/rate-limiter/src/index.ts";
import { REDIS_URL, redisVersion } from "./lib/redis.ts";

// A bench script, not a turbo task: its settings come straight from the environment.
const env = Bun.env;
const ROUNDS = Math.max(3, Number(env.BENCH_ROUNDS ?? 5));
const ROUND_MS = Number(env.BENCH_ROUND_MS ?? 1_000);
const WARMUP_MS = Math.max(200, ROUND_MS / 2);
const POLICY = { name: "bench", limit: 100, windowSeconds: 60 };
const HOT_KEYS = 1_000;
const SPREAD_KEYS = 1_000_000;
const IN_FLIGHT = 64;

const hotKeys = Array.from({ length: HOT_KEYS }, (_, i) => `client-${i}`);

interface Scenario {
  name: string;
  store: () => RateLimitStore;
  keys: string[];
  /** Concurrent callers; 1 = each decision awaited before the next. */
  concurrency: number;
}

interface Result {
  name: string;
  median: number;
  min: number;
  max: number;
  allowedShare: number;
}

async function measure(scenario: Scenario): Promise<Result> {
  const store = scenario.store();
  const limiter = createRateLimiter({ store, policy: POLICY });
  const { keys, concurrency } = scenario;
  let next = 0;
  let allowed = 0;
  let total = 0;
  const runFor = async (ms: number): Promise<number> => {
    const deadline = performance.now() + ms;
    let done = 0;
    const worker = async () => {
      // Check the clock every 64 decisions: cheap next to the decisions, fine-grained enough.
      while (performance.now() < deadline) {
        for (let i = 0; i < 64; i++) {
          const d = await limiter.check(keys[next++ % keys.length] as string);
          if (d.allowed) allowed++;
        }
        done += 64;
      }
    };
    const start = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    total += done;
    return done / ((performance.now() - start) / 1000);
  };
  await runFor(WARMUP_MS);
  const rates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) rates.push(await runFor(ROUND_MS));
  await store.close();
  rates.sort((a, b) => a - b);
  return {
    name: scenario.name,
    median: rates[Math.floor(rates.length / 2)] as number,
    min: rates[0] as number,
    max: rates.at(-1) as number,
    allowedShare: allowed / total,
  };
}

async function deleteKeys(prefix: string): Promise<void> {
  const client = new RedisClient(REDIS_URL);
  let cursor = "0";
  do {
    const [next, keys] = (await client.send("SCAN", [
      cursor,
      "MATCH",
      `${prefix}*`,
      "COUNT",
      "1000",
    ])) as [string, string[]];
    cursor = next;
    if (keys.length > 0) await client.send("UNLINK", keys);
  } while (cursor !== "0");
  client.close();
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

const version = await redisVersion();
const prefix = `statuslab-bench:${process.pid}:${Date.now().toString(36)}:`;
const scenarios: Scenario[] = [
  {
    name: `MemoryStore, ${fmt(HOT_KEYS)} hot keys`,
    store: () => new MemoryStore({ sweepIntervalMs: 0 }),
    keys: hotKeys,
    concurrency: 1,
  },
  {
    name: `MemoryStore, ${fmt(SPREAD_KEYS)}-key spread`,
    store: () => new MemoryStore({ sweepIntervalMs: 0 }),
    keys: Array.from({ length: SPREAD_KEYS }, (_, i) => `client-${i}`),
    concurrency: 1,
  },
];
if (version) {
  scenarios.push(
    {
      name: `RedisStore, sequential (${fmt(HOT_KEYS)} keys)`,
      store: () => new RedisStore({ url: REDIS_URL, keyPrefix: `${prefix}seq:`, timeoutMs: 1_000 }),
      keys: hotKeys,
      concurrency: 1,
    },
    {
      name: `RedisStore, ${IN_FLIGHT} in flight (${fmt(HOT_KEYS)} keys)`,
      store: () => new RedisStore({ url: REDIS_URL, keyPrefix: `${prefix}par:`, timeoutMs: 1_000 }),
      keys: hotKeys,
      concurrency: IN_FLIGHT,
    },
  );
} else {
  console.warn(`!! Redis at ${REDIS_URL} is unreachable: RedisStore rows skipped.`);
}

console.log(
  `Bun ${Bun.version}, Redis ${version ?? "n/a"} at ${REDIS_URL}, ${availableParallelism()} CPUs; ` +
    `policy ${POLICY.limit}/${POLICY.windowSeconds}s; ${ROUNDS} rounds x ${ROUND_MS} ms after ${WARMUP_MS} ms warm-up\n`,
);
const results: Result[] = [];
try {
  for (const s of scenarios) results.push(await measure(s));
} finally {
  if (version) await deleteKeys(prefix);
}

const baseline = results[0] as Result;
const rows = [
  ["scenario", "decisions/s (median)", "min .. max", "allowed", "vs memory hot"],
  ...results.map((r) => [
    r.name,
    fmt(r.median),
    `${fmt(r.min)} .. ${fmt(r.max)}`,
    `${(r.allowedShare * 100).toFixed(1)}%`,
    r === baseline
      ? "1 (baseline)"
      : r.median >= baseline.median
        ? `${(r.median / baseline.median).toFixed(2)}x`
        : `1/${(baseline.median / r.median).toFixed(1)}`,
  ]),
];
const widths = rows[0]?.map((_, c) => Math.max(...rows.map((row) => (row[c] as string).length)));
const line = (row: string[]) =>
  `| ${row.map((cell, c) => (c === 0 ? cell.padEnd(widths?.[c] ?? 0) : cell.padStart(widths?.[c] ?? 0))).join(" | ")} |`;
console.log(line(rows[0] as string[]));
console.log(`|${widths?.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const row of rows.slice(1)) console.log(line(row));
