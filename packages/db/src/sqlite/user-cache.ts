import type { Database } from "bun:sqlite";
import type { UserRow } from "../contract.ts";

export interface UserCacheOptions {
  /** Rows kept at most; the oldest is dropped first. */
  maxEntries?: number;
}

/**
 * The users this process has read, served again only while SQLite says the database has not
 * changed since.
 *
 * Why: every authenticated request reads its caller's row, so that a deleted or demoted user is
 * refused at once. Reading it (a statement step, a new object, a promise settled at the end of
 * the turn) was a large part of `GET /users/me`'s own work (docs/decisions.md, "Performance").
 *
 * Freshness is checked once per turn of the event loop, by the first lookup of the turn:
 * `data_version` moves when any other connection (another API process, the sqlite3 shell)
 * commits, and `total_changes()` counts this connection's own writes, whoever made them. If
 * either moved, every row is dropped. Rows are only ever added after the check they will be
 * judged by, so a row served in a turn is never older than the start of that turn: a change
 * committed anywhere before a request's turn began is seen by that request, as when every
 * lookup read the row. The repository also calls `clear()` after each of its own writes, so
 * they are seen within the same turn.
 */
export function createUserCache(
  sqlite: Pick<Database, "prepare">,
  { maxEntries = 10_000 }: UserCacheOptions = {},
) {
  const rows = new Map<number, UserRow>();
  const stampOf = sqlite.prepare<{ version: number; changes: number }, []>(
    "SELECT data_version AS version, total_changes() AS changes FROM pragma_data_version",
  );
  let version = -1;
  let changes = -1;
  let checkedThisTurn = false;
  const endTurn = () => {
    checkedThisTurn = false;
  };

  /** False when the database cannot say (closed, say): the caller reads the row instead. */
  function fresh(): boolean {
    if (checkedThisTurn) return true;
    try {
      const stamp = stampOf.get();
      if (!stamp) return false;
      if (stamp.version !== version || stamp.changes !== changes) {
        rows.clear();
        version = stamp.version;
        changes = stamp.changes;
      }
    } catch {
      return false;
    }
    checkedThisTurn = true;
    setImmediate(endTurn);
    return true;
  }

  return {
    /** The row if this process holds it and it is fresh; `undefined` means "read it". */
    get(id: number): UserRow | undefined {
      return fresh() ? rows.get(id) : undefined;
    },

    /** Keeps a row just read; call it in the same synchronous block as the read. */
    remember(id: number, row: UserRow): void {
      if (rows.size >= maxEntries && !rows.has(id)) {
        const oldest = rows.keys().next().value;
        if (oldest !== undefined) rows.delete(oldest);
      }
      rows.set(id, row);
    },

    clear(): void {
      rows.clear();
    },

    get size(): number {
      return rows.size;
    },
  };
}

type UserCache = ReturnType<typeof createUserCache>;

const perConnection = new WeakMap<object, UserCache>();

/**
 * The one user cache of a connection. Every repository made on the connection shares it, so a
 * write through any of them clears the rows all of them serve, within the same turn; with a
 * cache each, a second repository would go on serving a row the first had just deleted until
 * the next turn's freshness check.
 */
export function userCacheFor(sqlite: Pick<Database, "prepare">): UserCache {
  let cache = perConnection.get(sqlite);
  if (!cache) {
    cache = createUserCache(sqlite);
    perConnection.set(sqlite, cache);
  }
  return cache;
}
