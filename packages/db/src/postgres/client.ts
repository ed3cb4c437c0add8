import { join } from "node:path";
import { SQL } from "bun";
import { type BunSQLDatabase, drizzle } from "drizzle-orm/bun-sql";
import { migrate } from "drizzle-orm/bun-sql/migrator";
import { DatabaseOpenError, DatabaseUnavailableError } from "../errors.ts";
import { classifyPostgresError } from "./errors.ts";
import * as schema from "./schema.ts";

export interface PostgresOptions {
  /** How long a statement waits for a lock before failing as "busy", in ms. Default 1000. */
  lockTimeoutMs?: number;
  /** How long a statement may run before the server cancels it ("timeout"), in ms. Default 5000. */
  statementTimeoutMs?: number;
  /** Connections in the pool. Default 10. */
  poolMax?: number;
  /** How the server lists these connections (`pg_stat_activity`). Default "statuslab". */
  applicationName?: string;
  /** How long opening one connection may take before the server counts as unreachable, in ms. */
  connectTimeoutMs?: number;
  /** How long opening may wait for another process's migration, in ms. Default 60000. */
  migrationWaitMs?: number;
  /** Defaults to this package's `drizzle/postgres/`; override when bundling moves the code. */
  migrationsFolder?: string;
}

export type Drizzle = BunSQLDatabase<typeof schema>;

/** The pool and drizzle over it, for this adapter (and its tests) alone. */
export interface PostgresConnection {
  sql: SQL;
  db: Drizzle;
  options: Required<Omit<PostgresOptions, "migrationsFolder">>;
}

export const MIGRATIONS_FOLDER = join(import.meta.dir, "..", "..", "drizzle", "postgres");

// Any fixed number, the same in every process of this app: pg_advisory_lock's key.
const MIGRATION_LOCK_KEY = 0x5354_4c42; // "STLB"

function withDefaults(options: PostgresOptions) {
  return {
    lockTimeoutMs: options.lockTimeoutMs ?? 1000,
    statementTimeoutMs: options.statementTimeoutMs ?? 5000,
    poolMax: options.poolMax ?? 10,
    applicationName: options.applicationName ?? "statuslab",
    connectTimeoutMs: options.connectTimeoutMs ?? 5000,
    migrationWaitMs: options.migrationWaitMs ?? 60_000,
  };
}

/**
 * Opens a pool on `url`, checks that the server answers, and brings the schema up to date.
 * Throws `DatabaseUnavailableError` ("unreachable" and the like) when the server cannot be used.
 */
export async function openConnection(
  url: string,
  options: PostgresOptions = {},
): Promise<PostgresConnection> {
  const settings = withDefaults(options);
  const sql = new SQL(url, {
    max: settings.poolMax,
    // Seconds, fractions allowed. Bun's default of 30 s would leave every call waiting that
    // long for a server that accepts connections and never answers.
    connectionTimeout: settings.connectTimeoutMs / 1000,
    // Sent in the startup message, so every connection the pool opens, now or after an outage,
    // has them without a round trip of its own.
    connection: {
      application_name: settings.applicationName,
      lock_timeout: Math.trunc(settings.lockTimeoutMs),
      statement_timeout: Math.trunc(settings.statementTimeoutMs),
    },
  });
  const db = drizzle({ client: sql, schema });
  try {
    await migrateOnce(sql, options.migrationsFolder ?? MIGRATIONS_FOLDER, settings.migrationWaitMs);
  } catch (err) {
    await sql.close({ timeout: 0 }).catch(() => {});
    const mapped = classifyPostgresError(err);
    if (mapped instanceof DatabaseUnavailableError) throw mapped;
    throw refusedAtOpen(err) ?? err;
  }
  return { sql, db, options: settings };
}

/**
 * Applies the pending migrations on one reserved connection (the first contact with the server,
 * so an unreachable one fails here), holding an advisory lock: drizzle reads which migrations are
 * applied before its transaction starts, so two processes starting at once would otherwise both
 * apply the same one and the second would fail on "already exists".
 */
async function migrateOnce(sql: SQL, migrationsFolder: string, waitMs: number) {
  const connection = await sql.reserve();
  try {
    // The pool's short timeouts are for serving requests; here another process may be migrating.
    await connection
      .unsafe(
        `SET lock_timeout = ${Math.trunc(waitMs)}; SET statement_timeout = ${Math.trunc(waitMs)}`,
      )
      .simple();
    await connection`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    await migrate(drizzle({ client: connection }), { migrationsFolder });
    await connection`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
  } finally {
    // Closed rather than released: it carries the settings above, and closing also ends the
    // advisory lock if an error left it held.
    await connection.close();
  }
}

/**
 * What the server said when it refused to open (no such database, a failed login, a missing
 * permission while migrating), as a DatabaseOpenError; undefined when the server said nothing.
 */
function refusedAtOpen(err: unknown): DatabaseOpenError | undefined {
  for (let current = err, depth = 0; depth < 8 && current instanceof Error; depth++) {
    const { errno } = current as { errno?: unknown };
    if (typeof errno === "string" && /^[0-9A-Z]{5}$/.test(errno)) {
      const said = current.message.split("\n")[0]?.slice(0, 200);
      return new DatabaseOpenError(`PostgreSQL refused: ${said} (SQLSTATE ${errno})`, {
        cause: err,
      });
    }
    current = current.cause;
  }
  return undefined;
}
