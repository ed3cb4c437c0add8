import { emailKey } from "@statuslab/db";
import {
  checkAll,
  createRateLimiter,
  guardStore,
  type RateLimiter,
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
 * Each attempt is reserved in all three at once, before its password is checked, or refused
 * (429) without counting anywhere; so parallel attempts never run more password checks than the
 * limits allow, and an attempt refused from one address adds nothing to the account's count.
 * Only failures count: a success gives back its address slot and clears the account's counts
 * (not the address's: an attacker could clear theirs by logging into their own account).
 */
export const LOGIN_POLICIES = {
  pair: { name: "login-account-address", limit: 10, windowSeconds: WINDOW },
  address: { name: "login-address", limit: 100, windowSeconds: WINDOW },
  account: { name: "login-account", limit: 100, windowSeconds: WINDOW },
} as const satisfies Record<string, RateLimitPolicy>;

type Scope = keyof typeof LOGIN_POLICIES;
const SCOPES = Object.keys(LOGIN_POLICIES) as Scope[];

/** An attempt admitted by `reserve`: it counts as a failure unless one of these takes it back. */
export interface LoginAttempt {
  /** The password was right: clears the account's failures and frees the address's slot. */
  succeeded(): Promise<void>;
  /** No password was checked after all (the check could not run): the attempt does not count. */
  cancel(): Promise<void>;
}

export function createLoginThrottle(
  store: RateLimitStore,
  warn: (message: string, error: { reason: string }) => void,
  policies: Record<Scope, RateLimitPolicy> = LOGIN_POLICIES,
) {
  const limiters = Object.fromEntries(
    SCOPES.map((scope) => [scope, createRateLimiter({ store, policy: policies[scope] })]),
  ) as Record<Scope, RateLimiter>;
  // Fails open: refusing every login while the store is down would lock every user out;
  // argon2id still slows guessing meanwhile.
  const guard = guardStore("login", { onUnavailable: "open", warn });

  const keys = (email: string, address: string): Record<Scope, string> => {
    const account = emailKey(email);
    return { pair: `${account}|${address}`, address, account };
  };
  const reset = (scope: Scope, key: string) =>
    guard.forget("reset", () => limiters[scope].reset(key));
  const release = (scope: Scope, key: string) =>
    guard.forget("release", () => limiters[scope].release(key));

  return {
    /**
     * Before any password work: one attempt taken in every count at once, or none and a 429
     * when any count is at its limit. With the store unavailable the attempt goes unthrottled.
     */
    async reserve(email: string, address: string): Promise<LoginAttempt> {
      const k = keys(email, address);
      const result = await guard.decide(() =>
        checkAll(SCOPES.map((scope) => ({ limiter: limiters[scope], key: k[scope] }))),
      );
      const counted = result.outcome === "decided";
      if (counted) {
        const waits = result.decision.flatMap((d) => (d.allowed ? [] : [d.retryAfter]));
        if (waits.length > 0) throw new TooManyLoginAttemptsError(Math.max(...waits));
      }
      return {
        async succeeded() {
          const releasing = counted ? [release("address", k.address)] : [];
          await Promise.all([reset("pair", k.pair), reset("account", k.account), ...releasing]);
        },
        async cancel() {
          if (counted) await Promise.all(SCOPES.map((scope) => release(scope, k[scope])));
        },
      };
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
