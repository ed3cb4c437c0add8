import type { Database } from "@statuslab/db";
import {
  createTestDatabase,
  type TestDatabase,
  type TestDatabaseOptions,
} from "@statuslab/db/testing";
import { MemoryStore } from "@statuslab/rate-limiter";
import { type AppOptions, createApp } from "../src/app.ts";
import { type Config, loadConfig } from "../src/config.ts";
import { createLogger } from "../src/http/logger.ts";
import { typedClient } from "./typed-client.ts";

export const TEST_SECRET = "test-secret-that-is-at-least-32-bytes-long!";
export const ADMIN = { email: "admin@example.com", password: "admin-password-1" };

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    // Two connections per pool on PostgreSQL: Bun opens a pool's every connection at once, and
    // each costs the server a process; the tests that need more say so.
    ...loadConfig({
      NODE_ENV: "test",
      JWT_SECRET: TEST_SECRET,
      DATABASE_URL: ":memory:",
      DATABASE_POOL_MAX: "2",
      // Every test request comes from one address ("unknown"), and some tests sign up hundreds
      // of users; the tests of the limit itself set their own.
      SIGNUP_RATE_LIMIT: "1000000/1",
    }),
    admin: ADMIN,
    ...overrides,
  };
}

/**
 * Everything made during a test is undone after it, and everything made outside one (in a
 * `beforeAll`) after the run (test/preload.ts): on PostgreSQL an app left open would keep its
 * pool of connections, and its database, until the process ends.
 */
const perTest: (() => Promise<void>)[] = [];
const perRun: (() => Promise<void>)[] = [];
let inTest = false;

function cleanUpLater(cleanup: () => Promise<void>) {
  (inTest ? perTest : perRun).push(cleanup);
}

async function runAll(cleanups: (() => Promise<void>)[]) {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}

export const testLifecycle = {
  started() {
    inTest = true;
  },
  async ended() {
    inTest = false;
    await runAll(perTest);
  },
  runEnded: () => runAll(perRun),
};

/**
 * A fresh, empty database on the engine under test (STATUSLAB_TEST_ENGINE), dropped after the
 * test unless the caller drops it first.
 */
export async function freshTestDatabase(
  options: Omit<TestDatabaseOptions, "engine"> = {},
): Promise<TestDatabase> {
  const testDatabase = await createTestDatabase(options);
  cleanUpLater(() => testDatabase.drop());
  return testDatabase;
}

/** Cheap argon2id: the same algorithm and code path, a fraction of the memory and time. */
export const CHEAP_HASHING = { memoryCost: 1024, timeCost: 1 };

/**
 * A fresh API with its access log captured in `logs`: on a fresh database of the engine under
 * test (`testDatabase`, for staging faults and reading what was stored), or on `database`.
 */
export async function makeApp(
  overrides: Partial<Config> = {},
  options: Partial<AppOptions> & { testDatabase?: TestDatabase } = {},
) {
  const logs: string[] = [];
  const config = testConfig(overrides);
  const testDatabase = options.testDatabase ?? (await freshTestDatabase());
  // Opened as createApp would open DATABASE_URL, with the configured timeouts and pool.
  const { lockTimeoutMs, statementTimeoutMs, poolMax } = config.database;
  const database: Database =
    options.database ?? (await testDatabase.open({ lockTimeoutMs, statementTimeoutMs, poolMax }));
  const rateLimitStore = options.rateLimitStore ?? new MemoryStore({ sweepIntervalMs: 0 });
  const { testDatabase: _, ...appOptions } = options;
  const built = await createApp({
    config,
    passwordHashing: CHEAP_HASHING,
    logger: createLogger((line) => logs.push(line)),
    ...appOptions,
    database,
    rateLimitStore,
  });
  const api = client(built.app.handle.bind(built.app));
  // The same app through Eden Treaty: typed paths, bodies and answers (test/typed-client.ts).
  const typed = typedClient(built.app);
  let closed = false;
  /** Closes the app, its store and its database (each test's leftovers are closed anyway). */
  const close = async () => {
    if (closed) return;
    closed = true;
    await built.close();
    await rateLimitStore.close();
    if (!options.database) await database.close();
  };
  cleanUpLater(close);
  return { ...built, close, config, database, testDatabase, logs, api, typed };
}

export interface Sent {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: a test reads whatever the body holds
  body: any;
}

type Handler = (request: Request) => Promise<Response> | Response;

export function client(handle: Handler, base = "http://localhost") {
  const send = async (
    method: string,
    path: string,
    init: {
      json?: unknown;
      form?: Record<string, string>;
      token?: string;
      headers?: Record<string, string>;
      raw?: BodyInit;
    } = {},
  ): Promise<Sent> => {
    const headers = new Headers(init.headers);
    let body: BodyInit | undefined = init.raw;
    if (init.json !== undefined) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(init.json);
    }
    if (init.form) {
      headers.set("content-type", "application/x-www-form-urlencoded");
      body = new URLSearchParams(init.form).toString();
    }
    if (init.token) headers.set("authorization", `Bearer ${init.token}`);
    const response = await handle(new Request(base + path, { method, headers, body }));
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {}
    return { status: response.status, headers: response.headers, text, body: parsed };
  };

  return {
    send,
    get: (path: string, token?: string) => send("GET", path, token ? { token } : {}),
    /** Signs up and returns the new user's id and token. */
    async register(email: string, password = "password-123", name?: string) {
      const sent = await send("POST", "/users/", {
        json: { email, password, ...(name ? { name } : {}) },
      });
      if (sent.status !== 201) throw new Error(`register ${email}: ${sent.status} ${sent.text}`);
      return { id: sent.body.user.id as number, token: sent.body.token as string, email, password };
    },
    async login(email: string, password: string) {
      return send("POST", "/token", { form: { username: email, password } });
    },
    async adminToken() {
      const sent = await send("POST", "/token", {
        form: { username: ADMIN.email, password: ADMIN.password },
      });
      if (sent.status !== 200) throw new Error(`admin login: ${sent.status} ${sent.text}`);
      return sent.body.access_token as string;
    },
  };
}
