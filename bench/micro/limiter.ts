/**
 * Rate-limit decisions per second, single-threaded:
 *
 *   bun bench/micro/limiter.ts [--json]      # REDIS_URL (default redis://127.0.0.1:6379)
 *
 * `MemoryStore.hit` is the decision itself; `limiter.check()` adds the promise every caller
 * awaits (stores may be remote). Redis rows are skipped when Redis is unreachable. For the
 * older side-by-side table of both stores see bench/limiter.bench.ts.
 */
import {
  createRateLimiter,
  MemoryStore,
  type RateLimitDecision,
  RedisStore,
} from "@statuslab/rate-limiter";
import { emit, type Measured, measureAsync, measureSync } from "../lib/measure.ts";
import { REDIS_URL, redisVersion } from "../lib/redis.ts";
import { int } from "../lib/stats.ts";

const HOT = Array.from({ length: 1_000 }, (_, i) => `client-${i}`);
const SPREAD = 1_000_000;
/** The API's default policy for /users/limited: 5 per 60 s. */
const API_POLICY = { limit: 5, windowMs: 60_000 };
/** Generous enough that almost every hit is admitted: each admission writes the ring. */
const ADMITTING = { limit: 2_000, windowMs: 100 };

interface Row {
  id: string;
  label: string;
  result: Measured;
  allowedShare: number;
}
const rows: Row[] = [];

function storeRow(
  id: string,
  label: string,
  keys: (i: number) => string,
  policy: { limit: number; windowMs: number },
) {
  const store = new MemoryStore({ sweepIntervalMs: 0 });
  let allowed = 0;
  let total = 0;
  const result = measureSync((i) => {
    const decision = store.hit(keys(i), policy.limit, policy.windowMs);
    total++;
    if (decision.allowed) allowed++;
    return decision;
  });
  store.close();
  rows.push({ id, label, result, allowedShare: allowed / total });
}

storeRow(
  "memory-hot-api",
  "MemoryStore.hit, 1,000 hot keys, the API's policy (5 per 60 s: mostly denials)",
  (i) => HOT[i % HOT.length] as string,
  API_POLICY,
);
storeRow(
  "memory-hot-admit",
  "MemoryStore.hit, 1,000 hot keys, 2,000 per 100 ms (admissions: every hit writes)",
  (i) => HOT[i % HOT.length] as string,
  ADMITTING,
);
{
  const store = new MemoryStore({ sweepIntervalMs: 0 });
  const limiter = createRateLimiter({
    store,
    policy: { name: "bench", limit: API_POLICY.limit, windowSeconds: API_POLICY.windowMs / 1000 },
  });
  let allowed = 0;
  let total = 0;
  const result = await measureAsync(async (i) => {
    const decision = await limiter.check(HOT[i % HOT.length] as string);
    total++;
    if (decision.allowed) allowed++;
  });
  store.close();
  rows.push({
    id: "limiter-check-hot",
    label: "limiter.check() (awaited, as the route does), 1,000 hot keys, the API's policy",
    result,
    allowedShare: allowed / total,
  });
}
storeRow(
  "memory-spread",
  "MemoryStore.hit, 1,000,000-key spread (new keys, eviction at the cap)",
  (i) => `client-${i % SPREAD}`,
  API_POLICY,
);

const redis = (await redisVersion()) !== undefined;
if (redis) {
  const prefix = `statuslab-bench:${process.pid}:${Date.now().toString(36)}:`;
  for (const [id, concurrency] of [
    ["redis-sequential", 1],
    ["redis-64", 64],
  ] as const) {
    const store = new RedisStore({
      url: REDIS_URL,
      keyPrefix: `${prefix}${id}:`,
      timeoutMs: 2_000,
    });
    let allowed = 0;
    let total = 0;
    const result = await measureAsync(
      async (i) => {
        const decision: RateLimitDecision = await store.hit(
          HOT[i % HOT.length] as string,
          API_POLICY.limit,
          API_POLICY.windowMs,
        );
        total++;
        if (decision.allowed) allowed++;
      },
      { concurrency, batch: 16, roundMs: 400, rounds: 3 },
    );
    for (const key of HOT) await store.reset(key);
    await store.close();
    rows.push({
      id,
      label: `RedisStore.hit, ${concurrency === 1 ? "one at a time" : `${concurrency} in flight`} (one EVALSHA round trip each)`,
      result,
      allowedShare: allowed / total,
    });
  }
}

if (process.argv.includes("--json")) {
  emit({
    redis: redis ? REDIS_URL : null,
    rows: rows.map(({ id, label, result, allowedShare }) => ({
      id,
      label,
      opsPerSecond: result.median,
      allowedShare,
    })),
  });
} else {
  if (!redis) console.log(`(Redis at ${REDIS_URL} unreachable: Redis rows skipped)`);
  for (const { label, result, allowedShare } of rows) {
    console.log(
      `${int(result.median).padStart(12)} decisions/s  ${(allowedShare * 100).toFixed(1).padStart(5)}% allowed  ${label}`,
    );
  }
}
