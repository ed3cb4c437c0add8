import { emailKey } from "@statuslab/db";
import {
  createRateLimiter,
  type GuardedCheck,
  guardRateLimiter,
  type RateLimitPolicy,
  type RateLimitStore,
} from "@statuslab/rate-limiter";
import { TooManyLoginAttemptsError } from "../../http/problems.ts";

const WINDOW = 15 * 60;

/**
 * Failed logins are counted three ways, each in a sliding 15-minute window:
 * - one account from one address (10): stops guessing one password from one place, and only
 *   that place — the real user, elsewhere, still logs in;
 * - one address, any account (100): stops one machine spraying guesses across accounts;
 * - one account, any address (100): caps a distributed guess at one password to 100 per
 *   15 minutes. Locking a real user out this way takes a sustained attack from 10+ addresses,
 *   and it ends 15 minutes after the attack does.
 * Only failures count, so successful logins are never slowed; a success clears the account's
 * counts (not the address's: an attacker could clear theirs by logging into their own account).
 */
export const LOGIN_POLICIES = {
  pair: { name: "login-account-address", limit: 10, windowSeconds: WINDOW },
  address: { name: "login-address", limit: 100, windowSeconds: WINDOW },
  account: { name: "login-account", limit: 100, windowSeconds: WINDOW },
} as const satisfies Record<string, RateLimitPolicy>;

type Scope = keyof typeof LOGIN_POLICIES;

export function createLoginThrottle(
  store: RateLimitStore,
  warn: (message: string, error: { reason: string }) => void,
) {
  // Fails open: refusing every login while the store is down would lock every user out;
  // argon2id still slows guessing meanwhile.
  const limiters = Object.fromEntries(
    Object.entries(LOGIN_POLICIES).map(([scope, policy]) => [
      scope,
      guardRateLimiter(createRateLimiter({ store, policy }), { onUnavailable: "open", warn }),
    ]),
  ) as Record<Scope, ReturnType<typeof guardRateLimiter>>;

  const keys = (email: string, address: string): Record<Scope, string> => {
    const account = emailKey(email);
    return { pair: `${account}|${address}`, address, account };
  };

  const denied = (checks: GuardedCheck[]) =>
    checks.flatMap((c) =>
      c.outcome === "decided" && !c.decision.allowed ? [c.decision.retryAfter] : [],
    );

  const each = <T>(
    email: string,
    address: string,
    run: (scope: Scope, key: string) => Promise<T>,
  ) =>
    Promise.all(
      Object.entries(keys(email, address)).map(([scope, key]) => run(scope as Scope, key)),
    );

  return {
    /** Before any password work: 429 when any count is already at its limit. */
    async ensureAllowed(email: string, address: string): Promise<void> {
      const waits = denied(await each(email, address, (scope, key) => limiters[scope].peek(key)));
      if (waits.length > 0) throw new TooManyLoginAttemptsError(Math.max(...waits));
    },
    async recordFailure(email: string, address: string): Promise<void> {
      await each(email, address, (scope, key) => limiters[scope].check(key));
    },
    async recordSuccess(email: string, address: string): Promise<void> {
      const { pair, account } = keys(email, address);
      await Promise.all([limiters.pair.reset(pair), limiters.account.reset(account)]);
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
