import {
  ConstraintViolationError,
  DatabaseUnavailableError,
  ForeignKeyViolationError,
  type UnavailableReason,
  UniqueViolationError,
} from "../errors.ts";

// Matched on the primary code (the part before the extended suffix, e.g. SQLITE_IOERR_FSYNC).
const UNAVAILABLE_CODES: Record<string, UnavailableReason> = {
  SQLITE_BUSY: "busy",
  SQLITE_LOCKED: "busy",
  SQLITE_FULL: "full",
  SQLITE_IOERR: "io",
  SQLITE_READONLY: "readonly",
  SQLITE_CANTOPEN: "cantopen",
  SQLITE_PERM: "cantopen",
  SQLITE_CORRUPT: "corrupt",
  SQLITE_NOTADB: "corrupt",
  SQLITE_PROTOCOL: "protocol",
  SQLITE_NOMEM: "nomem",
};

// bun:sqlite reports use-after-close as plain errors without a code.
const CLOSED_MESSAGES = [
  "Cannot use a closed database",
  "Database has closed",
  "Statement has finalized",
];

/**
 * Maps a bun:sqlite failure (possibly wrapped, e.g. in drizzle's DrizzleQueryError) to one of this
 * package's errors. Returns undefined for anything else: that is a bug to surface unchanged.
 */
export function classifySqliteError(
  err: unknown,
): DatabaseUnavailableError | ConstraintViolationError | undefined {
  if (err instanceof DatabaseUnavailableError || err instanceof ConstraintViolationError)
    return err;
  // Bounded so a cyclic cause chain cannot hang us.
  let current: unknown = err;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("SQLITE_")) {
      return fromCode(code, current, err);
    }
    if (CLOSED_MESSAGES.some((m) => current instanceof Error && current.message.includes(m))) {
      return new DatabaseUnavailableError("closed", { cause: err });
    }
    current = current.cause;
  }
  return undefined;
}

function fromCode(code: string, sqliteError: Error, original: unknown) {
  if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY") {
    const constraint = /constraint failed: (.+)$/.exec(sqliteError.message)?.[1] ?? "unknown";
    return new UniqueViolationError(constraint, { cause: original });
  }
  if (code === "SQLITE_CONSTRAINT_FOREIGNKEY")
    return new ForeignKeyViolationError({ cause: original });
  const primary = code.match(/^SQLITE_[A-Z]+/)?.[0] ?? code;
  const reason = UNAVAILABLE_CODES[primary];
  return reason ? new DatabaseUnavailableError(reason, { cause: original }) : undefined;
}
