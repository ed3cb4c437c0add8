import { describe, expect, spyOn, test } from "bun:test";
import { join } from "node:path";
import { createPasswordHasher, defaultHashingNiceIncrement } from "./passwords.ts";
import { poolThreadCpuMillis } from "./thread-priority.ts";

// argon2id at its cheapest so the suite stays fast; two tests below exercise the real defaults.
const CHEAP = { memoryCost: 1024, timeCost: 1 } as const;
/**
 * A hang guard for the tests that hash at Bun's defaults (64 MiB, t=2): ~0.2 s alone, but up to
 * 5 s under the whole parallel suite on a slow 2-core VM. They check behaviour, not speed
 * (bench/ measures that).
 */
const DEFAULT_COST_TIMEOUT = 30_000;

describe("hash / verify", () => {
  const hasher = createPasswordHasher(CHEAP);

  test("produces an argon2id PHC string with the configured parameters", async () => {
    const hash = await hasher.hash("correct horse");
    expect(hash.startsWith("$argon2id$")).toBe(true);
    expect(hash).toContain("$m=1024,t=1,");
  });

  test("the same password hashes differently each time (salted)", async () => {
    expect(await hasher.hash("pw")).not.toBe(await hasher.hash("pw"));
  });

  test("verify accepts the right password and rejects a wrong one", async () => {
    const hash = await hasher.hash("correct horse");
    expect(await hasher.verify("correct horse", hash)).toBe(true);
    expect(await hasher.verify("correct horsf", hash)).toBe(false);
    expect(await hasher.verify("", hash)).toBe(false);
  });

  test("passwords are compared as typed: no trimming or case folding", async () => {
    const hash = await hasher.hash("pw");
    expect(await hasher.verify(" pw", hash)).toBe(false);
    expect(await hasher.verify("pw ", hash)).toBe(false);
    expect(await hasher.verify("PW", hash)).toBe(false);
    expect(await hasher.verify(" pw", await hasher.hash(" pw"))).toBe(true);
  });

  test("a 128-char password round-trips and is not truncated", async () => {
    const long = `${"a".repeat(127)}b`;
    const hash = await hasher.hash(long);
    expect(await hasher.verify(long, hash)).toBe(true);
    // bcrypt would accept this, since it only sees the first 72 bytes.
    expect(await hasher.verify(`${"a".repeat(127)}c`, hash)).toBe(false);
  });

  test("a unicode password round-trips", async () => {
    const password = "pässwörd 🔐 密码 \u0000 tab\t";
    const hash = await hasher.hash(password);
    expect(await hasher.verify(password, hash)).toBe(true);
    expect(await hasher.verify("pässwörd 🔐 密码 ", hash)).toBe(false);
  });

  test.each([
    ["empty", ""],
    ["garbage", "not a hash"],
    ["bare prefix", "$argon2id$"],
    ["bad salt and hash", "$argon2id$v=19$m=1024,t=1,p=1$abc$def"],
    ["bcrypt-looking", "$2b$10$abc"],
  ])("a malformed hash (%s) yields false instead of throwing", async (_, hash) => {
    expect(await hasher.verify("pw", hash)).toBe(false);
  });

  test("a truncated real hash yields false", async () => {
    const hash = await hasher.hash("pw");
    expect(await hasher.verify("pw", hash.slice(0, -4))).toBe(false);
  });

  test(
    "works with Bun's defaults (64 MiB, t=2)",
    async () => {
      const hasher = createPasswordHasher();
      const hash = await hasher.hash("pw");
      expect(hash).toContain("$m=65536,t=2,");
      expect(await hasher.verify("pw", hash)).toBe(true);
    },
    DEFAULT_COST_TIMEOUT,
  );

  test("an empty password cannot be hashed (Bun refuses) and frees its slot", async () => {
    const single = createPasswordHasher({ ...CHEAP, maxConcurrent: 1 });
    await expect(single.hash("")).rejects.toThrow();
    expect(await single.verify("pw", await single.hash("pw"))).toBe(true);
    expect(single.stats().inFlight).toBe(0);
  });

  test("invalid options are refused at creation", () => {
    expect(() => createPasswordHasher({ maxConcurrent: 0 })).toThrow(/maxConcurrent/);
    expect(() => createPasswordHasher({ maxConcurrent: 1.5 })).toThrow(/maxConcurrent/);
    expect(() => createPasswordHasher({ memoryCost: -1 })).toThrow(/memoryCost/);
    expect(() => createPasswordHasher({ timeCost: 0 })).toThrow(/timeCost/);
  });
});

describe("verifyAgainstDummy", () => {
  test("resolves false, whatever the password", async () => {
    const hasher = createPasswordHasher(CHEAP);
    expect(await hasher.verifyAgainstDummy("pw")).toBe(false);
    expect(await hasher.verifyAgainstDummy("")).toBe(false);
  });

  test("hashes the dummy once, lazily, with the same parameters, then verifies each time", async () => {
    const hashSpy = spyOn(Bun.password, "hash");
    const verifySpy = spyOn(Bun.password, "verify");
    try {
      const hasher = createPasswordHasher(CHEAP);
      expect(hashSpy).not.toHaveBeenCalled();
      await Promise.all([hasher.verifyAgainstDummy("a"), hasher.verifyAgainstDummy("b")]);
      await hasher.verifyAgainstDummy("c");
      expect(hashSpy).toHaveBeenCalledTimes(1);
      expect(hashSpy.mock.calls[0]?.[1]).toEqual({ algorithm: "argon2id", ...CHEAP });
      // A real argon2id verification ran each time, so the cost matches a wrong password.
      expect(verifySpy).toHaveBeenCalledTimes(3);
      const dummy = verifySpy.mock.calls[0]?.[1];
      expect(String(dummy)).toStartWith("$argon2id$v=19$m=1024,t=1,");
    } finally {
      hashSpy.mockRestore();
      verifySpy.mockRestore();
    }
  });
});

describe("concurrency bound", () => {
  test("8 parallel hashes with maxConcurrent 3: 2 hash at once, one slot stays free for logins", async () => {
    const hasher = createPasswordHasher({ ...CHEAP, maxConcurrent: 3 });
    const passwords = Array.from({ length: 8 }, (_, i) => `password-${i}`);
    const pending = passwords.map((pw) => hasher.hash(pw));
    expect(hasher.stats()).toMatchObject({ inFlight: 2, queued: 6, hash: { inFlight: 2 } });

    const hashes = await Promise.all(pending);
    expect(hasher.stats()).toMatchObject({ inFlight: 0, queued: 0, maxInFlightSeen: 2 });
    for (const [i, hash] of hashes.entries()) {
      expect(await hasher.verify(passwords[i] ?? "", hash)).toBe(true);
    }
  });

  test("verifications may use every slot, and share the bound", async () => {
    const hasher = createPasswordHasher({ ...CHEAP, maxConcurrent: 2 });
    const hash = await hasher.hash("pw");
    const pending = Array.from({ length: 6 }, () => hasher.verify("pw", hash));
    pending.push(hasher.verifyAgainstDummy("pw"), hasher.verify("pw", "garbage"));
    expect(hasher.stats()).toMatchObject({ queued: 6, verify: { inFlight: 2, queued: 6 } });
    expect(await Promise.all(pending)).toEqual([true, true, true, true, true, true, false, false]);
    expect(hasher.stats().maxInFlightSeen).toBe(2);
  });

  test("queued work runs in arrival order", async () => {
    const hasher = createPasswordHasher({ ...CHEAP, maxConcurrent: 1 });
    const finished: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, i) => hasher.hash(`pw-${i}`).then(() => finished.push(i))),
    );
    expect(finished).toEqual([0, 1, 2, 3, 4, 5]);
  });

  test("defaults to one slot per core, one of them kept for logins when there are several", async () => {
    const cores = Math.max(1, navigator.hardwareConcurrency || 1);
    const hashing = Math.max(1, cores - 1);
    const hasher = createPasswordHasher(CHEAP);
    const burst = Array.from({ length: hashing + 3 }, () => hasher.hash("x"));
    expect(hasher.stats()).toMatchObject({ inFlight: hashing, queued: 3 });
    await Promise.all(burst);
  });

  test("invalid budgets are refused at creation", () => {
    expect(() => createPasswordHasher({ maxConcurrent: 2, reservedForVerify: 2 })).toThrow(
      /reservedForVerify must be less than maxConcurrent/,
    );
    expect(() => createPasswordHasher({ reservedForVerify: -1 })).toThrow(/reservedForVerify/);
    expect(() => createPasswordHasher({ maxQueuedHashes: 1.5 })).toThrow(/maxQueuedHashes/);
    expect(() => createPasswordHasher({ maxQueuedVerifications: -1 })).toThrow(
      /maxQueuedVerifications/,
    );
  });
});

describe("hashing threads yield to the event loop", () => {
  test.if(process.platform === "linux")(
    "after a hash, Bun's pool threads run at a lower priority than the main thread",
    () => {
      // In a child process: the priority of Bun's shared pool threads is process-wide, and this
      // suite's other hashes must keep running at normal priority.
      const script = `
        const { createPasswordHasher } = await import(${JSON.stringify(join(import.meta.dir, "passwords.ts"))});
        const { poolThreadNiceValues } = await import(${JSON.stringify(join(import.meta.dir, "thread-priority.ts"))});
        const hasher = createPasswordHasher({ memoryCost: 1024, timeCost: 1, hashingNiceIncrement: 10 });
        await hasher.hash("warm-up"); // may start the pool; the next hash finds its threads
        await hasher.verify("pw", await hasher.hash("pw"));
        console.log(JSON.stringify({ main: (await import("node:os")).getPriority(process.pid), pool: poolThreadNiceValues() }));
      `;
      const child = Bun.spawnSync([process.execPath, "-e", script], { stderr: "pipe" });
      expect(child.stderr.toString()).toBe("");
      const { main, pool } = JSON.parse(child.stdout.toString()) as {
        main: number;
        pool: number[];
      };
      expect(pool.length).toBeGreaterThan(0);
      for (const nice of pool) expect(nice).toBeGreaterThanOrEqual(Math.min(19, main + 10));
    },
  );

  test("by default only a process confined to one CPU lowers them", () => {
    expect(defaultHashingNiceIncrement(1)).toBe(10);
    expect(defaultHashingNiceIncrement(2)).toBe(0);
    expect(defaultHashingNiceIncrement(64)).toBe(0);
  });

  test("an increment of 0 changes nothing, and hashing still works", async () => {
    const hasher = createPasswordHasher({ ...CHEAP, hashingNiceIncrement: 0 });
    expect(await hasher.verify("pw", await hasher.hash("pw"))).toBe(true);
  });

  test(
    "hashing shows as CPU time of the pool threads; a process without /proc entries reads 0",
    async () => {
      const before = poolThreadCpuMillis();
      // Bun's defaults (64 MiB, t=2): tens of milliseconds of CPU at least, on any machine.
      await createPasswordHasher().hash("pw");
      expect(poolThreadCpuMillis() - before).toBeGreaterThanOrEqual(10);
      expect(poolThreadCpuMillis(2 ** 22 + 1)).toBe(0);
    },
    DEFAULT_COST_TIMEOUT,
  );
});
