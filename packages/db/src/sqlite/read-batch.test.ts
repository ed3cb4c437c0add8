import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { DatabaseUnavailableError } from "../errors.ts";
import { createReadBatcher } from "./read-batch.ts";
import { freshDatabase } from "./test-support.ts";

const db = freshDatabase();

describe("user lookups asked for in one turn", () => {
  test("share one read transaction, and each gets its own row", async () => {
    const users = [];
    for (let i = 0; i < 20; i++) {
      users.push(await db.repo.insertUser({ email: `u${i}@x.io`, passwordHash: `h${i}` }));
    }
    const before = db.repo.readBatchStats();
    const found = await Promise.all([
      ...users.map((u) => db.repo.findUserById(u.id)),
      db.repo.findUserById(999),
    ]);
    expect(found).toEqual([...users, undefined]);
    expect(db.repo.readBatchStats()).toEqual({
      batches: before.batches + 1,
      batchedReads: before.batchedReads + 21,
    });
    expect(db.handle.sqlite.inTransaction).toBe(false);
  });

  test("one lookup alone is read as before, without a transaction of its own", async () => {
    const ann = await db.repo.insertUser({ email: "ann@x.io", passwordHash: "h" });
    const before = db.repo.readBatchStats();
    expect(await db.repo.findUserById(ann.id)).toEqual(ann);
    expect(db.repo.readBatchStats()).toEqual(before);
  });

  test("a user deleted earlier in the same turn is not found: reads happen at the end of the turn", async () => {
    const ann = await db.repo.insertUser({ email: "ann@x.io", passwordHash: "h" });
    const bob = await db.repo.insertUser({ email: "bob@x.io", passwordHash: "h" });
    const lookups = [db.repo.findUserById(ann.id), db.repo.findUserById(bob.id)];
    // Another connection (another API process) deletes Ann before the turn ends.
    const other = new Database(db.tmp.path("app.db"));
    other.exec(`DELETE FROM users WHERE id = ${ann.id}`);
    other.close();
    expect(await Promise.all(lookups)).toEqual([undefined, bob]);
  });

  test("a closed database fails every lookup of the batch as DatabaseUnavailableError", async () => {
    db.handle.close();
    const outcomes = await Promise.allSettled([db.repo.findUserById(1), db.repo.findUserById(2)]);
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
    const batcher = createReadBatcher(db.handle.sqlite);
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
    expect(db.handle.sqlite.inTransaction).toBe(false);
  });

  test("inside a transaction it did not open, reads run in it, one by one", async () => {
    const batcher = createReadBatcher(db.handle.sqlite);
    db.handle.sqlite.exec("BEGIN");
    try {
      const values = await Promise.all([batcher.read(() => "a"), batcher.read(() => "b")]);
      expect(values).toEqual(["a", "b"]);
      expect(db.handle.sqlite.inTransaction).toBe(true);
    } finally {
      db.handle.sqlite.exec("COMMIT");
    }
    expect(batcher.stats().batches).toBe(0);
  });

  test("reads wait for the end of the turn, so every read of the turn joins one batch", async () => {
    const batcher = createReadBatcher(db.handle.sqlite);
    const ran: number[] = [];
    const pending = [1, 2, 3].map((n) => batcher.read(() => ran.push(n)));
    await Promise.resolve();
    expect(ran).toEqual([]);
    await Promise.all(pending);
    expect(ran).toEqual([1, 2, 3]);
    expect(batcher.stats()).toEqual({ batches: 1, batchedReads: 3 });
  });
});
