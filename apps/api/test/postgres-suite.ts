/**
 * `bun run test:postgres`: the API's whole suite again, on PostgreSQL (STATUSLAB_TEST_ENGINE).
 * Each test gets a database of its own on POSTGRES_TEST_URL's server, dropped afterwards.
 * No server there: under CI=true that is one failure; elsewhere one loud warning and one skip.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { maskDatabaseUrl } from "@statuslab/db";
import { POSTGRES_TEST_URL, probePostgres } from "@statuslab/db/testing";

// Named for its task, where scripts/test.ts looks for it.
const report = join(import.meta.dir, "../.reports/test-postgres.junit.xml");
const inCi = process.env.CI === "true" || process.env.CI === "1";
const where = maskDatabaseUrl(POSTGRES_TEST_URL);

const problem = await probePostgres(POSTGRES_TEST_URL);
if (problem !== undefined) {
  const title = `PostgreSQL is reachable at ${where} (required when CI=true)`;
  const xml = (text: string) => text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const outcome = inCi ? `<failure message="${xml(`unreachable: ${problem}`)}" />` : "<skipped />";
  mkdirSync(dirname(report), { recursive: true });
  writeFileSync(
    report,
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="api on PostgreSQL" tests="1" failures="${inCi ? 1 : 0}" skipped="${inCi ? 0 : 1}">\n  <testsuite name="api on PostgreSQL" tests="1">\n    <testcase name="${xml(title)}">${outcome}</testcase>\n  </testsuite>\n</testsuites>\n`,
  );
  const bar = "!".repeat(76);
  console.warn(
    [
      bar,
      `!! ${inCi ? "FAILING" : "SKIPPING"} the API suite on PostgreSQL: ${where} is unreachable`,
      `!! (${problem}).`,
      "!! Start PostgreSQL or set POSTGRES_TEST_URL; with CI=true this is a failure.",
      bar,
    ].join("\n"),
  );
  process.exit(inCi ? 1 : 0);
}

const run = Bun.spawnSync(
  ["bun", "test", "--reporter=junit", `--reporter-outfile=${report}`, ...process.argv.slice(2)],
  {
    cwd: join(import.meta.dir, ".."),
    env: { ...process.env, STATUSLAB_TEST_ENGINE: "postgres" },
    stdio: ["inherit", "inherit", "inherit"],
  },
);
process.exit(run.exitCode ?? 1);
