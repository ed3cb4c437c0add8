/**
 * The PostgreSQL side of `bun run bench`: a database of the benchmark's own on the server at
 * `BENCH_POSTGRES_URL`, and the server's backends that serve it. The API process is pinned to the
 * server's core like every other server; the backends are pinned to the load generator's core, so
 * the API still has a core to itself and what PostgreSQL costs shows on its own, read from /proc.
 */
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { maskDatabaseUrl } from "@statuslab/db";
import { SQL } from "bun";

/** The server's maintenance connection: where the benchmark's database is created and dropped. */
export const POSTGRES_ADMIN_URL =
  Bun.env.BENCH_POSTGRES_URL ||
  Bun.env.POSTGRES_TEST_URL ||
  "postgres://postgres@127.0.0.1:5432/test";

const PREFIX = "statuslab_bench_";
// The comment marks a database as a run's of this machine, so the sweep below never drops the
// database of a run on another machine that shares the server.
const owner = (pid: number) => `bun run bench on ${hostname()}, pid ${pid}`;
// /proc/<pid>/stat counts CPU time in USER_HZ ticks, 100 per second on Linux.
const TICKS_PER_SECOND = 100;

export interface BenchPostgres {
  /** The `DATABASE_URL` of the benchmark's database. */
  url: string;
  /** The admin URL, password masked, for the results. */
  server: string;
  /** `SHOW server_version`. */
  version: string;
  /** Where the backends run: "CPU n", or why they were left unpinned. */
  placement(): string;
  /**
   * Pins the backends now serving the database, then counts their CPU time until `stop()`,
   * which returns it in cores (CPU-seconds per second), or undefined when the server is not on
   * this machine (its processes are not in /proc).
   */
  meter(): Promise<{ stop(): Promise<number | undefined> }>;
  /** Drops the database (its connections first). Idempotent. */
  drop(): Promise<void>;
}

/**
 * Creates a fresh database on the server, or says in one line why it cannot: the benchmark then
 * skips only its PostgreSQL rows. The API process migrates it at start, as in production.
 */
export async function openBenchPostgres(options: {
  adminUrl?: string;
  /** The core the backends are pinned to. */
  cpu: number;
}): Promise<BenchPostgres | { unreachable: string }> {
  const adminUrl = options.adminUrl ?? POSTGRES_ADMIN_URL;
  const server = maskDatabaseUrl(adminUrl);
  const admin = new SQL(adminUrl, { max: 1, connectionTimeout: 3 });
  let version: string;
  try {
    const rows = await withTimeout(admin`SHOW server_version`, 5000);
    version = (rows as { server_version: string }[])[0]?.server_version ?? "unknown";
  } catch (error) {
    await admin.close({ timeout: 0 }).catch(() => {});
    return { unreachable: `${server}: ${error instanceof Error ? error.message : String(error)}` };
  }
  // Best effort: a leftover another run cannot drop is no reason to skip this one's rows.
  await sweepDeadRuns(admin).catch(() => {});
  const database = `${PREFIX}${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  try {
    await admin.unsafe(`CREATE DATABASE "${database}"`);
    await admin.unsafe(`COMMENT ON DATABASE "${database}" IS '${owner(process.pid)}'`);
  } catch (error) {
    await admin.unsafe(`DROP DATABASE IF EXISTS "${database}"`).catch(() => {});
    await admin.close({ timeout: 0 }).catch(() => {});
    const reason = error instanceof Error ? error.message : String(error);
    return { unreachable: `${server}: could not create a database there: ${reason}` };
  }
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;

  let unpinned: string | undefined;
  let local = true;
  const backends = async (): Promise<number[]> => {
    const rows = await admin`SELECT pid FROM pg_stat_activity WHERE datname = ${database}`;
    return (rows as { pid: number }[]).map((row) => row.pid);
  };
  const pin = async (pids: number[]) => {
    for (const pid of pids) {
      if (unpinned) return;
      if (!isPostgresHere(pid)) {
        local = false;
        unpinned = "unpinned: the server is not on this machine";
        return;
      }
      // Not spawnSync: a Ctrl-C arriving during it would be lost, and the run not cleaned up.
      const child = Bun.spawn(["taskset", "-a", "-p", "-c", String(options.cpu), `${pid}`], {
        stdout: "ignore",
        stderr: "pipe",
      });
      const [stderr, code] = await Promise.all([new Response(child.stderr).text(), child.exited]);
      // A backend that has just exited is no reason to give up on the others.
      if (code !== 0 && isPostgresHere(pid))
        unpinned = `unpinned: taskset refused (${stderr.trim()})`;
    }
  };

  let dropped: Promise<void> | undefined;
  return {
    url: url.toString(),
    server,
    version,
    placement: () => unpinned ?? `CPU ${options.cpu}`,
    async meter() {
      const pids = await backends();
      await pin(pids);
      const before = new Map(pids.map((pid) => [pid, cpuTicksOf(pid)]));
      const started = performance.now();
      return {
        async stop() {
          const seconds = (performance.now() - started) / 1000;
          if (!local) return undefined;
          let ticks = 0;
          // A backend the pool opened during the round counts from its start.
          for (const pid of await backends()) ticks += cpuTicksOf(pid) - (before.get(pid) ?? 0);
          return ticks / TICKS_PER_SECOND / seconds;
        },
      };
    },
    drop() {
      dropped ??= (async () => {
        try {
          await admin.unsafe(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
        } finally {
          await admin.close({ timeout: 0 }).catch(() => {});
        }
      })();
      return dropped;
    },
  };
}

/** Drops the databases of this machine's earlier runs that are gone (killed before their end). */
async function sweepDeadRuns(admin: SQL) {
  const rows = await admin`
    SELECT datname, shobj_description(oid, 'pg_database') AS comment
    FROM pg_database WHERE datname LIKE ${`${PREFIX}%`}`;
  for (const { datname, comment } of rows as { datname: string; comment: string | null }[]) {
    const pid = Number(/^statuslab_bench_(\d+)_/.exec(datname)?.[1]);
    if (!pid || comment !== owner(pid) || isAlive(pid)) continue;
    await admin.unsafe(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === "EPERM";
  }
}

/** Whether `pid` here is a PostgreSQL process (and not some other one, in another namespace). */
function isPostgresHere(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").startsWith("postgres");
  } catch {
    return false;
  }
}

/** User + system CPU ticks of a process; 0 once it is gone. */
function cpuTicksOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
