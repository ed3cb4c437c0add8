/**
 * `bun run bench`: the performance suite. See bench/README.md for what each number means.
 *
 * It starts everything it measures itself: a bare `Bun.serve` hello world (the baseline of
 * every ratio, measured in the same run) and the API exactly as users start it
 * (`bun apps/api/src/index.ts` with a temporary database, a JWT secret and a port), each pinned
 * to one core with `taskset`, and `wrk` pinned to another. The API's access log (its stdout)
 * goes to a file in a temporary directory, which is checked and deleted at the end.
 *
 * Settings, all optional: BENCH_ROUNDS (3), BENCH_SECONDS (5), BENCH_WARMUP (2),
 * BENCH_CONNECTIONS (100), BENCH_SERVER_CPU (0), BENCH_CLIENT_CPU (1), BENCH_BURST (200),
 * BENCH_KEEP=1 (keep the temporary directory), REDIS_URL (for the Redis limiter rows),
 * BENCH_POSTGRES_URL (the server for the PostgreSQL rows), BENCH_POSTGRES_POOL_MAX (10).
 */

import { randomBytes } from "node:crypto";
import {
  mkdirSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createJwtService } from "@statuslab/auth";
import { openDatabase } from "@statuslab/db";
import { apiEnv, PASSWORD, register } from "./lib/api.ts";
import { type Bar, renderChart } from "./lib/chart.ts";
import { machine, machineLine } from "./lib/machine.ts";
import { type BenchPostgres, openBenchPostgres } from "./lib/postgres.ts";
import {
  benchJson,
  memoryOf,
  runPinned,
  type Server,
  startServer,
  waitUntilQuiet,
} from "./lib/proc.ts";
import { int, max, median, mib, micros, min, percent, rate, ratio } from "./lib/stats.ts";
import { runWrk, startWrk, type WrkOptions, type WrkResult, wrkVersion } from "./lib/wrk.ts";

// ---------------------------------------------------------------------------------------------
// Settings and pre-flight

const env = Bun.env;
const ROUNDS = Math.max(3, Number(env.BENCH_ROUNDS ?? 3));
const SECONDS = Math.max(1, Number(env.BENCH_SECONDS ?? 5));
const WARMUP = Math.max(1, Number(env.BENCH_WARMUP ?? 2));
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 100);
const SERVER_CPU = Number(env.BENCH_SERVER_CPU ?? 0);
const CLIENT_CPU = Number(env.BENCH_CLIENT_CPU ?? 1);
const BURST = Number(env.BENCH_BURST ?? 200);
/** The PostgreSQL API's `DATABASE_POOL_MAX`, always passed explicitly (the API's default is 10). */
const POOL_MAX = Math.max(1, Number(env.BENCH_POSTGRES_POOL_MAX ?? 10));
/** Hash-bound routes: a few connections keep the one hashing slot busy without long queues. */
const HASH_CONNECTIONS = 4;
const IDLE_SECONDS = 10;
const ARGON2_MIB = 64;

const ROOT = join(import.meta.dir, "..");
const RESULTS = join(import.meta.dir, "results");

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

if (process.platform !== "linux") fail("bun run bench needs Linux (taskset and /proc).");
const wrk = wrkVersion();
if (!wrk) {
  fail(
    "wrk is not installed. On Debian or Ubuntu: sudo apt-get update && sudo apt-get install -y wrk\n" +
      "(then run `bun run bench` again; everything else the suite needs comes with `bun install`).",
  );
}
if (Bun.spawnSync(["taskset", "-V"], { stdout: "ignore", stderr: "ignore" }).exitCode !== 0) {
  fail("taskset is missing (Debian: apt-get install -y util-linux).");
}
const host = machine(wrk);
if (host.cpus < 2 || SERVER_CPU === CLIENT_CPU || Math.max(SERVER_CPU, CLIENT_CPU) >= host.cpus) {
  fail(
    `Need two distinct cores for the server and wrk (have ${host.cpus}; BENCH_SERVER_CPU=${SERVER_CPU}, BENCH_CLIENT_CPU=${CLIENT_CPU}).`,
  );
}

const work = mkdtempSync(join(tmpdir(), "statuslab-bench-"));
const servers: Server[] = [];
let postgres: BenchPostgres | undefined;
const cleanup = async () => {
  for (const server of servers.splice(0)) await server.stop().catch(() => {});
  await postgres?.drop().catch((error) => console.error(`could not drop the database: ${error}`));
  if (env.BENCH_KEEP !== "1") rmSync(work, { recursive: true, force: true });
};
// However the run ends (Ctrl-C, kill, an error), the servers stop and the database is dropped.
// (A SIGKILL leaves the database behind: the next run drops it.)
for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const) {
  process.on(signal, () => {
    void cleanup().then(() => process.exit(code));
  });
}
process.on("uncaughtException", (error) => {
  console.error(error);
  void cleanup().then(() => process.exit(1));
});

const log = (line: string) => console.log(line);
const started = performance.now();
log(`Machine: ${machineLine(host)}`);
log(
  `Settings: ${ROUNDS} rounds × ${SECONDS} s after ${WARMUP} s warm-up, ${CONNECTIONS} connections; ` +
    `servers on CPU ${SERVER_CPU}, wrk on CPU ${CLIENT_CPU}; work dir ${work}`,
);
// The backends go to wrk's core: the API process keeps a core to itself, as in the other rows.
const opened = await openBenchPostgres({ cpu: CLIENT_CPU });
const postgresUnreachable = "unreachable" in opened ? opened.unreachable : undefined;
if ("unreachable" in opened) {
  log(
    `PostgreSQL unreachable (${postgresUnreachable}): the PostgreSQL rows are skipped and their target is not measured.\n`,
  );
} else {
  postgres = opened;
  log(
    `PostgreSQL ${postgres.version} at ${postgres.server}: the API with DATABASE_POOL_MAX=${POOL_MAX} on a database of the run's own; its backends on CPU ${CLIENT_CPU}, beside wrk.\n`,
  );
}

// ---------------------------------------------------------------------------------------------
// Servers

const JWT_SECRET = randomBytes(48).toString("base64url");

/** One of `bench/servers/<name>.ts`, on the server's core. */
async function startReference(name: string) {
  const server = await startServer({
    name,
    command: ["bun", join(import.meta.dir, "servers", `${name}.ts`)],
    cpu: SERVER_CPU,
    logFile: join(work, `${name}.log`),
  });
  servers.push(server);
  return server;
}

async function startApi(name: string, extraEnv: Record<string, string> = {}) {
  const server = await startServer({
    name,
    command: ["bun", "apps/api/src/index.ts"],
    cwd: ROOT,
    cpu: SERVER_CPU,
    logFile: join(work, `${name}.log`),
    env: { ...apiEnv(JWT_SECRET, join(work, `${name}.db`)), ...extraEnv },
  });
  servers.push(server);
  return server;
}

/** The same API on the run's PostgreSQL database, with the pool size spelled out. */
const startApiOnPostgres = (name: string, database: BenchPostgres) =>
  startApi(name, { DATABASE_URL: database.url, DATABASE_POOL_MAX: String(POOL_MAX) });

async function stopServer(server: Server) {
  await server.stop();
  servers.splice(servers.indexOf(server), 1);
}

// ---------------------------------------------------------------------------------------------
// HTTP scenarios

interface Scenario {
  id: string;
  label: string;
  server: () => Server;
  options: Partial<WrkOptions>;
  /** The status every answer must have: 2xx for all but the 401 scenario. */
  expect: "2xx" | 401;
  connections?: number;
  timeoutSeconds?: number;
  hashBound?: boolean;
  results: WrkResult[];
  /** For each result, the bare baseline's req/s in the same round of the same interleaving. */
  pairedBare: number[];
  /** The PostgreSQL rows: the backends serving the API, pinned and metered around each round. */
  postgres?: BenchPostgres;
  /** For each result, the cores those backends used meanwhile (when the server is local). */
  postgresCpu: number[];
}

const wrkBase = (server: Server, scenario: Scenario, seconds: number): WrkOptions => ({
  url: server.url,
  connections: scenario.connections ?? CONNECTIONS,
  seconds,
  timeoutSeconds: scenario.timeoutSeconds ?? 5,
  cpu: CLIENT_CPU,
  serverCpu: SERVER_CPU,
  workDir: work,
  ...scenario.options,
});

/** Unexpected answers: socket errors, timeouts, and statuses other than the expected ones. */
function errorsOf(scenario: Scenario, r: WrkResult): number {
  const socket = r.errors.connect + r.errors.read + r.errors.write + r.errors.timeout;
  const statusErrors = scenario.expect === 401 ? r.requests - r.errors.status : r.errors.status;
  return socket + statusErrors;
}

async function warmUp(scenario: Scenario) {
  await runWrk(wrkBase(scenario.server(), scenario, WARMUP));
}

async function round(scenario: Scenario, n: number) {
  const options = wrkBase(scenario.server(), scenario, SECONDS);
  if (options.args) options.args = options.args.map((a) => a.replace("{round}", `${n}`));
  const meter = await scenario.postgres?.meter();
  const result = await runWrk(options);
  const postgresCpu = await meter?.stop();
  scenario.results.push(result);
  if (postgresCpu !== undefined) scenario.postgresCpu.push(postgresCpu);
  log(
    `  round ${n} ${scenario.label.padEnd(44)} ${int(result.rps).padStart(9)} req/s  p50 ${micros(result.latencyUs.p50).padStart(9)}  p99 ${micros(result.latencyUs.p99).padStart(9)}  ` +
      `errors ${errorsOf(scenario, result)}  busy server ${percent(result.busy.server)} / wrk ${percent(result.busy.client)}` +
      (postgresCpu === undefined ? "" : ` (PostgreSQL ${percent(postgresCpu)} of a core)`),
  );
}

/**
 * Rounds interleaved: every scenario's round r runs between the others' rounds r. The first
 * scenario is the bare baseline; each other round is paired with the baseline round just before
 * it, so a VM that slows down for a minute (seen: −20% in one group of rounds) slows both.
 */
async function interleaved([baseline, ...others]: Scenario[]) {
  if (baseline?.id !== "bare") throw new Error("interleaved() starts with the bare baseline");
  for (const scenario of [baseline, ...others]) await warmUp(scenario);
  for (let r = 1; r <= ROUNDS; r++) {
    await round(baseline, r);
    const bareRps = baseline.results.at(-1)?.rps ?? Number.NaN;
    for (const scenario of others) {
      await round(scenario, r);
      scenario.pairedBare.push(bareRps);
    }
  }
}

const LIMITED_LUA = `
local counter = 0
local prefix = "c"
function init(args) prefix = args[1] or prefix end
function request()
  counter = counter + 1
  return wrk.format("GET", "/users/limited?client_id=" .. prefix .. "-" .. counter)
end`;

const SIGNUP_LUA = `
local counter = 0
local prefix = "x"
function init(args) prefix = args[1] or prefix end
function request()
  counter = counter + 1
  return wrk.format(nil, "/users/", nil,
    '{"email":"bench-' .. prefix .. '-' .. counter .. '@example.com","password":"${PASSWORD}"}')
end`;

// ---------------------------------------------------------------------------------------------
// Live security checks on the benchmarked server: the fast path must not have dropped any.

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

async function securityChecks(server: Server): Promise<Check[]> {
  const checks: Check[] = [];
  const me = async (token: string) => {
    const response = await fetch(`${server.url}/users/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await response.json()) as { detail?: string; email?: string };
    return { status: response.status, detail: body.detail ?? body.email ?? "" };
  };
  const expect401 = async (name: string, token: string, detail: string) => {
    const got = await me(token);
    checks.push({
      name,
      ok: got.status === 401 && got.detail === detail,
      detail: `${got.status} ${got.detail}`,
    });
  };
  const jwt = createJwtService({ secret: JWT_SECRET, accessTokenTtl: 3600 });
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);

  const user = await register(server, `checks-${Date.now()}@example.com`);
  const first = await me(user.token);
  const second = await me(user.token); // served from the verified-token cache
  checks.push({
    name: "a valid token is accepted (twice: the second time from the cache)",
    ok: first.status === 200 && second.status === 200,
    detail: `${first.status}, ${second.status}`,
  });
  await expect401(
    "an expired token (signed with the server's key) → 401 Token expired",
    await jwt.sign(String(user.id), { now: now - 7200, ttl: 60 }),
    "Token expired",
  );
  const [header, payload] = user.token.split(".");
  await expect401(
    "a tampered copy of the cached token → 401",
    `${header}.${b64({ sub: "1", iat: now, exp: now + 600, type: "access" })}.${user.token.split(".")[2]}`,
    "Invalid token",
  );
  await expect401(
    "alg none → 401",
    `${b64({ alg: "none", typ: "JWT" })}.${payload}.`,
    "Invalid token",
  );
  const { createHmac } = await import("node:crypto");
  const hs512Input = `${b64({ alg: "HS512", typ: "JWT" })}.${payload}`;
  await expect401(
    "HS512 with the right key → 401 (HS256 pinned)",
    `${hs512Input}.${createHmac("sha512", JWT_SECRET).update(hs512Input).digest("base64url")}`,
    "Invalid token",
  );
  await expect401(
    "a token without exp → 401",
    await (async () => {
      const input = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub: String(user.id), iat: now, type: "access" })}`;
      return `${input}.${createHmac("sha256", JWT_SECRET).update(input).digest("base64url")}`;
    })(),
    "Invalid token",
  );
  const deleted = await fetch(`${server.url}/users/${user.id}`, {
    method: "DELETE",
    headers: { authorization: `Bearer ${user.token}` },
  });
  await deleted.arrayBuffer();
  await expect401(
    "the cached token of a user deleted a moment ago → 401 at once",
    user.token,
    "Could not validate credentials",
  );
  // The server holds a user it has just served; another process deletes them in the file.
  const held = await register(server, `held-${Date.now()}@example.com`);
  await me(held.token);
  await me(held.token);
  const elsewhere = await openDatabase(join(work, `${server.name}.db`));
  await elsewhere.repository.deleteUser(held.id);
  await elsewhere.close();
  await expect401(
    "a user just served, then deleted by another process → 401 at once",
    held.token,
    "Could not validate credentials",
  );
  return checks;
}

// ---------------------------------------------------------------------------------------------
// The run

log("== Throughput: the bare baseline, interleaved with each scenario ==");
const bare = await startReference("bare");
const handWritten = await startReference("hand-written");
const requestIdOnly = await startReference("request-id-only");
const elysiaAlone = await startReference("elysia-alone");
const apiMain = await startApi("api-main");
const benchUser = await register(apiMain, "bench@example.com");
const forged = `${benchUser.token.split(".").slice(0, 2).join(".")}.${randomBytes(32).toString("base64url")}`;
const apiPostgres = postgres && (await startApiOnPostgres("api-postgres", postgres));
const postgresUser = apiPostgres && (await register(apiPostgres, "bench@example.com"));

const scenario = (s: Omit<Scenario, "results" | "pairedBare" | "postgresCpu">): Scenario => ({
  ...s,
  results: [],
  pairedBare: [],
  postgresCpu: [],
});
/** The sign-up load, the same on either engine: unique emails, hash-bound, 4 connections. */
const signUpLoad: Pick<
  Scenario,
  "options" | "expect" | "connections" | "timeoutSeconds" | "hashBound"
> = {
  options: {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    requestLua: SIGNUP_LUA,
    args: [`r{round}-${process.pid}`],
  },
  expect: "2xx",
  connections: HASH_CONNECTIONS,
  timeoutSeconds: 30,
  hashBound: true,
};

const scenarios = {
  bare: scenario({
    id: "bare",
    label: "bare Bun.serve hello world (baseline)",
    server: () => bare,
    options: {},
    expect: "2xx",
  }),
  requestIdOnly: scenario({
    id: "request-id-only",
    label: "Bun.serve: JSON + X-Request-Id only (reference)",
    server: () => requestIdOnly,
    options: {},
    expect: "2xx",
  }),
  elysia: scenario({
    id: "elysia-alone",
    label: "GET / on Elysia without our hooks (reference)",
    server: () => elysiaAlone,
    options: {},
    expect: "2xx",
  }),
  hand: scenario({
    id: "hand-written",
    label: "GET / by hand on Bun.serve (reference)",
    server: () => handWritten,
    options: {},
    expect: "2xx",
  }),
  root: scenario({
    id: "root",
    label: "GET /",
    server: () => apiMain,
    options: { path: "/" },
    expect: "2xx",
  }),
  me: scenario({
    id: "me",
    label: "GET /users/me (authenticated)",
    server: () => apiMain,
    options: { path: "/users/me", headers: { Authorization: `Bearer ${benchUser.token}` } },
    expect: "2xx",
  }),
  mePostgres: scenario({
    id: "me-postgres",
    label: "GET /users/me (authenticated) on PostgreSQL",
    server: () => apiPostgres as Server,
    options: { path: "/users/me", headers: { Authorization: `Bearer ${postgresUser?.token}` } },
    expect: "2xx",
    postgres,
  }),
  garbage: scenario({
    id: "401",
    label: "GET /users/me, garbage token (401)",
    server: () => apiMain,
    options: { path: "/users/me", headers: { Authorization: `Bearer ${forged}` } },
    expect: 401,
  }),
  limited: scenario({
    id: "limited",
    label: "GET /users/limited, a new client id each time",
    server: () => apiLimited,
    options: { requestLua: LIMITED_LUA, args: [`r{round}-${process.pid}`] },
    expect: "2xx",
  }),
  token: scenario({
    id: "token",
    label: "POST /token (argon2id verify)",
    server: () => apiHash,
    options: {
      path: "/token",
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: `username=bench%40example.com&password=${encodeURIComponent(PASSWORD)}`,
    },
    expect: "2xx",
    connections: HASH_CONNECTIONS,
    timeoutSeconds: 30,
    hashBound: true,
  }),
  signup: scenario({
    ...signUpLoad,
    id: "signup",
    label: "POST /users/ (argon2id hash)",
    server: () => apiHash,
  }),
  signupPostgres: scenario({
    ...signUpLoad,
    id: "signup-postgres",
    label: "POST /users/ (argon2id hash) on PostgreSQL",
    server: () => apiPostgresHash as Server,
    postgres,
  }),
};
let apiLimited: Server = apiMain;
let apiHash: Server = apiMain;
let apiPostgresHash: Server | undefined;
/** The PostgreSQL rows run only when the server answered; the others do not depend on it. */
const ifPostgres = (...list: Scenario[]) => (postgres ? list : []);

// The warm-up's first requests must answer as the scenario expects.
for (const scenario of [
  scenarios.root,
  scenarios.me,
  ...ifPostgres(scenarios.mePostgres),
  scenarios.garbage,
] as Scenario[]) {
  const options = scenario.options;
  const response = await fetch(`${scenario.server().url}${options.path}`, {
    headers: options.headers,
  });
  await response.arrayBuffer();
  const ok = scenario.expect === 401 ? response.status === 401 : response.status < 300;
  // Thrown, not fail(): the handler stops the servers and drops the database first.
  if (!ok) throw new Error(`${scenario.label}: answered ${response.status} before the run`);
}

await interleaved([
  scenarios.bare,
  scenarios.requestIdOnly,
  scenarios.elysia,
  scenarios.hand,
  scenarios.root,
  scenarios.me,
  ...ifPostgres(scenarios.mePostgres),
  scenarios.garbage,
]);
const checks = await securityChecks(apiMain);
const mainLog = countLogLines(apiMain.logFile);
await stopServer(apiMain);
if (apiPostgres) await stopServer(apiPostgres);

log("\n== Rate-limited route (its own API process: up to a million keys pile up) ==");
apiLimited = await startApi("api-limited");
await interleaved([scenarios.bare, scenarios.limited]);
const limitedLog = countLogLines(apiLimited.logFile);
await stopServer(apiLimited);
await stopServer(handWritten);
await stopServer(requestIdOnly);
await stopServer(elysiaAlone);

log("\n== Hash-bound routes (argon2id, 64 MiB each; one at a time per hashing slot) ==");
apiHash = await startApi("api-hash");
await register(apiHash, "bench@example.com");
if (postgres) apiPostgresHash = await startApiOnPostgres("api-postgres-hash", postgres);
// Round by round, like the others, so that both engines' sign-ups see the same machine.
const hashBound = [scenarios.token, scenarios.signup, ...ifPostgres(scenarios.signupPostgres)];
for (const scenario of hashBound) {
  await warmUp(scenario);
  await waitUntilQuiet(scenario.server().pid);
}
for (let r = 1; r <= ROUNDS; r++) {
  for (const scenario of hashBound) {
    await round(scenario, r);
    await waitUntilQuiet(scenario.server().pid);
  }
}
await stopServer(apiHash);
if (apiPostgresHash) await stopServer(apiPostgresHash);
await stopServer(bare);

log(`\n== A burst of ${BURST} concurrent sign-ups while GET /users/me is measured ==`);
const burst = await measureBurst();

log("\n== Micro-benchmarks (each in its own process, pinned to the server's core) ==");
const micro = async <T>(script: string, extra: string[] = []) => {
  log(`  ${script} …`);
  return benchJson<T>(
    await runPinned(
      SERVER_CPU,
      ["bun", join(import.meta.dir, "micro", script), "--json", ...extra],
      ROOT,
    ),
  );
};
type Row = { id: string; label: string; opsPerSecond: number };
const jwtRows = await micro<Row[]>("jwt.ts");
const lookupRows = await micro<Row[]>("user-lookup.ts");
const limiterResult = await micro<{
  redis: string | null;
  rows: (Row & { allowedShare: number })[];
}>("limiter.ts");
const keysResult = await micro<{
  keys: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  bytesPerKey: number;
  fillMs: number;
}>("limiter-memory.ts");

await cleanup();

// ---------------------------------------------------------------------------------------------
// The burst

async function measureBurst() {
  const api = await startApi("api-burst");
  const { token } = await register(api, "bench@example.com");
  const slotsText = await runPinned(SERVER_CPU, [
    "bun",
    "-e",
    "console.log(navigator.hardwareConcurrency)",
  ]);
  const slots = Number(slotsText.trim());
  const meOptions = (seconds: number): WrkOptions => ({
    url: api.url,
    path: "/users/me",
    headers: { Authorization: `Bearer ${token}` },
    connections: 1,
    seconds,
    cpu: CLIENT_CPU,
    serverCpu: SERVER_CPU,
    workDir: work,
  });
  await runWrk(meOptions(WARMUP));
  await waitUntilQuiet(api.pid);
  const idle = await runWrk(meOptions(IDLE_SECONDS));
  log(
    `  idle:   p50 ${micros(idle.latencyUs.p50)}  p90 ${micros(idle.latencyUs.p90)}  p99 ${micros(idle.latencyUs.p99)}  ${int(idle.rps)} req/s`,
  );
  await waitUntilQuiet(api.pid);
  const rssIdle = memoryOf(api.pid).rss;
  const during = startWrk(meOptions(3600));
  await Bun.sleep(500);
  let rssPeak = rssIdle;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, memoryOf(api.pid).rss);
  }, 10);
  const burstStarted = performance.now();
  // Each sign-up behaves as a client should: a 503 from the full hashing queue carries
  // Retry-After, and the client comes back then. So every one should end 201.
  let refusals = 0;
  const signUp = async (i: number): Promise<number> => {
    for (let attempt = 0; attempt < 60; attempt++) {
      const response = await fetch(`${api.url}/users/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: `burst-${i}@example.com`, password: PASSWORD }),
      }).catch(() => undefined);
      if (!response) return 0;
      await response.arrayBuffer();
      const retryAfter = Number(response.headers.get("retry-after"));
      if (response.status !== 503 || !(retryAfter >= 1)) return response.status;
      refusals++;
      await Bun.sleep(retryAfter * 1000);
    }
    return 503;
  };
  const statuses = await Promise.all(Array.from({ length: BURST }, (_, i) => signUp(i)));
  const burstSeconds = (performance.now() - burstStarted) / 1000;
  const busy = await during.stop();
  clearInterval(sampler);
  rssPeak = Math.max(rssPeak, memoryOf(api.pid).rss);
  const created = statuses.filter((s) => s === 201).length;
  log(
    `  burst:  p50 ${micros(busy.latencyUs.p50)}  p90 ${micros(busy.latencyUs.p90)}  p99 ${micros(busy.latencyUs.p99)}  ${int(busy.rps)} req/s; ` +
      `${created}/${BURST} sign-ups 201 in ${burstSeconds.toFixed(1)} s (${refusals} × 503 + Retry-After on the way); RSS ${mib(rssIdle).toFixed(0)} → peak ${mib(rssPeak).toFixed(0)} MiB (${slots} hashing slot${slots === 1 ? "" : "s"})`,
  );
  await stopServer(api);
  return { idle, busy, statuses, created, refusals, burstSeconds, rssIdle, rssPeak, slots };
}

/** Lines in an access log, and whether the last one is an access line (the log is whole). */
function countLogLines(file: string): { lines: number; bytes: number } {
  const fd = openSync(file, "r");
  const buffer = Buffer.alloc(1 << 20);
  let lines = 0;
  for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) {
    for (let i = 0; i < n; i++) if (buffer[i] === 10) lines++;
  }
  return { lines, bytes: statSync(file).size };
}

// ---------------------------------------------------------------------------------------------
// Results

const bareRps = median(scenarios.bare.results.map((r) => r.rps));
interface HttpRow {
  scenario: Scenario;
  rps: number;
  rpsMin: number;
  rpsMax: number;
  /** The median of the rounds' ratios to their paired baseline rounds. */
  ratio: number;
  /** The median of those paired baseline rounds (all baseline rounds when unpaired). */
  baselineRps: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
  busyServer: number;
  busyClient: number;
  /** PostgreSQL rows: the median of the cores its backends used (undefined: not measured). */
  postgresCpu?: number;
}
// A scenario without results was skipped (PostgreSQL unreachable): it gets no row.
const measured = (Object.values(scenarios) as Scenario[]).filter((s) => s.results.length > 0);
const httpRows: HttpRow[] = measured.map((scenario) => {
  const rps = scenario.results.map((r) => r.rps);
  const paired = scenario.pairedBare.length === rps.length;
  return {
    scenario,
    rps: median(rps),
    rpsMin: min(rps),
    rpsMax: max(rps),
    ratio: paired
      ? median(rps.map((r, i) => r / (scenario.pairedBare[i] ?? 1)))
      : median(rps) / bareRps,
    baselineRps: paired ? median(scenario.pairedBare) : bareRps,
    p50: median(scenario.results.map((r) => r.latencyUs.p50)),
    p99: median(scenario.results.map((r) => r.latencyUs.p99)),
    errors: scenario.results.reduce((sum, r) => sum + errorsOf(scenario, r), 0),
    requests: scenario.results.reduce((sum, r) => sum + r.requests, 0),
    busyServer: median(scenario.results.map((r) => r.busy.server)),
    busyClient: median(scenario.results.map((r) => r.busy.client)),
    postgresCpu: scenario.postgresCpu.length > 0 ? median(scenario.postgresCpu) : undefined,
  };
});
const row = (id: string) => httpRows.find((r) => r.scenario.id === id) as HttpRow;
const mePostgres = httpRows.find((r) => r.scenario.id === "me-postgres");
const signupPostgres = httpRows.find((r) => r.scenario.id === "signup-postgres");
/** One line on the PostgreSQL rows' setup, for the settings and the target. */
const postgresSetup = postgres
  ? `PostgreSQL ${postgres.version}, DATABASE_POOL_MAX=${POOL_MAX}, its backends on ${postgres.placement()}`
  : `PostgreSQL unreachable (${postgresUnreachable})`;
const postgresCpuText = (r: HttpRow) =>
  r.postgresCpu === undefined ? "not measured" : `${percent(r.postgresCpu)} of a core`;

const memoryHot = limiterResult.rows.filter((r) => r.id.startsWith("memory-hot"));
const limiterRate = Math.min(...memoryHot.map((r) => r.opsPerSecond));
const burstBound = (burst.slots + 1) * ARGON2_MIB * 1024 * 1024;
const burstGrowth = burst.rssPeak - burst.rssIdle;
const burstP99Ratio = burst.busy.latencyUs.p99 / burst.idle.latencyUs.p99;
const burstFailures =
  BURST -
  burst.created +
  burst.busy.errors.status +
  burst.busy.errors.connect +
  burst.busy.errors.read +
  burst.busy.errors.write +
  burst.busy.errors.timeout;

interface Target {
  name: string;
  goal: string;
  measured: string;
  met: boolean;
  /** Could not be measured in this run (PostgreSQL unreachable): never met. */
  notMeasured?: boolean;
}
const targets: Target[] = [
  {
    name: "Authenticated `GET /users/me`",
    goal: "≥ 0.50 × bare Bun.serve",
    measured: `${ratio(row("me").ratio)} (${int(row("me").rps)} vs ${int(row("me").baselineRps)} req/s)`,
    met: row("me").ratio >= 0.5 && row("me").errors === 0,
  },
  {
    name: "Authenticated `GET /users/me` on PostgreSQL",
    goal: "≥ 0.30 × bare Bun.serve (the API process on one core; PostgreSQL's CPU is extra)",
    measured: mePostgres
      ? `${ratio(mePostgres.ratio)} (${int(mePostgres.rps)} vs ${int(mePostgres.baselineRps)} req/s); pool ${POOL_MAX}; PostgreSQL's backends used ${postgresCpuText(mePostgres)} on ${postgres?.placement()}`
      : postgresSetup,
    met: mePostgres !== undefined && mePostgres.ratio >= 0.3 && mePostgres.errors === 0,
    notMeasured: mePostgres === undefined,
  },
  {
    name: "`GET /`",
    goal: "≥ 0.85 × bare Bun.serve",
    measured: `${ratio(row("root").ratio)} (${int(row("root").rps)} req/s). References: Elysia without our hooks ${ratio(row("elysia-alone").ratio)}; Bun.serve with only the contract's X-Request-Id ${ratio(row("request-id-only").ratio)}; our per-request duties by hand on Bun.serve ${ratio(row("hand-written").ratio)}`,
    met: row("root").ratio >= 0.85 && row("root").errors === 0,
  },
  {
    name: `\`GET /users/me\` p99 during ${BURST} concurrent sign-ups`,
    goal: "< 5 × idle p99, no request fails (a sign-up refused 503 comes back after its Retry-After)",
    measured: `${micros(burst.busy.latencyUs.p99)} vs ${micros(burst.idle.latencyUs.p99)} idle (${burstP99Ratio.toFixed(1)}×); ${burstFailures} failed; ${burst.refusals} × 503 + Retry-After from the full hashing queue, each retried then`,
    met: burstP99Ratio < 5 && burstFailures === 0,
  },
  {
    name: "Memory during the burst",
    goal: `bounded by the hashing slots (${burst.slots} × ${ARGON2_MIB} MiB, +1 slack)`,
    measured: `peak ${mib(burst.rssPeak).toFixed(0)} MiB, +${mib(burstGrowth).toFixed(0)} MiB over idle (unbounded: ${BURST} × ${ARGON2_MIB} MiB = ${((BURST * ARGON2_MIB) / 1024).toFixed(1)} GiB)`,
    met: burstGrowth <= burstBound,
  },
  {
    name: "In-memory limiter, single-threaded",
    goal: "≥ 5,000,000 decisions/s",
    measured: `${int(limiterRate)}/s (slower of the two hot-key rows)`,
    met: limiterRate >= 5_000_000,
  },
  {
    name: "1,000,000 rate-limit keys in memory",
    goal: "≤ 150 MB resident",
    measured: `${(keysResult.rssAfterBytes / 1e6).toFixed(0)} MB (${int(keysResult.bytesPerKey)} bytes per key over the ${(keysResult.rssBeforeBytes / 1e6).toFixed(0)} MB empty process)`,
    met: keysResult.rssAfterBytes <= 150e6,
  },
  {
    name: "Security checks, live on the benchmarked API",
    goal: "every one holds",
    measured: `${checks.filter((c) => c.ok).length}/${checks.length}`,
    met: checks.every((c) => c.ok),
  },
];

const status = (t: Target) =>
  t.notMeasured ? "**not measured**" : t.met ? "**met**" : "**missed**";
const md: string[] = [];
md.push("# Benchmark results", "");
md.push(`Machine: ${machineLine(host)}`, "");
md.push(
  `Settings: ${ROUNDS} rounds × ${SECONDS} s per scenario after a ${WARMUP} s warm-up; wrk with ${CONNECTIONS} connections ` +
    `(${HASH_CONNECTIONS} for the hash-bound routes); servers pinned to CPU ${SERVER_CPU}, wrk to CPU ${CLIENT_CPU} (taskset). ` +
    "The API runs as users start it (`bun apps/api/src/index.ts`, NODE_ENV=production, a temporary SQLite file); " +
    `its access log goes to a file (${int(mainLog.lines + limitedLog.lines)} lines written, one per request). ` +
    (postgres
      ? `The PostgreSQL rows: the same API with DATABASE_URL naming a database of the run's own, ${postgresSetup}. `
      : `${postgresSetup}: its rows were skipped. `) +
    `Run time ${((performance.now() - started) / 60000).toFixed(1)} min. Produced by \`bun run bench\`; see bench/README.md.`,
  "",
);
md.push("![Benchmark chart](latest.svg)", "");
md.push("## Targets", "", "| target | goal | measured | |", "|---|---|---|---|");
for (const t of targets) md.push(`| ${t.name} | ${t.goal} | ${t.measured} | ${status(t)} |`);
md.push("");
md.push(
  "## HTTP throughput (ratios against the bare baseline of this run)",
  "",
  "| scenario | req/s (median) | min .. max | × bare | p50 | p99 | errors | busy: server / wrk core | PostgreSQL CPU |",
  "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
);
for (const r of httpRows) {
  md.push(
    `| ${r.scenario.label} | ${int(r.rps)} | ${int(r.rpsMin)} .. ${int(r.rpsMax)} | ${r.scenario.id === "bare" ? "1 (baseline)" : ratio(r.ratio)} | ${micros(r.p50)} | ${micros(r.p99)} | ${r.errors} of ${int(r.requests)} | ${percent(r.busyServer)} / ${percent(r.busyClient)} | ${r.scenario.postgres ? postgresCpuText(r) : "—"} |`,
  );
}
md.push(
  "",
  '"× bare" is the median of the rounds\' ratios, each round divided by the baseline round run just before it (the hash-bound routes: by the median of all baseline rounds). ' +
    `Latencies are wrk's, at ${CONNECTIONS} connections (so they include queueing), the median of the rounds' p50 and p99. ` +
    '"errors" counts socket errors, timeouts and any status other than the one expected (2xx; 401 for the garbage token). ' +
    "The 401 scenario's token has a real header and payload and a random signature.",
  "",
  postgres
    ? `**The PostgreSQL rows** ("on PostgreSQL"): the API process is pinned to CPU ${SERVER_CPU} like every server, so "× bare" is the API process on one core, as for the SQLite rows. ` +
        `PostgreSQL's backends serving the run's database ran on ${postgres.placement()}${postgres.placement().startsWith("CPU") ? ", beside wrk" : ""}: their CPU is extra, ` +
        `shown as "PostgreSQL CPU" (their CPU time over the round's duration; it is also inside the wrk core's "busy"). Pool: DATABASE_POOL_MAX=${POOL_MAX}; PostgreSQL ${postgres.version} at ${postgres.server}.`
    : `**The PostgreSQL rows were not measured**: ${postgresSetup}.`,
  "",
);
md.push(
  `## GET /users/me during a burst of ${BURST} concurrent sign-ups`,
  "",
  "One connection to `GET /users/me` (wrk -c1), first alone, then while the sign-ups hash.",
  "",
  "| | p50 | p90 | p99 | req/s | errors |",
  "|---|--:|--:|--:|--:|--:|",
  `| idle (${IDLE_SECONDS} s) | ${micros(burst.idle.latencyUs.p50)} | ${micros(burst.idle.latencyUs.p90)} | ${micros(burst.idle.latencyUs.p99)} | ${int(burst.idle.rps)} | ${errorsOf(scenarios.me, burst.idle)} |`,
  `| during the burst (${burst.burstSeconds.toFixed(1)} s) | ${micros(burst.busy.latencyUs.p50)} | ${micros(burst.busy.latencyUs.p90)} | ${micros(burst.busy.latencyUs.p99)} | ${int(burst.busy.rps)} | ${errorsOf(scenarios.me, burst.busy)} |`,
  "",
  `Sign-ups: ${burst.created} of ${BURST} answered 201. Hashing slots: ${burst.slots} (one per core the process may use). ` +
    `Resident size: ${mib(burst.rssIdle).toFixed(0)} MiB before, peak ${mib(burst.rssPeak).toFixed(0)} MiB during the burst ` +
    `(sampled every 10 ms; +${mib(burstGrowth).toFixed(0)} MiB, against ${((BURST * ARGON2_MIB) / 1024).toFixed(1)} GiB if all ${BURST} hashed at once).`,
  "",
);
const microTable = (title: string, unit: string, rows: Row[], extra?: (r: Row) => string) => {
  md.push(
    `## ${title}`,
    "",
    `| | ${unit} | ns each |${extra ? " |" : ""}`,
    `|---|--:|--:|${extra ? "--:|" : ""}`,
  );
  for (const r of rows) {
    md.push(
      `| ${r.label} | ${int(r.opsPerSecond)} | ${int(1e9 / r.opsPerSecond)} |${extra ? ` ${extra(r)} |` : ""}`,
    );
  }
  md.push("");
};
microTable("JWT verification (one at a time)", "verifications/s", jwtRows);
microTable(
  "The per-request user lookup (SQLite file in WAL mode, 1,000 users)",
  "lookups/s",
  lookupRows,
);
microTable(
  `Rate-limit decisions, single-threaded${limiterResult.redis ? ` (Redis at ${limiterResult.redis})` : " (Redis unreachable: its rows skipped)"}`,
  "decisions/s",
  limiterResult.rows,
  (r) => `${(((r as Row & { allowedShare: number }).allowedShare ?? 0) * 100).toFixed(0)}% allowed`,
);
md.push(
  "## 1,000,000 keys in the in-memory rate-limit store",
  "",
  `A fresh process hits ${int(keysResult.keys)} distinct keys (\`limited:client-N\`) once each under the API's policy: ` +
    `resident ${(keysResult.rssBeforeBytes / 1e6).toFixed(0)} MB before, ${(keysResult.rssAfterBytes / 1e6).toFixed(0)} MB after ` +
    `(${int(keysResult.bytesPerKey)} bytes per key), filled in ${int(keysResult.fillMs)} ms.`,
  "",
);
md.push("## Security checks (live, on the benchmarked API, after its rounds)", "");
for (const c of checks) md.push(`- ${c.ok ? "✔" : "✘"} ${c.name} (got ${c.detail})`);
md.push("");

const tone = (met: boolean): "good" | "bad" => (met ? "good" : "bad");
const svg = renderChart("Status Code Lab — bun run bench", machineLine(host), [
  {
    title: "Throughput against a bare Bun.serve hello world (same run, same core)",
    subtitle: `Median of ${ROUNDS} rounds; dashed lines: the targets. Bare: ${int(bareRps)} req/s.`,
    bars: [
      {
        label: "bare Bun.serve (baseline)",
        value: 1,
        text: `1.00× · ${rate(bareRps)} req/s`,
        tone: "neutral",
      },
      {
        label: "Bun.serve, X-Request-Id only (reference)",
        value: row("request-id-only").ratio,
        text: `${ratio(row("request-id-only").ratio)} · ${rate(row("request-id-only").rps)}`,
        tone: "muted",
      },
      {
        label: "Elysia without our hooks (reference)",
        value: row("elysia-alone").ratio,
        text: `${ratio(row("elysia-alone").ratio)} · ${rate(row("elysia-alone").rps)}`,
        tone: "muted",
      },
      {
        label: "GET / by hand on Bun.serve (reference)",
        value: row("hand-written").ratio,
        text: `${ratio(row("hand-written").ratio)} · ${rate(row("hand-written").rps)}`,
        tone: "muted",
      },
      {
        label: "GET /",
        value: row("root").ratio,
        text: `${ratio(row("root").ratio)} · ${rate(row("root").rps)}`,
        tone: tone(row("root").ratio >= 0.85),
      },
      {
        label: "GET /users/me (authenticated)",
        value: row("me").ratio,
        text: `${ratio(row("me").ratio)} · ${rate(row("me").rps)}`,
        tone: tone(row("me").ratio >= 0.5),
      },
      ...(mePostgres
        ? [
            {
              label: "GET /users/me on PostgreSQL",
              value: mePostgres.ratio,
              text: `${ratio(mePostgres.ratio)} · ${rate(mePostgres.rps)} (pool ${POOL_MAX})`,
              tone: tone(mePostgres.ratio >= 0.3),
            },
          ]
        : []),
      {
        label: "GET /users/me, garbage token (401)",
        value: row("401").ratio,
        text: `${ratio(row("401").ratio)} · ${rate(row("401").rps)}`,
        tone: "neutral",
      },
      {
        label: "GET /users/limited, new client ids",
        value: row("limited").ratio,
        text: `${ratio(row("limited").ratio)} · ${rate(row("limited").rps)}`,
        tone: "neutral",
      },
      {
        label: "POST /token (argon2id)",
        value: row("token").ratio,
        text: `${rate(row("token").rps)} req/s (hash-bound)`,
        tone: "neutral",
      },
      {
        label: "POST /users/ (argon2id)",
        value: row("signup").ratio,
        text: `${rate(row("signup").rps)} req/s (hash-bound)`,
        tone: "neutral",
      },
      ...(signupPostgres
        ? [
            {
              label: "POST /users/ on PostgreSQL (argon2id)",
              value: signupPostgres.ratio,
              text: `${rate(signupPostgres.rps)} req/s (hash-bound)`,
              tone: "neutral" as const,
            },
          ]
        : []),
    ],
    min: 0,
    max: 1,
    marks: [
      { value: 0.3, label: "0.30 (PostgreSQL)" },
      { value: 0.5, label: "0.50 (/users/me)" },
      { value: 0.85, label: "0.85 (GET /)" },
    ],
    tick: (v) => `${v.toFixed(1)}×`,
  },
  {
    title: `GET /users/me latency, one connection: idle vs. during ${BURST} concurrent sign-ups`,
    subtitle: `Log scale. Target: burst p99 < 5 × idle p99 (${micros(5 * burst.idle.latencyUs.p99)}), no failures (${burstFailures} failed).`,
    bars: (["p50", "p90", "p99"] as const).flatMap((p): Bar[] => [
      {
        label: `${p} idle`,
        value: burst.idle.latencyUs[p],
        text: micros(burst.idle.latencyUs[p]),
        tone: "neutral" as const,
      },
      {
        label: `${p} during the burst`,
        value: burst.busy.latencyUs[p],
        text: micros(burst.busy.latencyUs[p]),
        tone: p === "p99" ? tone(burstP99Ratio < 5) : ("muted" as const),
      },
    ]),
    scale: "log",
    marks: [{ value: 5 * burst.idle.latencyUs.p99, label: "5 × idle p99" }],
    tick: (v) => micros(v),
  },
  {
    title: "Memory: 1,000,000 rate-limit keys in the in-memory store",
    subtitle: "Resident size of a process holding them (dashed: the 150 MB target).",
    bars: [
      {
        label: "empty process",
        value: keysResult.rssBeforeBytes / 1e6,
        text: `${(keysResult.rssBeforeBytes / 1e6).toFixed(0)} MB`,
        tone: "neutral",
      },
      {
        label: "with 1,000,000 keys",
        value: keysResult.rssAfterBytes / 1e6,
        text: `${(keysResult.rssAfterBytes / 1e6).toFixed(0)} MB (${int(keysResult.bytesPerKey)} bytes per key)`,
        tone: tone(keysResult.rssAfterBytes <= 150e6),
      },
    ],
    min: 0,
    max: 200,
    marks: [{ value: 150, label: "150 MB" }],
    tick: (v) => `${v.toFixed(0)} MB`,
  },
  {
    title: `Memory: the API during ${BURST} concurrent sign-ups (argon2id, ${ARGON2_MIB} MiB each)`,
    subtitle: `Resident size, sampled every 10 ms (dashed: idle + ${burst.slots + 1} × ${ARGON2_MIB} MiB). All at once would need ${((BURST * ARGON2_MIB) / 1024).toFixed(1)} GiB.`,
    bars: [
      {
        label: "idle, before the burst",
        value: mib(burst.rssIdle),
        text: `${mib(burst.rssIdle).toFixed(0)} MiB`,
        tone: "neutral",
      },
      {
        label: "peak during the burst",
        value: mib(burst.rssPeak),
        text: `${mib(burst.rssPeak).toFixed(0)} MiB`,
        tone: tone(burstGrowth <= burstBound),
      },
    ],
    min: 0,
    marks: [{ value: mib(burst.rssIdle + burstBound), label: "bound" }],
    tick: (v) => `${v.toFixed(0)} MiB`,
  },
  {
    title: "Micro-benchmarks, per second (log scale)",
    subtitle:
      "JWT verification and rate-limit decisions, one thread; dashed line: the limiter's 5 M/s target.",
    bars: [
      ...jwtRows
        .filter((r) => r.id !== "forged")
        .map((r) => ({
          label:
            {
              "jose-raw": "verify: jose, key per call",
              "jose-key": "verify: jose, key imported once",
              hmac: "verify: node:crypto HMAC",
              cached: "verify: HMAC + token cache (hit)",
            }[r.id] ?? r.id,
          value: r.opsPerSecond,
          text: rate(r.opsPerSecond),
          tone: r.id.startsWith("jose") ? ("muted" as const) : ("good" as const),
        })),
      ...limiterResult.rows
        .filter((r) => r.id !== "memory-spread")
        .map((r) => ({
          label:
            {
              "memory-hot-api": "limiter: MemoryStore, hot, denials",
              "memory-hot-admit": "limiter: MemoryStore, hot, admissions",
              "limiter-check-hot": "limiter: limiter.check() awaited",
              "redis-sequential": "limiter: Redis, one at a time",
              "redis-64": "limiter: Redis, 64 in flight",
            }[r.id] ?? r.id,
          value: r.opsPerSecond,
          text: rate(r.opsPerSecond),
          tone: r.id.startsWith("memory-hot") ? tone(r.opsPerSecond >= 5e6) : ("neutral" as const),
        })),
    ],
    scale: "log",
    marks: [{ value: 5e6, label: "5 M/s" }],
    tick: (v) => rate(v),
  },
]);

mkdirSync(RESULTS, { recursive: true });
writeFileSync(join(RESULTS, "latest.md"), `${md.join("\n")}`);
writeFileSync(join(RESULTS, "latest.svg"), svg);
writeFileSync(
  join(RESULTS, "latest.json"),
  `${JSON.stringify(
    {
      machine: host,
      settings: {
        ROUNDS,
        SECONDS,
        WARMUP,
        CONNECTIONS,
        SERVER_CPU,
        CLIENT_CPU,
        BURST,
        POSTGRES_POOL_MAX: POOL_MAX,
      },
      postgres: postgres
        ? { server: postgres.server, version: postgres.version, backends: postgres.placement() }
        : { unreachable: postgresUnreachable },
      bareRps,
      http: httpRows.map(({ scenario, ...rest }) => ({
        id: scenario.id,
        label: scenario.label,
        ...rest,
        rounds: scenario.results,
      })),
      burst,
      jwt: jwtRows,
      lookup: lookupRows,
      limiter: limiterResult,
      keys: keysResult,
      checks,
      targets,
    },
    null,
    2,
  )}\n`,
);

log("\n== Targets ==");
const width = Math.max(...targets.map((t) => t.name.length));
for (const t of targets) {
  const mark = t.notMeasured ? "NOT MEASURED" : t.met ? "met" : "MISSED";
  log(
    `${mark.padEnd(12)}  ${t.name.replaceAll("`", "").padEnd(width)}  ${t.goal}: ${t.measured.replaceAll("`", "")}`,
  );
}
log(`\nWritten: bench/results/latest.md, latest.svg, latest.json`);
