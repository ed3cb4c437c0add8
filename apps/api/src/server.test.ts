/**
 * The real thing: `bun src/index.ts` as a child process, spoken to over HTTP. Every wait
 * is bounded, and every child is killed in afterAll even when a test fails half-way.
 */

import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { poolThreadCpuMillis } from "@statuslab/auth";
import { engineUnderTest, POSTGRES_TEST_URL } from "@statuslab/db/testing";
import {
  ADMIN,
  baseEnv,
  cleanupProcesses,
  SECRET,
  spawn,
  start,
  TEST_TIMEOUT,
  tempDir,
} from "../test/api-process.ts";
import { freshTestDatabase } from "../test/support.ts";

afterAll(cleanupProcesses);

/** A complete configuration on a fresh database of the engine under test, and that database. */
async function configured() {
  const stored = await freshTestDatabase();
  const env = {
    DATABASE_URL: stored.url,
    JWT_SECRET: SECRET,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
  };
  return { env, stored };
}

/** fetch with a deadline, so a hung server fails the test instead of stalling it. */
function call(url: string, init: RequestInit = {}, timeoutMs = 30_000) {
  return fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
}

const signUp = (url: string, email: string, password = "password-123") =>
  call(`${url}/users/`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });

async function waitFor(condition: () => boolean, timeoutMs: number) {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error("condition not met in time");
    await Bun.sleep(2);
  }
}

const logIn = (url: string, username: string, password: string) =>
  call(`${url}/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username, password }),
  });

describe("a real server", () => {
  test(
    "signs up, logs in with the OAuth2 form and answers /users/me over HTTP",
    async () => {
      const cwd = tempDir();
      const server = await start((await configured()).env, cwd);
      try {
        expect(server.url).toMatch(/^http:\/\/[^/]+:\d+$/);
        // The banner's later lines may arrive after the first: wait for them, do not race.
        await server.waitFor(new RegExp(`Swagger UI: ${server.url}/docs`));

        const created = await signUp(server.url, "real@example.com");
        expect(created.status).toBe(201);
        expect(created.headers.get("location")).toMatch(/^\/users\/\d+$/);

        const login = await logIn(server.url, "real@example.com", "password-123");
        expect(login.status).toBe(200);
        expect(login.headers.get("cache-control")).toBe("no-store");
        const { access_token: token, token_type: type } = await login.json();
        expect(type).toBe("bearer");

        const me = await call(`${server.url}/users/me`, {
          headers: { authorization: `Bearer ${token}`, "x-request-id": "real-1" },
        });
        expect(me.status).toBe(200);
        expect(me.headers.get("x-request-id")).toBe("real-1");
        expect(await me.json()).toMatchObject({ email: "real@example.com", role: "user" });

        const admin = await logIn(server.url, ADMIN.email, ADMIN.password);
        expect(admin.status).toBe(200);
        const list = await call(`${server.url}/admin/users`, {
          headers: { authorization: `Bearer ${(await admin.json()).access_token}` },
        });
        expect(list.status).toBe(200);
        expect((await list.json()).count).toBe(2);

        // The access log goes to stdout, one JSON line per request, without the token.
        await Bun.sleep(50);
        const lines = server
          .stdout()
          .split("\n")
          .filter((line) => line.startsWith("{"))
          .map((line) => JSON.parse(line));
        expect(lines.find((line) => line.request_id === "real-1")).toMatchObject({
          method: "GET",
          path: "/users/me",
          status: 200,
        });
        expect(server.stdout()).not.toContain(token);
        expect(server.stdout()).not.toContain("password-123");
      } finally {
        server.process.kill("SIGKILL");
      }
    },
    TEST_TIMEOUT,
  );

  test(
    "/docs and its assets load; HEAD has no body; errors are problem+json",
    async () => {
      const cwd = tempDir();
      const server = await start((await configured()).env, cwd);
      try {
        const page = await call(`${server.url}/docs`);
        expect(page.status).toBe(200);
        const html = await page.text();
        const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? "");
        expect(assets.length).toBeGreaterThanOrEqual(2);
        for (const asset of assets) {
          expect(asset).toStartWith("/docs/assets/");
          const response = await call(new URL(asset, server.url).href);
          expect([asset, response.status]).toEqual([asset, 200]);
          expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(100);
        }
        const spec = await call(`${server.url}/openapi.json`);
        expect((await spec.json()).openapi).toMatch(/^3\./);

        const head = await call(`${server.url}/health`, { method: "HEAD" });
        expect(head.status).toBe(200);
        expect(await head.text()).toBe("");
        const head405 = await call(`${server.url}/token`, { method: "HEAD" });
        expect(head405.status).toBe(405);
        expect(head405.headers.get("allow")).toBe("POST");
        expect(await head405.text()).toBe("");

        const traversal = await call(`${server.url}/docs/assets/..%2F..%2Fpackage.json`);
        expect(traversal.status).toBe(404);
        expect(traversal.headers.get("content-type")).toBe("application/problem+json");

        const wrong = await call(`${server.url}/users/me`, { method: "PUT" });
        expect(wrong.status).toBe(405);
        expect(wrong.headers.get("allow")).toBe("DELETE, GET, HEAD");
      } finally {
        server.process.kill("SIGKILL");
      }
    },
    TEST_TIMEOUT,
  );

  test(
    "bodies over 64 KiB: 413 problem+json with Content-Length and when streamed",
    async () => {
      const cwd = tempDir();
      const server = await start((await configured()).env, cwd);
      try {
        const withLength = await call(`${server.url}/users/`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "x".repeat(65 * 1024),
        });
        expect(withLength.status).toBe(413);
        expect(withLength.headers.get("content-type")).toBe("application/problem+json");
        expect(withLength.headers.get("x-request-id")).toBeTruthy();

        let sent = 0;
        const stream = new ReadableStream<Uint8Array>({
          pull(controller) {
            if (sent >= 512 * 1024) return controller.close();
            sent += 16 * 1024;
            controller.enqueue(new Uint8Array(16 * 1024).fill(0x20));
          },
        });
        const streamed = await call(`${server.url}/users/`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: stream,
        });
        expect(streamed.status).toBe(413);
        expect(streamed.headers.get("content-type")).toBe("application/problem+json");

        // Far past the limit: refused from Content-Length alone, still as problem+json.
        const huge = await call(`${server.url}/users/`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "x".repeat(8 * 1024 * 1024),
        });
        expect(huge.status).toBe(413);
        expect(huge.headers.get("content-type")).toBe("application/problem+json");
        expect(huge.headers.get("x-request-id")).toBeTruthy();

        // Still serving afterwards.
        expect((await call(`${server.url}/health`)).status).toBe(200);
      } finally {
        server.process.kill("SIGKILL");
      }
    },
    TEST_TIMEOUT,
  );

  test(
    "SIGTERM during a sign-up: the sign-up still gets its 201, exit 0, the user is kept",
    async () => {
      const cwd = tempDir();
      const { env, stored } = await configured();
      const server = await start(env, cwd);
      // The body arrives in two parts, so the request is certainly in flight at SIGTERM.
      const body = new TextEncoder().encode(
        JSON.stringify({ email: "inflight@example.com", password: "password-123" }),
      );
      let release: () => void = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const stream = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(body.slice(0, 10));
          await released;
          controller.enqueue(body.slice(10));
          controller.close();
        },
      });
      const pending = call(`${server.url}/users/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: stream,
      });
      await Bun.sleep(100);
      server.process.kill("SIGTERM");
      await server.waitFor(/"msg":"shutting down"/);
      // The listening socket is closed at once: a new connection is refused.
      await Bun.sleep(100);
      const refused = await call(`${server.url}/health`, {}, 2000).then(
        (response) => response.status,
        () => "refused",
      );
      expect(refused).toBe("refused");
      release();

      const response = await pending;
      expect(response.status).toBe(201);
      const { user } = await response.json();
      expect(await server.exited()).toBe(0);
      expect(server.stdout()).toContain('"msg":"stopped"');
      expect(server.stderr()).toBe("");

      const rows = (await stored.rows("users")).filter(
        (row) => row.email === "inflight@example.com",
      );
      expect(rows.map(({ id, email }) => ({ id, email }))).toEqual([
        { id: user.id, email: "inflight@example.com" },
      ]);
    },
    TEST_TIMEOUT,
  );

  test(
    "SIGTERM while argon2id is hashing (whole body sent): 201 and exit 0",
    async () => {
      const cwd = tempDir();
      const { env, stored } = await configured();
      const server = await start(env, cwd);
      const before = poolThreadCpuMillis(server.process.pid);
      const pending = signUp(server.url, "hashing@example.com");
      // Not a guessed sleep: wait until its hash is running on Bun's pool threads, so the
      // request is certainly in flight when SIGTERM arrives, however loaded the machine. The
      // process's total CPU time would not do: its collector and compilers can use 20 ms
      // before the request is even read, and a SIGTERM then finds nothing in flight.
      await waitFor(() => poolThreadCpuMillis(server.process.pid) - before >= 20, 10_000);
      server.process.kill("SIGTERM");
      const response = await pending;
      expect(response.status).toBe(201);
      expect(await server.exited()).toBe(0);
      const rows = await stored.rows("users");
      expect(rows.filter((row) => row.email === "hashing@example.com")).toHaveLength(1);
    },
    TEST_TIMEOUT,
  );

  test(
    "SIGINT on an idle server: exit 0 promptly",
    async () => {
      const cwd = tempDir();
      const server = await start((await configured()).env, cwd);
      // A keep-alive connection left open by a finished request must not hold the exit.
      expect((await call(`${server.url}/health`)).status).toBe(200);
      server.process.kill("SIGINT");
      expect(await server.exited(5000)).toBe(0);
    },
    TEST_TIMEOUT,
  );
});

describe("configuration at start", () => {
  test(
    "no configuration at all: ./data/app.db and ./data/.jwt-secret are made, and kept",
    async () => {
      const cwd = tempDir();
      const first = await start({}, cwd);
      let token: string;
      try {
        await first.waitFor(/generated a JWT secret/i);
        expect(existsSync(join(cwd, "data", "app.db"))).toBe(true);
        const secretFile = join(cwd, "data", ".jwt-secret");
        expect(existsSync(secretFile)).toBe(true);
        expect(statSync(secretFile).mode & 0o777).toBe(0o600);
        expect(first.url).not.toContain(":8000");
        const created = await signUp(first.url, "noconfig@example.com");
        expect(created.status).toBe(201);
        token = (await created.json()).token;
        first.process.kill("SIGTERM");
        expect(await first.exited()).toBe(0);
      } finally {
        first.process.kill("SIGKILL");
      }

      // A second start reuses the secret, so the first run's token is still good.
      const second = await start({}, cwd);
      try {
        await second.waitFor(/using the JWT secret kept/i);
        expect(second.stdout()).not.toMatch(/generated a JWT secret/i);
        const me = await call(`${second.url}/users/me`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(me.status).toBe(200);
      } finally {
        second.process.kill("SIGKILL");
      }
    },
    TEST_TIMEOUT,
  );

  /** Starts with a bad configuration and returns what it printed; it must not listen. */
  async function refused(extra: Record<string, string>, cwd = tempDir()) {
    const child = spawn(baseEnv({ PORT: "0", ...extra }), cwd);
    const code = await child.exited();
    const lines = child
      .stderr()
      .split("\n")
      .filter((line) => line.trim() !== "");
    return { code, lines, stdout: child.stdout(), cwd };
  }

  const expectOneLine = (result: Awaited<ReturnType<typeof refused>>, name: string) => {
    expect(result.code).not.toBe(0);
    expect(result.lines).toHaveLength(1);
    expect(result.lines[0]).toContain(name);
    expect(result.lines.join("\n")).not.toMatch(/^\s+at |\.ts:\d+|Error:|\bBun v/m);
    expect(result.stdout).not.toContain("listening");
  };

  for (const [label, extra] of [
    ["no JWT_SECRET", {}],
    ["an empty JWT_SECRET", { JWT_SECRET: "" }],
    ["a short JWT_SECRET", { JWT_SECRET: "too-short" }],
    ["a 31-byte JWT_SECRET", { JWT_SECRET: "x".repeat(31) }],
  ] as const) {
    test(
      `NODE_ENV=production with ${label}: one line naming JWT_SECRET, no stack, nothing written`,
      async () => {
        const result = await refused({ NODE_ENV: "production", ...extra });
        expectOneLine(result, "JWT_SECRET");
        expect(existsSync(join(result.cwd, "data", ".jwt-secret"))).toBe(false);
      },
      TEST_TIMEOUT,
    );
  }

  test(
    "a database path that cannot be opened: one line naming DATABASE_URL",
    async () => {
      const cwd = tempDir();
      await Bun.write(join(cwd, "file"), "not a folder");
      const result = await refused({
        JWT_SECRET: SECRET,
        DATABASE_URL: join(cwd, "file", "app.db"),
      });
      expectOneLine(result, "DATABASE_URL");
    },
    TEST_TIMEOUT,
  );

  for (const url of [
    "mysql://root:hunter2-secret@127.0.0.1:3306/test",
    "mariadb://root:hunter2-secret@127.0.0.1/test",
    "sqlite://./data/app.db",
    "http://example.com/app.db",
  ]) {
    test(
      `DATABASE_URL=${url.replace("hunter2-secret", "…")}: one line naming DATABASE_URL and what it takes, no password, no file made`,
      async () => {
        const result = await refused({ JWT_SECRET: SECRET, DATABASE_URL: url });
        expectOneLine(result, "DATABASE_URL");
        expect(result.lines[0]).toContain("postgres://");
        expect(result.lines[0]).toContain(":memory:");
        expect(result.lines[0]).not.toContain("hunter2-secret");
        expect(readdirSync(result.cwd)).toEqual([]);
      },
      TEST_TIMEOUT,
    );
  }

  test(
    "PostgreSQL unreachable at start: one line naming DATABASE_URL, the password masked, exit non-zero",
    async () => {
      // A port nothing listens on: taken, then freed.
      const probe = Bun.serve({ port: 0, fetch: () => new Response() });
      const port = probe.port;
      probe.stop(true);
      const result = await refused({
        JWT_SECRET: SECRET,
        DATABASE_URL: `postgres://app:hunter2-secret@127.0.0.1:${port}/app`,
      });
      expectOneLine(result, "DATABASE_URL");
      expect(result.lines[0]).toContain("unreachable");
      expect(result.lines[0]).toContain("postgres://app:***@127.0.0.1");
      expect(result.lines[0]).not.toContain("hunter2-secret");
    },
    TEST_TIMEOUT,
  );

  if (engineUnderTest() === "postgres") {
    test(
      "on PostgreSQL the banner names the engine and masks the password; nothing prints it",
      async () => {
        const cwd = tempDir();
        const { env } = await configured();
        // Trust authentication ignores the password, so the server starts with it in the URL.
        const url = new URL(env.DATABASE_URL);
        url.password = "hunter2-secret";
        const server = await start({ ...env, DATABASE_URL: url.toString() }, cwd);
        try {
          url.password = "***";
          // The banner is several writes: the line may arrive after "listening on".
          const [line] = await server.waitFor(/^Database: .*$/m);
          expect(line).toBe(`Database: PostgreSQL ${url.toString()}`);
          expect((await call(`${server.url}/health`)).status).toBe(200);
          expect(server.stdout() + server.stderr()).not.toContain("hunter2-secret");
        } finally {
          server.process.kill("SIGKILL");
        }
      },
      TEST_TIMEOUT,
    );

    test(
      "PostgreSQL refusing (no such database, unknown user): one line with the server's reason, exit non-zero",
      async () => {
        const missing = new URL(POSTGRES_TEST_URL);
        missing.pathname = "/statuslab_no_such_db";
        const stranger = new URL(POSTGRES_TEST_URL);
        stranger.username = "statuslab_nobody";
        stranger.password = "hunter2-secret";
        for (const [url, reason] of [
          [missing, /database "statuslab_no_such_db" does not exist/],
          [stranger, /role "statuslab_nobody" does not exist|authentication failed/],
        ] as const) {
          const result = await refused({ JWT_SECRET: SECRET, DATABASE_URL: url.toString() });
          expectOneLine(result, "DATABASE_URL");
          expect(result.lines[0]).toMatch(reason);
          expect(result.lines[0]).not.toContain("hunter2-secret");
        }
      },
      TEST_TIMEOUT,
    );
  }

  test(
    "a port already taken: one line naming PORT",
    async () => {
      const blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, resolve));
      const address = blocker.address();
      const port = typeof address === "object" && address ? address.port : 0;
      try {
        const result = await refused({
          JWT_SECRET: SECRET,
          DATABASE_URL: ":memory:",
          PORT: String(port),
        });
        expectOneLine(result, "PORT");
      } finally {
        blocker.close();
      }
    },
    TEST_TIMEOUT,
  );

  test(
    "a bad PORT: one line naming PORT",
    async () => {
      expectOneLine(await refused({ JWT_SECRET: SECRET, PORT: "http" }), "PORT");
    },
    TEST_TIMEOUT,
  );

  test(
    "production with a good secret starts, and an un-printable JSON value is a 422",
    async () => {
      const cwd = tempDir();
      const server = await start({ NODE_ENV: "production", ...(await configured()).env }, cwd);
      try {
        expect(server.stdout()).not.toMatch(/generated a JWT secret/i);
        expect(existsSync(join(cwd, "data"))).toBe(false);
        // Elysia builds its production validation errors differently: check that path too.
        const sent = await call(`${server.url}/users/`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: '{"email":{"toString":""},"password":"password-123"}',
        });
        expect(sent.status).toBe(422);
        expect(sent.headers.get("content-type")).toBe("application/problem+json");
        expect((await sent.json()).errors).toEqual([
          { path: "/email", message: "Expected string" },
        ]);
        const malformed = await call(`${server.url}/users/`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: '{"email": "a@example.com", "password": 12345678}',
        });
        expect(malformed.status).toBe(422);
        expect(await malformed.text()).not.toContain("12345678");
      } finally {
        server.process.kill("SIGKILL");
      }
    },
    TEST_TIMEOUT,
  );
});
