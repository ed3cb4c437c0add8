/**
 * `bun run test`: typecheck, lint and every package's suite through turbo (the API's twice: on
 * SQLite, then on PostgreSQL with `test:postgres`), then one line
 * `N passed, M failed` counted from the suites' JUnit reports (each typecheck or lint task
 * counts as one check), so CI reads a total that no single runner prints.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const reports = join(root, ".reports");
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const turbo = Bun.spawnSync(
  [
    "bun",
    "x",
    "turbo",
    "run",
    "typecheck",
    "lint",
    "test",
    "test:postgres",
    "--continue",
    "--summarize",
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: ["inherit", "inherit", "inherit"] },
);

let passed = 0;
let failed = 0;
let skipped = 0;
/** Failures each JUnit report counts, by file name. */
const reported = new Map<string, number>();
for (const file of readdirSync(reports).filter((f) => f.endsWith(".junit.xml"))) {
  const xml = readFileSync(join(reports, file), "utf8");
  const head = xml.match(/<testsuites[^>]*>/)?.[0] ?? "";
  const count = (name: string) => Number(head.match(new RegExp(`${name}="(\\d+)"`))?.[1] ?? 0);
  const failures = count("failures") + count("errors");
  reported.set(file, failures);
  skipped += count("skipped");
  failed += failures;
  passed += count("tests") - failures - count("skipped");
}

// Checks that are not test cases: each typecheck/lint task, read from turbo's run summary.
const summaries = join(root, ".turbo", "runs");
const latest = readdirSync(summaries).sort().at(-1);
if (latest) {
  const summary = JSON.parse(readFileSync(join(summaries, latest), "utf8")) as {
    tasks: { task: string; package: string; execution?: { exitCode?: number } }[];
  };
  for (const task of summary.tasks) {
    const exitCode = task.execution?.exitCode ?? 0;
    // `test` writes <package>.junit.xml; `test:postgres` writes <package>-postgres.junit.xml.
    const suffix =
      task.task === "test"
        ? ""
        : task.task.startsWith("test:")
          ? `-${task.task.slice(5)}`
          : undefined;
    if (suffix === undefined) {
      if (exitCode === 0) passed++;
      else failed++;
      continue;
    }
    const report = `${task.package.replace("@statuslab/", "")}${suffix}.junit.xml`;
    // A suite that failed without its report saying so (it crashed before writing it, or an
    // error between tests that JUnit has no place for) still counts as one failure.
    if (exitCode !== 0 && !reported.get(report)) failed++;
  }
}

if (turbo.exitCode !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || turbo.exitCode !== 0 ? 1 : 0);
