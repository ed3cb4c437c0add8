import {
  ConstraintViolationError,
  DatabaseUnavailableError,
  ForeignKeyViolationError,
  type UnavailableReason,
  UniqueViolationError,
} from "../errors.ts";

// SQLSTATEs (the server's `errno` on Bun's PostgresError) that mean "not now" rather than "wrong".
const BY_SQLSTATE: Record<string, UnavailableReason> = {
  "55P03": "busy", // lock_not_available: lock_timeout ran out
  "40001": "busy", // serialization_failure
  "40P01": "busy", // deadlock_detected
  "57014": "timeout", // query_canceled: statement_timeout, or a cancel
  "25006": "readonly", // read_only_sql_transaction: a replica, default_transaction_read_only
  "53100": "full", // disk_full
  "53200": "nomem", // out_of_memory
  "53300": "busy", // too_many_connections: a slot frees up when someone else is done
  "57P01": "unreachable", // admin_shutdown
  "57P02": "unreachable", // crash_shutdown
  "57P03": "unreachable", // cannot_connect_now: starting up or in recovery
};

/** SQLSTATE classes mapped as a whole, for codes not listed above. */
const BY_CLASS: Record<string, UnavailableReason> = {
  "08": "unreachable", // connection_exception
  "53": "full", // insufficient_resources
};

// Errors Bun raises itself when the connection is not there (no SQLSTATE).
const BY_BUN_CODE: Record<string, UnavailableReason> = {
  ERR_POSTGRES_CONNECTION_CLOSED: "unreachable",
  ERR_POSTGRES_CONNECTION_FAILED: "unreachable",
  ERR_POSTGRES_CONNECTION_REFUSED: "unreachable",
  ERR_POSTGRES_CONNECTION_TIMEOUT: "unreachable",
  ERR_POSTGRES_IDLE_TIMEOUT: "unreachable",
  ERR_POSTGRES_LIFETIME_TIMEOUT: "unreachable",
  ERR_POSTGRES_TLS_NOT_AVAILABLE: "unreachable",
  ERR_POSTGRES_TLS_UPGRADE_FAILED: "unreachable",
  ERR_POSTGRES_QUERY_CANCELLED: "timeout",
};

/**
 * Maps a failure of Bun's PostgreSQL client (possibly wrapped, e.g. in drizzle's
 * DrizzleQueryError, whose message holds the SQL and its parameters) to one of this package's
 * errors, keeping the original as `cause`. Returns undefined for anything else, such as an
 * undefined table or a failed login: a bug or a misconfiguration, to surface unchanged.
 */
export function classifyPostgresError(
  err: unknown,
): DatabaseUnavailableError | ConstraintViolationError | undefined {
  if (err instanceof DatabaseUnavailableError || err instanceof ConstraintViolationError) {
    return err;
  }
  // Bounded so a cyclic cause chain cannot hang us.
  let current: unknown = err;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    const { code, errno, constraint } = current as {
      code?: unknown;
      errno?: unknown;
      constraint?: unknown;
    };
    if (typeof errno === "string" && /^[0-9A-Z]{5}$/.test(errno)) {
      return fromSqlState(errno, typeof constraint === "string" ? constraint : "unknown", err);
    }
    if (typeof code === "string" && code.startsWith("ERR_POSTGRES_")) {
      const reason = BY_BUN_CODE[code];
      return reason ? new DatabaseUnavailableError(reason, { cause: err }) : undefined;
    }
    current = current.cause;
  }
  return undefined;
}

function fromSqlState(sqlState: string, constraint: string, original: unknown) {
  if (sqlState === "23505") return new UniqueViolationError(constraint, { cause: original });
  if (sqlState === "23503") return new ForeignKeyViolationError({ cause: original });
  const reason = BY_SQLSTATE[sqlState] ?? BY_CLASS[sqlState.slice(0, 2)];
  return reason ? new DatabaseUnavailableError(reason, { cause: original }) : undefined;
}
