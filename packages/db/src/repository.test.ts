import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { eq, getTableColumns } from "drizzle-orm";
import { type DatabaseHandle, openDatabase } from "./client.ts";
import { ForeignKeyViolationError, UniqueViolationError } from "./errors.ts";
import { createRepository, emailKey, type Repository } from "./repository.ts";
import { refreshTokens, type UserRow, users } from "./schema.ts";
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

describe("users", () => {
  test("insertUser returns the stored row with defaults", async () => {
    const before = Date.now();
    const user = await repo.insertUser({ email: "Ann@X.io", passwordHash: "hash" });
    expect(user).toMatchObject({
      email: "Ann@X.io",
      emailKey: "ann@x.io",
      passwordHash: "hash",
      role: "user",
      name: null,
    });
    expect(user.id).toBeGreaterThan(0);
    expect(user.createdAt).toBeGreaterThanOrEqual(before - 1);
    expect(user.createdAt).toBeLessThanOrEqual(Date.now() + 1);
  });

  test("an email taken in another letter case is refused by the unique index", async () => {
    await repo.insertUser({ email: "a@x.io", passwordHash: "h" });
    const error = await repo.insertUser({ email: "A@X.IO", passwordHash: "h" }).catch((e) => e);
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect(error.constraint).toBe("users.email_key");
  });

  test("composed and decomposed accents are the same address", async () => {
    await repo.insertUser({ email: "j\u00e9@x.io", passwordHash: "h" });
    const error = await repo
      .insertUser({ email: "J\u0065\u0301@x.io", passwordHash: "h" })
      .catch((e) => e);
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect(emailKey("J\u0065\u0301@X.io")).toBe("j\u00e9@x.io");
  });

  test("20 concurrent sign-ups with one email: exactly one wins", async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        repo.insertUser({ email: i % 2 ? "race@x.io" : "RACE@x.io", passwordHash: `h${i}` }),
      ),
    );
    const won = outcomes.filter((o) => o.status === "fulfilled");
    const lost = outcomes.filter((o) => o.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(19);
    for (const o of lost) expect(o.reason).toBeInstanceOf(UniqueViolationError);
    expect((await repo.listUsers({ limit: 100, offset: 0 })).count).toBe(1);
  });

  test("prepared lookups find the right rows", async () => {
    const ann = await repo.insertUser({ email: "ann@x.io", passwordHash: "h1", name: "Ann" });
    const bob = await repo.insertUser({ email: "Bob@x.io", passwordHash: "h2", role: "admin" });
    expect(await repo.findUserById(ann.id)).toEqual(ann);
    expect(await repo.findUserById(bob.id)).toEqual(bob);
    expect(await repo.findUserById(9999)).toBeUndefined();
    expect(await repo.findUserByEmail("BOB@X.IO")).toEqual(bob);
    expect(await repo.findUserByEmail("ann@x.io")).toEqual(ann);
    expect(await repo.findUserByEmail("nobody@x.io")).toBeUndefined();
  });

  test("findUserById (raw bun:sqlite) gives the row drizzle gives, field for field", async () => {
    const ann = await repo.insertUser({ email: "ann@x.io", passwordHash: "h1", name: "Ann" });
    const viaDrizzle = handle.db.select().from(users).where(eq(users.id, ann.id)).get();
    const raw = await repo.findUserById(ann.id);
    expect(raw).toEqual(viaDrizzle as UserRow);
    expect(Object.keys(raw ?? {})).toEqual(Object.keys(getTableColumns(users)));
    expect(Object.getPrototypeOf(raw)).toBe(Object.prototype);
  });

  test("listUsers pages in id order and counts all rows", async () => {
    for (let i = 0; i < 5; i++) await repo.insertUser({ email: `u${i}@x.io`, passwordHash: "h" });
    const page = await repo.listUsers({ limit: 2, offset: 2 });
    expect(page.count).toBe(5);
    expect(page.rows.map((u) => u.email)).toEqual(["u2@x.io", "u3@x.io"]);
    const past = await repo.listUsers({ limit: 2, offset: 10 });
    expect(past).toEqual({ rows: [], count: 5 });
  });

  test("listUsers refuses a negative limit rather than returning everything", async () => {
    await expect(repo.listUsers({ limit: -1, offset: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(repo.listUsers({ limit: 10, offset: 1.5 })).rejects.toBeInstanceOf(RangeError);
  });

  test("updateUserRole and updateUserPassword", async () => {
    const user = await repo.insertUser({ email: "a@x.io", passwordHash: "old" });
    expect((await repo.updateUserRole(user.id, "admin"))?.role).toBe("admin");
    expect(await repo.updateUserRole(9999, "admin")).toBeUndefined();
    await repo.updateUserPassword(user.id, "new");
    expect((await repo.findUserById(user.id))?.passwordHash).toBe("new");
  });

  test("the role CHECK constraint refuses unknown roles (a bug, so rethrown as is)", async () => {
    const user = await repo.insertUser({ email: "a@x.io", passwordHash: "h" });
    expect(() =>
      handle.sqlite.query("UPDATE users SET role = 'root' WHERE id = ?").run(user.id),
    ).toThrow("CHECK constraint failed");
  });

  test("ids are not reused after a delete", async () => {
    const first = await repo.insertUser({ email: "a@x.io", passwordHash: "h" });
    await repo.deleteUser(first.id);
    const second = await repo.insertUser({ email: "b@x.io", passwordHash: "h" });
    expect(second.id).toBeGreaterThan(first.id);
  });
});

describe("items", () => {
  test("insertItem and listItems return the owner's items in id order", async () => {
    const ann = await repo.insertUser({ email: "ann@x.io", passwordHash: "h" });
    const bob = await repo.insertUser({ email: "bob@x.io", passwordHash: "h" });
    const a1 = await repo.insertItem(ann.id, "first");
    await repo.insertItem(bob.id, "bob's");
    const a2 = await repo.insertItem(ann.id, "second");
    expect(a1).toMatchObject({ ownerId: ann.id, title: "first" });
    expect(await repo.listItems(ann.id)).toEqual([a1, a2]);
    expect(await repo.listItems(9999)).toEqual([]);
  });

  test("deleting a user cascades to items and refresh tokens", async () => {
    const ann = await repo.insertUser({ email: "ann@x.io", passwordHash: "h" });
    const bob = await repo.insertUser({ email: "bob@x.io", passwordHash: "h" });
    await repo.insertItem(ann.id, "one");
    await repo.insertItem(ann.id, "two");
    const bobs = await repo.insertItem(bob.id, "kept");
    handle.db
      .insert(refreshTokens)
      .values({ tokenHash: "t1", familyId: "f1", userId: ann.id, expiresAt: Date.now() + 1000 })
      .run();

    expect(await repo.deleteUser(ann.id)).toBe(true);
    expect(await repo.deleteUser(ann.id)).toBe(false);
    expect(await repo.listItems(ann.id)).toEqual([]);
    expect(await repo.listItems(bob.id)).toEqual([bobs]);
    expect(handle.db.select().from(refreshTokens).all()).toEqual([]);
  });

  test("an item for a missing owner violates the foreign key", async () => {
    await expect(repo.insertItem(9999, "orphan")).rejects.toBeInstanceOf(ForeignKeyViolationError);
  });
});

test("ping succeeds on a healthy database", async () => {
  await expect(repo.ping()).resolves.toBeUndefined();
});
