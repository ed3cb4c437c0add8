import type { Database } from "../contract.ts";
import { createCallGate } from "./calls.ts";
import { openConnection, type PostgresOptions } from "./client.ts";
import { createRepository } from "./repository.ts";

export type { PostgresOptions } from "./client.ts";
export { classifyPostgresError } from "./errors.ts";

export interface PostgresDatabase extends Database {
  readonly engine: "postgres";
}

/**
 * Opens a pool on a `postgres://` URL and migrates the database. Throws
 * `DatabaseUnavailableError("unreachable")` when the server does not answer within
 * `connectTimeoutMs`.
 */
export async function openPostgres(
  url: string,
  options: PostgresOptions = {},
): Promise<PostgresDatabase> {
  const connection = await openConnection(url, options);
  const gate = createCallGate();
  let closed: Promise<void> | undefined;
  return {
    engine: "postgres",
    repository: createRepository(connection.db, gate.run),
    close: () => {
      closed ??= (async () => {
        // Every statement of a call is bounded by statement_timeout; the slack is for the rest.
        await gate.close(connection.options.statementTimeoutMs + 1000);
        await connection.sql.close({ timeout: 0 });
      })();
      return closed;
    },
  };
}
