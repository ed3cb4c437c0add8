/**
 * Sign-ups and logins have separate hashing budgets (issue 16, point 2), and passwords are
 * NFKC-normalised while hashes made before that still verify (point 7).
 *
 * The budget tests replace argon2 with a stand-in whose hashes finish only when the test says
 * so: what they check is the order in which work starts, never how long it takes.
 */
import { afterEach, describe, expect, spyOn, test } from "bun:test";
import { HashingBusyError } from "./errors.ts";
import { createPasswordHasher } from "./passwords.ts";
import { fakeArgon2, settle, watch } from "./testing.ts";

const CHEAP = { memoryCost: 1024, timeCost: 1 } as const;
/** Room for the whole burst in the sign-up queue (the default holds 16 per hashing slot). */
const DEEP = { maxQueuedHashes: 64, hashingNiceIncrement: 0 } as const;

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

/** argon2 stand-in: a sign-up's password (`signup-…`) hashes only when released. */
function fakeSignUpArgon2() {
  const fake = fakeArgon2({ heldPrefix: "signup-" });
  restore = fake.restore;
  return fake;
}

const signUps = (hasher: ReturnType<typeof createPasswordHasher>, n: number) =>
  Array.from({ length: n }, (_, i) => hasher.hash(`signup-${i}`));

describe("a sign-up burst does not delay logins", () => {
  test("40 queued sign-ups: a login's verification starts at once, on the slot kept for logins", async () => {
    const argon2 = fakeSignUpArgon2();
    const hasher = createPasswordHasher({ ...DEEP, maxConcurrent: 2 });
    const burst = signUps(hasher, 40);
    await settle();
    const login = watch(hasher.verify("pw", "hashed:pw"));
    await settle();
    // The login ran while the first sign-up still hashed and 39 more waited.
    expect(login).toEqual({ settled: true, value: true });
    expect(argon2.events).toEqual(["hash signup-0", "verify pw"]);
    expect(hasher.stats()).toMatchObject({ hash: { inFlight: 1, queued: 39 } });

    argon2.finishAll();
    expect(await Promise.all(burst)).toHaveLength(40);
  });

  test("with one slot (none to keep), a login goes before every queued sign-up", async () => {
    const argon2 = fakeSignUpArgon2();
    const hasher = createPasswordHasher({ ...DEEP, maxConcurrent: 1 });
    const burst = signUps(hasher, 40);
    const login = watch(hasher.verify("pw", "hashed:pw"));
    await settle();
    expect(login.settled).toBe(false);

    argon2.finishOne();
    await settle();
    // The slot freed by the first sign-up went to the login, not to the second sign-up.
    expect(argon2.events.slice(0, 3)).toEqual(["hash signup-0", "verify pw", "hash signup-1"]);
    expect(login).toEqual({ settled: true, value: true });
    expect(hasher.stats()).toMatchObject({
      hash: { inFlight: 1, queued: 38 },
      verify: { inFlight: 0, queued: 0 },
    });

    argon2.finishAll();
    await Promise.all(burst);
  });

  test("an unknown email's dummy check stays on the login budget, even before the dummy exists", async () => {
    const argon2 = fakeSignUpArgon2();
    const hasher = createPasswordHasher({ ...DEEP, maxConcurrent: 2 });
    const burst = signUps(hasher, 40);
    const unknown = watch(hasher.verifyAgainstDummy("pw"));
    await settle();
    expect(unknown).toEqual({ settled: true, value: false });
    expect(hasher.stats()).toMatchObject({ hash: { inFlight: 1, queued: 39 } });
    argon2.finishAll();
    await Promise.all(burst);
  });
});

describe("bounded queues: a full one refuses at once", () => {
  test("sign-ups beyond maxQueuedHashes get HashingBusyError, and logins still run", async () => {
    const argon2 = fakeSignUpArgon2();
    const hasher = createPasswordHasher({
      maxConcurrent: 1,
      maxQueuedHashes: 2,
      hashingNiceIncrement: 0,
    });
    const admitted = signUps(hasher, 3); // one hashing, two waiting
    const refused = watch(hasher.hash("one-too-many"));
    await settle();
    expect(refused.settled).toBe(true);
    expect(refused.error).toBeInstanceOf(HashingBusyError);
    const error = refused.error as HashingBusyError;
    expect(error.name).toBe("HashingBusyError");
    expect(error.lane).toBe("hash");
    expect(Number.isInteger(error.retryAfterSeconds)).toBe(true);
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(error.message).not.toContain("one-too-many");

    const login = hasher.verify("pw", "hashed:pw");
    argon2.finishAll();
    expect(await login).toBe(true);
    expect(await Promise.all(admitted)).toHaveLength(3);
  });

  test("logins beyond maxQueuedVerifications get HashingBusyError too", async () => {
    const argon2 = fakeSignUpArgon2();
    const hasher = createPasswordHasher({
      maxConcurrent: 1,
      maxQueuedVerifications: 1,
      hashingNiceIncrement: 0,
    });
    const running = hasher.hash("signup-holds-the-slot");
    const waiting = hasher.verify("pw", "hashed:pw");
    const refused = watch(hasher.verify("pw", "hashed:pw"));
    await settle();
    expect((refused.error as HashingBusyError | undefined)?.lane).toBe("verify");
    argon2.finishAll();
    expect(await waiting).toBe(true);
    await running;
  });
});

describe("NFKC", () => {
  const hasher = createPasswordHasher(CHEAP);

  test("a password with a compatibility character logs in with its NFKC form, and as typed", async () => {
    const hash = await hasher.hash("\uFB01ne-password"); // "ﬁ" (U+FB01), one character
    expect(await hasher.verify("fine-password", hash)).toBe(true);
    expect(await hasher.verify("\uFB01ne-password", hash)).toBe(true);
    expect(await hasher.verify("fine-passwords", hash)).toBe(false);
  });

  test("composed and decomposed accents are the same password", async () => {
    expect(await hasher.verify("cafe\u0301-secret", await hasher.hash("caf\u00e9-secret"))).toBe(
      true,
    );
    expect(await hasher.verify("caf\u00e9-secret", await hasher.hash("cafe\u0301-secret"))).toBe(
      true,
    );
  });

  test("a hash made before normalisation (of the raw, non-NFKC password) still verifies", async () => {
    const raw = "\uFB01ne-password";
    const legacy = await Bun.password.hash(raw, { algorithm: "argon2id", ...CHEAP });
    expect(await hasher.verify(raw, legacy)).toBe(true);
    expect(await hasher.verify("wrong-password", legacy)).toBe(false);
  });

  test("a second argon2 check only when the password changes under NFKC, for known and unknown emails alike", async () => {
    const stable = await hasher.hash("plain-ascii");
    await hasher.verifyAgainstDummy("warm-up"); // the dummy exists now
    const verifySpy = spyOn(Bun.password, "verify");
    try {
      const calls = async (check: () => Promise<boolean>) => {
        verifySpy.mockClear();
        await check();
        return verifySpy.mock.calls.length;
      };
      expect(await calls(() => hasher.verify("wrong-ascii", stable))).toBe(1);
      expect(await calls(() => hasher.verifyAgainstDummy("wrong-ascii"))).toBe(1);
      expect(await calls(() => hasher.verify("\uFB01-wrong", stable))).toBe(2);
      expect(await calls(() => hasher.verifyAgainstDummy("\uFB01-wrong"))).toBe(2);
      // A right password in NFKC form costs one check.
      expect(await calls(() => hasher.verify("plain-ascii", stable))).toBe(1);
    } finally {
      verifySpy.mockRestore();
    }
  });
});
