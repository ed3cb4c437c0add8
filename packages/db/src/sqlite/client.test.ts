import { Database } from "bun:sqlite";
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseUnavailableError } from "../errors.ts";
import { openConnection } from "./client.ts";
import { createRepository } from "./repository.ts";
import { tempDir } from "./test-support.ts";

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.remove());

function tableNames(sqlite: Database) {
  return sqlite
    .query<{ name: string }, []>(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all()
    .map((r) => r.name);
}

describe("openConnection", () => {
  test("creates missing directories and migrates a fresh file", () => {
    const file = tmp.path("nested", "deeper", "app.db");
    const handle = openConnection(file);
    expect(tableNames(handle.sqlite)).toEqual([
      "__drizzle_migrations",
      "items",
      "refresh_tokens",
      "users",
    ]);
    handle.close();
    expect(existsSync(file)).toBe(true);
  });

  test("reopening keeps data and applies nothing twice", async () => {
    const file = tmp.path("app.db");
    const first = openConnection(file);
    await createRepository(first).insertUser({ email: "a@x.io", passwordHash: "h" });
    first.close();

    const second = openConnection(file);
    const migrations = second.sqlite.query("SELECT count(*) AS n FROM __drizzle_migrations").get();
    expect(migrations).toEqual({ n: 1 });
    expect(await createRepository(second).findUserByEmail("a@x.io")).toBeDefined();
    second.close();
  });

  test("files use WAL, foreign keys and a short busy timeout", () => {
    const handle = openConnection(tmp.path("app.db"), { busyTimeoutMs: 35 });
    const pragma = (name: string) =>
      Object.values(handle.sqlite.query(`PRAGMA ${name}`).get() ?? {})[0];
    expect(pragma("journal_mode")).toBe("wal");
    expect(pragma("foreign_keys")).toBe(1);
    expect(pragma("synchronous")).toBe(1); // NORMAL
    expect(pragma("busy_timeout")).toBe(35);
    handle.close();
  });

  test("the busy timeout defaults to 20 ms", () => {
    const handle = openConnection(tmp.path("app.db"));
    expect(handle.sqlite.query("PRAGMA busy_timeout").get()).toEqual({ timeout: 20 });
    handle.close();
  });

  test(":memory: works, with foreign keys on", () => {
    const handle = openConnection(":memory:");
    expect(tableNames(handle.sqlite)).toContain("users");
    expect(handle.sqlite.query("PRAGMA foreign_keys").get()).toEqual({ foreign_keys: 1 });
    handle.close();
  });

  test("migrations resolve relative to the module, not the working directory", async () => {
    const script = `
      import { openConnection } from ${JSON.stringify(`${import.meta.dir}/client.ts`)};
      const handle = openConnection(${JSON.stringify(tmp.path("cwd.db"))});
      handle.close();
    `;
    const child = Bun.spawn([process.execPath, "-e", script], { cwd: tmp.dir, stderr: "pipe" });
    expect(await child.exited).toBe(0);
    const check = new Database(tmp.path("cwd.db"));
    expect(tableNames(check)).toContain("users");
    check.close();
  });

  test("processes opening one fresh file at the same moment all succeed", async () => {
    // Two ways a loser of this race used to fail: SQLite skips the busy handler when several
    // connections switch a fresh file to WAL at once (SQLITE_BUSY), and drizzle decides what to
    // apply before it takes the write lock ("table already exists"). Each hit ~1 run in 10 here.
    const file = tmp.path("race.db");
    const startAt = Date.now() + 500;
    const script = `
      import { openConnection } from ${JSON.stringify(`${import.meta.dir}/client.ts`)};
      while (Date.now() < ${startAt}) {}
      openConnection(${JSON.stringify(file)}).close();
    `;
    const children = Array.from({ length: 8 }, () =>
      Bun.spawn([process.execPath, "-e", script], { stderr: "pipe" }),
    );
    const codes = await Promise.all(children.map((c) => c.exited));
    const errors = await Promise.all(children.map((c) => new Response(c.stderr).text()));
    expect({ codes, errors: errors.filter(Boolean) }).toEqual({
      codes: children.map(() => 0),
      errors: [],
    });
    const check = new Database(file);
    expect(check.query("SELECT count(*) AS n FROM __drizzle_migrations").get()).toEqual({ n: 1 });
    check.close();
  });

  test("an unopenable path is DatabaseUnavailableError without the path in its message", () => {
    const error = (() => {
      try {
        openConnection(tmp.dir); // a directory
      } catch (err) {
        return err as DatabaseUnavailableError;
      }
    })();
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error?.reason).toBe("cantopen");
    expect(error?.message).not.toContain(tmp.dir);
  });
});

describe("later migrations", () => {
  /** The package's migrations plus one more, as drizzle-kit would lay it out. */
  function migrationsWith(tag: string, statements: string[]) {
    const folder = tmp.path("migrations");
    cpSync(join(import.meta.dir, "..", "..", "drizzle", "sqlite"), folder, { recursive: true });
    const journalPath = join(folder, "meta", "_journal.json");
    const journal = JSON.parse(readFileSync(journalPath, "utf8"));
    const last = journal.entries.at(-1);
    journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1, tag });
    writeFileSync(journalPath, JSON.stringify(journal));
    writeFileSync(join(folder, `${tag}.sql`), statements.join("\n--> statement-breakpoint\n"));
    return folder;
  }

  test("a drizzle-kit table rebuild does not cascade-delete child rows", async () => {
    const file = tmp.path("app.db");
    const first = openConnection(file);
    const repo = createRepository(first);
    const user = await repo.insertUser({ email: "a@x.io", passwordHash: "h" });
    await repo.insertItem(user.id, "survives");
    first.close();

    // The shape drizzle-kit generates for a change SQLite cannot ALTER in place.
    const migrationsFolder = migrationsWith("0001_rebuild_users", [
      "PRAGMA foreign_keys=OFF;",
      "CREATE TABLE `__new_users` (`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL, `email` text NOT NULL, `email_key` text NOT NULL, `password_hash` text NOT NULL, `role` text DEFAULT 'user' NOT NULL, `name` text, `created_at` integer NOT NULL, `bio` text);",
      "INSERT INTO `__new_users`(`id`, `email`, `email_key`, `password_hash`, `role`, `name`, `created_at`) SELECT `id`, `email`, `email_key`, `password_hash`, `role`, `name`, `created_at` FROM `users`;",
      "DROP TABLE `users`;",
      "ALTER TABLE `__new_users` RENAME TO `users`;",
      "PRAGMA foreign_keys=ON;",
    ]);
    const second = openConnection(file, { migrationsFolder });
    expect(second.sqlite.query("SELECT title FROM items").all()).toEqual([{ title: "survives" }]);
    expect(second.sqlite.query("PRAGMA foreign_keys").get()).toEqual({ foreign_keys: 1 });
    second.close();
  });

  test("a migration that breaks a foreign key fails the open", () => {
    openConnection(tmp.path("app.db")).close();
    const migrationsFolder = migrationsWith("0001_orphan", [
      "INSERT INTO `items` (`owner_id`, `title`) VALUES (999, 'orphan');",
    ]);
    expect(() => openConnection(tmp.path("app.db"), { migrationsFolder })).toThrow(
      "violate foreign keys",
    );
  });
});

describe("close", () => {
  test("is idempotent and leaves a single checkpointed file", () => {
    const file = tmp.path("app.db");
    const handle = openConnection(file);
    handle.close();
    handle.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(existsSync(`${file}-shm`)).toBe(false);
  });

  test("really closes despite drizzle's prepared statements", async () => {
    const file = tmp.path("app.db");
    const handle = openConnection(file);
    const repo = createRepository(handle);
    await repo.findUserById(1);
    handle.close();
    // A lingering connection would still hold its shared lock and refuse this.
    const other = new Database(file);
    other.exec("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;");
    other.close();
  });

  test("calls after close fail as DatabaseUnavailableError(closed)", async () => {
    const handle = openConnection(tmp.path("app.db"));
    const repo = createRepository(handle);
    handle.close();
    for (const call of [
      () => repo.findUserById(1),
      () => repo.insertUser({ email: "a@x.io", passwordHash: "h" }),
      () => repo.ping(),
    ]) {
      const error = await call().catch((e) => e);
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      expect(error.reason).toBe("closed");
    }
  });
});
