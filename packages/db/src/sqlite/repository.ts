import { asc, count, eq, getTableColumns, sql } from "drizzle-orm";
import {
  emailKey,
  type ItemRow,
  isStorableText,
  type NewUser,
  type Repository,
  type Role,
  type UserRow,
  unservablePage,
  unstorable,
} from "../contract.ts";
import { DatabaseUnavailableError } from "../errors.ts";
import type { SqliteConnection } from "./client.ts";
import { createReadBatcher } from "./read-batch.ts";
import { refreshTokenQueries } from "./refresh-tokens.ts";
import { withRetry } from "./retry.ts";
import { items, users } from "./schema.ts";
import { userCacheFor } from "./user-cache.ts";

export interface RepositoryOptions {
  /** Per-call budget for waiting out a locked database, in ms. */
  retryBudgetMs?: number;
  /** `checkWritable` calls the disk full below this many free bytes. Default 4 MiB. */
  minFreeDiskBytes?: number;
}

// About one WAL's growth between two automatic checkpoints (1000 pages of 4 KiB).
const MIN_FREE_DISK_BYTES = 4 * 1024 * 1024;
// A file deleted or replaced needs an operator (restore it, or restart): not worth retrying soon.
const FILE_RETRY_AFTER_SECONDS = 30;

// The probe row of `checkWritable`: at least as large as a real sign-up's, so that if it needs a
// page the database cannot have, so would the sign-up. No validated address has this key.
const PROBE_KEY = `\u0001writable-probe${"x".repeat(240)}`;
const PROBE_HASH = "x".repeat(128);

/** The contract, plus what this adapter's own tests and benchmarks look at. */
export interface SqliteRepository extends Repository {
  /** The user if this process holds their row fresh (user-cache.ts), without waiting. */
  freshUserById(id: number): UserRow | undefined;
  /** How many users this process holds fresh. */
  cachedUserCount(): number;
  /** How the user lookups were batched so far. */
  readBatchStats(): { batches: number; batchedReads: number };
}

export function createRepository(
  {
    db,
    sqlite,
    fileChanged,
    freeDiskBytes,
  }: Pick<SqliteConnection, "db" | "sqlite" | "fileChanged" | "freeDiskBytes">,
  options: RepositoryOptions = {},
): SqliteRepository {
  const budgetMs = options.retryBudgetMs;
  const minFreeDiskBytes = options.minFreeDiskBytes ?? MIN_FREE_DISK_BYTES;
  /** Refuses to write into a file the path no longer names: what it took would vanish at restart. */
  const refuseIfFileChanged = () => {
    const changed = fileChanged();
    if (changed) {
      throw new DatabaseUnavailableError(changed, { retryAfterSeconds: FILE_RETRY_AFTER_SECONDS });
    }
  };
  const read = <T>(fn: () => T) => withRetry(fn, { budgetMs, readOnly: true });
  // The per-request user lookup: served from rows known fresh (user-cache.ts; one cache per
  // connection, shared with any other repository on it), otherwise batched per turn of the
  // event loop (read-batch.ts).
  const cachedUsers = userCacheFor(sqlite);
  const batched = createReadBatcher(sqlite, budgetMs);
  // Each attempt drops the cached users as soon as it ends, committed or not, so this process's
  // own changes are seen within the same turn. The file is checked before each attempt (nothing
  // goes into a file that is gone) and after it: a write is acknowledged only if, once
  // committed, its file was still the one the path names. A stat is cheap next to a commit.
  const write = <T>(fn: () => T) =>
    withRetry(
      () => {
        refuseIfFileChanged();
        try {
          const value = fn();
          refuseIfFileChanged();
          return value;
        } finally {
          cachedUsers.clear();
        }
      },
      { budgetMs },
    );

  // Prepared once: otherwise drizzle rebuilds the SQL string on every call.
  // The lookup behind every authenticated request whose user is not held yet goes straight to
  // bun:sqlite, without drizzle's row mapping (docs/decisions.md, "Performance"). The column
  // list is drizzle's own, aliased to the UserRow field names, so the row has the same shape.
  const userById = sqlite.prepare<UserRow, [number]>(
    `SELECT ${Object.entries(getTableColumns(users))
      .map(([field, column]) => `"${column.name}" AS "${field}"`)
      .join(", ")} FROM "users" WHERE "id" = ?`,
  );
  const userByEmailKey = db
    .select()
    .from(users)
    .where(eq(users.emailKey, sql.placeholder("emailKey")))
    .prepare();
  const itemsByOwner = db
    .select()
    .from(items)
    .where(eq(items.ownerId, sql.placeholder("ownerId")))
    .orderBy(asc(items.id))
    .prepare();
  const probeWrite = sqlite.prepare<unknown, [string, string]>(
    "INSERT INTO users (email, email_key, password_hash) VALUES (?1, ?1, ?2)",
  );

  return {
    ...refreshTokenQueries(db, write),

    freshUserById: (id: number): UserRow | undefined => cachedUsers.get(id),

    findUserById: (id: number): Promise<UserRow | undefined> => {
      const known = cachedUsers.get(id);
      if (known) return Promise.resolve(known);
      return batched.read(() => {
        const row = userById.get(id);
        if (!row) return undefined;
        cachedUsers.remember(id, row);
        return row;
      });
    },

    cachedUserCount: () => cachedUsers.size,
    readBatchStats: batched.stats,

    findUserByEmail: (email: string): Promise<UserRow | undefined> =>
      isStorableText(email)
        ? read(() => userByEmailKey.get({ emailKey: emailKey(email) }))
        : Promise.resolve(undefined),

    insertUser: ({
      email,
      passwordHash,
      name = null,
      role = "user",
    }: NewUser): Promise<UserRow> => {
      const refused = unstorable({ email, passwordHash, name });
      if (refused) return Promise.reject(refused);
      return write(() =>
        db
          .insert(users)
          .values({ email, emailKey: emailKey(email), passwordHash, name, role })
          .returning()
          .get(),
      );
    },

    deleteUser: (id: number): Promise<boolean> =>
      write(
        () =>
          db.delete(users).where(eq(users.id, id)).returning({ id: users.id }).get() !== undefined,
      ),

    updateUserRole: (id: number, role: Role): Promise<UserRow | undefined> =>
      write(() => db.update(users).set({ role }).where(eq(users.id, id)).returning().get()),

    // Typed by the contract, as every method here.
    listUsers: ({ limit, offset }) => {
      const refused = unservablePage({ limit, offset });
      if (refused) return Promise.reject(refused);
      // One read transaction so the page and the total come from the same snapshot.
      return read(() =>
        db.transaction((tx) => ({
          rows: tx.select().from(users).orderBy(asc(users.id)).limit(limit).offset(offset).all(),
          count: tx.select({ n: count() }).from(users).get()?.n ?? 0,
        })),
      );
    },

    insertItem: (ownerId: number, title: string): Promise<ItemRow> => {
      const refused = unstorable({ title });
      if (refused) return Promise.reject(refused);
      return write(() => db.insert(items).values({ ownerId, title }).returning().get());
    },

    listItems: (ownerId: number): Promise<ItemRow[]> => read(() => itemsByOwner.all({ ownerId })),

    /**
     * Reads the schema table rather than `SELECT 1`: once the schema is loaded SQLite answers
     * `SELECT 1` without touching the file, so it would not notice a file it cannot read.
     */
    ping: async (): Promise<void> => {
      await read(() => sqlite.query("SELECT count(*) FROM sqlite_schema").get());
    },

    /**
     * Takes the write lock and inserts a sign-up-sized row, then rolls back: a lock held
     * elsewhere, a page limit reached, a read-only or failing file fail here as a write would.
     * A full disk does not (nothing reaches the disk before a commit), hence the free-space check.
     */
    checkWritable: async (): Promise<void> => {
      await withRetry(
        () => {
          refuseIfFileChanged();
          sqlite.exec("BEGIN IMMEDIATE");
          try {
            probeWrite.run(PROBE_KEY, PROBE_HASH);
          } finally {
            // SQLITE_FULL (among others) has already rolled the transaction back.
            if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
          }
        },
        { budgetMs },
      );
      if (freeDiskBytes() < minFreeDiskBytes) throw new DatabaseUnavailableError("full");
    },
  };
}
