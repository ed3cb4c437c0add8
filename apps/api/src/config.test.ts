import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "./config.ts";

const SECRET = "s".repeat(32);

let dir: string;
let secretFile: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "statuslab-config-"));
  secretFile = join(dir, "data", ".jwt-secret");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The ConfigError `loadConfig` throws for `env`. */
function refusal(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env, secretFile);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe("defaults (the contract's table)", () => {
  test("an empty environment is development with every default", () => {
    const config = loadConfig({}, secretFile);
    expect(config).toEqual({
      env: "development",
      port: 8000,
      databaseUrl: "./data/app.db",
      database: { engine: "sqlite", lockTimeoutMs: 1000, statementTimeoutMs: 5000, poolMax: 10 },
      jwtSecret: expect.any(String),
      jwtSecretSource: "generated",
      accessTokenTtl: 900,
      refreshTokenTtl: 2_592_000,
      rateLimit: { max: 5, windowSeconds: 60 },
      signupRateLimit: { max: 50, windowSeconds: 600 },
      workers: 1,
      bodyTimeoutMs: 10_000,
    });
    expect(config.admin).toBeUndefined();
    expect(Buffer.byteLength(config.jwtSecret)).toBeGreaterThanOrEqual(32);
  });

  test("empty values count as unset", () => {
    const config = loadConfig(
      { PORT: "", DATABASE_URL: "", ACCESS_TOKEN_TTL: "", ADMIN_EMAIL: "", ADMIN_PASSWORD: "" },
      secretFile,
    );
    expect(config.port).toBe(8000);
    expect(config.databaseUrl).toBe("./data/app.db");
    expect(config.accessTokenTtl).toBe(900);
    expect(config.admin).toBeUndefined();
  });

  test("every variable is read", () => {
    const config = loadConfig(
      {
        NODE_ENV: "production",
        PORT: "0",
        DATABASE_URL: ":memory:",
        DATABASE_LOCK_TIMEOUT_MS: "250",
        DATABASE_STATEMENT_TIMEOUT_MS: "2000",
        DATABASE_POOL_MAX: "4",
        JWT_SECRET: SECRET,
        ACCESS_TOKEN_TTL: "3600",
        REFRESH_TOKEN_TTL: "86400",
        ADMIN_EMAIL: "root@example.com",
        ADMIN_PASSWORD: "root-password",
        RATE_LIMIT_MAX: "2",
        RATE_LIMIT_WINDOW: "10",
        SIGNUP_RATE_LIMIT: "3/60",
        REDIS_URL: "redis://127.0.0.1:6379",
        WORKERS: "2",
        BODY_TIMEOUT: "5",
      },
      secretFile,
    );
    expect(config).toEqual({
      env: "production",
      port: 0,
      databaseUrl: ":memory:",
      database: { engine: "sqlite", lockTimeoutMs: 250, statementTimeoutMs: 2000, poolMax: 4 },
      jwtSecret: SECRET,
      jwtSecretSource: "environment",
      accessTokenTtl: 3600,
      refreshTokenTtl: 86400,
      admin: { email: "root@example.com", password: "root-password" },
      rateLimit: { max: 2, windowSeconds: 10 },
      signupRateLimit: { max: 3, windowSeconds: 60 },
      redisUrl: "redis://127.0.0.1:6379",
      workers: 2,
      bodyTimeoutMs: 5000,
    });
  });

  test("the edges of each range are accepted", () => {
    const edges: [string, string, (c: ReturnType<typeof loadConfig>) => number][] = [
      ["PORT", "65535", (c) => c.port],
      ["ACCESS_TOKEN_TTL", "1", (c) => c.accessTokenTtl],
      ["ACCESS_TOKEN_TTL", "3600", (c) => c.accessTokenTtl],
      ["RATE_LIMIT_MAX", "1", (c) => c.rateLimit.max],
      ["RATE_LIMIT_WINDOW", "1", (c) => c.rateLimit.windowSeconds],
      ["DATABASE_POOL_MAX", "1", (c) => c.database.poolMax],
      ["DATABASE_POOL_MAX", "1000", (c) => c.database.poolMax],
      ["DATABASE_LOCK_TIMEOUT_MS", "10", (c) => c.database.lockTimeoutMs],
      ["DATABASE_STATEMENT_TIMEOUT_MS", "600000", (c) => c.database.statementTimeoutMs],
    ];
    for (const [name, value, read] of edges) {
      expect(read(loadConfig({ JWT_SECRET: SECRET, [name]: value }, secretFile))).toBe(
        Number(value),
      );
    }
  });
});

test("SIGNUP_RATE_LIMIT is max/window-seconds, from 1/1 to 1000000/86400", () => {
  const read = (value: string) =>
    loadConfig({ JWT_SECRET: SECRET, SIGNUP_RATE_LIMIT: value }, secretFile).signupRateLimit;
  expect(read("1/1")).toEqual({ max: 1, windowSeconds: 1 });
  expect(read("1000000/86400")).toEqual({ max: 1_000_000, windowSeconds: 86_400 });
  expect(read(" 20 / 60 ")).toEqual({ max: 20, windowSeconds: 60 });
});

describe("bad configuration is one line naming the variable", () => {
  const cases: [string, Record<string, string | undefined>, string][] = [
    ["PORT=abc", { PORT: "abc" }, "PORT"],
    ["PORT=70000", { PORT: "70000" }, "PORT"],
    ["PORT=-1", { PORT: "-1" }, "PORT"],
    ["PORT=80.5", { PORT: "80.5" }, "PORT"],
    ["PORT=0x50", { PORT: "0x50" }, "PORT"],
    ["PORT with a newline", { PORT: "80\n81" }, "PORT"],
    ["ACCESS_TOKEN_TTL=0", { ACCESS_TOKEN_TTL: "0" }, "ACCESS_TOKEN_TTL"],
    ["ACCESS_TOKEN_TTL=3601", { ACCESS_TOKEN_TTL: "3601" }, "ACCESS_TOKEN_TTL"],
    ["REFRESH_TOKEN_TTL=abc", { REFRESH_TOKEN_TTL: "abc" }, "REFRESH_TOKEN_TTL"],
    ["RATE_LIMIT_MAX=0", { RATE_LIMIT_MAX: "0" }, "RATE_LIMIT_MAX"],
    ["RATE_LIMIT_WINDOW=0", { RATE_LIMIT_WINDOW: "0" }, "RATE_LIMIT_WINDOW"],
    ["SIGNUP_RATE_LIMIT=50", { SIGNUP_RATE_LIMIT: "50" }, "SIGNUP_RATE_LIMIT"],
    ["SIGNUP_RATE_LIMIT=0/600", { SIGNUP_RATE_LIMIT: "0/600" }, "SIGNUP_RATE_LIMIT"],
    ["SIGNUP_RATE_LIMIT=50/0", { SIGNUP_RATE_LIMIT: "50/0" }, "SIGNUP_RATE_LIMIT"],
    ["SIGNUP_RATE_LIMIT=50/86401", { SIGNUP_RATE_LIMIT: "50/86401" }, "SIGNUP_RATE_LIMIT"],
    ["SIGNUP_RATE_LIMIT=5.5/60", { SIGNUP_RATE_LIMIT: "5.5/60" }, "SIGNUP_RATE_LIMIT"],
    ["SIGNUP_RATE_LIMIT=50/10m", { SIGNUP_RATE_LIMIT: "50/10m" }, "SIGNUP_RATE_LIMIT"],
    ["WORKERS=0", { WORKERS: "0" }, "WORKERS"],
    ["BODY_TIMEOUT=0", { BODY_TIMEOUT: "0" }, "BODY_TIMEOUT"],
    ["BODY_TIMEOUT=121", { BODY_TIMEOUT: "121" }, "BODY_TIMEOUT"],
    ["BODY_TIMEOUT=0.5", { BODY_TIMEOUT: "0.5" }, "BODY_TIMEOUT"],
    ["DATABASE_URL=mysql://…", { DATABASE_URL: "mysql://root:pw@127.0.0.1/test" }, "DATABASE_URL"],
    ["DATABASE_URL=sqlite://…", { DATABASE_URL: "sqlite://./data/app.db" }, "DATABASE_URL"],
    ["DATABASE_URL=postgres:// with no host", { DATABASE_URL: "postgres:///db" }, "DATABASE_URL"],
    ["DATABASE_POOL_MAX=0", { DATABASE_POOL_MAX: "0" }, "DATABASE_POOL_MAX"],
    [
      "DATABASE_LOCK_TIMEOUT_MS=abc",
      { DATABASE_LOCK_TIMEOUT_MS: "abc" },
      "DATABASE_LOCK_TIMEOUT_MS",
    ],
    [
      "DATABASE_STATEMENT_TIMEOUT_MS=0",
      { DATABASE_STATEMENT_TIMEOUT_MS: "0" },
      "DATABASE_STATEMENT_TIMEOUT_MS",
    ],
    ["WORKERS=2 without REDIS_URL", { WORKERS: "2" }, "REDIS_URL"],
    ["a REDIS_URL that is not one", { REDIS_URL: "http://127.0.0.1:6379" }, "REDIS_URL"],
    ["a 31-byte JWT_SECRET", { JWT_SECRET: "s".repeat(31) }, "JWT_SECRET"],
    // 16 characters but 32 bytes would pass; 15 two-byte characters are 30 bytes.
    ["a JWT_SECRET short in bytes", { JWT_SECRET: "é".repeat(15) }, "JWT_SECRET"],
    [
      "NODE_ENV=production without JWT_SECRET",
      { NODE_ENV: "production", JWT_SECRET: undefined },
      "JWT_SECRET",
    ],
    [
      "NODE_ENV=production with a short JWT_SECRET",
      { NODE_ENV: "production", JWT_SECRET: "short" },
      "JWT_SECRET",
    ],
    ["an unknown NODE_ENV", { NODE_ENV: "staging" }, "NODE_ENV"],
    ["a very long bad value", { RATE_LIMIT_MAX: "9".repeat(5000) }, "RATE_LIMIT_MAX"],
    ["ADMIN_EMAIL without ADMIN_PASSWORD", { ADMIN_EMAIL: "root@example.com" }, "ADMIN_EMAIL"],
    ["ADMIN_PASSWORD without ADMIN_EMAIL", { ADMIN_PASSWORD: "root-password" }, "ADMIN_PASSWORD"],
    [
      "ADMIN_EMAIL not an email",
      { ADMIN_EMAIL: "root", ADMIN_PASSWORD: "root-password" },
      "ADMIN_EMAIL",
    ],
    [
      "ADMIN_EMAIL with a newline",
      { ADMIN_EMAIL: "root@example.com\nINFO forged log line", ADMIN_PASSWORD: "root-password" },
      "ADMIN_EMAIL",
    ],
    [
      "ADMIN_PASSWORD under 8 characters",
      { ADMIN_EMAIL: "root@example.com", ADMIN_PASSWORD: "short" },
      "ADMIN_PASSWORD",
    ],
    [
      "ADMIN_PASSWORD of 4 emoji (8 UTF-16 units)",
      { ADMIN_EMAIL: "root@example.com", ADMIN_PASSWORD: "\u{1F511}".repeat(4) },
      "ADMIN_PASSWORD",
    ],
  ];

  for (const [name, env, variable] of cases) {
    test(name, () => {
      const error = refusal({ JWT_SECRET: SECRET, ...env });
      expect(error.message).toContain(variable);
      expect(error.message).not.toMatch(/[\r\n]/);
      expect(error.message.length).toBeLessThan(200);
      expect(error.stack).toBeDefined(); // it is an Error, but only its message is printed
    });
  }

  test("DATABASE_URL picks the engine: a path, file: and :memory: are SQLite; postgres:// and postgresql:// PostgreSQL", () => {
    const engineOf = (url: string) =>
      loadConfig({ JWT_SECRET: SECRET, DATABASE_URL: url }, secretFile).database.engine;
    for (const url of [
      "./data/app.db",
      "/var/lib/app.db",
      "file:./app.db",
      "file:///tmp/a.db",
      ":memory:",
    ]) {
      expect(engineOf(url)).toBe("sqlite");
    }
    for (const url of ["postgres://app@db.internal:5432/app", "postgresql://app:pw@10.0.0.5/app"]) {
      expect(engineOf(url)).toBe("postgres");
    }
  });

  test("an unknown DATABASE_URL scheme names what is accepted, never the password", () => {
    const message = refusal({
      JWT_SECRET: SECRET,
      DATABASE_URL: "mysql://root:hunter2-secret@127.0.0.1:3306/test",
    }).message;
    expect(message).toContain("postgres://");
    expect(message).toContain(":memory:");
    expect(message).toContain("file:");
    expect(message).not.toContain("hunter2-secret");
  });

  test("the message never repeats a secret or a password", () => {
    const secret = "x".repeat(31);
    expect(refusal({ JWT_SECRET: secret }).message).not.toContain(secret);
    const password = "pw-1234";
    expect(
      refusal({ JWT_SECRET: SECRET, ADMIN_EMAIL: "root@example.com", ADMIN_PASSWORD: password })
        .message,
    ).not.toContain(password);
  });
});

describe("the JWT secret", () => {
  test("development without JWT_SECRET generates one into the file, mode 0600, and reuses it", () => {
    expect(existsSync(secretFile)).toBe(false);
    const first = loadConfig({ NODE_ENV: "development" }, secretFile);
    expect(first.jwtSecretSource).toBe("generated");
    expect(existsSync(secretFile)).toBe(true);
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(secretFile, "utf8").trim()).toBe(first.jwtSecret);

    const second = loadConfig({}, secretFile);
    expect(second.jwtSecretSource).toBe("file");
    expect(second.jwtSecret).toBe(first.jwtSecret);
  });

  test("two fresh directories get different secrets", () => {
    const a = loadConfig({}, secretFile).jwtSecret;
    const b = loadConfig({}, join(dir, "other", ".jwt-secret")).jwtSecret;
    expect(a).not.toBe(b);
  });

  test("a kept file too short to be a secret is replaced", () => {
    loadConfig({}, secretFile);
    writeFileSync(secretFile, "short\n");
    const config = loadConfig({}, secretFile);
    expect(config.jwtSecretSource).toBe("generated");
    expect(Buffer.byteLength(config.jwtSecret)).toBeGreaterThanOrEqual(32);
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
  });

  test("JWT_SECRET from the environment wins and no file is written", () => {
    const config = loadConfig({ JWT_SECRET: SECRET }, secretFile);
    expect(config).toMatchObject({ jwtSecret: SECRET, jwtSecretSource: "environment" });
    expect(existsSync(secretFile)).toBe(false);
  });

  test("production never writes the file, nor reads one that is there", () => {
    expect(() => loadConfig({ NODE_ENV: "production" }, secretFile)).toThrow(ConfigError);
    expect(existsSync(secretFile)).toBe(false);
    loadConfig({ NODE_ENV: "production", JWT_SECRET: SECRET }, secretFile);
    expect(existsSync(secretFile)).toBe(false);

    // A development run left a secret behind: production still refuses to use it.
    loadConfig({}, secretFile);
    expect(() => loadConfig({ NODE_ENV: "production" }, secretFile)).toThrow(ConfigError);
  });
});
