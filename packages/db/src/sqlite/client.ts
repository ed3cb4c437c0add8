import { Database, type Statement } from "bun:sqlite";
import { type BigIntStats, mkdirSync, statfsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { type BunSQLiteDatabase, drizzle } from "drizzle-orm/bun-sqlite";
import { migrate } from "drizzle-orm/bun-sqlite/migrator";
import { DatabaseUnavailableError } from "../errors.ts";
import { classifySqliteError } from "./errors.ts";
import * as schema from "./schema.ts";

export interface SqliteOptions {
  /**
   * SQLite's own (blocking) wait for a lock during normal operation. Kept short because
   * bun:sqlite is synchronous: the wait freezes the event loop. withRetry waits asynchronously.
   */
  busyTimeoutMs?: number;
  /** Lock wait while opening and migrating, when nothing is being served yet. */
  openBusyTimeoutMs?: number;
  /** Defaults to this package's `drizzle/` folder; override when bundling moves the code. */
  migrationsFolder?: string;
}

/** The raw connection, for this adapter (and its tests) alone. */
export interface SqliteConnection {
  sqlite: Database;
  db: BunSQLiteDatabase<typeof schema>;
  /**
   * Why the file at the path is no longer the one this connection has open (compared by device
   * and inode with the file opened), or undefined while it is. Always undefined in memory.
   */
  fileChanged(): "file-missing" | "file-replaced" | undefined;
  /** Bytes an unprivileged process may still write on the file's filesystem; Infinity in memory. */
  freeDiskBytes(): number;
  /** Idempotent. */
  close(): void;
}

const MIGRATIONS_FOLDER = join(import.meta.dir, "..", "..", "drizzle", "sqlite");

/** Opens (creating if needed) and migrates the database at `url`, a file path or `:memory:`. */
export function openConnection(url: string, options: SqliteOptions = {}): SqliteConnection {
  const inMemory = url === ":memory:";
  if (!inMemory) {
    try {
      mkdirSync(dirname(url), { recursive: true });
    } catch (err) {
      throw new DatabaseUnavailableError("cantopen", { cause: err });
    }
  }

  let sqlite: Database;
  try {
    sqlite = new Database(url, { create: true, readwrite: true });
  } catch (err) {
    throw asUnavailable(err);
  }
  const finalizeStatements = trackStatements(sqlite);
  const db = drizzle({ client: sqlite, schema });
  let watch: Pick<SqliteConnection, "fileChanged" | "freeDiskBytes"> = IN_MEMORY;

  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    if (!inMemory) {
      try {
        // Leaves a clean single file behind even if another connection keeps the WAL alive.
        sqlite.exec("PRAGMA wal_checkpoint(TRUNCATE)");
      } catch {
        // Best effort: a busy checkpoint only means the WAL is folded in later.
      }
    }
    finalizeStatements();
    sqlite.close();
  };

  try {
    if (!inMemory) watch = fileWatch(resolve(url));
    const openBusyTimeoutMs = Math.trunc(options.openBusyTimeoutMs ?? 5000);
    sqlite.exec(`PRAGMA busy_timeout = ${openBusyTimeoutMs}`);
    sqlite.exec("PRAGMA synchronous = NORMAL");
    untilNotBusy(openBusyTimeoutMs, () => {
      if (!inMemory) sqlite.exec("PRAGMA journal_mode = WAL");
      runMigrations(sqlite, db, options.migrationsFolder ?? MIGRATIONS_FOLDER);
    });
    sqlite.exec("PRAGMA foreign_keys = ON");
    sqlite.exec(`PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 20)}`);
  } catch (err) {
    close();
    throw asUnavailable(err);
  }
  return { sqlite, db, close, ...watch };
}

const IN_MEMORY: Pick<SqliteConnection, "fileChanged" | "freeDiskBytes"> = {
  fileChanged: () => undefined,
  freeDiskBytes: () => Infinity,
};

/**
 * Remembers which file `path` names now, to tell later whether it still does. A file deleted or
 * replaced under an open connection goes on accepting writes (SQLite only notices in rollback
 * journal mode), and they vanish at the next start. Absolute, so a later chdir changes nothing.
 */
function fileWatch(path: string): Pick<SqliteConnection, "fileChanged" | "freeDiskBytes"> {
  const opened = statSync(path, { bigint: true });
  return {
    fileChanged() {
      let now: BigIntStats | undefined;
      try {
        now = statSync(path, { bigint: true, throwIfNoEntry: false });
      } catch {
        // ENOTDIR, EACCES: whatever the path leads to now, it is not our file.
      }
      if (!now) return "file-missing";
      return now.dev === opened.dev && now.ino === opened.ino ? undefined : "file-replaced";
    },
    freeDiskBytes() {
      try {
        const fs = statfsSync(dirname(path));
        return fs.bavail * fs.bsize;
      } catch {
        // Nothing to measure (the folder is gone: `fileChanged` says so); not a full disk.
        return Infinity;
      }
    },
  };
}

/**
 * The busy_timeout alone is not enough while opening: SQLite skips the busy handler where waiting
 * could deadlock, e.g. when several processes switch a fresh file to WAL at once. Nothing is
 * served yet, so a synchronous wait is fine here.
 */
function untilNotBusy(budgetMs: number, fn: () => void) {
  const deadline = performance.now() + budgetMs;
  for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
    try {
      return fn();
    } catch (err) {
      const mapped = classifySqliteError(err);
      const busy = mapped instanceof DatabaseUnavailableError && mapped.reason === "busy";
      if (!busy || performance.now() >= deadline) throw err;
      Bun.sleepSync(delay);
    }
  }
}

function runMigrations(sqlite: Database, db: SqliteConnection["db"], migrationsFolder: string) {
  const before = appliedMigrations(sqlite);
  // Foreign keys stay off while migrating: drizzle-kit rebuilds a table by copy-and-DROP, its own
  // `PRAGMA foreign_keys=OFF` is a no-op inside migrate()'s transaction, and a DROP with foreign
  // keys on cascade-deletes every child row.
  sqlite.exec("PRAGMA foreign_keys = OFF");
  try {
    migrate(db, { migrationsFolder });
  } catch (err) {
    // drizzle reads which migrations are applied before taking the write lock, so a process
    // starting at the same moment may have applied them meanwhile ("table already exists").
    // A second pass sees its bookkeeping and skips them; a real failure fails again.
    if (classifySqliteError(err)) throw err;
    migrate(db, { migrationsFolder });
  }
  // Only after a change: the check scans every reference, too slow for every start.
  if (appliedMigrations(sqlite) !== before && sqlite.query("PRAGMA foreign_key_check").get()) {
    throw new Error("A migration left rows that violate foreign keys");
  }
}

function appliedMigrations(sqlite: Database): number {
  const table = sqlite
    .query("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = '__drizzle_migrations'")
    .get();
  if (!table) return 0;
  return (
    sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM __drizzle_migrations").get()?.n ?? 0
  );
}

/**
 * bun:sqlite's close() leaves the connection alive, holding its file locks and still answering
 * queries, for as long as any statement from prepare() is unfinalized, and drizzle prepares every
 * query that way. Tracking them weakly lets close() finalize them without keeping ad-hoc ones
 * alive.
 */
function trackStatements(sqlite: Database): () => void {
  const live = new Set<WeakRef<Statement>>();
  let sweepAt = 256;
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((...args: Parameters<typeof prepare>) => {
    const statement = prepare(...args);
    live.add(new WeakRef(statement));
    if (live.size >= sweepAt) {
      for (const ref of live) if (!ref.deref()) live.delete(ref);
      sweepAt = Math.max(256, live.size * 2);
    }
    return statement;
  }) as typeof sqlite.prepare;
  return () => {
    for (const ref of live) ref.deref()?.finalize();
    live.clear();
  };
}

function asUnavailable(err: unknown): unknown {
  const mapped = classifySqliteError(err);
  return mapped instanceof DatabaseUnavailableError ? mapped : err;
}
