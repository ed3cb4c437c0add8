import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import type { Database } from "../contract.ts";
import { DatabaseUnavailableError } from "../errors.ts";
import { createTestDatabase, type TestDatabase } from "../testing/index.ts";
import { requirePostgres } from "../testing/require-postgres.ts";
import { adminSession, settled, uniqueApplicationName, until } from "./test-support.ts";

// "Promptly": far below the lock and statement timeouts below, and Bun's 30 s connect default.
const PROMPT_MS = 1500;

function expectUnreachable(error: unknown) {
  expect(error).toBeInstanceOf(DatabaseUnavailableError);
  expect((error as DatabaseUnavailableError).reason).toBe("unreachable");
}

/** True once a call goes through again; a failure meanwhile must be an outage, nothing else. */
async function answers(database: Database): Promise<boolean> {
  try {
    await database.repository.ping();
    return true;
  } catch (error) {
    expectUnreachable(error);
    return false;
  }
}

describe.skipIf(!(await requirePostgres()))("PostgreSQL going away mid-run", () => {
  let admin: ReturnType<typeof adminSession>;
  let testDb: TestDatabase;
  let database: Database;
  let network: NonNullable<TestDatabase["network"]>;
  const applicationName = uniqueApplicationName("outage");

  beforeAll(() => {
    admin = adminSession();
  });
  afterAll(() => admin.close());
  beforeEach(async () => {
    testDb = await createTestDatabase({ engine: "postgres", proxy: true });
    network = testDb.network as NonNullable<TestDatabase["network"]>;
    database = await testDb.open({
      applicationName,
      lockTimeoutMs: 10_000,
      statementTimeoutMs: 10_000,
    });
  });
  afterEach(() => testDb.drop());

  test("calls fail as unreachable at once while it is gone, and work again once it is back", async () => {
    const { repository } = database;
    const kept = await repository.insertUser({ email: "kept@x.io", passwordHash: "h" });
    network.down();

    const calls: (() => Promise<unknown>)[] = [
      () => repository.findUserById(kept.id),
      () => repository.insertUser({ email: "lost@x.io", passwordHash: "h" }),
      () => repository.listUsers({ limit: 10, offset: 0 }),
      () => repository.rotateRefreshToken("h0", "h1", Date.now()),
      () => repository.ping(),
    ];
    for (const call of calls) {
      const { error, ms } = await settled(call());
      expectUnreachable(error);
      expect(ms).toBeLessThan(PROMPT_MS);
    }

    network.up();
    await until("the database answers again", () => answers(database));
    expect(await repository.findUserById(kept.id)).toEqual(kept);
    const added = await repository.insertUser({ email: "new@x.io", passwordHash: "h" });
    expect((await testDb.rows("users")).map((row) => row.id)).toEqual([kept.id, added.id]);
  });

  test("a call waiting on the server when the connection drops fails at once", async () => {
    const { repository } = database;
    const user = await repository.insertUser({ email: "a@x.io", passwordHash: "h" });
    // The helper's lock goes straight to the server, so it outlives the cut.
    const lock = await testDb.lock("everything");
    try {
      const call = settled(repository.findUserById(user.id));
      await until("the call waits for the lock", async () => {
        return (await admin.sessionsOf(applicationName)).waiting === 1;
      });
      network.down();
      const { error, ms } = await call;
      expectUnreachable(error);
      expect(ms).toBeLessThan(PROMPT_MS);
    } finally {
      await lock.release();
    }
    network.up();
    await until("the database answers again", () => answers(database));
    expect(await repository.findUserById(user.id)).toEqual(user);
  });

  test("connections the server ends (a restart, pg_terminate_backend) are replaced", async () => {
    const { repository } = database;
    const user = await repository.insertUser({ email: "a@x.io", passwordHash: "h" });
    await admin.sql`
      SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE application_name = ${applicationName}`;
    await until("the database answers again", () => answers(database));
    expect(await repository.findUserById(user.id)).toEqual(user);
  });
});
