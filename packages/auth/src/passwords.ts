import { createSemaphore } from "./semaphore.ts";
import { createPoolThreadDeprioritiser } from "./thread-priority.ts";

export type PasswordHasherOptions = {
  /** KiB per hash; each in-flight hash holds this much memory. */
  memoryCost?: number;
  timeCost?: number;
  /** Hashes (and verifications) allowed to run at once; the rest wait in FIFO order. */
  maxConcurrent?: number;
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
  // Verification recomputes the hash with the same memory cost, so it is bounded too: a login
  // burst is as dangerous as a signup burst.
  const slots = createSemaphore(maxConcurrent);
  const deprioritise = createPoolThreadDeprioritiser(
    options.hashingNiceIncrement ?? defaultHashingNiceIncrement(),
  );
  let dummyHash: Promise<string> | undefined;

  // The password is passed through untouched: trimming or normalizing would silently accept
  // passwords the user never typed, and argon2 has no bcrypt-style 72-byte truncation to work
  // around.
  function hash(password: string): Promise<string> {
    return slots.run(() => {
      deprioritise();
      return Bun.password.hash(password, params);
    });
  }

  function verify(password: string, encoded: string): Promise<boolean> {
    return slots.run(async () => {
      deprioritise();
      try {
        return await Bun.password.verify(password, encoded);
      } catch {
        // Bun throws on a hash it cannot parse; a corrupt row must read as a wrong password
        // rather than a 500.
        return false;
      }
    });
  }

  // Login with an unknown email must cost what a wrong password costs, or response time reveals
  // which emails are registered. The dummy is made lazily so constructing a hasher stays cheap.
  async function verifyAgainstDummy(password: string): Promise<false> {
    dummyHash ??= hash(crypto.randomUUID()).catch((error: unknown) => {
      dummyHash = undefined;
      throw error;
    });
    await verify(password, await dummyHash);
    return false;
  }

  return { hash, verify, verifyAgainstDummy, stats: slots.stats };
}

export type PasswordHasher = ReturnType<typeof createPasswordHasher>;

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive integer (got ${value})`);
  }
  return value;
}
