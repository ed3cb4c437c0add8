export type UnavailableReason =
  | "busy"
  | "full"
  | "io"
  | "readonly"
  | "cantopen"
  | "corrupt"
  | "protocol"
  | "nomem"
  | "closed"
  | "unreachable"
  | "timeout"
  // SQLite: the path no longer names the file that is open (deleted, moved, or another put in
  // its place). Writes would go to a file nobody will open again, so they are refused.
  | "file-missing"
  | "file-replaced";

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
  unreachable: "Database is unreachable",
  timeout: "Database did not answer in time",
  "file-missing": "Database file is missing",
  "file-replaced": "Database file was replaced",
};

/**
 * The database cannot serve the request right now; the API maps this to 503.
 * The message is fixed per reason because it may reach a client, and a driver's own messages can
 * carry SQL, file paths or host names; the original error stays available as `cause` for logs.
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
  /** What the engine names, e.g. `"users.email_key"`; "unknown" when it does not say. For logs. */
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

/** `DATABASE_URL` names nothing this package can open; the message is safe to print. */
export class DatabaseUrlError extends Error {
  override readonly name = "DatabaseUrlError";
}

/**
 * The database refused to open for a reason a restart will not fix: a wrong database name, user
 * or password, missing permissions. The message is the server's own (it names no password) and
 * says what to change; the API prints it as the one line that stops the start.
 */
export class DatabaseOpenError extends Error {
  override readonly name = "DatabaseOpenError";
}
