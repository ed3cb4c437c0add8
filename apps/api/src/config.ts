import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { Value } from "@sinclair/typebox/value";
import { Email, Password } from "@statuslab/contracts";
import { DatabaseUrlError, type Engine, parseDatabaseUrl } from "@statuslab/db";
import { type Parsed, quoted } from "./config-value.ts";
import { parseTrustProxy, type TrustProxy } from "./http/client-address.ts";
import { type CorsOrigins, parseCorsOrigins } from "./http/cors-origins.ts";

export interface Config {
  env: "development" | "production" | "test";
  port: number;
  databaseUrl: string;
  database: {
    /** Which engine `databaseUrl` names. */
    engine: Engine;
    /** How long a call waits for a lock another session holds before answering 503, in ms. */
    lockTimeoutMs: number;
    /** PostgreSQL: the longest one statement may run, in ms. */
    statementTimeoutMs: number;
    /** PostgreSQL: connections in the pool. */
    poolMax: number;
  };
  jwtSecret: string;
  jwtSecretSource: "environment" | "generated" | "file";
  accessTokenTtl: number;
  refreshTokenTtl: number;
  admin?: { email: string; password: string };
  rateLimit: { max: number; windowSeconds: number };
  /** Sign-ups per client address in a sliding window (SIGNUP_RATE_LIMIT, `max/window-seconds`). */
  signupRateLimit: { max: number; windowSeconds: number };
  /** Where shared rate-limit state lives; unset = in this process's memory. */
  redisUrl?: string;
  /** API processes sharing the port. */
  workers: number;
  /** The longest a request body may take to arrive (BODY_TIMEOUT, given in seconds), in ms. */
  bodyTimeoutMs: number;
  /** Reverse proxies whose X-Forwarded-For is believed (TRUST_PROXY); unset = none. */
  trustProxy?: TrustProxy;
  /** Origins whose pages may read answers (CORS_ORIGINS); unset = no CORS headers at all. */
  corsOrigins?: CorsOrigins;
}

/** A configuration mistake: its message is the one line printed before the start stops. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max} (got ${quoted(raw)})`);
  }
  return value;
}

/** `max/window-seconds`, e.g. `50/600`: at most `max` in any `window-seconds`. */
function rate(env: Env, name: string, fallback: { max: number; windowSeconds: number }) {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const match = /^\s*(\d{1,7})\s*\/\s*(\d{1,5})\s*$/.exec(raw);
  const max = Number(match?.[1]);
  const windowSeconds = Number(match?.[2]);
  if (!match || max < 1 || max > 1_000_000 || windowSeconds < 1 || windowSeconds > 86_400) {
    throw new ConfigError(
      `${name} must be max/window-seconds, e.g. 50/600: max 1 to 1000000, window 1 to 86400 (got ${quoted(raw)})`,
    );
  }
  return { max, windowSeconds };
}

/** A value its module parsed; a refusal is already one line naming the variable. */
function accepted<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new ConfigError(parsed.message);
  return parsed.value;
}

export const SECRET_FILE = "./data/.jwt-secret";
/** Kept below the server's idle timeout (worker.ts), which would cut the request without an answer. */
export const MAX_BODY_TIMEOUT_SECONDS = 120;
const MIN_SECRET_BYTES = 32;

/**
 * Development may run with no configuration at all, so a missing secret is generated once
 * and kept beside the database; production must be told, never guess.
 */
function resolveSecret(env: Env, mode: Config["env"], secretFile: string) {
  const given = env.JWT_SECRET;
  if (given !== undefined && given !== "") {
    if (Buffer.byteLength(given) < MIN_SECRET_BYTES) {
      throw new ConfigError(
        `JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes (got ${Buffer.byteLength(given)}); try: openssl rand -base64 48`,
      );
    }
    return { jwtSecret: given, jwtSecretSource: "environment" as const };
  }
  if (mode === "production") {
    throw new ConfigError(
      "JWT_SECRET is required when NODE_ENV=production (at least 32 bytes; try: openssl rand -base64 48)",
    );
  }
  if (existsSync(secretFile)) {
    const kept = readFileSync(secretFile, "utf8").trim();
    if (Buffer.byteLength(kept) >= MIN_SECRET_BYTES) {
      return { jwtSecret: kept, jwtSecretSource: "file" as const };
    }
  }
  const generated = Buffer.from(crypto.getRandomValues(new Uint8Array(48))).toString("base64url");
  mkdirSync(dirname(secretFile), { recursive: true });
  writeFileSync(secretFile, `${generated}\n`, { mode: 0o600 });
  chmodSync(secretFile, 0o600);
  return { jwtSecret: generated, jwtSecretSource: "generated" as const };
}

export function loadConfig(env: Env = process.env, secretFile = SECRET_FILE): Config {
  const nodeEnv = env.NODE_ENV || "development";
  if (nodeEnv !== "development" && nodeEnv !== "production" && nodeEnv !== "test") {
    throw new ConfigError(
      `NODE_ENV must be development, production or test (got ${quoted(nodeEnv)})`,
    );
  }
  const adminEmail = env.ADMIN_EMAIL || undefined;
  const adminPassword = env.ADMIN_PASSWORD || undefined;
  if (Boolean(adminEmail) !== Boolean(adminPassword)) {
    throw new ConfigError("ADMIN_EMAIL and ADMIN_PASSWORD must be set together");
  }
  if (adminEmail !== undefined && !Value.Check(Email, adminEmail)) {
    throw new ConfigError(`ADMIN_EMAIL must be an email address (got ${quoted(adminEmail)})`);
  }
  // The sign-up rule (packages/contracts): code points after NFKC, so the admin could sign up too.
  if (adminPassword !== undefined && !Value.Check(Password, adminPassword)) {
    throw new ConfigError("ADMIN_PASSWORD must be 8 to 128 characters (an emoji counts as one)");
  }
  const databaseUrl = env.DATABASE_URL || "./data/app.db";
  let engine: Engine;
  try {
    engine = parseDatabaseUrl(databaseUrl).engine;
  } catch (error) {
    if (error instanceof DatabaseUrlError) throw new ConfigError(error.message);
    throw error;
  }
  const redisUrl = env.REDIS_URL?.trim() || undefined;
  if (redisUrl !== undefined && !/^(redis|rediss|redis\+unix|redis\+tls):\/\/\S+$/.test(redisUrl)) {
    throw new ConfigError(
      `REDIS_URL must be a redis:// or rediss:// URL (got ${quoted(redisUrl)})`,
    );
  }
  const workers = integer(env, "WORKERS", 1, 1, 64);
  const trustProxy = accepted(parseTrustProxy(env.TRUST_PROXY));
  const corsOrigins = accepted(parseCorsOrigins(env.CORS_ORIGINS));
  if (workers > 1 && redisUrl === undefined) {
    throw new ConfigError(
      `WORKERS=${workers} needs REDIS_URL: each process would otherwise keep its own rate-limit counts and allow ${workers}× the limit (set REDIS_URL=redis://127.0.0.1:6379, or WORKERS=1)`,
    );
  }
  return {
    env: nodeEnv,
    port: integer(env, "PORT", 8000, 0, 65535),
    databaseUrl,
    database: {
      engine,
      lockTimeoutMs: integer(env, "DATABASE_LOCK_TIMEOUT_MS", 1000, 10, 60_000),
      statementTimeoutMs: integer(env, "DATABASE_STATEMENT_TIMEOUT_MS", 5000, 100, 600_000),
      poolMax: integer(env, "DATABASE_POOL_MAX", 10, 1, 1000),
    },
    ...resolveSecret(env, nodeEnv, secretFile),
    accessTokenTtl: integer(env, "ACCESS_TOKEN_TTL", 900, 1, 3600),
    refreshTokenTtl: integer(env, "REFRESH_TOKEN_TTL", 2_592_000, 60, 31_536_000),
    ...(adminEmail && adminPassword
      ? { admin: { email: adminEmail, password: adminPassword } }
      : {}),
    rateLimit: {
      max: integer(env, "RATE_LIMIT_MAX", 5, 1, 1_000_000),
      windowSeconds: integer(env, "RATE_LIMIT_WINDOW", 60, 1, 86_400),
    },
    // Stops a flood yet leaves room for two `bun run lessons --auto --url` runs (36 sign-ups).
    signupRateLimit: rate(env, "SIGNUP_RATE_LIMIT", { max: 50, windowSeconds: 600 }),
    ...(redisUrl ? { redisUrl } : {}),
    workers,
    bodyTimeoutMs: integer(env, "BODY_TIMEOUT", 10, 1, MAX_BODY_TIMEOUT_SECONDS) * 1000,
    ...(trustProxy ? { trustProxy } : {}),
    ...(corsOrigins ? { corsOrigins } : {}),
  };
}
