/**
 * The test server's side of `createPostgresTestDatabase`: databases made by copying a migrated
 * template, handed back emptied for the next test, and the leftovers of dead runs dropped.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SQL } from "bun";
import { MIGRATIONS_FOLDER } from "../postgres/client.ts";
import { openPostgres } from "../postgres/index.ts";

export const POSTGRES_TEST_URL =
  process.env.POSTGRES_TEST_URL || "postgres://postgres@127.0.0.1:5432/test";

/** One `SELECT 1`, bounded; resolves to why it failed, or undefined when the server answered. */
export async function probePostgres(
  url = POSTGRES_TEST_URL,
  timeoutMs = 2000,
): Promise<string | undefined> {
  const sql = new SQL(url, { max: 1, connectionTimeout: timeoutMs / 1000 });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      sql`SELECT 1`,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return undefined;
  } catch (error) {
    return error instanceof Error ? `${error.message}` : String(error);
  } finally {
    clearTimeout(timer);
    await sql.close({ timeout: 0 }).catch(() => {});
  }
}

/** `url` naming another database on the same server. */
export function withDatabase(url: string, database: string): URL {
  const next = new URL(url);
  next.pathname = `/${database}`;
  return next;
}

const randomSuffix = () => `${process.pid}_${Math.random().toString(36).slice(2, 10)}`;

/** The migrations' own fingerprint: a template made from older ones is never used. */
function migrationsFingerprint(): string {
  const files = readdirSync(MIGRATIONS_FOLDER, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".sql") || file.endsWith(".json"))
    .sort();
  const text = files.map(
    (file) => `${file}\n${readFileSync(join(MIGRATIONS_FOLDER, file), "utf8")}`,
  );
  return Bun.hash(text.join("\n")).toString(36);
}

/** This process's connection to the server's maintenance database, for CREATE/DROP DATABASE. */
let adminPool: SQL | undefined;
const admin = () => {
  adminPool ??= new SQL(POSTGRES_TEST_URL, { max: 2, connectionTimeout: 5, idleTimeout: 5 });
  return adminPool;
};

let template: Promise<string> | undefined;

/**
 * A migrated database to copy (`CREATE DATABASE … TEMPLATE`), made once per server and set of
 * migrations, so that no test database pays for migrating (hundreds of milliseconds here).
 * Built under a name of its own and renamed when complete, so that another process never copies
 * a half-built one; if another process got there first, its template is used.
 */
function migratedTemplate(): Promise<string> {
  template ??= (async () => {
    const name = `statuslab_template_${migrationsFingerprint()}`;
    const exists = await admin()`SELECT 1 FROM pg_database WHERE datname = ${name}`;
    if (exists.length > 0) return name;
    const building = `statuslab_building_${randomSuffix()}`;
    await admin().unsafe(`CREATE DATABASE "${building}"`);
    try {
      await (
        await openPostgres(withDatabase(POSTGRES_TEST_URL, building).toString(), { poolMax: 1 })
      ).close();
      await admin().unsafe(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
    } catch (error) {
      await admin().unsafe(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
      const raced = await admin()`SELECT 1 FROM pg_database WHERE datname = ${name}`;
      if (raced.length === 0) throw error;
    }
    return name;
  })();
  template.catch(() => {
    template = undefined;
  });
  return template;
}

/** A copy of the template; retried while a session the template's builder closed lingers. */
async function copyOfTemplate(name: string) {
  const source = await migratedTemplate();
  for (let attempt = 1; ; attempt++) {
    try {
      await admin().unsafe(`CREATE DATABASE "${name}" TEMPLATE "${source}"`);
      return;
    } catch (error) {
      // 55006 object_in_use: "source database is being accessed by other users".
      if ((error as { errno?: string }).errno !== "55006" || attempt >= 50) throw error;
      await Bun.sleep(20);
    }
  }
}

/**
 * Databases this process used and emptied again, ready for the next test. Creating one costs
 * hundreds of milliseconds of the server's disk (a whole catalog, synced); emptying one that
 * only rows were written to is TRUNCATE … RESTART IDENTITY, and gives exactly a fresh one.
 */
const spare: string[] = [];

// Test databases, and templates whose builder died before renaming them.
const TEST_DATABASE = /^statuslab_(?:test|building)_(\d+)_[a-z0-9]+$/;
let swept = false;

/**
 * Drops the test databases of processes on this machine that are gone (a run that crashed or
 * was killed before dropping its own), once per process.
 */
async function sweepDeadRuns() {
  if (swept) return;
  swept = true;
  const rows = await admin()`SELECT datname FROM pg_database WHERE datname LIKE 'statuslab_%'`;
  for (const { datname } of rows as { datname: string }[]) {
    const pid = Number(TEST_DATABASE.exec(datname)?.[1]);
    if (!pid || pid === process.pid || isAlive(pid)) continue;
    await admin().unsafe(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
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

/** Drops the spare databases this process holds; call it once its tests are done. */
export async function dropSpareTestDatabases(): Promise<void> {
  for (const name of spare.splice(0)) {
    await admin().unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
  await adminPool?.close({ timeout: 0 });
  adminPool = undefined;
}

/** Empties a database whose tables are intact, for the next test; false if it cannot be. */
async function emptied(direct: URL, name: string): Promise<boolean> {
  // Someone still connected (a child process a test left running) could write into the next
  // test. Sessions whose client just closed take a moment to leave the list.
  for (let attempt = 0; ; attempt++) {
    const [row] = await admin()`
      SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = ${name}`;
    if ((row as { n: number }).n === 0) break;
    if (attempt === 20) return false;
    await Bun.sleep(10);
  }
  const sql = new SQL(direct.toString(), { max: 1, connectionTimeout: 5 });
  try {
    await sql.unsafe("TRUNCATE users, items, refresh_tokens RESTART IDENTITY CASCADE");
    return true;
  } catch {
    return false;
  } finally {
    await sql.close({ timeout: 0 });
  }
}

/**
 * A migrated, empty database that nothing else uses: a spare this process emptied, or a new
 * copy of the template. The first call drops what runs that died left behind.
 */
export async function takeTestDatabase(): Promise<string> {
  await sweepDeadRuns();
  let name = spare.pop();
  if (name === undefined) {
    name = `statuslab_test_${randomSuffix()}`;
    await copyOfTemplate(name);
  }
  return name;
}

/**
 * Gives a database back once every connection to it is closed: emptied and kept for the next
 * test when its tables are intact (`reusable`) and it can be emptied, dropped otherwise.
 */
export async function giveBackTestDatabase(name: string, reusable: boolean): Promise<void> {
  if (reusable && (await emptied(withDatabase(POSTGRES_TEST_URL, name), name))) {
    spare.push(name);
    return;
  }
  await admin().unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}
