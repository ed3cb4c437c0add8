import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { Repository, UserRow } from "../contract.ts";
import { createTestDatabase, type TestDatabase } from "../testing/index.ts";
import { requirePostgres } from "../testing/require-postgres.ts";
import { createUserBatcher } from "./user-batch.ts";

const row = (id: number): UserRow => ({
  id,
  email: `u${id}@x.io`,
  emailKey: `u${id}@x.io`,
  passwordHash: "h",
  role: "user",
  name: null,
  createdAt: 0,
});

/** A batcher over a table of users 1..3, recording the queries it makes. */
function fakeTable(fail?: Error) {
  const queries: (number | number[])[] = [];
  const lookUp = createUserBatcher(
    async (id) => {
      queries.push(id);
      if (fail) throw fail;
      return id <= 3 ? row(id) : undefined;
    },
    async (ids) => {
      queries.push(ids);
      if (fail) throw fail;
      return ids.filter((id) => id <= 3).map(row);
    },
  );
  return { lookUp, queries };
}

describe("createUserBatcher", () => {
  test("the lookups of one turn are one query; each caller gets a row of its own", async () => {
    const { lookUp, queries } = fakeTable();
    const [a, b, again, missing] = await Promise.all([lookUp(1), lookUp(2), lookUp(2), lookUp(9)]);
    expect(queries).toEqual([[1, 2, 9]]);
    expect([a, b, missing]).toEqual([row(1), row(2), undefined]);
    expect(again).toEqual(b);
    expect(again).not.toBe(b);
  });

  test("a lone lookup uses the single-row query; later turns query again", async () => {
    const { lookUp, queries } = fakeTable();
    expect(await lookUp(1)).toEqual(row(1));
    expect(await lookUp(1)).toEqual(row(1));
    expect(queries).toEqual([1, 1]);
  });

  test("a failed query fails every lookup of its batch with that error", async () => {
    const busy = new Error("busy");
    const { lookUp } = fakeTable(busy);
    const outcomes = await Promise.allSettled([lookUp(1), lookUp(2)]);
    expect(outcomes).toEqual([
      { status: "rejected", reason: busy },
      { status: "rejected", reason: busy },
    ]);
  });

  test("ids no row can have are answered without a query", async () => {
    const { lookUp, queries } = fakeTable();
    for (const id of [1.5, Number.NaN, 2 ** 31, -(2 ** 31) - 1]) {
      expect(await lookUp(id)).toBeUndefined();
    }
    expect(queries).toEqual([]);
  });
});

describe.skipIf(!(await requirePostgres()))("findUserById on PostgreSQL", () => {
  let testDb: TestDatabase;
  let repo: Repository;
  beforeEach(async () => {
    testDb = await createTestDatabase({ engine: "postgres" });
    repo = (await testDb.open()).repository;
  });
  afterEach(() => testDb.drop());

  test("concurrent lookups of present, missing, repeated and impossible ids", async () => {
    const ann = await repo.insertUser({ email: "ann@x.io", passwordHash: "h" });
    const bob = await repo.insertUser({ email: "bob@x.io", passwordHash: "h" });
    const ids = [ann.id, bob.id, 9999, ann.id, 2 ** 40, 0.5, -1];
    expect(await Promise.all(ids.map((id) => repo.findUserById(id)))).toEqual([
      ann,
      bob,
      undefined,
      ann,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
