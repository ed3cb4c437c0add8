import { Database } from "bun:sqlite";
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { DatabaseUnavailableError } from "../errors.ts";
import { openConnection, type SqliteConnection } from "./client.ts";
import { createRepository, type SqliteRepository } from "./repository.ts";
import { tempDir, tickCounter } from "./test-support.ts";

const BUDGET_MS = 200;

let tmp: ReturnType<typeof tempDir>;
let file: string;
let handle: SqliteConnection;
let repo: SqliteRepository;
const others: Database[] = [];

beforeEach(() => {
  tmp = tempDir();
  file = tmp.path("app.db");
  handle = openConnection(file);
  repo = createRepository(handle, { retryBudgetMs: BUDGET_MS });
});
afterEach(() => {
  for (const other of others.splice(0)) other.close();
  handle.close();
  tmp.remove();
});

/** Another connection, as another process would have, holding the write lock. */
function holdWriteLock() {
  const other = new Database(file);
  others.push(other);
  other.exec("BEGIN EXCLUSIVE");
  return other;
}

/** Starts the clock before `run`, whose first attempt is synchronous. */
async function timed<T>(run: () => Promise<T>) {
  const started = performance.now();
  const outcome = await run().then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error }),
  );
  return { ...outcome, ms: performance.now() - started };
}

describe("a write lock held by another connection", () => {
  test("a write gives up after its budget without blocking the event loop", async () => {
    const kept = await repo.insertUser({ email: "kept@x.io", passwordHash: "h" });
    const other = holdWriteLock();

    const ticks = tickCounter(5);
    const { error, ms } = await timed(() =>
      repo.insertUser({ email: "new@x.io", passwordHash: "h" }),
    );
    ticks.stop();

    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect((error as DatabaseUnavailableError).reason).toBe("busy");
    expect(ms).toBeGreaterThanOrEqual(BUDGET_MS - 5);
    // Loose upper bounds: a loaded CI machine is slow, and the bugs these catch are not subtle.
    expect(ms).toBeLessThan(BUDGET_MS * 5);
    // The timer turned while we waited: a wait inside SQLite would block it for the whole budget.
    expect(ticks.ticks).toBeGreaterThanOrEqual(1);

    other.exec("COMMIT");
    const added = await repo.insertUser({ email: "new@x.io", passwordHash: "h" });
    const { rows } = await repo.listUsers({ limit: 10, offset: 0 });
    expect(rows).toEqual([kept, added]);
  });

  test("a write that is waiting succeeds once the lock is released", async () => {
    const other = holdWriteLock();
    setTimeout(() => other.exec("COMMIT"), 100);
    const { value, error, ms } = await timed(() =>
      repo.insertUser({ email: "patient@x.io", passwordHash: "h" }),
    );
    expect(error).toBeUndefined();
    expect(value?.email).toBe("patient@x.io");
    expect(ms).toBeGreaterThanOrEqual(95);
  });

  test("many waiting writes each get their verdict and the loop stays responsive", async () => {
    holdWriteLock();
    const ticks = tickCounter(5);
    const started = performance.now();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 25 }, (_, i) =>
        repo.insertUser({ email: `u${i}@x.io`, passwordHash: "h" }),
      ),
    );
    const ms = performance.now() - started;
    ticks.stop();
    for (const outcome of outcomes) {
      expect(outcome.status).toBe("rejected");
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(DatabaseUnavailableError);
    }
    // 25 independent probers, each blocking 20 ms per attempt, would take several seconds.
    expect(ms).toBeLessThan(BUDGET_MS * 5);
    expect(ticks.ticks).toBeGreaterThanOrEqual(1);
  });

  test("reads are not blocked by it in WAL mode", async () => {
    const user = await repo.insertUser({ email: "a@x.io", passwordHash: "h" });
    const other = holdWriteLock();
    other.exec("INSERT INTO users (email, email_key, password_hash) VALUES ('b', 'b', 'h')");

    // The lock is never released here: a read that waited for it would fail, not return.
    const { value, error } = await timed(() =>
      Promise.all([
        repo.findUserById(user.id),
        repo.listUsers({ limit: 10, offset: 0 }),
        repo.ping(),
      ]),
    );
    expect(error).toBeUndefined();
    // The other connection's uncommitted row is invisible.
    expect(value?.[0]).toEqual(user);
    expect(value?.[1].count).toBe(1);
  });
});

describe("a full disk", () => {
  const big = "x".repeat(20_000); // needs fresh pages, not just free space in existing ones

  test("fails writes as DatabaseUnavailableError(full) and loses nothing", async () => {
    const kept = await repo.insertUser({ email: "kept@x.io", passwordHash: "h" });
    const pages = handle.sqlite.query<{ page_count: number }, []>("PRAGMA page_count").get();
    handle.sqlite.query(`PRAGMA max_page_count = ${pages?.page_count}`).get();

    for (const email of ["big1@x.io", "big2@x.io"]) {
      const error = await repo.insertUser({ email, passwordHash: big }).catch((e) => e);
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      expect(error.reason).toBe("full");
    }
    // A full disk is not worth waiting out: it fails at once.
    const { ms } = await timed(() => repo.insertUser({ email: "big3@x.io", passwordHash: big }));
    expect(ms).toBeLessThan(BUDGET_MS);

    handle.sqlite.query("PRAGMA max_page_count = 1000000").get();
    const added = await repo.insertUser({ email: "big@x.io", passwordHash: big });
    const { rows } = await repo.listUsers({ limit: 10, offset: 0 });
    expect(rows).toEqual([kept, added]);
  });
});

describe("blocking readers (locking_mode=EXCLUSIVE)", () => {
  // In WAL mode a reader is only refused by a connection that holds an EXCLUSIVE lock on the
  // database file, i.e. one in locking_mode=EXCLUSIVE that has written. But every WAL connection
  // keeps a SHARED lock on the file for as long as it is open, so that lock can only be taken
  // while no other connection is open.

  test("cannot be imposed while our connection is open, so reads keep working", async () => {
    const other = new Database(file);
    others.push(other);
    other.exec("PRAGMA locking_mode = EXCLUSIVE");
    expect(() => other.exec("BEGIN EXCLUSIVE")).toThrow("database is locked");
    await expect(repo.ping()).resolves.toBeUndefined();
    await expect(repo.insertUser({ email: "a@x.io", passwordHash: "h" })).resolves.toBeDefined();
  });

  test("taken while we were closed, it refuses reads until released", async () => {
    const kept = await repo.insertUser({ email: "kept@x.io", passwordHash: "h" });
    handle.close();
    const other = new Database(file);
    others.push(other);
    other.exec("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;");

    const reader = new Database(file);
    others.push(reader);
    expect(() => reader.query("SELECT count(*) FROM users").get()).toThrow("database is locked");

    const started = performance.now();
    const error = (() => {
      try {
        openConnection(file, { openBusyTimeoutMs: 50 });
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect((error as DatabaseUnavailableError).reason).toBe("busy");
    expect(performance.now() - started).toBeLessThan(2000);

    other.close();
    handle = openConnection(file);
    repo = createRepository(handle, { retryBudgetMs: BUDGET_MS });
    await expect(repo.ping()).resolves.toBeUndefined();
    expect(await repo.findUserById(kept.id)).toEqual(kept);
  });
});
