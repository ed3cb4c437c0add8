import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { adminSession, settled, uniqueApplicationName, until } from "../postgres/test-support.ts";
import { createTestDatabase, dropSpareTestDatabases, type TestDatabaseOptions } from "./index.ts";
import { POSTGRES_TEST_URL, probePostgres } from "./postgres.ts";
import { postgresGate, requirePostgres } from "./require-postgres.ts";
import { closedPort } from "./tcp-proxy.ts";

test("postgresGate: run when reachable; when not, fail under CI and skip elsewhere", () => {
  expect(postgresGate(true, true)).toBe("run");
  expect(postgresGate(true, false)).toBe("run");
  expect(postgresGate(false, true)).toBe("fail");
  expect(postgresGate(false, false)).toBe("skip");
});

test("probePostgres says why a closed port is not a server, quickly", async () => {
  const { value, ms } = await settled(probePostgres(`postgres://x@127.0.0.1:${closedPort()}/x`));
  expect(value).toEqual(expect.any(String));
  expect(ms).toBeLessThan(2000);
});

describe.skipIf(!(await requirePostgres()))("createPostgresTestDatabase", () => {
  let admin: ReturnType<typeof adminSession>;
  beforeAll(() => {
    admin = adminSession();
  });
  afterAll(() => admin.close());
  // Dropped here rather than in the test, so that a test that times out leaves nothing behind.
  const created: { drop(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const testDb of created.splice(0)) await testDb.drop();
  });
  const create = async (options: TestDatabaseOptions = {}) => {
    const testDb = await createTestDatabase({ engine: "postgres", ...options });
    created.push(testDb);
    return testDb;
  };
  const exists = async (name: string) =>
    (await admin.sql`SELECT 1 FROM pg_database WHERE datname = ${name}`).length === 1;

  test("probePostgres finds the test server", async () => {
    expect(await probePostgres(POSTGRES_TEST_URL)).toBeUndefined();
  });

  test("a new migrated database each time; drop() closes what it opened and empties it for the next", async () => {
    const [a, b] = await Promise.all([create(), create()]);
    const name = new URL(a.url).pathname.slice(1);
    expect(name).toMatch(new RegExp(`^statuslab_test_${process.pid}_`));
    expect(b.url).not.toBe(a.url);
    expect(a.network).toBeUndefined();
    expect(await a.rows("users")).toEqual([]);

    const applicationName = uniqueApplicationName("drop");
    const repository = (await a.open({ applicationName })).repository;
    const first = await repository.insertUser({ email: "a@x.io", passwordHash: "h" });
    await repository.insertItem(first.id, "t");
    await a.lock("writes");
    await Promise.all([a.drop(), a.drop()]);
    await until("its sessions are gone", async () => {
      return (await admin.sessionsOf(applicationName)).total === 0;
    });

    // The next test database is the same one, emptied: no rows, ids from 1 again.
    const next = await create();
    expect(next.url).toBe(a.url);
    expect(await next.rows("users")).toEqual([]);
    expect(await next.rows("items")).toEqual([]);
    const again = await (await next.open()).repository.insertUser({
      email: "a@x.io",
      passwordHash: "h",
    });
    expect(again.id).toBe(first.id);
    await next.drop();

    await dropSpareTestDatabases();
    expect(await exists(name)).toBe(false);
  });

  test("a database whose tables were changed is dropped, never handed on", async () => {
    const a = await create();
    const name = new URL(a.url).pathname.slice(1);
    await a.dropTable("items");
    await a.drop();
    expect(await exists(name)).toBe(false);
    const next = await create();
    expect(next.url).not.toBe(a.url);
    expect(await next.rows("items")).toEqual([]);
  });

  test("a database someone is still connected to (a child process left running) is dropped", async () => {
    const a = await create();
    const name = new URL(a.url).pathname.slice(1);
    const straggler = await (await import("../open.ts")).openDatabase(a.url);
    await straggler.repository.ping();
    await a.drop();
    expect(await exists(name)).toBe(false);
    await straggler.close();
  });

  test("rows() gives columns by SQL name and timestamps as Unix ms", async () => {
    const testDb = await create();
    const { repository } = await testDb.open();
    const user = await repository.insertUser({ email: "a@x.io", passwordHash: "h" });
    const expiresAt = 1_700_000_000_123;
    await repository.insertRefreshToken({
      tokenHash: "t",
      familyId: "f",
      userId: user.id,
      expiresAt,
    });
    const [row] = await testDb.rows("refresh_tokens");
    expect(row).toMatchObject({ token_hash: "t", user_id: user.id, expires_at: expiresAt });
    expect((await testDb.rows("users"))[0]?.created_at).toBe(user.createdAt);
  });

  test("the proxy carries large messages both ways", async () => {
    // A proxy that dropped what a socket could not take at once would leave the server waiting
    // for the rest of a message: this test would hang until its timeout.
    const testDb = await create({ proxy: true });
    expect(new URL(testDb.url).port).not.toBe(new URL(POSTGRES_TEST_URL).port || "5432");
    const { repository } = await testDb.open();
    const big = "x".repeat(12_000_000);
    const user = await repository.insertUser({ email: "a@x.io", passwordHash: big });
    expect((await repository.findUserById(user.id))?.passwordHash).toBe(big);
  }, 15_000);
});
