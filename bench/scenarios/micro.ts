/** The micro-benchmarks, each its own process pinned to the server's core (`bench/micro/`). */
import { join } from "node:path";
import type { BenchContext } from "../lib/context.ts";
import { benchJson, runPinned } from "../lib/proc.ts";
import { BENCH_DIR, ROOT } from "../lib/settings.ts";

export type MicroRow = { id: string; label: string; opsPerSecond: number };
export type LimiterRow = MicroRow & { allowedShare: number };

export interface LimiterResult {
  /** Where Redis answered, or null: its rows skipped. */
  redis: string | null;
  rows: LimiterRow[];
}

export interface KeysResult {
  keys: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  bytesPerKey: number;
  fillMs: number;
}

export interface MicroResults {
  jwt: MicroRow[];
  lookup: MicroRow[];
  limiter: LimiterResult;
  keys: KeysResult;
}

export async function runMicro(bench: BenchContext): Promise<MicroResults> {
  const micro = async <T>(script: string) => {
    bench.log(`  ${script} …`);
    return benchJson<T>(
      await runPinned(
        bench.settings.serverCpu,
        ["bun", join(BENCH_DIR, "micro", script), "--json"],
        ROOT,
      ),
    );
  };
  const jwt = await micro<MicroRow[]>("jwt.ts");
  const lookup = await micro<MicroRow[]>("user-lookup.ts");
  const limiter = await micro<LimiterResult>("limiter.ts");
  const keys = await micro<KeysResult>("limiter-memory.ts");
  return { jwt, lookup, limiter, keys };
}
