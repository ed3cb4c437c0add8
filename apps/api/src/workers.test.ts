/**
 * Many processes, one truth: API processes sharing one database (a SQLite file, or PostgreSQL:
 * several hosts) and one Redis must behave as one API. Two processes are started on their own ports so each request goes exactly where
 * the test says; then the supervisor (`WORKERS=2`) is checked on one shared port.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { REDIS_URL, requireRedis } from "@statuslab/rate-limiter/testing";
import {
  ADMIN,
  cleanupProcesses,
  SECRET,
  spawn,
  start,
  TEST_TIMEOUT,
  tempDir,
} from "../test/api-process.ts";
import { freshTestDatabase } from "../test/support.ts";

afterAll(cleanupProcesses);

const redisUp = await requireRedis();
const run = `${process.pid}-${Date.now().toString(36)}`;

/** The environment of processes sharing one fresh database of the engine under test. */
async function shared(extra: Record<string, string> = {}) {
  return {
    DATABASE_URL: (await freshTestDatabase()).url,
    JWT_SECRET: SECRET,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    REDIS_URL,
    ...extra,
  };
}

const call = (url: string, init: RequestInit = {}) =>
  fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
const form = (fields: Record<string, string>) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields),
});

describe.skipIf(!redisUp)("two API processes, one database, one Redis", () => {
  test(
    "the rate limit, accounts and refresh tokens are the same wherever a request lands",
    async () => {
      const cwd = tempDir();
      const env = await shared();
      const a = await start(env, cwd);
      const b = await start(env, cwd);
      expect(a.url).not.toBe(b.url);
      const both = [a.url, b.url];

      // Five requests of one client, alternating processes, then the sixth on each: 429.
      const limited = (url: string) => call(`${url}/users/limited?client_id=spread-${run}`);
      for (let i = 0; i < 5; i++) {
        const sent = await limited(both[i % 2] ?? "");
        expect(sent.status).toBe(200);
        expect(sent.headers.get("ratelimit")).toBe(`"default";r=${4 - i};t=60`);
      }
      for (const url of both) {
        const sent = await limited(url);
        expect(sent.status).toBe(429);
        expect(Number(sent.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      }

      // Registered through one, logged in through the other.
      const email = `spread-${run}@example.com`;
      const signUp = await call(`${a.url}/users/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password: "password-123" }),
      });
      expect(signUp.status).toBe(201);
      const login = await call(
        `${b.url}/token`,
        form({ username: email, password: "password-123" }),
      );
      expect(login.status).toBe(200);
      const { refresh_token: first } = await login.json();

      // A refresh token spent in one is spent in the other (and the replay ends the family).
      const rotated = await call(
        `${a.url}/token`,
        form({ grant_type: "refresh_token", refresh_token: first }),
      );
      expect(rotated.status).toBe(200);
      const replay = await call(
        `${b.url}/token`,
        form({ grant_type: "refresh_token", refresh_token: first }),
      );
      expect(replay.status).toBe(401);
      const { refresh_token: second } = await rotated.json();
      const afterReplay = await call(
        `${a.url}/token`,
        form({ grant_type: "refresh_token", refresh_token: second }),
      );
      expect(afterReplay.status).toBe(401);
      expect((await afterReplay.json()).detail).toBe("Refresh token revoked");
    },
    TEST_TIMEOUT,
  );

  test(
    "WORKERS=2 serves one port from two processes and stops both on SIGTERM",
    async () => {
      const cwd = tempDir();
      const server = await start(await shared({ WORKERS: "2" }), cwd);
      expect(server.stdout()).toContain("(2 workers)");
      const children = Bun.spawnSync(["ps", "-o", "pid=", "--ppid", String(server.process.pid)]);
      expect(children.stdout.toString().trim().split(/\s+/)).toHaveLength(2);
      for (let i = 0; i < 6; i++) {
        const sent = await call(`${server.url}/users/limited?client_id=workers-${run}`, {
          headers: { connection: "close" },
        });
        expect(sent.status).toBe(i < 5 ? 200 : 429);
      }
      server.process.kill("SIGTERM");
      expect(await server.exited()).toBe(0);
    },
    TEST_TIMEOUT,
  );
});

test("WORKERS=2 without REDIS_URL refuses to start, in one line naming the fix", async () => {
  const cwd = tempDir();
  const { REDIS_URL: _, ...withoutRedis } = await shared({ WORKERS: "2", PORT: "0" });
  const child = spawn({ PATH: process.env.PATH ?? "", HOME: cwd, ...withoutRedis }, cwd);
  expect(await child.exited()).toBe(1);
  const lines = child.stderr().trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain("REDIS_URL");
  expect(lines[0]).toContain("WORKERS=2");
});

test(
  "a user deleted or demoted through one process is refused at once by another that just served them",
  async () => {
    const cwd = tempDir();
    const { REDIS_URL: _, ...env } = await shared();
    const a = await start(env, cwd);
    const b = await start(env, cwd);
    const json = (method: string, token: string, body?: unknown) => ({
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const signUp = async (email: string) => {
      const sent = await call(`${a.url}/users/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password: "password-123" }),
      });
      expect(sent.status).toBe(201);
      return (await sent.json()) as { token: string; user: { id: number } };
    };
    // Process A serves each caller many times, concurrently, so it holds their rows.
    const servedByA = async (path: string, token: string, status: number) => {
      for (let round = 0; round < 3; round++) {
        const all = await Promise.all(
          Array.from({ length: 20 }, () => call(`${a.url}${path}`, json("GET", token))),
        );
        expect(all.map((sent) => sent.status)).toEqual(Array(20).fill(status));
      }
    };
    const login = await call(
      `${b.url}/token`,
      form({ username: ADMIN.email, password: ADMIN.password }),
    );
    const { access_token: admin } = await login.json();

    const ann = await signUp(`gone-${run}@example.com`);
    await servedByA("/users/me", ann.token, 200);
    const removed = await call(`${b.url}/users/${ann.user.id}`, json("DELETE", admin));
    expect(removed.status).toBe(204);
    expect((await call(`${a.url}/users/me`, json("GET", ann.token))).status).toBe(401);

    const bob = await signUp(`demoted-${run}@example.com`);
    const role = (to: string) =>
      call(`${b.url}/admin/users/${bob.user.id}`, json("PATCH", admin, { role: to }));
    expect((await role("admin")).status).toBe(200);
    await servedByA("/admin/users", bob.token, 200);
    expect((await role("user")).status).toBe(200);
    expect((await call(`${a.url}/admin/users`, json("GET", bob.token))).status).toBe(403);
  },
  TEST_TIMEOUT,
);
