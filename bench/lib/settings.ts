/** `bun run bench`'s settings, read once from the environment, and the paths it works with. */
import { join } from "node:path";

export interface Settings {
  /** Timed rounds per scenario (at least 3). */
  rounds: number;
  /** Seconds per round. */
  seconds: number;
  /** Warm-up seconds per scenario. */
  warmup: number;
  /** wrk connections (the hash-bound routes use HASH_CONNECTIONS). */
  connections: number;
  /** The core the servers and micro-benchmarks run on. */
  serverCpu: number;
  /** The core wrk runs on. */
  clientCpu: number;
  /** Concurrent sign-ups in the burst. */
  burst: number;
  /** The PostgreSQL API's `DATABASE_POOL_MAX`, always passed explicitly (the API's default is 10). */
  poolMax: number;
  /** Keep the temporary directory (logs, databases). */
  keep: boolean;
}

export function readSettings(env: Record<string, string | undefined> = Bun.env): Settings {
  return {
    rounds: Math.max(3, Number(env.BENCH_ROUNDS ?? 3)),
    seconds: Math.max(1, Number(env.BENCH_SECONDS ?? 5)),
    warmup: Math.max(1, Number(env.BENCH_WARMUP ?? 2)),
    connections: Number(env.BENCH_CONNECTIONS ?? 100),
    serverCpu: Number(env.BENCH_SERVER_CPU ?? 0),
    clientCpu: Number(env.BENCH_CLIENT_CPU ?? 1),
    burst: Number(env.BENCH_BURST ?? 200),
    poolMax: Math.max(1, Number(env.BENCH_POSTGRES_POOL_MAX ?? 10)),
    keep: env.BENCH_KEEP === "1",
  };
}

/** Hash-bound routes: a few connections keep the one hashing slot busy without long queues. */
export const HASH_CONNECTIONS = 4;
/** How long the burst's lone connection is measured alone first. */
export const IDLE_SECONDS = 10;
/** The API's argon2id memory per hash. */
export const ARGON2_MIB = 64;

export const BENCH_DIR = join(import.meta.dir, "..");
export const ROOT = join(BENCH_DIR, "..");
export const RESULTS = join(BENCH_DIR, "results");
