import { describe, expect, test } from "bun:test";
import { renameSync, rmSync } from "node:fs";
import { engineUnderTest } from "@statuslab/db/testing";
import { expectNotReady, expectReady } from "../../../test/health-assertions.ts";
import { expectJson, expectProblem } from "../../../test/problem-assertions.ts";
import { freshTestDatabase, makeApp, type Sent, testConfig } from "../../../test/support.ts";

// How long a call waits for another session's lock (DATABASE_LOCK_TIMEOUT_MS), lowered so
// the suite does not wait out the default second each time.
const LOCK_TIMEOUT_MS = 500;

type Api = Awaited<ReturnType<typeof makeApp>>["api"];

const signUp = (api: Api, email: string) =>
  api.send("POST", "/users/", { json: { email, password: "password-123" } });

function expectUnavailable(sent: Sent) {
  expectProblem(sent, 503, "Database unavailable");
  expect(sent.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
  // A fixed message: nothing of the engine's own text, SQL, a path or a host.
  expect(sent.text).not.toMatch(
    /SQLITE|postgres|locked|lock timeout|relation|127\.0\.0\.1|\/tmp\//i,
  );
}

async function emails(api: Api) {
  const list = await api.get("/admin/users?limit=100", await api.adminToken());
  expect(list.status).toBe(200);
  return list.body.data.map((u: { email: string }) => u.email);
}

// A pool as large as the default, so that ten requests waiting at once each have a connection.
const lockedApp = () =>
  makeApp({ database: { ...testConfig().database, lockTimeoutMs: LOCK_TIMEOUT_MS, poolMax: 10 } });

describe("another session holding the write lock (a long write, a backup)", () => {
  test("sign-up answers 503 with Retry-After, never 500; after the lock it works and nothing is lost", async () => {
    const { api, logs, testDatabase } = await lockedApp();
    const before = await api.register("before@example.com");
    const lock = await testDatabase.lock("writes");

    const started = performance.now();
    const pending = signUp(api, "during@example.com");
    // While the sign-up waits for the lock, other requests are still answered promptly.
    await Bun.sleep(50);
    const rootStarted = performance.now();
    const root = await api.get("/");
    expect(performance.now() - rootStarted).toBeLessThan(200);
    expectJson(root, 200);
    // A writer does not block readers: authenticated reads still work. The API is not ready,
    // though: writes would fail, so /health says so, and the process is alive.
    expectJson(await api.get("/users/me", before.token), 200);
    expectNotReady(await api.get("/health"), { database: "down", reason: "database: busy" });
    expectJson(await api.get("/health/live"), 200);

    const locked = await pending;
    const waited = performance.now() - started;
    expectUnavailable(locked);
    expect(waited).toBeGreaterThanOrEqual(LOCK_TIMEOUT_MS - 50);
    expect(waited).toBeLessThan(LOCK_TIMEOUT_MS + 1500);
    expect(logs.some((line) => line.includes('"database unavailable"'))).toBe(true);
    expect(logs.some((line) => line.includes('"level":"error"'))).toBe(false);

    // Other writes fail the same way, each with a 503.
    const item = await api.send("POST", "/users/me/items", {
      token: before.token,
      json: { title: "while locked" },
    });
    expectUnavailable(item);

    await lock.release();
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
    const { api, testDatabase } = await lockedApp();
    await testDatabase.lock("writes");
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const sent = await signUp(api, "waiting@example.com");
    clearInterval(timer);
    expectUnavailable(sent);
    // A loop frozen inside the driver would leave the 10 ms timer a turn or two.
    expect(ticks).toBeGreaterThanOrEqual(LOCK_TIMEOUT_MS / 10 / 3);
  });

  test("several sign-ups waiting at once all get 503 within about one lock timeout", async () => {
    const { api, testDatabase } = await lockedApp();
    await testDatabase.lock("writes");
    const started = performance.now();
    const all = await Promise.all(
      Array.from({ length: 10 }, (_, i) => signUp(api, `many${i}@example.com`)),
    );
    for (const sent of all) expectUnavailable(sent);
    expect(performance.now() - started).toBeLessThan(LOCK_TIMEOUT_MS + 2000);
  });

  test("/health answers 503 within about the lock timeout while /health/live answers at once; 200 once released", async () => {
    const { api, testDatabase } = await lockedApp();
    const lock = await testDatabase.lock("writes");
    const started = performance.now();
    const health = api.get("/health");
    expectJson(await api.get("/health/live"), 200);
    const sent = await health;
    expectNotReady(sent, { database: "down", reason: "database: busy" });
    expect(performance.now() - started).toBeLessThan(LOCK_TIMEOUT_MS + 1500);
    await lock.release();
    expectReady(await api.get("/health"));
  });

  test("a sign-up waiting when the lock is released succeeds", async () => {
    const { api, testDatabase } = await makeApp();
    const lock = await testDatabase.lock("writes");
    setTimeout(() => void lock.release(), 200);
    const sent = await signUp(api, "patient@example.com");
    expect(sent.status).toBe(201);
  });
});

describe("another session locking readers out too (LOCK TABLE … ACCESS EXCLUSIVE, a migration)", () => {
  test("/health, authenticated routes and login answer 503 with Retry-After within a bounded time, 200 after", async () => {
    const { api, testDatabase } = await lockedApp();
    const user = await api.register("reader@example.com");
    const lock = await testDatabase.lock("everything");

    const started = performance.now();
    const health = api.get("/health");
    const pending = Promise.all([
      // Authentication reads the user, so protected routes are unavailable too (not 401).
      api.get("/users/me", user.token),
      api.login("reader@example.com", "password-123"),
      signUp(api, "blocked@example.com"),
    ]);
    await Bun.sleep(50);
    const rootStarted = performance.now();
    expectJson(await api.get("/"), 200);
    expect(performance.now() - rootStarted).toBeLessThan(200);
    for (const sent of await pending) expectUnavailable(sent);
    expectNotReady(await health, { database: "down", reason: "database: busy" });
    expect(performance.now() - started).toBeLessThan(LOCK_TIMEOUT_MS + 2000);

    await lock.release();
    expectReady(await api.get("/health"));
    expectJson(await api.get("/users/me", user.token), 200);
    expect((await signUp(api, "blocked@example.com")).status).toBe(201);
    expect(await emails(api)).toEqual([
      "admin@example.com",
      "reader@example.com",
      "blocked@example.com",
    ]);
  });
});

if (engineUnderTest() === "sqlite") {
  describe("SQLite: a full disk (PRAGMA max_page_count)", () => {
    test("sign-up answers 503, reads keep working; with room again it works and nothing is lost", async () => {
      const { api, testDatabase } = await makeApp();
      const kept = await api.register("kept@example.com");
      const full = await testDatabase.fill?.();
      if (!full) throw new Error("the SQLite test database can fill up");

      const started = performance.now();
      expectUnavailable(await signUp(api, "zz-new@example.com"));
      // A full disk is not worth waiting out.
      expect(performance.now() - started).toBeLessThan(500);
      expectUnavailable(await signUp(api, "zz-new@example.com"));
      // Reads need no new pages; the API is not ready, though, as a sign-up would fail.
      expectJson(await api.get("/users/me", kept.token), 200);
      expectNotReady(await api.get("/health"), { database: "down", reason: "database: full" });
      expect((await api.login("kept@example.com", "password-123")).status).toBe(200);

      await full.release();
      expectReady(await api.get("/health"));
      const after = await signUp(api, "zz-new@example.com");
      expect(after.status).toBe(201);
      const all = await emails(api);
      expect(all).toHaveLength(3 + full.fillers);
      expect(all.slice(0, 2)).toEqual(["admin@example.com", "kept@example.com"]);
      expect(all.at(-1)).toBe("zz-new@example.com");
      expect((await api.login("zz-new@example.com", "password-123")).status).toBe(200);
    });
  });
}

if (engineUnderTest() === "sqlite") {
  describe("SQLite: the database file deleted or moved under the running API", () => {
    test("rm app.db app.db-wal app.db-shm: sign-ups 503, /health 503; nothing acknowledged is missing after a restart", async () => {
      const testDatabase = await freshTestDatabase();
      const first = await makeApp({}, { testDatabase });
      await first.api.register("before@example.com");
      for (const suffix of ["", "-wal", "-shm"]) rmSync(testDatabase.url + suffix, { force: true });

      const sent = new Map<string, Sent>();
      for (const email of ["one@example.com", "two@example.com", "three@example.com"]) {
        sent.set(email, await signUp(first.api, email));
      }
      const health = await first.api.get("/health");
      expectJson(await first.api.get("/health/live"), 200);

      // A restart opens whatever the path names now: a new, empty database.
      await first.close();
      const restarted = await makeApp({}, { testDatabase });
      const stored = await emails(restarted.api);
      for (const [email, answer] of sent) {
        if (answer.status === 201) expect(stored, `${email} was acknowledged`).toContain(email);
        expectUnavailable(answer);
      }
      expectNotReady(health, { database: "down", reason: "database: file-missing" });
      expectReady(await restarted.api.get("/health"));
    });

    test("moved away and back: 503 while away, 201 once the same file is back, no restart", async () => {
      const { api, testDatabase } = await makeApp();
      renameSync(testDatabase.url, `${testDatabase.url}.away`);
      expectUnavailable(await signUp(api, "away@example.com"));
      expectNotReady(await api.get("/health"), {
        database: "down",
        reason: "database: file-missing",
      });
      renameSync(`${testDatabase.url}.away`, testDatabase.url);
      expectReady(await api.get("/health"));
      expect((await signUp(api, "away@example.com")).status).toBe(201);
      expect(await emails(api)).toEqual(["admin@example.com", "away@example.com"]);
    });
  });
}

if (engineUnderTest() === "postgres") {
  describe("PostgreSQL: the server unreachable mid-run", () => {
    test("503 with Retry-After and /health 503 while it is away; back to 200 without a restart, nothing lost", async () => {
      const testDatabase = await freshTestDatabase({ proxy: true });
      const { api } = await makeApp({}, { testDatabase });
      const network = testDatabase.network;
      if (!network) throw new Error("a proxied PostgreSQL test database has a network");
      const user = await api.register("steady@example.com");

      network.down();
      const started = performance.now();
      expectNotReady(await api.get("/health"), {
        database: "down",
        reason: "database: unreachable",
      });
      for (const sent of [
        await api.get("/users/me", user.token),
        await signUp(api, "away@example.com"),
        await api.login("steady@example.com", "password-123"),
      ]) {
        expectUnavailable(sent);
      }
      // Each answer is prompt: a refused connection is not waited out.
      expect(performance.now() - started).toBeLessThan(10_000);
      expectJson(await api.get("/"), 200);

      network.up();
      expectReady(await api.get("/health"));
      expectJson(await api.get("/users/me", user.token), 200);
      expect((await signUp(api, "away@example.com")).status).toBe(201);
      expect(await emails(api)).toEqual([
        "admin@example.com",
        "steady@example.com",
        "away@example.com",
      ]);
    });
  });
}
