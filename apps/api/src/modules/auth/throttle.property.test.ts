/**
 * The login throttle under every interleaving fast-check's scheduler picks: concurrent logins
 * (right and wrong passwords, unknown accounts, several addresses) run through the real
 * `login()` against a MemoryStore, with every store call and every password check a step the
 * scheduler orders. Small limits, so each scope's edge is reached. A failing run prints its
 * seed and the order of the steps; re-run it with `fc.assert(..., { seed, path })`.
 */

import { expect, test } from "bun:test";
import { AsyncLocalStorage } from "node:async_hooks";
import { emailKey, type UserRow } from "@statuslab/db";
import {
  MemoryStore,
  type RateLimitDecision,
  type RateLimitStore,
  type StoreHit,
} from "@statuslab/rate-limiter";
import fc from "fast-check";
import type { Deps } from "../../deps.ts";
import { IncorrectCredentialsError, TooManyLoginAttemptsError } from "../../http/problems.ts";
import { login } from "./service.ts";
import { createLoginThrottle } from "./throttle.ts";

const POLICIES = {
  pair: { name: "pair", limit: 2, windowSeconds: 900 },
  address: { name: "address", limit: 4, windowSeconds: 900 },
  account: { name: "account", limit: 3, windowSeconds: 900 },
};
type Scope = keyof typeof POLICIES;
const SCOPES = Object.keys(POLICIES) as Scope[];
const USERS = ["alice@example.com", "bob@example.com"];

interface Attempt {
  email: string;
  address: string;
  right: boolean;
  /** Step numbers: when it started, when its password check started. */
  start?: number;
  checkStart?: number;
  outcome?: 200 | 401 | 429;
  /** The keys it has released its slot of (a success gives back its address slot). */
  released: Set<string>;
  /** Whether one of its store calls has run: no reservation can exist before. */
  stored?: boolean;
  /** Whether a store call denied it, and whether every denied key might then have been full. */
  denied?: boolean;
  deniedSoundly?: boolean;
}

/** The store keys of an attempt's three counts, as createRateLimiter names them. */
function keysOf({ email, address }: Attempt): Record<Scope, string> {
  const account = emailKey(email);
  const raw = { pair: `${account}|${address}`, address, account };
  return Object.fromEntries(SCOPES.map((s) => [s, `${POLICIES[s].name}:${raw[s]}`])) as Record<
    Scope,
    string
  >;
}

const attemptArb = fc.record({
  email: fc.constantFrom(...USERS, "nobody@example.com"),
  address: fc.constantFrom("192.0.2.1", "192.0.2.2", "192.0.2.3"),
  right: fc.boolean(),
});

test("throttle under concurrency: password checks never exceed a scope's limit, refused attempts count nowhere, no refusal without a full scope", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.array(attemptArb, { minLength: 1, maxLength: 14 }),
      async (s, specs) => {
        const attempts: Attempt[] = specs.map((spec) => ({ ...spec, released: new Set() }));
        const current = new AsyncLocalStorage<Attempt>();
        let step = 0;
        const lastReset = new Map<string, number>();
        const before = (key: string) => lastReset.get(key) ?? -1;

        /**
         * Attempts that may hold a slot of `key` now: some store call of theirs has run, not
         * refused, not a finished success (which has reset or released its slot), and not wiped
         * by a reset that came after its password check started (its reservation came before).
         */
        const mayHold = (key: string, except?: Attempt) =>
          attempts.filter(
            (b) =>
              b !== except &&
              b.stored === true &&
              b.outcome !== 429 &&
              b.outcome !== 200 &&
              !b.released.has(key) &&
              SCOPES.some((sc) => keysOf(b)[sc] === key) &&
              !(b.checkStart !== undefined && b.checkStart < before(key)),
          ).length;
        /**
         * Attempts that surely hold a slot of `key`: started after its last reset, password
         * checked (failed, or still checking), and not given back.
         */
        const surelyHold = (key: string, failedOnly = false) =>
          attempts.filter(
            (b) =>
              b.start !== undefined &&
              b.start > before(key) &&
              b.checkStart !== undefined &&
              (failedOnly ? b.outcome === 401 : b.outcome !== 200) &&
              !b.released.has(key) &&
              SCOPES.some((sc) => keysOf(b)[sc] === key),
          ).length;

        // One frozen moment: every count stays inside its window.
        const inner = new MemoryStore({ now: () => 1_700_000_000_000, sweepIntervalMs: 0 });
        const limitOf = (key: string) =>
          (
            SCOPES.map((sc) => POLICIES[sc]).find((p) => key.startsWith(`${p.name}:`)) as {
              limit: number;
            }
          ).limit;
        // Every store call waits for the scheduler, then runs whole (as a store call is atomic).
        const call = async <T>(label: string, run: () => T): Promise<T> => {
          const attempt = current.getStore();
          await s.schedule(Promise.resolve(), label);
          step++;
          const result = run();
          if (attempt) attempt.stored = true;
          return result;
        };
        /** A deciding call: each key it denies must be one its attempt's rivals may fill. */
        const decide = async <T extends RateLimitDecision | RateLimitDecision[]>(
          keys: string[],
          label: string,
          run: () => T,
        ): Promise<T> => {
          const attempt = current.getStore();
          const result = await call(label, run);
          const decisions = [result].flat();
          for (const [i, d] of decisions.entries()) {
            const key = keys[i] as string;
            if (d.allowed || !attempt) continue;
            attempt.denied = true;
            const sound = mayHold(key, attempt) >= limitOf(key);
            attempt.deniedSoundly = (attempt.deniedSoundly ?? true) && sound;
          }
          return result;
        };
        const store: RateLimitStore = {
          hit: (k, limit, w) => decide([k], `hit ${k}`, () => inner.hit(k, limit, w)),
          peek: (k, limit, w) => decide([k], `peek ${k}`, () => inner.peek(k, limit, w)),
          hitAll: (hits: readonly StoreHit[]) => {
            const keys = hits.map((h) => h.key);
            return decide(keys, `hitAll ${keys.join(" ")}`, () => inner.hitAll(hits));
          },
          reset: (k) =>
            call(`reset ${k}`, () => {
              lastReset.set(k, step);
              inner.reset(k);
            }),
          release: (k) => {
            const attempt = current.getStore();
            return call(`release ${k}`, () => {
              attempt?.released.add(k);
              inner.release(k);
            });
          },
          close: () => inner.close(),
        };

        // A password check is a step too; it starts when login() asks for it.
        const check = async (right: boolean) => {
          const attempt = current.getStore() as Attempt;
          attempt.checkStart = ++step;
          for (const sc of SCOPES) {
            const held = surelyHold(keysOf(attempt)[sc]);
            expect(held, `password checks holding ${sc}`).toBeLessThanOrEqual(POLICIES[sc].limit);
          }
          await s.schedule(Promise.resolve(), `password check ${attempt.email}`);
          step++;
          return right;
        };
        const user = (email: string, id: number): UserRow => ({
          id,
          email,
          emailKey: emailKey(email),
          passwordHash: "right",
          role: "user",
          name: null,
          createdAt: 0,
        });
        const users = new Map(USERS.map((email, i) => [email, user(email, i + 1)]));
        const deps = {
          config: { accessTokenTtl: 900, refreshTokenTtl: 86_400 },
          repo: {
            findUserByEmail: async (email: string) => users.get(email),
            insertRefreshToken: async () => {},
          },
          jwt: { sign: async () => "access-token" },
          hasher: {
            verify: (password: string, hash: string) => check(password === hash),
            verifyAgainstDummy: () => check(false),
          },
          loginThrottle: createLoginThrottle(store, () => {}, POLICIES),
        } as unknown as Deps;

        const runs = attempts.map(async (attempt, i) => {
          await s.schedule(Promise.resolve(), `attempt ${i} starts`);
          attempt.start = ++step;
          const password = attempt.right ? "right" : "wrong";
          try {
            await current.run(attempt, () => login(deps, attempt.email, password, attempt.address));
            attempt.outcome = 200;
          } catch (error) {
            if (error instanceof IncorrectCredentialsError) attempt.outcome = 401;
            else if (error instanceof TooManyLoginAttemptsError) {
              attempt.outcome = 429;
              // A refusal rests on a scope that may really have been full.
              expect([attempt.denied, attempt.deniedSoundly]).toEqual([true, true]);
            } else throw error;
          }
          step++;
        });
        await s.waitFor(Promise.all(runs));

        for (const attempt of attempts) {
          // A refused attempt never had its password checked; every checked one got its answer.
          if (attempt.outcome === 429) expect(attempt.checkStart).toBeUndefined();
          else {
            expect(attempt.checkStart).toBeDefined();
            const right = attempt.right && USERS.includes(attempt.email);
            expect(attempt.outcome).toBe(right ? 200 : 401);
          }
        }
        // What stays counted is the failures, and nothing of the refused attempts.
        const keys = new Set(attempts.flatMap((a) => Object.values(keysOf(a))));
        for (const key of keys) {
          const counted = 1e9 - inner.peek(key, 1e9, 900_000).remaining;
          const surely = surelyHold(key, true);
          const possibly = attempts.filter(
            (b) =>
              b.outcome === 401 &&
              (b.checkStart as number) > before(key) &&
              SCOPES.some((sc) => keysOf(b)[sc] === key),
          ).length;
          expect(counted, `${key}: failures surely counted`).toBeGreaterThanOrEqual(surely);
          expect(counted, `${key}: failures possibly counted`).toBeLessThanOrEqual(possibly);
        }
        inner.close();
      },
    ),
    { numRuns: 400 },
  );
});
