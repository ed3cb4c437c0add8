/**
 * Where the lessons' requests go. In-process (the default) boots the real API on a free port
 * with a throw-away database, so a newcomer needs nothing running, and it has "powers" no
 * HTTP client has: it can lock the database file and mint an expired token. `--url` replays
 * against an API someone started; the steps that need a power it lacks are skipped, never
 * reported as passed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AppOptions, createApp, loadConfig } from "@statuslab/api";
import { createJwtService } from "@statuslab/auth";
import { createTestDatabase, type HeldLock, type TestDatabase } from "@statuslab/db/testing";
import { loggerInto, RequestLog, watchAnswers } from "./challenges/log.ts";
import { forge } from "./forge-token.ts";
import type { Power } from "./model.ts";
import type { Vars } from "./template.ts";

export type PowerName = Power["power"];

export interface Target {
  kind: "in-process" | "remote";
  baseUrl: string;
  /** The admin account, when known (always in-process; from the environment with --url). */
  admin?: { email: string; password: string };
  /** Why this target cannot do `power`, or undefined when it can. */
  lacks(power: PowerName): string | undefined;
  /** Runs a power; may set variables (`mint-expired-token` writes its `into`). */
  use(power: Power, vars: Vars): Promise<void>;
  /**
   * The API's own request log, in-process only: the challenges watch it for the learner's
   * requests. A remote API's log is on another machine, so `--url` has none.
   */
  log?: RequestLog;
  /** Idempotent. Stops the in-process API and deletes its database. */
  close(): Promise<void>;
}

export const IN_PROCESS_ADMIN_EMAIL = "admin@lessons.local";

const randomSecret = (bytes: number) =>
  Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("base64url");

/** An access token for `sub` that expired a minute ago, signed with the API's own key. */
async function mintExpired(secret: string, sub: string): Promise<string> {
  const ttl = 900;
  const jwt = createJwtService({ secret, accessTokenTtl: ttl });
  return jwt.sign(sub, { now: Math.floor(Date.now() / 1000) - ttl - 60 });
}

function userIdOf(power: Extract<Power, { power: "mint-expired-token" }>, vars: Vars): string {
  const id = vars[power.userId];
  if (id === undefined) throw new Error(`mint-expired-token: no value for {{${power.userId}}}`);
  return String(id);
}

export interface InProcessOptions {
  /** argon2id cost; production-like by default (what the docs' timings describe). */
  passwordHashing?: AppOptions["passwordHashing"];
}

export async function startInProcess(options: InProcessOptions = {}): Promise<Target> {
  // Only the JWT secret file goes here; the database is a throw-away SQLite file whose lock
  // the outage lesson takes from a second connection.
  const dir = mkdtempSync(join(tmpdir(), "statuslab-lessons-"));
  const admin = { email: IN_PROCESS_ADMIN_EMAIL, password: randomSecret(18) };
  const jwtSecret = randomSecret(48);
  // Nothing reaches the terminal: the access lines go to the in-memory log the challenges read.
  const log = new RequestLog();
  let testDatabase: TestDatabase | undefined;
  let built: Awaited<ReturnType<typeof createApp>> | undefined;
  let port: number | undefined;
  try {
    testDatabase = await createTestDatabase({ engine: "sqlite" });
    // Only what we pass: a learner's shell (RATE_LIMIT_MAX, …) must not change what the docs say.
    const config = loadConfig(
      {
        NODE_ENV: "production",
        PORT: "0",
        DATABASE_URL: testDatabase.url,
        JWT_SECRET: jwtSecret,
        ADMIN_EMAIL: admin.email,
        ADMIN_PASSWORD: admin.password,
      },
      join(dir, ".jwt-secret"),
    );
    built = await createApp({
      config,
      database: await testDatabase.open(),
      logger: loggerInto(log),
      ...(options.passwordHashing ? { passwordHashing: options.passwordHashing } : {}),
    });
    built.app.wrap(watchAnswers(log));
    // As apps/api/src/index.ts does: the API's own 413 answers oversized bodies, not Bun's.
    built.app.listen({
      port: 0,
      hostname: "127.0.0.1",
      maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    });
    port = built.app.server?.port;
    if (!port) throw new Error("the in-process API did not start listening");
  } catch (error) {
    // Whatever got as far as existing is removed: no temporary database or secret left behind.
    await built?.app.stop(true);
    await built?.close();
    await testDatabase?.drop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const { app, close: closeApp } = built;
  const database = testDatabase;

  let locker: HeldLock | undefined;
  let closed = false;
  const unlock = async () => {
    const held = locker;
    locker = undefined;
    await held?.release();
  };

  return {
    kind: "in-process",
    baseUrl: `http://127.0.0.1:${port}`,
    admin,
    log,
    lacks: () => undefined,
    async use(power, vars) {
      switch (power.power) {
        case "lock-database":
          // Another connection holding the write lock, as a migration or a backup would: the
          // API's writes wait out their retry budget (~1 s) and answer 503. Reads still work (WAL).
          if (locker) return;
          locker = await database.lock("writes");
          return;
        case "unlock-database":
          await unlock();
          return;
        case "mint-expired-token":
          vars[power.into] = await mintExpired(jwtSecret, userIdOf(power, vars));
          return;
        case "forge-token":
          forge(power, vars);
          return;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await unlock();
      await app.stop(true);
      await closeApp();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type RemoteEnv = Record<string, string | undefined>;

export const NEEDS_IN_PROCESS = "needs the in-process API: run without --url";

export function remoteTarget(url: string, env: RemoteEnv = process.env): Target {
  const secret = env.JWT_SECRET || undefined;
  const admin =
    env.ADMIN_EMAIL && env.ADMIN_PASSWORD
      ? { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD }
      : undefined;
  return {
    kind: "remote",
    baseUrl: url.replace(/\/+$/, ""),
    ...(admin ? { admin } : {}),
    lacks(power) {
      // Forging needs no key: anyone holding a token can do it.
      if (power === "forge-token") return undefined;
      if (power === "mint-expired-token") {
        return secret ? undefined : "needs the API's JWT_SECRET (set it, or run without --url)";
      }
      // Locking needs the database file, which only the in-process runner has.
      return NEEDS_IN_PROCESS;
    },
    async use(power, vars) {
      if (power.power === "forge-token") return forge(power, vars);
      if (power.power === "mint-expired-token" && secret) {
        vars[power.into] = await mintExpired(secret, userIdOf(power, vars));
        return;
      }
      throw new Error(`${power.power}: ${this.lacks(power.power)}`);
    },
    async close() {},
  };
}
