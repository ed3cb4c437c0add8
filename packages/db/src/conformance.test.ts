/**
 * The contract's behaviour, held against every engine this machine can run: SQLite always,
 * PostgreSQL when POSTGRES_TEST_URL answers (required under CI=true). Each test gets a new
 * database; a second `open()` of it stands for another API process.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { type Database, type Engine, emailKey, type Repository, type Role } from "./contract.ts";
import {
  ConstraintViolationError,
  DatabaseUnavailableError,
  ForeignKeyViolationError,
  UniqueViolationError,
} from "./errors.ts";
import { createTestDatabase, type TestDatabase } from "./testing/index.ts";
import { requirePostgres } from "./testing/require-postgres.ts";

const engines: Engine[] = ["sqlite"];
if (await requirePostgres()) engines.push("postgres");

const LOCK_TIMEOUT_MS = 500;
// What a call may take beyond its lock timeout before it counts as hanging; loose for slow CI.
const SLACK_MS = 1500;
const NOW = 1_700_000_000_000;
const DAY = 86_400_000;

/** The rejection of `promise` (which must reject), and how long it took. */
async function failure(run: () => Promise<unknown>) {
  const started = performance.now();
  const error = await run().then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (e: unknown) => e,
  );
  return { error, ms: performance.now() - started };
}

function expectBusy(error: unknown) {
  expect(error).toBeInstanceOf(DatabaseUnavailableError);
  expect((error as DatabaseUnavailableError).reason).toBe("busy");
}

for (const engine of engines) {
  describe(engine, () => {
    let testDb: TestDatabase;
    let db: Database;
    let repo: Repository;

    beforeEach(async () => {
      testDb = await createTestDatabase({ engine });
      db = await testDb.open({ lockTimeoutMs: LOCK_TIMEOUT_MS });
      repo = db.repository;
    });
    afterEach(() => testDb.drop());

    /** Another API process on the same database. */
    const another = async () => (await testDb.open({ lockTimeoutMs: LOCK_TIMEOUT_MS })).repository;
    const signUp = (email: string, extra: { name?: string; role?: Role } = {}) =>
      repo.insertUser({ email, passwordHash: "h", ...extra });

    describe("users", () => {
      test("insertUser returns the stored row with defaults, exactly the contract's fields", async () => {
        const before = Date.now();
        const user = await repo.insertUser({ email: "Ann@X.io", passwordHash: "hash" });
        expect(user).toEqual({
          id: expect.any(Number),
          email: "Ann@X.io",
          emailKey: "ann@x.io",
          passwordHash: "hash",
          role: "user",
          name: null,
          createdAt: expect.any(Number),
        });
        expect(user.id).toBeGreaterThan(0);
        expect(user.createdAt).toBeGreaterThanOrEqual(before - 1);
        expect(user.createdAt).toBeLessThanOrEqual(Date.now() + 1);
        expect(Object.getPrototypeOf(await repo.findUserById(user.id))).toBe(Object.prototype);
        await expect(repo.ping()).resolves.toBeUndefined();
      });

      test("an email taken in another letter case is refused by the unique index", async () => {
        await signUp("a@x.io");
        const { error } = await failure(() => signUp("A@X.IO"));
        expect(error).toBeInstanceOf(UniqueViolationError);
        expect((error as UniqueViolationError).constraint).toContain("email_key");
      });

      test("composed and decomposed accents are the same address", async () => {
        await signUp("j\u00e9@x.io");
        const { error } = await failure(() => signUp("J\u0065\u0301@x.io"));
        expect(error).toBeInstanceOf(UniqueViolationError);
        expect(emailKey("J\u0065\u0301@X.io")).toBe("j\u00e9@x.io");
      });

      test("20 concurrent sign-ups of one address from two processes: exactly one row", async () => {
        const other = await another();
        const outcomes = await Promise.allSettled(
          Array.from({ length: 20 }, (_, i) =>
            (i % 2 ? repo : other).insertUser({
              email: ["race@x.io", "RACE@x.io", "Race@X.IO"][i % 3] as string,
              passwordHash: `h${i}`,
            }),
          ),
        );
        const lost = outcomes.filter((o) => o.status === "rejected");
        expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
        for (const o of lost) expect(o.reason).toBeInstanceOf(UniqueViolationError);
        expect(lost).toHaveLength(19);
        expect(await testDb.rows("users")).toHaveLength(1);
      });

      test("lookups by id and by email (in any case) find the right rows", async () => {
        const ann = await signUp("ann@x.io", { name: "Ann" });
        const bob = await signUp("Bob@x.io", { role: "admin" });
        expect(await repo.findUserById(ann.id)).toEqual(ann);
        expect(await repo.findUserById(bob.id)).toEqual(bob);
        expect(await repo.findUserById(9999)).toBeUndefined();
        expect(await repo.findUserByEmail("BOB@X.IO")).toEqual(bob);
        expect(await repo.findUserByEmail("ann@x.io")).toEqual(ann);
        expect(await repo.findUserByEmail("nobody@x.io")).toBeUndefined();
      });

      test("a role change or a deletion by another process is seen by the next lookup", async () => {
        const other = await another();
        const user = await signUp("a@x.io");
        expect(await other.findUserById(user.id)).toEqual(user);

        await repo.updateUserRole(user.id, "admin");
        expect((await other.findUserById(user.id))?.role).toBe("admin");
        await other.updateUserRole(user.id, "user");
        expect((await repo.findUserById(user.id))?.role).toBe("user");

        expect(await repo.deleteUser(user.id)).toBe(true);
        expect(await other.findUserById(user.id)).toBeUndefined();
        expect(await other.findUserByEmail("a@x.io")).toBeUndefined();
      });

      test("listUsers pages in id order and counts all rows", async () => {
        for (let i = 0; i < 5; i++) await signUp(`u${i}@x.io`);
        const page = await repo.listUsers({ limit: 2, offset: 2 });
        expect(page.count).toBe(5);
        expect(page.rows.map((u) => u.email)).toEqual(["u2@x.io", "u3@x.io"]);
        expect(page.rows[0]).toEqual(await repo.findUserByEmail("u2@x.io"));
        expect(await repo.listUsers({ limit: 2, offset: 10 })).toEqual({ rows: [], count: 5 });
        expect(await repo.listUsers({ limit: 0, offset: 0 })).toEqual({ rows: [], count: 5 });
      });

      test("listUsers refuses a negative or fractional bound rather than returning everything", async () => {
        await expect(repo.listUsers({ limit: -1, offset: 0 })).rejects.toBeInstanceOf(RangeError);
        await expect(repo.listUsers({ limit: 10, offset: 1.5 })).rejects.toBeInstanceOf(RangeError);
      });

      test("updateUserRole returns the new row, or undefined for no such user", async () => {
        const user = await signUp("a@x.io");
        expect(await repo.updateUserRole(user.id, "admin")).toEqual({ ...user, role: "admin" });
        expect(await repo.updateUserRole(9999, "admin")).toBeUndefined();
      });

      test("the role CHECK constraint refuses an unknown role: a bug, so not one of ours", async () => {
        const user = await signUp("a@x.io");
        const { error } = await failure(() => repo.updateUserRole(user.id, "root" as Role));
        expect(error).not.toBeInstanceOf(DatabaseUnavailableError);
        expect(error).not.toBeInstanceOf(ConstraintViolationError);
        expect((await repo.findUserById(user.id))?.role).toBe("user");
      });

      test("text with U+0000 is refused on write (RangeError) and never found on read", async () => {
        const nul = "a\u0000b@x.io";
        await expect(signUp(nul)).rejects.toBeInstanceOf(RangeError);
        await expect(signUp("ok@x.io", { name: "A\u0000" })).rejects.toBeInstanceOf(RangeError);
        expect(await repo.findUserByEmail(nul)).toBeUndefined();
        const user = await signUp("ok@x.io");
        await expect(repo.insertItem(user.id, "t\u0000")).rejects.toBeInstanceOf(RangeError);
        expect(await repo.listItems(user.id)).toEqual([]);
      });

      test("ids are not reused after a delete", async () => {
        const first = await signUp("a@x.io");
        await repo.deleteUser(first.id);
        const second = await signUp("b@x.io");
        expect(second.id).toBeGreaterThan(first.id);
      });
    });

    describe("items", () => {
      test("insertItem and listItems return the owner's items in id order", async () => {
        const ann = await signUp("ann@x.io");
        const bob = await signUp("bob@x.io");
        const a1 = await repo.insertItem(ann.id, "first");
        await repo.insertItem(bob.id, "bob's");
        const a2 = await repo.insertItem(ann.id, "second");
        expect(a1).toEqual({
          id: expect.any(Number),
          ownerId: ann.id,
          title: "first",
          createdAt: expect.any(Number),
        });
        expect(await repo.listItems(ann.id)).toEqual([a1, a2]);
        expect(await repo.listItems(9999)).toEqual([]);
      });

      test("deleting a user deletes their items and refresh tokens, nobody else's", async () => {
        const ann = await signUp("ann@x.io");
        const bob = await signUp("bob@x.io");
        await repo.insertItem(ann.id, "one");
        await repo.insertItem(ann.id, "two");
        const bobs = await repo.insertItem(bob.id, "kept");
        const token = { familyId: "f", expiresAt: NOW + DAY };
        await repo.insertRefreshToken({ ...token, tokenHash: "a0", userId: ann.id });
        await repo.insertRefreshToken({ ...token, tokenHash: "b0", userId: bob.id });

        expect(await repo.deleteUser(ann.id)).toBe(true);
        expect(await repo.deleteUser(ann.id)).toBe(false);
        expect(await repo.listItems(ann.id)).toEqual([]);
        expect(await repo.listItems(bob.id)).toEqual([bobs]);
        expect((await testDb.rows("refresh_tokens")).map((row) => row.token_hash)).toEqual(["b0"]);
      });

      test("an item for a missing or just-deleted owner violates the foreign key", async () => {
        await expect(repo.insertItem(9999, "orphan")).rejects.toBeInstanceOf(
          ForeignKeyViolationError,
        );
        const gone = await signUp("gone@x.io");
        await (await another()).deleteUser(gone.id);
        await expect(repo.insertItem(gone.id, "orphan")).rejects.toBeInstanceOf(
          ForeignKeyViolationError,
        );
        await expect(
          repo.insertRefreshToken({
            tokenHash: "t",
            familyId: "f",
            userId: gone.id,
            expiresAt: NOW,
          }),
        ).rejects.toBeInstanceOf(ForeignKeyViolationError);
        expect(await testDb.rows("items")).toEqual([]);
      });
    });

    describe("refresh tokens", () => {
      let userId: number;
      beforeEach(async () => {
        userId = (await signUp("a@x.io")).id;
      });
      const family = (familyId = "fam-1", tokenHash = "h0", expiresAt = NOW + DAY) =>
        repo.insertRefreshToken({ tokenHash, familyId, userId, expiresAt });
      const rowsOf = async (familyId: string) =>
        (await testDb.rows("refresh_tokens")).filter((row) => row.family_id === familyId);

      test("rotation spends the token and stores its successor in the family, same absolute end", async () => {
        await family();
        expect(await repo.rotateRefreshToken("h0", "h1", NOW)).toEqual({
          outcome: "rotated",
          userId,
          expiresAt: NOW + DAY,
        });
        const [first, second] = await rowsOf("fam-1");
        expect(first).toMatchObject({ token_hash: "h0", spent_at: NOW, revoked_at: null });
        expect(second).toMatchObject({ token_hash: "h1", spent_at: null, expires_at: NOW + DAY });
        expect(await repo.rotateRefreshToken("h1", "h2", NOW + 1)).toMatchObject({
          outcome: "rotated",
        });
      });

      test("a spent token presented again revokes the whole family, the newest token included", async () => {
        await family();
        await repo.rotateRefreshToken("h0", "h1", NOW);
        expect(await repo.rotateRefreshToken("h0", "hX", NOW + 5)).toEqual({
          outcome: "reused",
          userId,
        });
        for (const row of await rowsOf("fam-1")) expect(row.revoked_at).toBe(NOW + 5);
        expect(await repo.rotateRefreshToken("h1", "h2", NOW + 6)).toEqual({ outcome: "revoked" });
      });

      test("other families of the same user survive a replay in one of them", async () => {
        await family("fam-1", "a0");
        await family("fam-2", "b0");
        await repo.rotateRefreshToken("a0", "a1", NOW);
        await repo.rotateRefreshToken("a0", "aX", NOW);
        expect(await repo.rotateRefreshToken("b0", "b1", NOW)).toMatchObject({
          outcome: "rotated",
        });
      });

      test("unknown and expired tokens are refused and change nothing", async () => {
        await family("fam-1", "h0", NOW);
        expect(await repo.rotateRefreshToken("nope", "h1", NOW)).toEqual({ outcome: "unknown" });
        expect(await repo.rotateRefreshToken("h0", "h1", NOW)).toEqual({ outcome: "expired" });
        expect(await rowsOf("fam-1")).toHaveLength(1);
      });

      test("10 concurrent presentations of one token from two processes: exactly one rotates", async () => {
        await family();
        const other = await another();
        const outcomes = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            (i % 2 ? repo : other).rotateRefreshToken("h0", `next-${i}`, NOW),
          ),
        );
        const rotated = outcomes.filter((o) => o.outcome === "rotated");
        const replays = outcomes.filter((o) => o.outcome === "reused");
        expect(rotated).toHaveLength(1);
        expect(replays.length).toBeGreaterThanOrEqual(1);
        // The first replay revokes the family; later ones find it revoked.
        for (const o of outcomes) expect(["rotated", "reused", "revoked"]).toContain(o.outcome);
        const rows = await rowsOf("fam-1");
        expect(rows).toHaveLength(2);
        for (const row of rows) expect(row.revoked_at).toBe(NOW);
        const successor = rows[1]?.token_hash as string;
        expect(await repo.rotateRefreshToken(successor, "late", NOW)).toEqual({
          outcome: "revoked",
        });
      });

      test("revokeRefreshFamily ends the family of any of its tokens; false for an unknown one", async () => {
        await family();
        await repo.rotateRefreshToken("h0", "h1", NOW);
        expect(await repo.revokeRefreshFamily("h0", NOW)).toBe(true);
        expect(await repo.rotateRefreshToken("h1", "h2", NOW)).toEqual({ outcome: "revoked" });
        expect(await repo.revokeRefreshFamily("unknown", NOW)).toBe(false);
      });

      test("revokeUserRefreshTokens ends every family of that user only", async () => {
        await family("fam-1", "a0");
        await family("fam-3", "c0");
        const other = (await signUp("b@x.io")).id;
        await repo.insertRefreshToken({
          tokenHash: "b0",
          familyId: "fam-2",
          userId: other,
          expiresAt: NOW + DAY,
        });
        await repo.revokeUserRefreshTokens(userId, NOW);
        expect(await repo.rotateRefreshToken("a0", "a1", NOW)).toEqual({ outcome: "revoked" });
        expect(await repo.rotateRefreshToken("c0", "c1", NOW)).toEqual({ outcome: "revoked" });
        expect(await repo.rotateRefreshToken("b0", "b1", NOW)).toMatchObject({
          outcome: "rotated",
        });
      });

      test("deleting the user deletes their refresh tokens", async () => {
        await family();
        await repo.deleteUser(userId);
        expect(await repo.rotateRefreshToken("h0", "h1", NOW)).toEqual({ outcome: "unknown" });
      });
    });

    describe("locks held by another session", () => {
      test('"writes": every write fails busy in bounded time, reads go on, nothing is lost', async () => {
        const kept = await signUp("kept@x.io");
        await repo.insertRefreshToken({
          tokenHash: "h0",
          familyId: "f",
          userId: kept.id,
          expiresAt: NOW + DAY,
        });
        const lock = await testDb.lock("writes");
        try {
          const writes = [
            () => signUp("new@x.io"),
            () => repo.insertItem(kept.id, "item"),
            () => repo.updateUserRole(kept.id, "admin"),
            () => repo.deleteUser(kept.id),
            () => repo.rotateRefreshToken("h0", "h1", NOW),
            () => repo.revokeUserRefreshTokens(kept.id, NOW),
          ];
          for (const { error, ms } of await Promise.all(writes.map(failure))) {
            expectBusy(error);
            expect(ms).toBeLessThan(LOCK_TIMEOUT_MS + SLACK_MS);
          }
          expect(await repo.findUserById(kept.id)).toEqual(kept);
          expect(await repo.findUserByEmail("KEPT@x.io")).toEqual(kept);
          expect(await repo.listUsers({ limit: 10, offset: 0 })).toEqual({
            rows: [kept],
            count: 1,
          });
          expect(await repo.listItems(kept.id)).toEqual([]);
          await expect(repo.ping()).resolves.toBeUndefined();
        } finally {
          await lock.release();
        }
        const added = await signUp("new@x.io");
        expect(await repo.listUsers({ limit: 10, offset: 0 })).toEqual({
          rows: [kept, added],
          count: 2,
        });
        expect(await repo.rotateRefreshToken("h0", "h1", NOW)).toMatchObject({
          outcome: "rotated",
        });
        expect(await testDb.rows("items")).toEqual([]);
      });

      test('"everything": reads fail busy too, in bounded time, and work once it is released', async () => {
        const kept = await signUp("kept@x.io");
        const lock = await testDb.lock("everything");
        try {
          const calls = [
            () => repo.findUserById(kept.id),
            () => repo.findUserByEmail("kept@x.io"),
            () => repo.listUsers({ limit: 10, offset: 0 }),
            () => repo.listItems(kept.id),
            () => repo.ping(),
            () => signUp("new@x.io"),
          ];
          for (const { error, ms } of await Promise.all(calls.map(failure))) {
            expectBusy(error);
            expect(ms).toBeLessThan(LOCK_TIMEOUT_MS + SLACK_MS);
          }
        } finally {
          await lock.release();
        }
        await expect(repo.ping()).resolves.toBeUndefined();
        expect(await repo.findUserById(kept.id)).toEqual(kept);
        const added = await signUp("new@x.io");
        expect((await testDb.rows("users")).map((row) => row.id)).toEqual([kept.id, added.id]);
      });
    });

    describe("checkWritable", () => {
      test("resolves on a healthy database and writes nothing: no row, no id used up", async () => {
        const first = await signUp("first@x.io");
        for (let i = 0; i < 3; i++) await expect(repo.checkWritable()).resolves.toBeUndefined();
        await expect((await another()).checkWritable()).resolves.toBeUndefined();
        const second = await signUp("second@x.io");
        expect(second.id).toBe(first.id + 1);
        expect((await testDb.rows("users")).map((row) => row.email)).toEqual([
          "first@x.io",
          "second@x.io",
        ]);
      });

      test('another session holding the write lock: "busy" within the lock timeout while ping resolves; fine once released', async () => {
        const lock = await testDb.lock("writes");
        try {
          const { error, ms } = await failure(() => repo.checkWritable());
          expectBusy(error);
          expect(ms).toBeLessThan(LOCK_TIMEOUT_MS + SLACK_MS);
          await expect(repo.ping()).resolves.toBeUndefined();
        } finally {
          await lock.release();
        }
        await expect(repo.checkWritable()).resolves.toBeUndefined();
      });

      test('locked for everything: "busy" within the lock timeout', async () => {
        const lock = await testDb.lock("everything");
        try {
          const { error, ms } = await failure(() => repo.checkWritable());
          expectBusy(error);
          expect(ms).toBeLessThan(LOCK_TIMEOUT_MS + SLACK_MS);
        } finally {
          await lock.release();
        }
        await expect(repo.checkWritable()).resolves.toBeUndefined();
      });

      test('a closed database is "closed"', async () => {
        await db.close();
        const { error } = await failure(() => repo.checkWritable());
        expect((error as DatabaseUnavailableError).reason).toBe("closed");
      });

      if (engine === "sqlite") {
        test('a full disk is "full" while reads go on; fine with room again', async () => {
          const full = await testDb.fill?.();
          if (!full) throw new Error("a SQLite test database can fill up");
          const { error } = await failure(() => repo.checkWritable());
          expect(error).toBeInstanceOf(DatabaseUnavailableError);
          expect((error as DatabaseUnavailableError).reason).toBe("full");
          await expect(repo.ping()).resolves.toBeUndefined();
          await full.release();
          await expect(repo.checkWritable()).resolves.toBeUndefined();
        });
      }

      if (engine === "postgres") {
        test('a server turned read-only (a replica after failover) is "readonly" while reads go on', async () => {
          const kept = await signUp("kept@x.io");
          const readOnly = await testDb.readOnly?.();
          if (!readOnly) throw new Error("a PostgreSQL test database can turn read-only");
          // The pool notices that the server ended its connections on the next calls, which
          // fail as "unreachable", and replaces them.
          const onceReconnected = async () => {
            for (let attempt = 1; ; attempt++) {
              const outcome = await repo.checkWritable().then(
                () => undefined,
                (e: unknown) => e,
              );
              const lost = (outcome as DatabaseUnavailableError)?.reason === "unreachable";
              if (!lost || attempt === 20) return outcome;
            }
          };
          try {
            const error = await onceReconnected();
            expect(error).toBeInstanceOf(DatabaseUnavailableError);
            expect((error as DatabaseUnavailableError).reason).toBe("readonly");
            await expect(repo.ping()).resolves.toBeUndefined();
            expect(await repo.findUserById(kept.id)).toEqual(kept);
          } finally {
            await readOnly.release();
          }
          expect(await onceReconnected()).toBeUndefined();
        });
      }
    });

    describe("errors", () => {
      test("carry fixed messages: no SQL, table, value or driver text", async () => {
        const user = await signUp("secret-address@x.io");
        const errors = [
          (await failure(() => signUp("SECRET-address@x.io"))).error,
          (await failure(() => repo.insertItem(9999, "secret-title"))).error,
        ];
        const lock = await testDb.lock("everything");
        try {
          errors.push((await failure(() => repo.findUserById(user.id))).error);
        } finally {
          await lock.release();
        }
        await db.close();
        errors.push((await failure(() => repo.findUserById(user.id))).error);

        expect(errors.map((e) => (e as Error).message)).toEqual([
          "Unique constraint violated",
          "Foreign key constraint violated",
          "Database is busy",
          "Database is closed",
        ]);
        expect((errors[3] as DatabaseUnavailableError).reason).toBe("closed");
        for (const error of errors) {
          expect(String(error)).not.toMatch(/secret|users|select|insert|sqlite|postgres/i);
        }
        // The driver's error stays reachable for logs, never in the message.
        for (const error of errors.slice(0, 3)) expect((error as Error).cause).toBeDefined();
      });

      test("a table dropped under its feet is a bug: its error is not one of ours", async () => {
        const user = await signUp("a@x.io");
        await testDb.dropTable("items");
        const { error } = await failure(() => repo.listItems(user.id));
        expect(error).not.toBeInstanceOf(DatabaseUnavailableError);
        expect(error).not.toBeInstanceOf(ConstraintViolationError);
        expect(await repo.findUserById(user.id)).toEqual(user);
        // It reaches the log as the engine's own words, never the query with its parameters
        // (drizzle's wrapper message has both: a title here, a password hash elsewhere).
        const written = await failure(() => repo.insertItem(user.id, "secret title"));
        const logged = `${(written.error as Error).message}\n${(written.error as Error).stack}`;
        expect(logged).toMatch(/no such table: items|relation "items" does not exist/);
        expect(logged).not.toMatch(/secret title|insert into|params:/i);
      });

      test("close() is idempotent and waits for calls in flight", async () => {
        await signUp("a@x.io");
        const inFlight = Array.from({ length: 5 }, () => repo.findUserByEmail("a@x.io"));
        await Promise.all([db.close(), db.close()]);
        for (const found of await Promise.all(inFlight)) expect(found?.email).toBe("a@x.io");
        await expect(repo.ping()).rejects.toBeInstanceOf(DatabaseUnavailableError);
      });
    });
  });
}
