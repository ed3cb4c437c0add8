import { openDatabase } from "@statuslab/db";
import { MemoryStore } from "@statuslab/rate-limiter";
import { type AppOptions, createApp } from "../src/app.ts";
import { type Config, loadConfig } from "../src/config.ts";
import { createLogger } from "../src/http/logger.ts";

export const TEST_SECRET = "test-secret-that-is-at-least-32-bytes-long!";
export const ADMIN = { email: "admin@example.com", password: "admin-password-1" };

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({ NODE_ENV: "test", JWT_SECRET: TEST_SECRET, DATABASE_URL: ":memory:" }),
    admin: ADMIN,
    ...overrides,
  };
}

/** Cheap argon2id: the same algorithm and code path, a fraction of the memory and time. */
export const CHEAP_HASHING = { memoryCost: 1024, timeCost: 1 };

/** A fresh API on an in-memory database, with its access log captured in `logs`. */
export async function makeApp(overrides: Partial<Config> = {}, options: Partial<AppOptions> = {}) {
  const logs: string[] = [];
  const config = testConfig(overrides);
  const database = options.database ?? openDatabase(config.databaseUrl);
  const rateLimitStore = options.rateLimitStore ?? new MemoryStore({ sweepIntervalMs: 0 });
  const built = await createApp({
    config,
    passwordHashing: CHEAP_HASHING,
    logger: createLogger((line) => logs.push(line)),
    ...options,
    database,
    rateLimitStore,
  });
  const api = client(built.app.handle.bind(built.app));
  /** The app closes what it opened; this also closes the store (and an in-memory database). */
  const close = async () => {
    await built.close();
    await rateLimitStore.close();
    if (!options.database) database.close();
  };
  return { ...built, close, config, database, logs, api };
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
