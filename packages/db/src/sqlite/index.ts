import type { Database } from "../contract.ts";
import { openConnection, type SqliteConnection, type SqliteOptions } from "./client.ts";
import { createRepository, type SqliteRepository } from "./repository.ts";

export type { SqliteConnection, SqliteOptions } from "./client.ts";
export type { SqliteRepository } from "./repository.ts";

export interface SqliteDatabase extends Database {
  readonly engine: "sqlite";
  readonly repository: SqliteRepository;
}

export interface OpenSqliteOptions extends SqliteOptions {
  /** How long one call waits out a lock another connection holds before giving up, in ms. */
  lockTimeoutMs?: number;
}

// The raw connection behind each database this adapter opened: for the testing entry's outage
// simulations and the adapter's benchmark, never handed to the API.
const connections = new WeakMap<Database, SqliteConnection>();

/** Opens (creating and migrating if needed) a SQLite file, or `:memory:`. */
export function openSqlite(path: string, options: OpenSqliteOptions = {}): SqliteDatabase {
  const connection = openConnection(path, options);
  const database: SqliteDatabase = {
    engine: "sqlite",
    repository: createRepository(connection, { retryBudgetMs: options.lockTimeoutMs }),
    close: async () => connection.close(),
  };
  connections.set(database, connection);
  return database;
}

/** The connection behind a database this adapter opened, or undefined for any other. */
export function sqliteConnectionOf(database: Database): SqliteConnection | undefined {
  return connections.get(database);
}

// The adapter's own parts, for its benchmark (bench/micro/user-lookup.ts) and nothing else.
export { openConnection } from "./client.ts";
export { createRepository } from "./repository.ts";
export { users } from "./schema.ts";
