// The contract's behaviour is in ../conformance.test.ts; here is what only this adapter does.
import { expect, test } from "bun:test";
import { eq, getTableColumns } from "drizzle-orm";
import type { UserRow } from "../contract.ts";
import { users } from "./schema.ts";
import { freshDatabase } from "./test-support.ts";

const db = freshDatabase();

test("findUserById (raw bun:sqlite) gives the row drizzle gives, field for field", async () => {
  const ann = await db.repo.insertUser({ email: "ann@x.io", passwordHash: "h1", name: "Ann" });
  const viaDrizzle = db.handle.db.select().from(users).where(eq(users.id, ann.id)).get();
  const raw = await db.repo.findUserById(ann.id);
  expect(raw).toEqual(viaDrizzle as UserRow);
  expect(Object.keys(raw ?? {})).toEqual(Object.keys(getTableColumns(users)));
  expect(Object.getPrototypeOf(raw)).toBe(Object.prototype);
});

test("the role CHECK constraint holds for writes that bypass the repository", async () => {
  const user = await db.repo.insertUser({ email: "a@x.io", passwordHash: "h" });
  expect(() =>
    db.handle.sqlite.query("UPDATE users SET role = 'root' WHERE id = ?").run(user.id),
  ).toThrow("CHECK constraint failed");
});
