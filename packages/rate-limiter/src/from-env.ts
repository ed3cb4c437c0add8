import { MemoryStore, type MemoryStoreOptions } from "./memory-store.ts";
import { RedisStore, type RedisStoreOptions } from "./redis-store.ts";
import type { RateLimitStore } from "./types.ts";

export interface StoreFromEnvOptions {
  /** Defaults to process.env. */
  env?: Record<string, string | undefined>;
  memory?: MemoryStoreOptions;
  /** Everything but the URL, which comes from REDIS_URL. */
  redis?: Omit<RedisStoreOptions, "url" | "client">;
}

/**
 * REDIS_URL set (non-empty): a RedisStore on that URL, shared by every process using it.
 * Unset or empty: a MemoryStore, which is per process, so N replicas each allow `limit`.
 * Nothing connects here; the first call does, so an unreachable Redis surfaces as
 * RateLimitStoreUnavailableError on use (or from `RedisStore.ping()` if checked at startup).
 */
export function rateLimitStoreFromEnv(options: StoreFromEnvOptions = {}): RateLimitStore {
  const url = (options.env ?? process.env).REDIS_URL?.trim();
  return url ? new RedisStore({ ...options.redis, url }) : new MemoryStore(options.memory);
}
