/**
 * Test doubles for the hashing queue's tests here and in the API: argon2 replaced by a stand-in
 * whose hashes finish when the test says so, to observe order without timing anything.
 */
import { spyOn } from "bun:test";

export interface FakeArgon2Options {
  /** Hashes of passwords starting with this wait until released; the rest finish at once. */
  heldPrefix: string;
  /** Also record `done <password>` when a held hash finishes. */
  recordFinish?: boolean;
}

/**
 * `Bun.password.hash(pw)` resolves to `hashed:pw`; `verify` answers at once and is true for
 * that encoding. `events` records each start (`hash pw`, `verify pw`) in order. Call `restore`
 * after the test: it lets every held hash finish and puts argon2 back.
 */
export function fakeArgon2({ heldPrefix, recordFinish = false }: FakeArgon2Options) {
  const events: string[] = [];
  const held: Array<() => void> = [];
  let releaseAll = false;
  const hash = spyOn(Bun.password, "hash").mockImplementation(((password: string) => {
    events.push(`hash ${password}`);
    return new Promise<string>((resolve) => {
      const isHeld = password.startsWith(heldPrefix);
      const done = () => {
        if (isHeld && recordFinish) events.push(`done ${password}`);
        resolve(`hashed:${password}`);
      };
      if (releaseAll || !isHeld) done();
      else held.push(done);
    });
  }) as typeof Bun.password.hash);
  const verify = spyOn(Bun.password, "verify").mockImplementation((async (
    password: string,
    encoded: string,
  ) => {
    events.push(`verify ${password}`);
    return encoded === `hashed:${password}`;
  }) as typeof Bun.password.verify);
  const finishAll = () => {
    releaseAll = true;
    for (const done of held.splice(0)) done();
  };
  return {
    events,
    /** Finishes the oldest held hash. */
    finishOne: () => held.shift()?.(),
    /** Lets every hash, held or to come, finish. */
    finishAll,
    restore: () => {
      finishAll();
      hash.mockRestore();
      verify.mockRestore();
    },
  };
}

/** Every continuation that is ready has run. */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The outcome of a promise so far, without waiting for it. */
export function watch<T>(promise: Promise<T>) {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  return state;
}
