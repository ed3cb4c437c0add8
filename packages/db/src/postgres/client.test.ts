import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { SQL } from "bun";
import { DatabaseOpenError, DatabaseUnavailableError } from "../errors.ts";
import { createTestDatabase, POSTGRES_TEST_URL, type TestDatabase } from "../testing/index.ts";
import { requirePostgres } from "../testing/require-postgres.ts";
import { closedPort } from "../testing/tcp-proxy.ts";
import { openPostgres } from "./index.ts";
import { adminSession, settled, uniqueApplicationName, until } from "./test-support.ts";

const SLACK_MS = 1500;

describe.skipIf(!(await requirePostgres()))("openPostgres", () => {
  let admin: ReturnType<typeof adminSession>;
  let testDb: TestDatabase | undefined;
  beforeAll(() => {
    admin = adminSession();
  });
  afterEach(async () => {
    await testDb?.drop();
    testDb = undefined;
  });
  afterAll(() => admin.close());

  test("eight processes opening a fresh database at once all come up, and it is migrated once", async () => {
    const url = await admin.bareDatabase();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, () => openPostgres(url, { poolMax: 2 })),
    );
    const opened = outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value] : []));
    try {
      expect(outcomes.filter((o) => o.status === "rejected")).toEqual([]);
      for (const database of opened) await database.repository.ping();
      const user = await opened[0]?.repository.insertUser({ email: "a@x.io", passwordHash: "h" });
      expect(await opened[7]?.repository.findUserById(user?.id ?? 0)).toEqual(user);
    } finally {
      for (const database of opened) await database.close();
    }
    const sql = new SQL(url, { max: 1 });
    const [applied] = await sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`;
    await sql.close();
    expect(applied.n).toBe(1);
  });

  test("reopening keeps the data and applies nothing twice", async () => {
    testDb = await createTestDatabase({ engine: "postgres" });
    const first = await testDb.open();
    const user = await first.repository.insertUser({ email: "a@x.io", passwordHash: "h" });
    await first.close();
    const second = await testDb.open();
    expect(await second.repository.findUserById(user.id)).toEqual(user);
  });

  test("a closed port is unreachable at once, and the message names no host or password", async () => {
    const url = `postgres://app:hunter2@127.0.0.1:${closedPort()}/app`;
    const { error, ms } = await settled(openPostgres(url));
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect((error as DatabaseUnavailableError).reason).toBe("unreachable");
    expect(String(error)).not.toMatch(/hunter2|127\.0\.0\.1|app/);
    expect(ms).toBeLessThan(SLACK_MS);
  });

  test("a database that does not exist is a DatabaseOpenError with the server's reason, not unavailable", async () => {
    const url = new URL(POSTGRES_TEST_URL);
    url.pathname = "/statuslab_no_such_database";
    const { error } = await settled(openPostgres(url.toString()));
    expect(error).toBeInstanceOf(DatabaseOpenError);
    expect((error as Error).message).toBe(
      'PostgreSQL refused: database "statuslab_no_such_database" does not exist (SQLSTATE 3D000)',
    );
  });

  test("a server that accepts and never answers is unreachable after connectTimeoutMs", async () => {
    const silent = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    try {
      const url = `postgres://postgres@127.0.0.1:${silent.port}/test`;
      const { error, ms } = await settled(openPostgres(url, { connectTimeoutMs: 300 }));
      expect((error as DatabaseUnavailableError).reason).toBe("unreachable");
      expect(ms).toBeGreaterThanOrEqual(250);
      expect(ms).toBeLessThan(300 + SLACK_MS);
    } finally {
      silent.stop(true);
    }
  });

  test("the pool never holds more than poolMax connections", async () => {
    testDb = await createTestDatabase({ engine: "postgres" });
    const applicationName = uniqueApplicationName("pool");
    const database = await testDb.open({ poolMax: 3, applicationName, lockTimeoutMs: 4000 });
    const { repository } = database;
    const user = await repository.insertUser({ email: "a@x.io", passwordHash: "h" });
    // With the table locked every call holds its connection, so the pool grows as far as it may.
    const lock = await testDb.lock("everything");
    // (Lookups by email: those by id made in one turn would share one query, and one connection.)
    const calls = Array.from({ length: 12 }, () => repository.findUserByEmail("a@x.io"));
    try {
      await until("3 connections wait for the lock", async () => {
        return (await admin.sessionsOf(applicationName)).waiting === 3;
      });
      expect(await admin.sessionsOf(applicationName)).toEqual({ total: 3, waiting: 3 });
    } finally {
      await lock.release();
    }
    for (const found of await Promise.all(calls)) expect(found).toEqual(user);
    expect((await admin.sessionsOf(applicationName)).total).toBeLessThanOrEqual(3);
    await database.close();
    await until("the pool's connections are gone", async () => {
      return (await admin.sessionsOf(applicationName)).total === 0;
    });
  });

  test("lockTimeoutMs and statementTimeoutMs reach the server: busy, then timeout", async () => {
    testDb = await createTestDatabase({ engine: "postgres" });
    const quickLocks = await testDb.open({ lockTimeoutMs: 300 });
    const quickStatements = await testDb.open({ lockTimeoutMs: 10_000, statementTimeoutMs: 300 });
    const lock = await testDb.lock("everything");
    try {
      const busy = await settled(quickLocks.repository.findUserById(1));
      expect((busy.error as DatabaseUnavailableError).reason).toBe("busy");
      expect(busy.ms).toBeGreaterThanOrEqual(250);
      expect(busy.ms).toBeLessThan(300 + SLACK_MS);

      const slow = await settled(quickStatements.repository.findUserById(1));
      expect((slow.error as DatabaseUnavailableError).reason).toBe("timeout");
      expect(slow.ms).toBeGreaterThanOrEqual(250);
      expect(slow.ms).toBeLessThan(300 + SLACK_MS);
    } finally {
      await lock.release();
    }
  });

  test("close() lets a call in flight finish, refuses new ones, and is idempotent", async () => {
    testDb = await createTestDatabase({ engine: "postgres" });
    const applicationName = uniqueApplicationName("close");
    const database = await testDb.open({ applicationName, lockTimeoutMs: 10_000 });
    const user = await database.repository.insertUser({ email: "a@x.io", passwordHash: "h" });
    const lock = await testDb.lock("everything");
    const order: string[] = [];
    const call = database.repository.findUserById(user.id).finally(() => order.push("call"));
    await until("the call waits for the lock", async () => {
      return (await admin.sessionsOf(applicationName)).waiting === 1;
    });
    const closing = database.close().then(() => order.push("close"));
    const refused = await settled(database.repository.findUserById(user.id));
    expect((refused.error as DatabaseUnavailableError).reason).toBe("closed");

    await lock.release();
    expect(await call).toEqual(user);
    await Promise.all([closing, database.close()]);
    expect(order).toEqual(["call", "close"]);
    // Backends leave pg_stat_activity a moment after their connection closes.
    await until("the pool's connections are gone", async () => {
      return (await admin.sessionsOf(applicationName)).total === 0;
    });
  });
});
