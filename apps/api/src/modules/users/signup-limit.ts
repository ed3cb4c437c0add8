import { HashingBusyError } from "@statuslab/auth";
import {
  createRateLimiter,
  type GuardedRateLimiter,
  guardRateLimiter,
  type RateLimitStore,
  rateLimitHeaders,
} from "@statuslab/rate-limiter";
import type { Config } from "../../config.ts";
import type { Deps } from "../../deps.ts";
import { TooManySignUpsError } from "../../http/problems.ts";

/**
 * SIGNUP_RATE_LIMIT: sign-ups per client address, in the app's rate-limit store (Redis when
 * configured, so every worker counts together).
 *
 * Fails open: while the store is down sign-ups go on, unlimited per address, with a warning.
 * Refusing them would turn a Redis outage into a sign-up outage, and what a flood can cost
 * meanwhile is still capped by the bounded hashing queue (503 when full), whose reserved slot
 * keeps logins running.
 */
export function createSignupLimiter(
  store: RateLimitStore,
  limit: Config["signupRateLimit"],
  warn: (message: string, error: { reason: string }) => void,
): GuardedRateLimiter {
  return guardRateLimiter(
    createRateLimiter({
      store,
      policy: { name: "signup", limit: limit.max, windowSeconds: limit.windowSeconds },
    }),
    { onUnavailable: "open", warn },
  );
}

/**
 * Counts one sign-up attempt from `address` and returns the RateLimit headers to send, or
 * throws TooManySignUpsError (429 + Retry-After) once the address has used its quota. Every
 * attempt that passed validation counts, a 409 included: that also slows probing for
 * registered emails.
 */
export async function spendSignUp(
  deps: Pick<Deps, "signupLimiter">,
  address: string,
): Promise<Record<string, string>> {
  const checked = await deps.signupLimiter.check(address);
  if (checked.outcome !== "decided") return {};
  const headers = rateLimitHeaders(deps.signupLimiter.policy, checked.decision);
  if (!checked.decision.allowed) throw new TooManySignUpsError(headers);
  return headers;
}

/**
 * A sign-up the hashing queue refused (503 + Retry-After) gives its unit back: the client was
 * told to come back, and coming back must not cost it a second one.
 */
export async function refundIfBusy<T>(
  deps: Pick<Deps, "signupLimiter">,
  address: string,
  signUp: Promise<T>,
): Promise<T> {
  try {
    return await signUp;
  } catch (error) {
    if (error instanceof HashingBusyError) await deps.signupLimiter.release(address);
    throw error;
  }
}
