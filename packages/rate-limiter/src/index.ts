/**
 * `@statuslab/rate-limiter`: an exact sliding-log rate limiter.
 *
 * The contract comes first: a `RateLimitStore` makes one atomic decision per `hit` (and can
 * `peek`, `hitAll`, `reset`, `release`), and `createRateLimiter` puts a named policy on a store.
 * Two stores implement it and pass one conformance suite (`./conformance`): `MemoryStore` in this
 * process, `RedisStore` shared by every process on one Redis; `rateLimitStoreFromEnv` picks one.
 */

// biome-ignore-all assist/source/organizeImports: the contract first, the stores after it.

// The contract.
export type { RateLimitDecision, RateLimitPolicy, RateLimitStore, StoreHit } from "./types.ts";
export {
  checkAll,
  createRateLimiter,
  type RateLimiter,
  type RateLimiterOptions,
} from "./limiter.ts";
export { RateLimitStoreUnavailableError, type StoreUnavailableReason } from "./errors.ts";
export { rateLimitHeaders } from "./headers.ts";
export {
  type Guarded,
  type GuardedCheck,
  type GuardedRateLimiter,
  type GuardOptions,
  guardRateLimiter,
  guardStore,
  type StoreGuard,
  type UnavailablePolicy,
} from "./guard.ts";

// The stores.
export { MemoryStore, type MemoryStoreOptions } from "./memory-store.ts";
export { RedisStore, type RedisStoreOptions } from "./redis-store.ts";
export { rateLimitStoreFromEnv, type StoreFromEnvOptions } from "./from-env.ts";
