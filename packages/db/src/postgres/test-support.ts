import { SQL } from "bun";
import { POSTGRES_TEST_URL } from "../testing/postgres.ts";

/** Polls `check` until it holds; fails after `timeoutMs`. For waiting on readiness, not time. */
export async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await Bun.sleep(10);
  }
}

/** Resolves with how `promise` settled and how long that took from now. */
export async function settled<T>(promise: Promise<T>) {
  const started = performance.now();
  const outcome = await promise.then(
    (value) => ({ value, error: undefined as unknown }),
    (error: unknown) => ({ value: undefined, error }),
  );
  return { ...outcome, ms: performance.now() - started };
}

/** A connection of the test's own to the server, to watch `pg_stat_activity` and make databases. */
export function adminSession() {
  const sql = new SQL(POSTGRES_TEST_URL, { max: 1, connectionTimeout: 5 });
  const created: string[] = [];
  return {
    sql,
    /** The server's sessions of `applicationName`: all of them, and those waiting for a lock. */
    async sessionsOf(applicationName: string): Promise<{ total: number; waiting: number }> {
      const [row] = await sql`
        SELECT count(*)::int AS total,
               (count(*) FILTER (WHERE wait_event_type = 'Lock'))::int AS waiting
        FROM pg_stat_activity WHERE application_name = ${applicationName}`;
      return row;
    },
    /** A new database with nothing in it (not migrated); its URL. Dropped by `close()`. */
    async bareDatabase(): Promise<string> {
      const name = `statuslab_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
      await sql.unsafe(`CREATE DATABASE "${name}"`);
      created.push(name);
      const url = new URL(POSTGRES_TEST_URL);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async close() {
      for (const name of created.splice(0)) {
        await sql.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }
      await sql.close();
    },
  };
}

/** A name no other test (or process) uses, for telling our pool's sessions apart. */
export const uniqueApplicationName = (label: string) =>
  `statuslab-test-${label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
