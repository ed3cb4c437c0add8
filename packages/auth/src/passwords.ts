import { createSemaphore } from "./semaphore.ts";

export type PasswordHasherOptions = {
  /** KiB per hash; each in-flight hash holds this much memory. */
  memoryCost?: number;
  timeCost?: number;
  /** Hashes (and verifications) allowed to run at once; the rest wait in FIFO order. */
  maxConcurrent?: number;
};

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
  let dummyHash: Promise<string> | undefined;

  // The password is passed through untouched: trimming or normalizing would silently accept
  // passwords the user never typed, and argon2 has no bcrypt-style 72-byte truncation to work
  // around.
  function hash(password: string): Promise<string> {
    return slots.run(() => Bun.password.hash(password, params));
  }

  function verify(password: string, encoded: string): Promise<boolean> {
    return slots.run(async () => {
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
