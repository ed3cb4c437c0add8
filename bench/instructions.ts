/**
 * `bun run bench:instructions`: what each server costs per request in CPU instructions, counted
 * by valgrind's callgrind on the server's main thread. Unlike requests per second, the counts do
 * not depend on what else the machine is doing, so they show a change of a few per cent that the
 * wall-clock rounds of `bun run bench` cannot. The API's rows move more than the references',
 * as garbage collections land in some batches and not others, hence longer batches for the API,
 * the median of several batches, and their spread (how much: bench/README.md).
 *
 * What they leave out: the kernel's work for each request (its sockets) and the other threads.
 * So they compare the servers' own work, and a ratio here is not the ratio `bun run bench`
 * reports.
 *
 * Each server runs under valgrind, pinned to one core, with wrk on the other at ONE connection:
 * every request is then a turn of the event loop of its own, which makes the counts repeatable,
 * and puts the work done once per turn (the access log's write, the database's freshness check)
 * on every request; at 100 connections that work is shared by the requests of a turn. After a
 * warm-up (at 50 connections, then at one, so that the JIT is done compiling the hot paths:
 * valgrind's translation of freshly compiled code would land in the counts), each batch zeroes
 * the counters, runs wrk, dumps the counters and divides by the requests wrk saw answered.
 *
 * Settings, all optional: BENCH_IR_BATCHES (5), BENCH_IR_SECONDS (5), BENCH_IR_WARMUP (15),
 * BENCH_IR_ONLY (ids to measure, e.g. `bare,root,me`; the results file is then left alone),
 * BENCH_SERVER_CPU (0), BENCH_CLIENT_CPU (1). Needs valgrind and wrk (Debian's packages).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { apiEnv, register } from "./lib/api.ts";
import { machine, machineLine } from "./lib/machine.ts";
import { type Server, startServer } from "./lib/proc.ts";
import { int, max, median, min } from "./lib/stats.ts";
import { runWrk, wrkVersion } from "./lib/wrk.ts";

const env = Bun.env;
const BATCHES = Math.max(3, Number(env.BENCH_IR_BATCHES ?? 5));
const SECONDS = Math.max(1, Number(env.BENCH_IR_SECONDS ?? 5));
/** The API allocates more per request: longer batches let its garbage collections even out. */
const API_BATCH_FACTOR = 3;
const WARMUP = Math.max(1, Number(env.BENCH_IR_WARMUP ?? 15));
/**
 * Batches further apart than this (max − min over the median) mark a row unsteady: above what
 * steady runs spread, below what a VM where valgrind crawls gives (bench/README.md).
 */
const UNSTEADY = 0.15;
const SERVER_CPU = Number(env.BENCH_SERVER_CPU ?? 0);
const CLIENT_CPU = Number(env.BENCH_CLIENT_CPU ?? 1);
const ROOT = join(import.meta.dir, "..");
const RESULT = join(import.meta.dir, "results", "instructions.md");

const fail = (line: string): never => {
  console.error(line);
  process.exit(1);
};
const wrk = wrkVersion() ?? fail("wrk is not installed. On Debian: apt-get install -y wrk");
if (!Bun.which("valgrind") || !Bun.which("callgrind_control")) {
  fail("valgrind is not installed. On Debian: apt-get install -y valgrind");
}

const work = mkdtempSync(join(tmpdir(), "statuslab-ir-"));
// Gone however the run ends (BENCH_KEEP=1 keeps the logs and the dumps to look at).
process.on("exit", () => {
  if (!env.BENCH_KEEP) rmSync(work, { recursive: true, force: true });
});
const JWT_SECRET = randomBytes(48).toString("base64url");
/** The database of the signed-in target: the sign-up writes the user there first. */
const SIGNED_IN_DB = join(work, "me.db");

interface Target {
  id: string;
  label: string;
  command: string[];
  env?: Record<string, string>;
  path: string;
  /** Signed in as a user made before the run (see `signUp`). */
  signedIn?: true;
  /** Seconds per batch: the API's are longer, so the garbage collections they include even out. */
  batchSeconds: number;
}

/** A user made by the API running normally: argon2id under valgrind would take minutes. */
async function signUp(): Promise<string> {
  const server = await startServer({
    name: "api (sign-up)",
    command: ["bun", "apps/api/src/index.ts"],
    cwd: ROOT,
    cpu: SERVER_CPU,
    env: apiEnv(JWT_SECRET, SIGNED_IN_DB),
    logFile: join(work, "signup.log"),
  });
  try {
    return (await register(server, "ir@example.com")).token;
  } finally {
    await server.stop();
  }
}

const reference = (name: string) => ["bun", join(import.meta.dir, "servers", `${name}.ts`)];
const targets: Target[] = [
  {
    id: "bare",
    label: "bare Bun.serve hello world (baseline)",
    command: reference("bare"),
    path: "/",
    batchSeconds: SECONDS,
  },
  {
    id: "request-id-only",
    label: "Bun.serve: JSON + X-Request-Id only (reference)",
    command: reference("request-id-only"),
    path: "/",
    batchSeconds: SECONDS,
  },
  {
    id: "elysia-alone",
    label: "GET / on Elysia without our hooks (reference)",
    command: reference("elysia-alone"),
    path: "/",
    batchSeconds: SECONDS,
  },
  {
    id: "hand-written",
    label: "GET / by hand on Bun.serve (reference)",
    command: reference("hand-written"),
    path: "/",
    batchSeconds: SECONDS,
  },
  {
    id: "root",
    label: "GET /",
    command: ["bun", "apps/api/src/index.ts"],
    env: apiEnv(JWT_SECRET, join(work, "root.db")),
    path: "/",
    batchSeconds: SECONDS,
  },
  {
    id: "me",
    label: "GET /users/me (authenticated)",
    command: ["bun", "apps/api/src/index.ts"],
    env: apiEnv(JWT_SECRET, SIGNED_IN_DB),
    path: "/users/me",
    signedIn: true,
    batchSeconds: SECONDS * API_BATCH_FACTOR,
  },
];

async function callgrindControl(flag: string, pid: number) {
  const child = Bun.spawn(["callgrind_control", flag, String(pid)], {
    stdout: "ignore",
    stderr: "pipe",
  });
  const code = await child.exited;
  if (code !== 0) {
    const stderr = await new Response(child.stderr).text();
    throw new Error(`callgrind_control ${flag} ${pid}: ${stderr}`);
  }
}

/** The main thread's instruction total in the dump that appears after `before` (`out.<n>-01`). */
async function newestMainThreadTotal(dir: string, before: Set<string>): Promise<number> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    const fresh = readdirSync(dir).filter((file) => file.endsWith("-01") && !before.has(file));
    if (fresh.length > 1) throw new Error(`expected one new dump in ${dir}, found ${fresh.length}`);
    const total = fresh[0]
      ? readFileSync(join(dir, fresh[0]), "utf8").match(/^(?:summary|totals): (\d+)/m)?.[1]
      : undefined;
    if (total) return Number(total);
    if (performance.now() > deadline) throw new Error(`no new dump with a total in ${dir}`);
    await Bun.sleep(100);
  }
}

interface Measured {
  target: Target;
  perRequest: number[];
  requests: number;
}

async function measure(target: Target, token: string | undefined): Promise<Measured> {
  const dir = mkdtempSync(join(work, `${target.id}-`));
  const server: Server = await startServer({
    name: target.id,
    command: [
      "valgrind",
      "--tool=callgrind",
      "--separate-threads=yes",
      `--callgrind-out-file=${join(dir, "out")}`,
      ...target.command,
    ],
    cwd: ROOT,
    cpu: SERVER_CPU,
    env: target.env,
    logFile: join(work, `${target.id}.log`),
    readyTimeoutMs: 180_000,
  });
  const load = (seconds: number, connections = 1) =>
    runWrk({
      url: server.url,
      path: target.path,
      headers: target.signedIn ? { Authorization: `Bearer ${token}` } : undefined,
      connections,
      seconds,
      timeoutSeconds: 10,
      cpu: CLIENT_CPU,
      serverCpu: SERVER_CPU,
      workDir: work,
    });
  try {
    await load(WARMUP, 50);
    await load(WARMUP);
    const perRequest: number[] = [];
    let requests = 0;
    for (let batch = 0; batch < BATCHES; batch++) {
      await callgrindControl("-z", server.pid);
      const result = await load(target.batchSeconds);
      const before = new Set(readdirSync(dir));
      await callgrindControl("-d", server.pid);
      const errors = Object.values(result.errors).reduce((sum, n) => sum + n, 0);
      if (errors > 0) throw new Error(`${target.id}: ${errors} failed requests`);
      if (result.requests === 0) {
        throw new Error(
          `${target.id}: a batch of ${target.batchSeconds} s answered no request under valgrind; lengthen BENCH_IR_WARMUP or BENCH_IR_SECONDS`,
        );
      }
      perRequest.push((await newestMainThreadTotal(dir, before)) / result.requests);
      requests += result.requests;
    }
    console.log(
      `${target.label.padEnd(50)} ${perRequest.map((n) => int(n)).join(" / ")} instructions per request`,
    );
    return { target, perRequest, requests };
  } finally {
    await server.stop();
  }
}

const started = performance.now();
const only = env.BENCH_IR_ONLY?.split(",").map((id) => id.trim());
const unknown = only?.filter((id) => !targets.some((target) => target.id === id)) ?? [];
if (unknown.length > 0) {
  fail(
    `BENCH_IR_ONLY: unknown ${unknown.join(", ")} (known: ${targets.map((t) => t.id).join(", ")})`,
  );
}
const chosen = targets.filter((target) => !only || only.includes(target.id));
const token = chosen.some((target) => target.signedIn) ? await signUp() : undefined;
const results: Measured[] = [];
for (const target of chosen) results.push(await measure(target, token));

const bareRun = results.find((result) => result.target.id === "bare");
const bare = bareRun ? median(bareRun.perRequest) : Number.NaN;
const unsteady: string[] = [];
const rows = results.map(({ target, perRequest, requests }) => {
  const perReq = median(perRequest);
  const spread = (max(perRequest) - min(perRequest)) / perReq;
  if (spread > UNSTEADY) unsteady.push(target.label);
  const [times, over] = Number.isNaN(bare)
    ? ["–", "–"]
    : [`${(perReq / bare).toFixed(2)}×`, `+${int(perReq - bare)}`];
  const flag = spread > UNSTEADY ? " (unsteady)" : "";
  return `| ${target.label} | ${int(perReq)} | ${(spread * 100).toFixed(1)}%${flag} | ${times} | ${over} | ${int(requests)} |`;
});
const report = [
  "# Instructions per request",
  "",
  machineLine(machine(wrk)),
  "",
  `Settings: each server under \`valgrind --tool=callgrind\`, pinned to CPU ${SERVER_CPU}; wrk on CPU ${CLIENT_CPU} at one connection; a warm-up of ${WARMUP} s at 50 connections and ${WARMUP} s at one, then ${BATCHES} batches of ${SECONDS} s (${SECONDS * API_BATCH_FACTOR} s for the API). Counted: the server's main thread, user space only. Run time ${((performance.now() - started) / 60_000).toFixed(1)} min. Produced by \`bun run bench:instructions\`; see bench/README.md.`,
  "",
  "| server | instructions per request (median) | spread of batches | × bare | over bare | requests counted |",
  "|---|--:|--:|--:|--:|--:|",
  ...rows,
  "",
  ...(unsteady.length > 0
    ? [
        `Unsteady (batches more than ${UNSTEADY * 100}% apart): ${unsteady.join("; ")}. Do not compare these rows; run again.`,
        "",
      ]
    : []),
  "One connection makes every request a turn of the event loop of its own, so work done once per turn (the access log's write, the database's freshness check) is counted on every request here; at 100 connections it is shared. The kernel's share of each request is not counted: these are not the ratios of `bun run bench`.",
  "",
].join("\n");
if (unsteady.length > 0)
  console.warn(`\nUNSTEADY, run again before comparing: ${unsteady.join("; ")}`);
if (only) console.log(`\n${report}`);
else {
  writeFileSync(RESULT, report);
  console.log(`\nWritten: ${RESULT}`);
}
