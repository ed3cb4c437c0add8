import { createHashingQueue } from "./hashing-queue.ts";
import { createPoolThreadDeprioritiser } from "./thread-priority.ts";

export type PasswordHasherOptions = {
  /** KiB per hash; each in-flight hash holds this much memory. */
  memoryCost?: number;
  timeCost?: number;
  /**
   * Hashes and verifications running at once, together. Default: one per CPU, the size of the
   * thread pool Bun runs them on: the pool is FIFO, so more here would queue a login inside it,
   * behind sign-ups, where no priority applies.
   */
  maxConcurrent?: number;
  /**
   * Slots a sign-up's hash may never hold, so a login always finds one. Default: 1, or 0 when
   * there is only one slot (logins then still go first, after the one hash already running).
   */
  reservedForVerify?: number;
  /** Sign-ups allowed to wait for a slot; one more is refused with HashingBusyError. */
  maxQueuedHashes?: number;
  /** Logins allowed to wait for a slot; one more is refused with HashingBusyError. */
  maxQueuedVerifications?: number;
  /**
   * How much to lower the priority (raise the nice value) of the threads that hash, so a burst
   * of sign-ups never delays requests on a shared core; 0 leaves them alone. Linux only.
   * Default: `defaultHashingNiceIncrement()`.
   */
  hashingNiceIncrement?: number;
};

/**
 * 10 when the process may run on one CPU only (a one-core machine, or pinned with taskset or a
 * cpuset), else 0. On one CPU every hash time-shares the event loop's core, and at +10 the
 * event loop wins it as soon as it has work while hashing still gets every idle cycle and
 * ~10% of a saturated core. With more CPUs the kernel spreads the threads, and priorities are
 * left alone: lowering them there would mostly make hashing yield to other processes.
 */
export function defaultHashingNiceIncrement(cpus = navigator.hardwareConcurrency || 1): number {
  return cpus === 1 ? 10 : 0;
}

// Bun's argon2id defaults, pinned so a Bun upgrade cannot silently change the cost of new hashes.
const DEFAULT_MEMORY_COST = 65536;
const DEFAULT_TIME_COST = 2;

export function createPasswordHasher(options: PasswordHasherOptions = {}) {
  const params = {
    algorithm: "argon2id",
    memoryCost: positiveInteger(options.memoryCost ?? DEFAULT_MEMORY_COST, "memoryCost"),
    timeCost: positiveInteger(options.timeCost ?? DEFAULT_TIME_COST, "timeCost"),
  } as const;
  const maxConcurrent = positiveInteger(
    options.maxConcurrent ?? Math.max(1, navigator.hardwareConcurrency || 1),
    "maxConcurrent",
  );
  const reservedForVerify = options.reservedForVerify ?? (maxConcurrent > 1 ? 1 : 0);
  if (!Number.isSafeInteger(reservedForVerify) || reservedForVerify < 0) {
    throw new Error(`reservedForVerify must be an integer >= 0 (got ${reservedForVerify})`);
  }
  if (reservedForVerify >= maxConcurrent) {
    throw new Error(
      `reservedForVerify must be less than maxConcurrent (got ${reservedForVerify} of ${maxConcurrent})`,
    );
  }
  const hashSlots = maxConcurrent - reservedForVerify;
  // Verification recomputes the hash with the same memory cost, so it is bounded too: a login
  // burst is as dangerous as a signup burst. Queues of a few seconds' work at Bun's defaults.
  const slots = createHashingQueue({
    slots: maxConcurrent,
    reservedForVerify,
    maxQueued: {
      hash: count(options.maxQueuedHashes ?? 16 * hashSlots, "maxQueuedHashes"),
      verify: count(options.maxQueuedVerifications ?? 32 * maxConcurrent, "maxQueuedVerifications"),
    },
  });
  const deprioritise = createPoolThreadDeprioritiser(
    options.hashingNiceIncrement ?? defaultHashingNiceIncrement(),
  );
  let dummyHash: Promise<string> | undefined;

  // NFKC (NIST SP 800-63B): the same password typed on another keyboard or IME, or pasted with
  // a compatibility character ("ﬁ" for "fi"), is the same password. Nothing else is changed: no
  // trimming or case folding, and argon2 has no bcrypt-style 72-byte truncation to work around.
  const hashOn = (lane: "hash" | "verify", password: string) =>
    slots.run(lane, () => {
      deprioritise();
      return Bun.password.hash(password.normalize("NFKC"), params);
    });

  function hash(password: string): Promise<string> {
    return hashOn("hash", password);
  }

  /**
   * The NFKC form first; if that fails and the password as typed differs, the raw form too,
   * because hashes made before passwords were normalised hold it. Both run in one slot. The
   * second check depends only on the submitted string, never on the account, so it reveals
   * nothing (an unknown email pays it too, against the dummy); it doubles the cost of such an
   * attempt, which the login throttle and the bounded queue already cap.
   */
  function verify(password: string, encoded: string): Promise<boolean> {
    return slots.run("verify", async () => {
      deprioritise();
      const normalized = password.normalize("NFKC");
      if (await check(normalized, encoded)) return true;
      return normalized !== password && check(password, encoded);
    });
  }

  // Login with an unknown email must cost what a wrong password costs, or response time reveals
  // which emails are registered. The dummy is made lazily so constructing a hasher stays cheap,
  // and on the login lane, so an unknown email never waits behind sign-ups either.
  async function verifyAgainstDummy(password: string): Promise<false> {
    dummyHash ??= hashOn("verify", crypto.randomUUID()).catch((error: unknown) => {
      dummyHash = undefined;
      throw error;
    });
    await verify(password, await dummyHash);
    return false;
  }

  return { hash, verify, verifyAgainstDummy, stats: slots.stats };
}

export type PasswordHasher = ReturnType<typeof createPasswordHasher>;

async function check(password: string, encoded: string): Promise<boolean> {
  try {
    return await Bun.password.verify(password, encoded);
  } catch {
    // Bun throws on a hash it cannot parse; a corrupt row must read as a wrong password rather
    // than a 500.
    return false;
  }
}

function count(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${name} must be an integer >= 0 (got ${value})`);
  }
  return value;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive integer (got ${value})`);
  }
  return value;
}
