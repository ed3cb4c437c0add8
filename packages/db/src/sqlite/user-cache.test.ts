import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import type { UserRow } from "../contract.ts";
import { DatabaseUnavailableError } from "../errors.ts";
import { createRepository } from "./repository.ts";
import { freshDatabase } from "./test-support.ts";
import { createUserCache } from "./user-cache.ts";

const db = freshDatabase();
/** Lets the event loop turn, so the cache must check freshness again. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Users inserted, then read once, so that this process holds them from the next turn on. */
async function readOnce<Name extends string>(emails: Record<Name, string>) {
  const users = {} as Record<Name, UserRow>;
  for (const [name, email] of Object.entries(emails) as [Name, string][]) {
    users[name] = await db.repo.insertUser({ email, passwordHash: "h" });
  }
  for (const user of Object.values<UserRow>(users)) {
    expect(db.repo.freshUserById(user.id)).toBeUndefined();
    expect(await db.repo.findUserById(user.id)).toEqual(user);
  }
  await nextTurn();
  for (const user of Object.values<UserRow>(users)) {
    expect(db.repo.freshUserById(user.id)).toEqual(user);
  }
  await nextTurn();
  return users;
}

function otherConnection(sql: string) {
  const other = new Database(db.tmp.path("app.db"));
  other.exec(sql);
  other.close();
}

describe("users this process has read", () => {
  test("are known again, turn after turn, while nothing has changed", async () => {
    const { ann, bob } = await readOnce({ ann: "ann@x.io", bob: "bob@x.io" });
    expect(db.repo.freshUserById(ann.id)).toEqual(ann);
    await nextTurn();
    expect(await db.repo.findUserById(bob.id)).toEqual(bob);
    expect(db.repo.cachedUserCount()).toBe(2);
  });

  test("are forgotten as soon as another connection (another process) commits", async () => {
    const { ann, bob } = await readOnce({ ann: "ann@x.io", bob: "bob@x.io" });
    otherConnection(`UPDATE users SET role = 'admin' WHERE id = ${ann.id}`);
    otherConnection(`DELETE FROM users WHERE id = ${bob.id}`);
    expect(db.repo.freshUserById(ann.id)).toBeUndefined();
    expect(db.repo.freshUserById(bob.id)).toBeUndefined();
    expect(await db.repo.findUserById(ann.id)).toEqual({ ...ann, role: "admin" });
    expect(await db.repo.findUserById(bob.id)).toBeUndefined();
  });

  test("are forgotten within the same turn when this repository writes", async () => {
    const { ann } = await readOnce({ ann: "ann@x.io" });
    expect(db.repo.freshUserById(ann.id)).toEqual(ann);
    const deleted = db.repo.deleteUser(ann.id);
    expect(db.repo.freshUserById(ann.id)).toBeUndefined();
    expect(await deleted).toBe(true);
    expect(await db.repo.findUserById(ann.id)).toBeUndefined();
  });

  test("are shared by every repository on the connection: a delete through one is seen by the other at once", async () => {
    const { ann } = await readOnce({ ann: "ann@x.io" });
    const other = createRepository(db.handle);
    expect(other.freshUserById(ann.id)).toEqual(ann);
    const deleted = other.deleteUser(ann.id);
    expect(db.repo.freshUserById(ann.id)).toBeUndefined();
    expect(await deleted).toBe(true);
    expect(await db.repo.findUserById(ann.id)).toBeUndefined();
  });

  test("are forgotten at the next turn after any write on this connection, even by hand", async () => {
    const { ann } = await readOnce({ ann: "ann@x.io" });
    db.handle.sqlite.exec(`UPDATE users SET name = 'Ann' WHERE id = ${ann.id}`);
    await nextTurn();
    expect(db.repo.freshUserById(ann.id)).toBeUndefined();
    expect(await db.repo.findUserById(ann.id)).toEqual({ ...ann, name: "Ann" });
  });

  test("are not served from memory when the database cannot vouch for them", async () => {
    const { ann } = await readOnce({ ann: "ann@x.io" });
    db.handle.close();
    expect(db.repo.freshUserById(ann.id)).toBeUndefined();
    await expect(db.repo.findUserById(ann.id)).rejects.toBeInstanceOf(DatabaseUnavailableError);
  });

  test("an unknown id is never remembered", async () => {
    expect(await db.repo.findUserById(999)).toBeUndefined();
    expect(db.repo.cachedUserCount()).toBe(0);
  });
});

describe("createUserCache", () => {
  /** A stand-in for the database: a stamp the test moves, and a count of how often it was read. */
  function fakeDatabase() {
    const state = { version: 1, changes: 0, reads: 0 };
    const sqlite = {
      prepare: () => ({
        get: () => {
          state.reads++;
          return { version: state.version, changes: state.changes };
        },
      }),
    } as unknown as Database;
    return { state, sqlite };
  }
  const row = (id: number) => ({ id }) as UserRow;

  test("asks the database once per turn of the event loop, and again in the next", async () => {
    const { state, sqlite } = fakeDatabase();
    const cache = createUserCache(sqlite);
    cache.get(1);
    cache.remember(1, row(1));
    for (let i = 0; i < 100; i++) expect(cache.get(1)).toEqual(row(1));
    expect(state.reads).toBe(1);
    state.changes++;
    // The change is not looked for again within the turn that already checked...
    expect(cache.get(1)).toEqual(row(1));
    await nextTurn();
    // ...but the first lookup of the next turn sees it.
    expect(cache.get(1)).toBeUndefined();
    expect(state.reads).toBe(2);
  });

  test("holds at most maxEntries rows, dropping the oldest first", () => {
    const { sqlite } = fakeDatabase();
    const cache = createUserCache(sqlite, { maxEntries: 3 });
    cache.get(1);
    for (const id of [1, 2, 3, 4]) cache.remember(id, row(id));
    expect(cache.size).toBe(3);
    expect([1, 2, 3, 4].map((id) => cache.get(id)?.id)).toEqual([undefined, 2, 3, 4]);
    cache.remember(4, row(4));
    expect(cache.size).toBe(3);
  });
});
