import { Database } from "bun:sqlite";
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { type DatabaseHandle, openDatabase } from "./client.ts";
import { DatabaseUnavailableError } from "./errors.ts";
import { createReadBatcher } from "./read-batch.ts";
import { createRepository, type Repository } from "./repository.ts";
import { tempDir } from "./test-support.ts";

let tmp: ReturnType<typeof tempDir>;
let handle: DatabaseHandle;
let repo: Repository;

beforeEach(() => {
  tmp = tempDir();
  handle = openDatabase(tmp.path("app.db"));
  repo = createRepository(handle);
});
afterEach(() => {
  handle.close();
  tmp.remove();
});

describe("user lookups asked for in one turn", () => {
  test("share one read transaction, and each gets its own row", async () => {
    const users = [];
    for (let i = 0; i < 20; i++) {
      users.push(await repo.insertUser({ email: `u${i}@x.io`, passwordHash: `h${i}` }));
    }
    const before = repo.readBatchStats();
    const found = await Promise.all([
      ...users.map((u) => repo.findUserById(u.id)),
      repo.findUserById(999),
    ]);
    expect(found).toEqual([...users, undefined]);
    expect(repo.readBatchStats()).toEqual({
      batches: before.batches + 1,
      batchedReads: before.batchedReads + 21,
    });
    expect(handle.sqlite.inTransaction).toBe(false);
  });

  test("one lookup alone is read as before, without a transaction of its own", async () => {
    const ann = await repo.insertUser({ email: "ann@x.io", passwordHash: "h" });
    const before = repo.readBatchStats();
    expect(await repo.findUserById(ann.id)).toEqual(ann);
    expect(repo.readBatchStats()).toEqual(before);
  });

  test("a user deleted earlier in the same turn is not found: reads happen at the end of the turn", async () => {
    const ann = await repo.insertUser({ email: "ann@x.io", passwordHash: "h" });
    const bob = await repo.insertUser({ email: "bob@x.io", passwordHash: "h" });
    const lookups = [repo.findUserById(ann.id), repo.findUserById(bob.id)];
    // Another connection (another API process) deletes Ann before the turn ends.
    const other = new Database(tmp.path("app.db"));
    other.exec(`DELETE FROM users WHERE id = ${ann.id}`);
    other.close();
    expect(await Promise.all(lookups)).toEqual([undefined, bob]);
  });

  test("a closed database fails every lookup of the batch as DatabaseUnavailableError", async () => {
    handle.close();
    const outcomes = await Promise.allSettled([repo.findUserById(1), repo.findUserById(2)]);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe("rejected");
      const { reason } = outcome as PromiseRejectedResult;
      expect(reason).toBeInstanceOf(DatabaseUnavailableError);
      expect(reason.reason).toBe("closed");
    }
  });
});

describe("createReadBatcher", () => {
  test("a failing read makes the batch fall back to one read at a time: only that one fails", async () => {
    const batcher = createReadBatcher(handle.sqlite);
    const boom = new Error("not a database error");
    const outcomes = await Promise.allSettled([
      batcher.read(() => 1),
      batcher.read(() => {
        throw boom;
      }),
      batcher.read(() => 3),
    ]);
    expect(outcomes).toEqual([
      { status: "fulfilled", value: 1 },
      { status: "rejected", reason: boom },
      { status: "fulfilled", value: 3 },
    ]);
    expect(batcher.stats().batches).toBe(0);
    expect(handle.sqlite.inTransaction).toBe(false);
  });

  test("inside a transaction it did not open, reads run in it, one by one", async () => {
    const batcher = createReadBatcher(handle.sqlite);
    handle.sqlite.exec("BEGIN");
    try {
      const values = await Promise.all([batcher.read(() => "a"), batcher.read(() => "b")]);
      expect(values).toEqual(["a", "b"]);
      expect(handle.sqlite.inTransaction).toBe(true);
    } finally {
      handle.sqlite.exec("COMMIT");
    }
    expect(batcher.stats().batches).toBe(0);
  });

  test("reads wait for the end of the turn, so every read of the turn joins one batch", async () => {
    const batcher = createReadBatcher(handle.sqlite);
    const ran: number[] = [];
    const pending = [1, 2, 3].map((n) => batcher.read(() => ran.push(n)));
    await Promise.resolve();
    expect(ran).toEqual([]);
    await Promise.all(pending);
    expect(ran).toEqual([1, 2, 3]);
    expect(batcher.stats()).toEqual({ batches: 1, batchedReads: 3 });
  });
});
