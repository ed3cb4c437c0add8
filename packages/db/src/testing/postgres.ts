import { SQL } from "bun";
import type { Database } from "../contract.ts";
import type { OpenOptions } from "../open.ts";
import { openPostgres } from "../postgres/index.ts";
import type { HeldLock, TableName, TestDatabase } from "./index.ts";
import {
  giveBackTestDatabase,
  POSTGRES_TEST_URL,
  takeTestDatabase,
  withDatabase,
} from "./postgres-server.ts";
import { type TcpProxy, tcpProxy } from "./tcp-proxy.ts";

export {
  dropSpareTestDatabases,
  POSTGRES_TEST_URL,
  probePostgres,
} from "./postgres-server.ts";

/**
 * A new database on the server of `POSTGRES_TEST_URL`, migrated and empty, that nothing else
 * uses. With `proxy`, `url` goes through a TCP proxy that `network` can cut.
 */
export async function createPostgresTestDatabase(options: {
  proxy: boolean;
}): Promise<TestDatabase> {
  const name = await takeTestDatabase();
  const direct = withDatabase(POSTGRES_TEST_URL, name);

  let proxy: TcpProxy | undefined;
  const url = new URL(direct);
  if (options.proxy) {
    proxy = tcpProxy({ hostname: direct.hostname, port: Number(direct.port || 5432) });
    url.hostname = "127.0.0.1";
    url.port = String(proxy.port);
  }

  // This helper's own sessions go straight to the server: cutting the network cuts the API's.
  const sessions = new Set<SQL>();
  const session = () => {
    const sql = new SQL(direct.toString(), {
      max: 1,
      connectionTimeout: 5,
      connection: { application_name: "statuslab-test-helper", lock_timeout: 10_000 },
    });
    sessions.add(sql);
    return sql;
  };
  const closeSession = async (sql: SQL) => {
    sessions.delete(sql);
    await sql.close({ timeout: 0 });
  };
  const opened: Database[] = [];
  const locks = new Set<HeldLock>();
  let dropped: Promise<void> | undefined;
  // Set when the tables themselves changed: such a database is dropped, never handed on.
  let altered = false;

  const database: TestDatabase = {
    engine: "postgres",
    url: url.toString(),
    async open(openOptions: OpenOptions = {}) {
      const opening = await openPostgres(url.toString(), openOptions);
      opened.push(opening);
      return opening;
    },
    async lock(scope) {
      // EXCLUSIVE lets plain reads (ACCESS SHARE) through and shuts out every write;
      // ACCESS EXCLUSIVE shuts out everything, as a migration altering the tables would.
      const mode = scope === "writes" ? "EXCLUSIVE" : "ACCESS EXCLUSIVE";
      const sql = session();
      const held = Promise.withResolvers<void>();
      const release = Promise.withResolvers<void>();
      const transaction = sql.begin(async (tx) => {
        await tx.unsafe(`LOCK TABLE users, items, refresh_tokens IN ${mode} MODE`);
        held.resolve();
        await release.promise;
      });
      transaction.catch(held.reject);
      await held.promise;
      const lock: HeldLock = {
        async release() {
          if (!locks.delete(lock)) return;
          release.resolve();
          await transaction;
          await closeSession(sql);
        },
      };
      locks.add(lock);
      return lock;
    },
    async rows(table: TableName) {
      const sql = session();
      try {
        const rows = await sql.unsafe(`SELECT * FROM "${table}" ORDER BY id`);
        return (rows as Record<string, unknown>[]).map((row) =>
          Object.fromEntries(
            Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.getTime() : v]),
          ),
        );
      } finally {
        await closeSession(sql);
      }
    },
    async dropTable(table: TableName) {
      altered = true;
      const sql = session();
      try {
        // CASCADE drops the foreign keys that point at it, not the tables they belong to.
        await sql.unsafe(`DROP TABLE "${table}" CASCADE`);
      } finally {
        await closeSession(sql);
      }
    },
    network: proxy && { down: () => proxy.down(), up: () => proxy.up() },
    async readOnly() {
      const sql = session();
      // Every session on this database but the helper's own: the API's pools.
      const endOthers = () => sql`
        SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = ${name} AND pid <> pg_backend_pid()
          AND application_name <> 'statuslab-test-helper'`;
      await sql.unsafe(`ALTER DATABASE "${name}" SET default_transaction_read_only = on`);
      await endOthers();
      const held: HeldLock = {
        async release() {
          if (!locks.delete(held)) return;
          await sql.unsafe(`ALTER DATABASE "${name}" RESET default_transaction_read_only`);
          await endOthers();
          await closeSession(sql);
        },
      };
      locks.add(held);
      return held;
    },
    drop() {
      dropped ??= (async () => {
        // Whatever the test left waiting is let go first, so that closing never waits on a
        // call that cannot finish (a lock still held, a cut network).
        proxy?.down();
        for (const lock of [...locks]) await lock.release().catch(() => {});
        for (const database of opened.splice(0)) await database.close();
        for (const sql of [...sessions]) await closeSession(sql);
        await giveBackTestDatabase(name, !altered);
      })();
      return dropped;
    },
  };
  return database;
}
