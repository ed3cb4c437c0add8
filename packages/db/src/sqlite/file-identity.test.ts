/**
 * A database file deleted or replaced under a running process: SQLite (in WAL mode) goes on
 * writing into the open file, which nobody will open again, so every write it acknowledged
 * would vanish at the next start. The repository compares the path's device and inode with the
 * file it opened and refuses writes while they differ.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { copyFileSync, renameSync, rmSync } from "node:fs";
import { DatabaseUnavailableError } from "../errors.ts";
import { openConnection, type SqliteConnection } from "./client.ts";
import { createRepository, type SqliteRepository } from "./repository.ts";
import { tempDir } from "./test-support.ts";

let tmp: ReturnType<typeof tempDir>;
let file: string;
let handle: SqliteConnection;
let repo: SqliteRepository;
const reopened: SqliteConnection[] = [];

beforeEach(() => {
  tmp = tempDir();
  file = tmp.path("app.db");
  handle = openConnection(file);
  repo = createRepository(handle);
});
afterEach(() => {
  handle.close();
  for (const other of reopened.splice(0)) other.close();
  tmp.remove();
});

/** What a restart would find: the file the path names now. */
function afterRestart() {
  const next = openConnection(file);
  reopened.push(next);
  return createRepository(next);
}

/** The error `run` rejects with; fails the test if it resolves. */
async function rejection(run: () => Promise<unknown>): Promise<DatabaseUnavailableError> {
  const outcome = await run().then(
    (value) => new Error(`expected a rejection, got ${JSON.stringify(value)}`),
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(DatabaseUnavailableError);
  return outcome as DatabaseUnavailableError;
}

const NOW = 1_700_000_000_000;

describe("the database file deleted under the connection", () => {
  test("rm app.db app.db-wal app.db-shm: every write is refused, none acknowledged; reads go on", async () => {
    const kept = await repo.insertUser({ email: "kept@x.io", passwordHash: "h" });
    await repo.insertRefreshToken({
      tokenHash: "t0",
      familyId: "f",
      userId: kept.id,
      expiresAt: NOW + 1000,
    });
    for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });

    const writes = [
      () => repo.insertUser({ email: "lost@x.io", passwordHash: "h" }),
      () => repo.insertItem(kept.id, "lost item"),
      () => repo.updateUserRole(kept.id, "admin"),
      () => repo.deleteUser(kept.id),
      () => repo.rotateRefreshToken("t0", "t1", NOW),
      () => repo.revokeUserRefreshTokens(kept.id, NOW),
    ];
    for (const write of writes) {
      const error = await rejection(write);
      expect(error.reason).toBe("file-missing");
      expect(error.message).toBe("Database file is missing");
      // It takes an operator, not a second: clients are not invited back at once.
      expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(10);
    }
    expect((await rejection(() => repo.checkWritable())).reason).toBe("file-missing");

    // Reads are served from the open file: what was acknowledged before the deletion.
    await expect(repo.ping()).resolves.toBeUndefined();
    expect(await repo.findUserByEmail("kept@x.io")).toEqual(kept);
    expect(await repo.findUserByEmail("lost@x.io")).toBeUndefined();
  });

  test("moved away and back (the same file): writes resume without a restart, and a restart keeps them", async () => {
    await repo.insertUser({ email: "before@x.io", passwordHash: "h" });
    renameSync(file, `${file}.away`);
    expect(
      (await rejection(() => repo.insertUser({ email: "away@x.io", passwordHash: "h" }))).reason,
    ).toBe("file-missing");
    renameSync(`${file}.away`, file);

    await expect(repo.checkWritable()).resolves.toBeUndefined();
    await repo.insertUser({ email: "after@x.io", passwordHash: "h" });
    handle.close();
    const { rows } = await afterRestart().listUsers({ limit: 10, offset: 0 });
    expect(rows.map((row) => row.email)).toEqual(["before@x.io", "after@x.io"]);
  });
});

describe("the database file replaced by another", () => {
  test('a copy put in its place: "file-replaced" until a restart, which opens the copy', async () => {
    await repo.insertUser({ email: "in-copy@x.io", passwordHash: "h" });
    handle.sqlite.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    copyFileSync(file, `${file}.copy`);
    await repo.insertUser({ email: "only-in-old@x.io", passwordHash: "h" });
    // As a restore does: the copy in place of the file, and no journal of the old one left over.
    renameSync(`${file}.copy`, file);
    for (const suffix of ["-wal", "-shm"]) rmSync(file + suffix, { force: true });

    const refused = await rejection(() =>
      repo.insertUser({ email: "new@x.io", passwordHash: "h" }),
    );
    expect(refused.reason).toBe("file-replaced");
    expect(refused.message).toBe("Database file was replaced");
    expect((await rejection(() => repo.checkWritable())).reason).toBe("file-replaced");

    handle.close();
    const restarted = afterRestart();
    await expect(restarted.checkWritable()).resolves.toBeUndefined();
    await restarted.insertUser({ email: "new@x.io", passwordHash: "h" });
    const { rows } = await restarted.listUsers({ limit: 10, offset: 0 });
    expect(rows.map((row) => row.email)).toEqual(["in-copy@x.io", "new@x.io"]);
  });
});

describe("checkWritable and the disk", () => {
  test('less free space than the floor is "full", although a rolled-back write still fits', async () => {
    const strict = createRepository(handle, { minFreeDiskBytes: Number.MAX_SAFE_INTEGER });
    expect((await rejection(() => strict.checkWritable())).reason).toBe("full");
    await expect(repo.checkWritable()).resolves.toBeUndefined();
  });

  test(":memory: has no file to lose: writes and the check go on", async () => {
    const memory = openConnection(":memory:");
    reopened.push(memory);
    const inMemory = createRepository(memory);
    await inMemory.insertUser({ email: "a@x.io", passwordHash: "h" });
    await expect(inMemory.checkWritable()).resolves.toBeUndefined();
    expect(memory.fileChanged()).toBeUndefined();
  });
});
