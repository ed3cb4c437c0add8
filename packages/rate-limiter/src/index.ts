export { RateLimitStoreUnavailableError, type StoreUnavailableReason } from "./errors.ts";
export { rateLimitStoreFromEnv, type StoreFromEnvOptions } from "./from-env.ts";
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
export { rateLimitHeaders } from "./headers.ts";
export {
  checkAll,
  createRateLimiter,
  type RateLimiter,
  type RateLimiterOptions,
} from "./limiter.ts";
export { MemoryStore, type MemoryStoreOptions } from "./memory-store.ts";
export { RedisStore, type RedisStoreOptions } from "./redis-store.ts";
export type { RateLimitDecision, RateLimitPolicy, RateLimitStore, StoreHit } from "./types.ts";
