import { describe, expect, test } from "bun:test";
import { eq, getTableColumns } from "drizzle-orm";
import { ForeignKeyViolationError, UniqueViolationError } from "./errors.ts";
import { emailKey } from "./repository.ts";
import { refreshTokens, type UserRow, users } from "./schema.ts";
import { freshDatabase } from "./test-support.ts";

const db = freshDatabase();

describe("users", () => {
  test("insertUser returns the stored row with defaults", async () => {
    const before = Date.now();
    const user = await db.repo.insertUser({ email: "Ann@X.io", passwordHash: "hash" });
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
    await db.repo.insertUser({ email: "a@x.io", passwordHash: "h" });
    const error = await db.repo.insertUser({ email: "A@X.IO", passwordHash: "h" }).catch((e) => e);
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect(error.constraint).toBe("users.email_key");
  });

  test("composed and decomposed accents are the same address", async () => {
    await db.repo.insertUser({ email: "j\u00e9@x.io", passwordHash: "h" });
    const error = await db.repo
      .insertUser({ email: "J\u0065\u0301@x.io", passwordHash: "h" })
      .catch((e) => e);
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect(emailKey("J\u0065\u0301@X.io")).toBe("j\u00e9@x.io");
  });

  test("20 concurrent sign-ups with one email: exactly one wins", async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        db.repo.insertUser({ email: i % 2 ? "race@x.io" : "RACE@x.io", passwordHash: `h${i}` }),
      ),
    );
    const won = outcomes.filter((o) => o.status === "fulfilled");
    const lost = outcomes.filter((o) => o.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(19);
    for (const o of lost) expect(o.reason).toBeInstanceOf(UniqueViolationError);
    expect((await db.repo.listUsers({ limit: 100, offset: 0 })).count).toBe(1);
  });

  test("prepared lookups find the right rows", async () => {
    const ann = await db.repo.insertUser({ email: "ann@x.io", passwordHash: "h1", name: "Ann" });
    const bob = await db.repo.insertUser({ email: "Bob@x.io", passwordHash: "h2", role: "admin" });
    expect(await db.repo.findUserById(ann.id)).toEqual(ann);
    expect(await db.repo.findUserById(bob.id)).toEqual(bob);
    expect(await db.repo.findUserById(9999)).toBeUndefined();
    expect(await db.repo.findUserByEmail("BOB@X.IO")).toEqual(bob);
    expect(await db.repo.findUserByEmail("ann@x.io")).toEqual(ann);
    expect(await db.repo.findUserByEmail("nobody@x.io")).toBeUndefined();
  });

  test("findUserById (raw bun:sqlite) gives the row drizzle gives, field for field", async () => {
    const ann = await db.repo.insertUser({ email: "ann@x.io", passwordHash: "h1", name: "Ann" });
    const viaDrizzle = db.handle.db.select().from(users).where(eq(users.id, ann.id)).get();
    const raw = await db.repo.findUserById(ann.id);
    expect(raw).toEqual(viaDrizzle as UserRow);
    expect(Object.keys(raw ?? {})).toEqual(Object.keys(getTableColumns(users)));
    expect(Object.getPrototypeOf(raw)).toBe(Object.prototype);
  });

  test("listUsers pages in id order and counts all rows", async () => {
    for (let i = 0; i < 5; i++)
      await db.repo.insertUser({ email: `u${i}@x.io`, passwordHash: "h" });
    const page = await db.repo.listUsers({ limit: 2, offset: 2 });
    expect(page.count).toBe(5);
    expect(page.rows.map((u) => u.email)).toEqual(["u2@x.io", "u3@x.io"]);
    const past = await db.repo.listUsers({ limit: 2, offset: 10 });
    expect(past).toEqual({ rows: [], count: 5 });
  });

  test("listUsers refuses a negative limit rather than returning everything", async () => {
    await expect(db.repo.listUsers({ limit: -1, offset: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(db.repo.listUsers({ limit: 10, offset: 1.5 })).rejects.toBeInstanceOf(RangeError);
  });

  test("updateUserRole and updateUserPassword", async () => {
    const user = await db.repo.insertUser({ email: "a@x.io", passwordHash: "old" });
    expect((await db.repo.updateUserRole(user.id, "admin"))?.role).toBe("admin");
    expect(await db.repo.updateUserRole(9999, "admin")).toBeUndefined();
    await db.repo.updateUserPassword(user.id, "new");
    expect((await db.repo.findUserById(user.id))?.passwordHash).toBe("new");
  });

  test("the role CHECK constraint refuses unknown roles (a bug, so rethrown as is)", async () => {
    const user = await db.repo.insertUser({ email: "a@x.io", passwordHash: "h" });
    expect(() =>
      db.handle.sqlite.query("UPDATE users SET role = 'root' WHERE id = ?").run(user.id),
    ).toThrow("CHECK constraint failed");
  });

  test("ids are not reused after a delete", async () => {
    const first = await db.repo.insertUser({ email: "a@x.io", passwordHash: "h" });
    await db.repo.deleteUser(first.id);
    const second = await db.repo.insertUser({ email: "b@x.io", passwordHash: "h" });
    expect(second.id).toBeGreaterThan(first.id);
  });
});

describe("items", () => {
  test("insertItem and listItems return the owner's items in id order", async () => {
    const ann = await db.repo.insertUser({ email: "ann@x.io", passwordHash: "h" });
    const bob = await db.repo.insertUser({ email: "bob@x.io", passwordHash: "h" });
    const a1 = await db.repo.insertItem(ann.id, "first");
    await db.repo.insertItem(bob.id, "bob's");
    const a2 = await db.repo.insertItem(ann.id, "second");
    expect(a1).toMatchObject({ ownerId: ann.id, title: "first" });
    expect(await db.repo.listItems(ann.id)).toEqual([a1, a2]);
    expect(await db.repo.listItems(9999)).toEqual([]);
  });

  test("deleting a user cascades to items and refresh tokens", async () => {
    const ann = await db.repo.insertUser({ email: "ann@x.io", passwordHash: "h" });
    const bob = await db.repo.insertUser({ email: "bob@x.io", passwordHash: "h" });
    await db.repo.insertItem(ann.id, "one");
    await db.repo.insertItem(ann.id, "two");
    const bobs = await db.repo.insertItem(bob.id, "kept");
    db.handle.db
      .insert(refreshTokens)
      .values({ tokenHash: "t1", familyId: "f1", userId: ann.id, expiresAt: Date.now() + 1000 })
      .run();

    expect(await db.repo.deleteUser(ann.id)).toBe(true);
    expect(await db.repo.deleteUser(ann.id)).toBe(false);
    expect(await db.repo.listItems(ann.id)).toEqual([]);
    expect(await db.repo.listItems(bob.id)).toEqual([bobs]);
    expect(db.handle.db.select().from(refreshTokens).all()).toEqual([]);
  });

  test("an item for a missing owner violates the foreign key", async () => {
    await expect(db.repo.insertItem(9999, "orphan")).rejects.toBeInstanceOf(
      ForeignKeyViolationError,
    );
  });
});

test("ping succeeds on a healthy database", async () => {
  await expect(db.repo.ping()).resolves.toBeUndefined();
});
