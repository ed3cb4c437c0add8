/**
 * The per-request user lookup (`SELECT … FROM users WHERE id = ?`), per second:
 *
 *   bun bench/micro/user-lookup.ts [--json]
 *
 * On a fresh SQLite file in WAL mode with 1,000 users, opened exactly as the API opens it.
 * A file, not `:memory:`: on a file every read transaction costs a shared-memory lock, an
 * unlock and a size check (three system calls), which is most of the lookup.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { UserRow } from "@statuslab/db";
import { createRepository, openConnection, users } from "@statuslab/db/sqlite";
import { eq, getTableColumns, sql } from "drizzle-orm";
import { emit, type Measured, measureAsync, measureSync } from "../lib/measure.ts";
import { int } from "../lib/stats.ts";

const USERS = 1_000;
/**
 * Lookups per read transaction when batched: far fewer than the API sees per turn under load,
 * a conservative stand-in for lighter load (docs/decisions.md, "Performance").
 */
const PER_TURN = 12;

const dir = mkdtempSync(join(tmpdir(), "statuslab-bench-db-"));
const handle = openConnection(join(dir, "app.db"));
const repo = createRepository(handle);
for (let i = 0; i < USERS; i++) {
  await repo.insertUser({
    email: `user-${i}@example.com`,
    passwordHash: `$argon2id$v=19$m=65536,t=2,p=1$${"s".repeat(22)}$${"h".repeat(43)}`,
  });
}
const { db, sqlite } = handle;
const id = (i: number) => (i % USERS) + 1;

const prepared = db
  .select()
  .from(users)
  .where(eq(users.id, sql.placeholder("id")))
  .prepare();
const columns = Object.entries(getTableColumns(users))
  .map(([field, column]) => `"${column.name}" AS "${field}"`)
  .join(", ");
const raw = sqlite.prepare<UserRow, [number]>(`SELECT ${columns} FROM "users" WHERE "id" = ?`);
if (raw.get(5)?.email !== "user-4@example.com") throw new Error("the raw statement is wrong");

const rows: { id: string; label: string; result: Measured }[] = [];
const row = (key: string, label: string, result: Measured) => rows.push({ id: key, label, result });

row(
  "drizzle-built",
  "drizzle query built on each call (the obvious way)",
  measureSync(
    (i) =>
      db
        .select()
        .from(users)
        .where(eq(users.id, id(i)))
        .get(),
    { batch: 32 },
  ),
);
row(
  "drizzle-prepared",
  "drizzle prepared statement",
  measureSync((i) => prepared.get({ id: id(i) })),
);
row(
  "raw-prepared",
  "bun:sqlite prepared statement, one read transaction each",
  measureSync((i) => raw.get(id(i))),
);
row(
  "drizzle-batched",
  `drizzle prepared statement, ${PER_TURN} lookups per read transaction`,
  measureSync(
    (i) => {
      sqlite.exec("BEGIN");
      for (let k = 0; k < PER_TURN; k++) prepared.get({ id: id(i * PER_TURN + k) });
      sqlite.exec("COMMIT");
    },
    { batch: 16 },
  ),
);
row(
  "raw-batched",
  `bun:sqlite prepared statement, ${PER_TURN} lookups per read transaction`,
  measureSync(
    (i) => {
      sqlite.exec("BEGIN");
      for (let k = 0; k < PER_TURN; k++) raw.get(id(i * PER_TURN + k));
      sqlite.exec("COMMIT");
    },
    { batch: 16 },
  ),
);
/** Per lookup, not per transaction or turn. */
const perLookup = (result: Measured): Measured => ({
  rounds: result.rounds.map((r) => r * PER_TURN),
  median: result.median * PER_TURN,
});
for (const batched of rows.filter((r) => r.id.endsWith("-batched"))) {
  batched.result = perLookup(batched.result);
}
// The repository as the API calls it (auth/service.ts: the row held fresh, else the batched
// read), one event-loop turn of PER_TURN requests per operation: the freshness check and the
// end-of-turn flush happen once per turn, as under load.
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const turnOfLookups = async (i: number) => {
  const found = [];
  for (let k = 0; k < PER_TURN; k++) {
    const key = id(i * PER_TURN + k);
    found.push(repo.freshUserById(key) ?? repo.findUserById(key));
  }
  await Promise.all(found);
  await nextTurn();
};
row(
  "repo-held",
  `repo as the API calls it, ${PER_TURN} per turn, every user already held (no write anywhere)`,
  perLookup(await measureAsync(turnOfLookups, { batch: 4 })),
);
// Another process commits before every turn, so every turn drops the rows and reads again:
// what the lookup costs when the database keeps changing.
const other = openConnection(join(dir, "app.db"));
const touch = other.sqlite.prepare("UPDATE users SET name = NULL WHERE id = 1");
row(
  "repo-changing",
  `repo as the API calls it, ${PER_TURN} per turn, another process commits before every turn (its commit included)`,
  perLookup(
    await measureAsync(
      async (i) => {
        touch.run();
        await turnOfLookups(i);
      },
      { batch: 4 },
    ),
  ),
);
other.close();

handle.close();
rmSync(dir, { recursive: true, force: true });

if (process.argv.includes("--json")) {
  emit(rows.map(({ id: key, label, result }) => ({ id: key, label, opsPerSecond: result.median })));
} else {
  for (const { label, result } of rows) {
    console.log(
      `${int(result.median).padStart(10)} lookups/s  ${(1e9 / result.median).toFixed(0).padStart(6)} ns  ${label}`,
    );
  }
}
