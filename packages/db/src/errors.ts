export type UnavailableReason =
  | "busy"
  | "full"
  | "io"
  | "readonly"
  | "cantopen"
  | "corrupt"
  | "protocol"
  | "nomem"
  | "closed";

const MESSAGES: Record<UnavailableReason, string> = {
  busy: "Database is busy",
  full: "Database storage is full",
  io: "Database I/O error",
  readonly: "Database is read-only",
  cantopen: "Database cannot be opened",
  corrupt: "Database is damaged",
  protocol: "Database locking failed",
  nomem: "Database is out of memory",
  closed: "Database is closed",
};

/**
 * The database cannot serve the request right now; the API maps this to 503.
 * The message is fixed per reason because it may reach a client, and SQLite's own messages can
 * carry SQL or file paths; the original error stays available as `cause` for logs.
 */
export class DatabaseUnavailableError extends Error {
  override readonly name = "DatabaseUnavailableError";
  readonly reason: UnavailableReason;
  readonly retryAfterSeconds: number;

  constructor(
    reason: UnavailableReason,
    options: { cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(MESSAGES[reason], { cause: options.cause });
    this.reason = reason;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 1;
  }
}

/** A constraint refused the write: the caller's input clashes with what is stored. */
export class ConstraintViolationError extends Error {
  /** What SQLite names, e.g. `"users.email_key"`; "unknown" when it does not say. */
  readonly constraint: string;

  constructor(message: string, constraint: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.constraint = constraint;
  }
}

/** A UNIQUE (or primary key) constraint refused the write, e.g. an email that is already taken. */
export class UniqueViolationError extends ConstraintViolationError {
  constructor(constraint: string, options: { cause?: unknown } = {}) {
    super("Unique constraint violated", constraint, options);
  }
}

/** A row referred to one that no longer exists, e.g. an item for a user deleted meanwhile. */
export class ForeignKeyViolationError extends ConstraintViolationError {
  constructor(options: { cause?: unknown } = {}) {
    super("Foreign key constraint violated", "unknown", options);
  }
}

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
