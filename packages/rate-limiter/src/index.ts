export { rateLimitHeaders } from "./headers.ts";
export { createRateLimiter, type RateLimiter, type RateLimiterOptions } from "./limiter.ts";
export { MemoryStore, type MemoryStoreOptions } from "./memory-store.ts";
export type { RateLimitDecision, RateLimitPolicy, RateLimitStore } from "./types.ts";
