/**
 * `bun run test`: typecheck, lint and every package's suite through turbo (the API's twice: on
 * SQLite, then on PostgreSQL with `test:postgres`), then one line
 * `N passed, M failed` counted from the suites' JUnit reports (each typecheck or lint task
 * counts as one check), so CI reads a total that no single runner prints.
 *
 * Where reports live is decided here, once: a package's `test` task writes
 * `.reports/test.junit.xml` in its own folder, `test:<name>` writes `.reports/test-<name>.junit.xml`;
 * no package knows the repository's layout.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const reportOf = (directory: string, task: string) =>
  join(root, directory, ".reports", `${task.replace(":", "-")}.junit.xml`);

// A fresh, empty report folder for each package with a suite: bun test writes into an existing
// folder only, and reports left by an earlier run must not be counted again.
const workspaces = (
  JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    workspaces: { packages: string[] };
  }
).workspaces.packages;
for (const pattern of workspaces) {
  for (const manifest of new Bun.Glob(`${pattern}/package.json`).scanSync({ cwd: root })) {
    const { scripts = {} } = JSON.parse(readFileSync(join(root, manifest), "utf8")) as {
      scripts?: Record<string, string>;
    };
    if (!Object.keys(scripts).some((name) => name === "test" || name.startsWith("test:"))) continue;
    const reports = join(root, manifest, "..", ".reports");
    rmSync(reports, { recursive: true, force: true });
    mkdirSync(reports);
  }
}

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

/** A JUnit report's totals, from its `<testsuites>` element. */
function readReport(file: string) {
  const head = readFileSync(file, "utf8").match(/<testsuites[^>]*>/)?.[0] ?? "";
  const count = (name: string) => Number(head.match(new RegExp(`${name}="(\\d+)"`))?.[1] ?? 0);
  return {
    tests: count("tests"),
    failures: count("failures") + count("errors"),
    skipped: count("skipped"),
  };
}

// Every task of the run, from turbo's run summary: a suite counts its report's test cases, any
// other task (typecheck, lint) counts as one check.
const summaries = join(root, ".turbo", "runs");
const latest = existsSync(summaries) ? new Bun.Glob("*.json").scanSync(summaries) : [];
const newest = [...latest].sort().at(-1);
const tasks = newest
  ? (
      JSON.parse(readFileSync(join(summaries, newest), "utf8")) as {
        tasks: { task: string; directory: string; execution?: { exitCode?: number } }[];
      }
    ).tasks
  : [];
for (const task of tasks) {
  const exitCode = task.execution?.exitCode ?? 0;
  if (task.task !== "test" && !task.task.startsWith("test:")) {
    if (exitCode === 0) passed++;
    else failed++;
    continue;
  }
  const file = reportOf(task.directory, task.task);
  const report = existsSync(file) ? readReport(file) : undefined;
  if (report) {
    failed += report.failures;
    skipped += report.skipped;
    passed += report.tests - report.failures - report.skipped;
  }
  // A suite that failed without its report saying so (it crashed before writing it, or an
  // error between tests that JUnit has no place for) still counts as one failure.
  if (exitCode !== 0 && !report?.failures) failed++;
}

if (turbo.exitCode !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || turbo.exitCode !== 0 ? 1 : 0);
