import { Database } from "bun:sqlite";
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DatabaseHandle, openDatabase } from "@statuslab/db";
import { expectJson, expectProblem } from "../../../test/problem-assertions.ts";
import { makeApp, type Sent } from "../../../test/support.ts";

// The repository's default budget for waiting out a lock (packages/db/src/retry.ts).
const RETRY_BUDGET_MS = 1000;

let dir: string;
let file: string;
let database: DatabaseHandle;
const others: Database[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "statuslab-outage-"));
  file = join(dir, "app.db");
  database = openDatabase(file);
});
afterEach(() => {
  for (const other of others.splice(0)) other.close();
  database.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Another connection on the same file, as another process would have. */
function connect() {
  const other = new Database(file);
  others.push(other);
  return other;
}

const signUp = (api: Awaited<ReturnType<typeof makeApp>>["api"], email: string) =>
  api.send("POST", "/users/", { json: { email, password: "password-123" } });

function expectUnavailable(sent: Sent) {
  expectProblem(sent, 503, "Database unavailable");
  expect(sent.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
  // A fixed message: nothing of SQLite's own text, SQL or the file's path.
  expect(sent.text).not.toContain("SQLITE");
  expect(sent.text).not.toContain("locked");
  expect(sent.text).not.toContain(dir);
}

async function emails(api: Awaited<ReturnType<typeof makeApp>>["api"]) {
  const list = await api.get("/admin/users?limit=100", await api.adminToken());
  expect(list.status).toBe(200);
  return list.body.data.map((u: { email: string }) => u.email);
}

describe("the write lock held by another connection (BEGIN EXCLUSIVE)", () => {
  test("sign-up answers 503 with Retry-After, never 500; after COMMIT it works and nothing is lost", async () => {
    const { api, logs } = await makeApp({}, { database });
    const before = await api.register("before@example.com");
    const other = connect();
    other.exec("BEGIN EXCLUSIVE");

    const started = performance.now();
    const pending = signUp(api, "during@example.com");
    // While the sign-up waits for the lock, other requests are still answered promptly.
    await Bun.sleep(50);
    const rootStarted = performance.now();
    const root = await api.get("/");
    expect(performance.now() - rootStarted).toBeLessThan(200);
    expectJson(root, 200);
    // In WAL mode a writer does not block readers: /health and authenticated reads still work.
    expectJson(await api.get("/health"), 200);
    expectJson(await api.get("/users/me", before.token), 200);

    const locked = await pending;
    const waited = performance.now() - started;
    expectUnavailable(locked);
    expect(waited).toBeGreaterThanOrEqual(RETRY_BUDGET_MS - 50);
    expect(waited).toBeLessThan(RETRY_BUDGET_MS + 1000);
    expect(logs.some((line) => line.includes('"database unavailable"'))).toBe(true);
    expect(logs.some((line) => line.includes('"level":"error"'))).toBe(false);

    // Other writes fail the same way, each with a 503.
    const item = await api.send("POST", "/users/me/items", {
      token: before.token,
      json: { title: "while locked" },
    });
    expectUnavailable(item);

    other.exec("COMMIT");
    const after = await signUp(api, "during@example.com");
    expect(after.status).toBe(201);
    expect(await emails(api)).toEqual([
      "admin@example.com",
      "before@example.com",
      "during@example.com",
    ]);
    expect((await api.get("/users/me/items", before.token)).body.items).toEqual([]);
  });

  test("the event loop keeps turning while a request waits for the lock", async () => {
    const { api } = await makeApp({}, { database });
    connect().exec("BEGIN EXCLUSIVE");
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const sent = await signUp(api, "waiting@example.com");
    clearInterval(timer);
    expectUnavailable(sent);
    // A loop frozen inside SQLite would leave the 10 ms timer a turn or two.
    expect(ticks).toBeGreaterThanOrEqual(20);
  });

  test("several sign-ups waiting at once all get 503 within about one budget", async () => {
    const { api } = await makeApp({}, { database });
    connect().exec("BEGIN EXCLUSIVE");
    const started = performance.now();
    const all = await Promise.all(
      Array.from({ length: 10 }, (_, i) => signUp(api, `many${i}@example.com`)),
    );
    for (const sent of all) expectUnavailable(sent);
    expect(performance.now() - started).toBeLessThan(RETRY_BUDGET_MS + 1500);
  });

  test("a sign-up waiting when the lock is released succeeds", async () => {
    const { api } = await makeApp({}, { database });
    const other = connect();
    other.exec("BEGIN EXCLUSIVE");
    setTimeout(() => other.exec("COMMIT"), 200);
    const sent = await signUp(api, "patient@example.com");
    expect(sent.status).toBe(201);
  });
});

describe("a full disk (PRAGMA max_page_count)", () => {
  test("sign-up answers 503, reads keep working; with room again it works and nothing is lost", async () => {
    const { api } = await makeApp({}, { database });
    const kept = await api.register("kept@example.com");
    const pages = database.sqlite.query<{ page_count: number }, []>("PRAGMA page_count").get();
    database.sqlite.exec(`PRAGMA max_page_count = ${pages?.page_count}`);

    // Use up the room left in the existing pages with rows no bigger than a real sign-up's,
    // whose keys sort before it: the sign-up then needs a page that cannot be had.
    let fillers = 0;
    for (; fillers < 10_000; fillers++) {
      try {
        database.sqlite
          .query("INSERT INTO users (email, email_key, password_hash) VALUES (?1, ?1, 'h')")
          .run(`f${fillers}@x.io`);
      } catch (error) {
        expect((error as { code?: string }).code).toBe("SQLITE_FULL");
        break;
      }
    }
    expect(fillers).toBeLessThan(10_000);

    const started = performance.now();
    const full = await signUp(api, "zz-new@example.com");
    expectUnavailable(full);
    // A full disk is not worth waiting out.
    expect(performance.now() - started).toBeLessThan(500);
    expectUnavailable(await signUp(api, "zz-new@example.com"));
    // Reads need no new pages.
    expectJson(await api.get("/health"), 200);
    expectJson(await api.get("/users/me", kept.token), 200);
    expect((await api.login("kept@example.com", "password-123")).status).toBe(200);

    database.sqlite.exec("PRAGMA max_page_count = 1073741823");
    const after = await signUp(api, "zz-new@example.com");
    expect(after.status).toBe(201);
    const all = await emails(api);
    expect(all).toHaveLength(3 + fillers);
    expect(all.slice(0, 2)).toEqual(["admin@example.com", "kept@example.com"]);
    expect(all.at(-1)).toBe("zz-new@example.com");
    expect((await api.login("zz-new@example.com", "password-123")).status).toBe(200);
  });
});

describe("reads blocked too", () => {
  // In WAL mode nothing another connection does blocks our readers while our connection is open
  // (packages/db/src/locking.test.ts). A file in rollback-journal mode has no such protection:
  // another connection's EXCLUSIVE lock shuts readers out. Switching the journal mode needs the
  // file to itself, so it happens before anyone else connects.
  function rollbackJournal() {
    const mode = database.sqlite.query("PRAGMA journal_mode = DELETE").get();
    expect(mode).toEqual({ journal_mode: "delete" });
  }

  test("/health answers 503 with Retry-After while another connection holds an exclusive lock, 200 after", async () => {
    const { api } = await makeApp({}, { database });
    const user = await api.register("reader@example.com");
    rollbackJournal();
    const other = connect();
    other.exec("BEGIN EXCLUSIVE");

    const pending = Promise.all([
      api.get("/health"),
      // Authentication reads the user, so protected routes are unavailable too (not 401).
      api.get("/users/me", user.token),
      api.login("reader@example.com", "password-123"),
    ]);
    await Bun.sleep(50);
    const rootStarted = performance.now();
    expectJson(await api.get("/"), 200);
    expect(performance.now() - rootStarted).toBeLessThan(200);
    for (const sent of await pending) expectUnavailable(sent);

    other.exec("COMMIT");
    const health = await api.get("/health");
    expectJson(health, 200);
    expect(health.body).toEqual({ status: "ok", database: "up" });
    expectJson(await api.get("/users/me", user.token), 200);
  });

  test("the same for a connection in locking_mode=EXCLUSIVE that wrote, until it closes", async () => {
    const { api } = await makeApp({}, { database });
    await api.register("reader@example.com");
    rollbackJournal();
    const other = connect();
    other.exec("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;");
    // The lock outlives the transaction in this mode.
    expectUnavailable(await api.get("/health"));
    expectUnavailable(await signUp(api, "blocked@example.com"));

    other.close();
    expectJson(await api.get("/health"), 200);
    expect((await signUp(api, "blocked@example.com")).status).toBe(201);
    expect(await emails(api)).toEqual([
      "admin@example.com",
      "reader@example.com",
      "blocked@example.com",
    ]);
  });
});
