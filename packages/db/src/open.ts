import type { Database } from "./contract.ts";
import { openPostgres } from "./postgres/index.ts";
import { openSqlite } from "./sqlite/index.ts";
import { parseDatabaseUrl } from "./url.ts";

export interface OpenOptions {
  /**
   * How long one call may wait for a lock another session holds before it fails with
   * `DatabaseUnavailableError("busy")` (503), in ms. Default 1000.
   */
  lockTimeoutMs?: number;
  /** PostgreSQL: the longest a statement may run before it is cancelled, in ms. Default 5000. */
  statementTimeoutMs?: number;
  /** PostgreSQL: connections in the pool. Default 10. */
  poolMax?: number;
  /** PostgreSQL: how the server lists these connections (`pg_stat_activity`). */
  applicationName?: string;
}

/**
 * Opens the database a `DATABASE_URL` names, creating and migrating it as needed: SQLite for a
 * file path, `file:` or `:memory:`, PostgreSQL for `postgres://` and `postgresql://`.
 * Throws `DatabaseUrlError` for anything else, `DatabaseUnavailableError` when it cannot be
 * reached or opened now (a restart later may do), and `DatabaseOpenError` when the server refuses
 * (no such database, a failed login: the configuration must change).
 */
export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Database> {
  const target = parseDatabaseUrl(url);
  if (target.engine === "sqlite") {
    return openSqlite(target.path, { lockTimeoutMs: options.lockTimeoutMs });
  }
  return await openPostgres(target.url, options);
}
