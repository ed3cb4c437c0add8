/**
 * `bun run test`: typecheck, lint and every package's suite through turbo, then one line
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
    "--continue",
    "--summarize",
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: ["inherit", "inherit", "inherit"] },
);

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of readdirSync(reports).filter((f) => f.endsWith(".junit.xml"))) {
  const xml = readFileSync(join(reports, file), "utf8");
  const head = xml.match(/<testsuites[^>]*>/)?.[0] ?? "";
  const count = (name: string) => Number(head.match(new RegExp(`${name}="(\\d+)"`))?.[1] ?? 0);
  const failures = count("failures") + count("errors");
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
    if (task.task !== "test") {
      if (exitCode === 0) passed++;
      else failed++;
    } else if (
      exitCode !== 0 &&
      !readdirSync(reports).includes(`${task.package.replace("@statuslab/", "")}.junit.xml`)
    ) {
      // A suite that crashed before writing its report still counts as a failure.
      failed++;
    }
  }
}

if (turbo.exitCode !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || turbo.exitCode !== 0 ? 1 : 0);
