import { Database as SqliteFile } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "../contract.ts";
import type { OpenOptions } from "../open.ts";
import type { HeldLock, TableName, TestDatabase } from "../testing/index.ts";
import { openSqlite, sqliteConnectionOf } from "./index.ts";

/** A file in a new temporary folder: a second connection (another process) can open it too. */
export function createSqliteTestDatabase(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), "statuslab-db-"));
  const path = join(dir, "app.db");
  const opened: Database[] = [];
  const others: SqliteFile[] = [];
  let dropped = false;

  // Migrated now, so that the file exists and has its tables before anyone looks.
  openSqlite(path).close();

  /** A plain connection of our own, as another process (or the sqlite3 shell) would hold. */
  const connect = () => {
    const other = new SqliteFile(path);
    others.push(other);
    return other;
  };
  const heldBy = (other: SqliteFile): HeldLock => ({
    async release() {
      if (other.inTransaction) other.exec("COMMIT");
      other.close();
    },
  });

  return {
    engine: "sqlite",
    url: path,
    async open(options: OpenOptions = {}) {
      const database = openSqlite(path, { lockTimeoutMs: options.lockTimeoutMs });
      opened.push(database);
      return database;
    },
    async lock(scope) {
      if (scope === "writes") {
        // In WAL mode readers never wait for a writer: only writes are shut out.
        const other = connect();
        other.exec("BEGIN EXCLUSIVE");
        return heldBy(other);
      }
      // Nothing shuts WAL readers out, so the file goes back to a rollback journal first, where
      // an EXCLUSIVE lock does. That takes the file to itself: through a connection already open
      // (the API's), else a new one.
      const own = opened.map((database) => sqliteConnectionOf(database)?.sqlite).find(Boolean);
      const switcher = own ?? connect();
      const mode = switcher.query("PRAGMA journal_mode = DELETE").get() as { journal_mode: string };
      if (mode.journal_mode !== "delete") {
        throw new Error(
          `could not leave WAL mode (another connection is open): ${mode.journal_mode}`,
        );
      }
      const other = connect();
      other.exec("BEGIN EXCLUSIVE");
      return heldBy(other);
    },
    async rows(table: TableName) {
      const reader = connect();
      try {
        return reader.query(`SELECT * FROM "${table}" ORDER BY id`).all() as Record<
          string,
          unknown
        >[];
      } finally {
        reader.close();
        others.splice(others.indexOf(reader), 1);
      }
    },
    async fill() {
      // max_page_count is a setting of each connection: it is lowered on the ones the API uses.
      const own = opened.map((database) => sqliteConnectionOf(database)?.sqlite);
      const connections = own.filter((c): c is SqliteFile => c !== undefined);
      const first = connections[0];
      if (!first) throw new Error("fill() needs a connection opened through open()");
      const pages = first.query("PRAGMA page_count").get() as { page_count: number };
      for (const c of connections) c.exec(`PRAGMA max_page_count = ${pages.page_count}`);
      // Use up the room left in the existing pages with rows no bigger than a real sign-up's,
      // whose keys sort before any real address: the next sign-up then needs a page it cannot have.
      let fillers = 0;
      for (; fillers < 10_000; fillers++) {
        try {
          first
            .query("INSERT INTO users (email, email_key, password_hash) VALUES (?1, ?1, 'h')")
            .run(`f${fillers}@x.io`);
        } catch (error) {
          if ((error as { code?: string }).code !== "SQLITE_FULL") throw error;
          break;
        }
      }
      if (fillers === 10_000) throw new Error("the database never filled up");
      return {
        fillers,
        async release() {
          for (const c of connections) c.exec("PRAGMA max_page_count = 1073741823");
        },
      };
    },
    async dropTable(table: TableName) {
      const other = connect();
      other.exec(`DROP TABLE "${table}"`);
      other.close();
    },
    async drop() {
      if (dropped) return;
      dropped = true;
      for (const other of others.splice(0)) other.close();
      for (const database of opened.splice(0)) await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
