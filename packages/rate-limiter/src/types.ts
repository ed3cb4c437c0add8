export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  /** Slots left after this decision (0..limit). */
  remaining: number;
  /** Whole seconds (ceil) until the oldest counted request leaves the window; 0 when nothing is counted. */
  reset: number;
  /** When denied: whole seconds until a slot frees, clamped to 1..window seconds. 0 when allowed. */
  retryAfter: number;
}

export interface RateLimitStore {
  /** One atomic decision. Networked stores return a Promise, so callers always await. */
  hit(key: string, limit: number, windowMs: number): RateLimitDecision | Promise<RateLimitDecision>;
  /** Forget a key, e.g. after a successful login. */
  reset(key: string): void | Promise<void>;
  close(): void | Promise<void>;
}

export interface RateLimitPolicy {
  name: string;
  limit: number;
  windowSeconds: number;
}
