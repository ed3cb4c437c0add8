/**
 * What the API may ask of a database, whichever engine holds it. Written by hand: each engine's
 * tables are checked against these rows at compile time (`sqlite/schema.ts`, `postgres/schema.ts`),
 * and one conformance suite (`conformance.test.ts`) holds every engine to the same behaviour.
 *
 * Every method is asynchronous and fails only with the errors of `errors.ts`:
 * `DatabaseUnavailableError` (the API answers 503), `UniqueViolationError` and
 * `ForeignKeyViolationError` (the caller's input clashes with what is stored), or with a
 * `RangeError` for a value no engine may store (a caller's bug: the API validates first).
 *
 * Text never contains U+0000 (PostgreSQL cannot store it): writes refuse it with a `RangeError`,
 * and a lookup by such a value finds nothing, on every engine alike.
 */

export const ROLES = ["user", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const ENGINES = ["sqlite", "postgres"] as const;
export type Engine = (typeof ENGINES)[number];

/** A user as stored. Every timestamp is Unix milliseconds, on every engine. */
export interface UserRow {
  id: number;
  email: string;
  /** `emailKey(email)`: two sign-ups whose keys are equal are the same address. */
  emailKey: string;
  passwordHash: string;
  role: Role;
  name: string | null;
  createdAt: number;
}

export interface ItemRow {
  id: number;
  ownerId: number;
  title: string;
  createdAt: number;
}

/** A refresh token as stored: only its hash, never the token. */
export interface RefreshTokenRow {
  id: number;
  tokenHash: string;
  familyId: string;
  userId: number;
  createdAt: number;
  expiresAt: number;
  spentAt: number | null;
  revokedAt: number | null;
}

export interface NewUser {
  email: string;
  passwordHash: string;
  name?: string | null;
  role?: Role;
}

export interface NewRefreshToken {
  tokenHash: string;
  familyId: string;
  userId: number;
  /** The family's absolute end, which rotation never extends. */
  expiresAt: number;
}

/** What presenting a refresh token came to. Only `rotated` lets the caller in. */
export type RotationOutcome =
  | { outcome: "rotated"; userId: number; expiresAt: number }
  | { outcome: "unknown" | "expired" | "revoked" }
  | { outcome: "reused"; userId: number };

export interface Repository {
  /** The user as stored now: a deletion or role change committed anywhere is seen. */
  findUserById(id: number): Promise<UserRow | undefined>;
  findUserByEmail(email: string): Promise<UserRow | undefined>;
  /** Throws `UniqueViolationError` when the address (compared by `emailKey`) is taken. */
  insertUser(user: NewUser): Promise<UserRow>;
  /** Also deletes the user's items and refresh tokens. False when there was no such user. */
  deleteUser(id: number): Promise<boolean>;
  updateUserRole(id: number, role: Role): Promise<UserRow | undefined>;
  /**
   * One page ordered by id, and the total, from one snapshot. `limit` and `offset` must be
   * non-negative integers (a `RangeError` otherwise: no engine's "no limit" reading of -1).
   */
  listUsers(page: { limit: number; offset: number }): Promise<{ rows: UserRow[]; count: number }>;

  /** Throws `ForeignKeyViolationError` when the owner does not exist (deleted meanwhile). */
  insertItem(ownerId: number, title: string): Promise<ItemRow>;
  /** The owner's items, oldest first. */
  listItems(ownerId: number): Promise<ItemRow[]>;

  /** Starts or continues a family. Throws `ForeignKeyViolationError` for a deleted user. */
  insertRefreshToken(token: NewRefreshToken): Promise<void>;
  /**
   * Spends `tokenHash` and stores `nextHash` in its family, atomically: of any number of
   * callers presenting one token, at once and from any process, exactly one rotates it. A token
   * presented again is a replay, and its whole family is revoked.
   */
  rotateRefreshToken(tokenHash: string, nextHash: string, now: number): Promise<RotationOutcome>;
  /** Ends the family of `tokenHash`; false when no such token exists. */
  revokeRefreshFamily(tokenHash: string, now: number): Promise<boolean>;
  /** Ends every session of a user. */
  revokeUserRefreshTokens(userId: number, now: number): Promise<void>;

  /** Resolves when the database answers a real read; rejects with `DatabaseUnavailableError`. */
  ping(): Promise<void>;
  /**
   * Resolves when the database would accept a write now, without writing anything: rejects with
   * `DatabaseUnavailableError` when another session's lock outlasts the lock timeout ("busy"),
   * the database is read-only (a replica, `default_transaction_read_only`: "readonly"), or, on
   * SQLite, out of room ("full": a write of a sign-up's size would need a page it cannot have,
   * or the disk is nearly full) or its file was deleted or replaced ("file-missing",
   * "file-replaced"). PostgreSQL cannot tell a full disk without writing. For readiness checks;
   * slower than `ping`: it may wait out the lock timeout.
   */
  checkWritable(): Promise<void>;
}

/** An open database: its repository, and the one way to let it go. */
export interface Database {
  readonly engine: Engine;
  readonly repository: Repository;
  /** Idempotent. Waits for calls in flight, then frees the file or the connections. */
  close(): Promise<void>;
}

/** The form an email is compared in; every engine stores it in the unique `email_key`. */
export function emailKey(email: string): string {
  return email.normalize("NFC").toLowerCase();
}

/** Whether `text` can be stored: no engine may hold U+0000 (see the contract above). */
export function isStorableText(text: string): boolean {
  return !text.includes("\u0000");
}

/** The rejection a write of `fields` gets when one of them cannot be stored, else undefined. */
export function unstorable(
  fields: Record<string, string | null | undefined>,
): RangeError | undefined {
  const bad = Object.entries(fields).find(([, value]) => value != null && !isStorableText(value));
  return bad ? new RangeError(`${bad[0]} contains U+0000, which cannot be stored`) : undefined;
}

/**
 * The rejection `listUsers` gets for a page it cannot serve, else undefined: bounds must be
 * non-negative integers (SQLite would read a negative LIMIT as "no limit" and dump the table).
 */
export function unservablePage(page: { limit: number; offset: number }): RangeError | undefined {
  const ok = (n: number) => Number.isInteger(n) && n >= 0;
  return ok(page.limit) && ok(page.offset)
    ? undefined
    : new RangeError("limit and offset must be non-negative integers");
}

/** `true` when A and B are the same type (each assignable to the other), else `false`. */
export type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
