/** Why a networked store could not decide. */
export type StoreUnavailableReason =
  /** No answer within the store's per-call timeout (slow or hung backend, half-open TCP). */
  | "timeout"
  /** Not connected: refused, dropped, reconnecting, or waiting out a reconnect backoff. */
  | "connection"
  /** The backend answered with an error (OOM, LOADING, READONLY after a failover, ...). */
  | "server"
  /** The store was closed. */
  | "closed";

/**
 * A store could not make a decision. Stores throw only this (or `RangeError` for invalid
 * arguments), so a caller can tell "the limiter is down" from a bug and apply its own policy:
 * fail closed (503) or fail open (let the request through). See `guardRateLimiter`.
 */
export class RateLimitStoreUnavailableError extends Error {
  override readonly name = "RateLimitStoreUnavailableError";
  readonly reason: StoreUnavailableReason;

  constructor(reason: StoreUnavailableReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}
