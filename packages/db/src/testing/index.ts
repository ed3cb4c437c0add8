/**
 * `@statuslab/db/testing`: a fresh database on either engine, and the faults the API's tests and
 * the lesson runner stage on it (another session holding locks, a network that goes away), so
 * that nothing outside this package reaches into a driver.
 */
import type { Database, Engine } from "../contract.ts";
import { ENGINES } from "../contract.ts";
import type { OpenOptions } from "../open.ts";
import { createSqliteTestDatabase } from "../sqlite/test-database.ts";
import {
  createPostgresTestDatabase,
  dropSpareTestDatabases,
  POSTGRES_TEST_URL,
  probePostgres,
} from "./postgres.ts";

export { dropSpareTestDatabases, POSTGRES_TEST_URL, probePostgres };

export type TableName = "users" | "items" | "refresh_tokens";

/** A lock another session holds until `release()`. */
export interface HeldLock {
  release(): Promise<void>;
}

export interface TestDatabase {
  readonly engine: Engine;
  /** A `DATABASE_URL` naming this database, for `openDatabase` or a child process. */
  readonly url: string;
  /** Opens a connection (a pool, on PostgreSQL) to it, as another process would. */
  open(options?: OpenOptions): Promise<Database>;
  /**
   * Another session takes locks and holds them: `"writes"` blocks every write while reads go
   * on (a long write transaction, a backup); `"everything"` blocks reads too (`LOCK TABLE …
   * ACCESS EXCLUSIVE`, a migration). Resolves once the locks are held.
   */
  lock(scope: "writes" | "everything"): Promise<HeldLock>;
  /** Every row of a table, oldest first, columns by their SQL names, timestamps as Unix ms. */
  rows(table: TableName): Promise<Record<string, unknown>[]>;
  /** Drops a table under the API's feet: a query then fails in a way no handler expects. */
  dropTable(table: TableName): Promise<void>;
  /**
   * PostgreSQL only (created with `{ proxy: true }`): the network between the API and the
   * server. `down()` drops every connection and refuses new ones; `up()` lets them through again.
   */
  readonly network?: { down(): void; up(): void };
  /**
   * SQLite only: the disk fills up under the connections opened through `open()`, so a write
   * needing a new page fails; `fillers` rows were added to use up the room left.
   */
  fill?(): Promise<{ fillers: number; release(): Promise<void> }>;
  /**
   * PostgreSQL only: the server turns read-only, as a primary demoted to a replica by a
   * failover: sessions opened from now on default to read-only, and the connections opened
   * through `open()` are ended, so their pools reconnect into such sessions. `release()` undoes
   * both. Opening the database meanwhile fails (migrating needs writes).
   */
  readOnly?(): Promise<HeldLock>;
  /** Closes every connection opened through it and deletes the database. Idempotent. */
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  engine?: Engine;
  /** PostgreSQL: reach the server through a proxy the test can cut (`network`). */
  proxy?: boolean;
}

/**
 * The engine a test run exercises: `STATUSLAB_TEST_ENGINE` (`sqlite`, the default, or
 * `postgres`). The API's suite runs once per engine.
 */
export function engineUnderTest(env: Record<string, string | undefined> = process.env): Engine {
  const raw = env.STATUSLAB_TEST_ENGINE || "sqlite";
  if (!(ENGINES as readonly string[]).includes(raw)) {
    throw new Error(
      `STATUSLAB_TEST_ENGINE must be one of ${ENGINES.join(", ")} (got ${JSON.stringify(raw)})`,
    );
  }
  return raw as Engine;
}

/** A new, empty, migrated database that nothing else uses. `drop()` it when done. */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const engine = options.engine ?? engineUnderTest();
  if (engine === "sqlite") {
    if (options.proxy) throw new Error("SQLite is a file: there is no network to cut");
    return createSqliteTestDatabase();
  }
  return createPostgresTestDatabase({ proxy: options.proxy ?? false });
}
