/**
 * `bun run bench`: the performance suite. See bench/README.md for what each number means.
 *
 * It starts everything it measures itself: a bare `Bun.serve` hello world (the baseline of
 * every ratio, measured in the same run) and the API exactly as users start it
 * (`bun apps/api/src/index.ts` with a temporary database, a JWT secret and a port), each pinned
 * to one core with `taskset`, and `wrk` pinned to another. The API's access log (its stdout)
 * goes to a file in a temporary directory, which is checked and deleted at the end.
 *
 * The scenarios are in bench/scenarios/, the results files' writers in bench/report/.
 * `--only <step>` (throughput, rate-limited, hash-bound, burst, micro) runs one step and leaves
 * bench/results/ alone: to try a change to the harness, not to measure.
 *
 * Settings, all optional: BENCH_ROUNDS (3), BENCH_SECONDS (5), BENCH_WARMUP (2),
 * BENCH_CONNECTIONS (100), BENCH_SERVER_CPU (0), BENCH_CLIENT_CPU (1), BENCH_BURST (200),
 * BENCH_KEEP=1 (keep the temporary directory), REDIS_URL (for the Redis limiter rows),
 * BENCH_POSTGRES_URL (the server for the PostgreSQL rows), BENCH_POSTGRES_POOL_MAX (10).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BenchContext } from "./lib/context.ts";
import { createFleet } from "./lib/fleet.ts";
import { machineLine } from "./lib/machine.ts";
import { type BenchPostgres, openBenchPostgres } from "./lib/postgres.ts";
import { fail, preflight } from "./lib/preflight.ts";
import { bareScenario, type Scenario } from "./lib/rounds.ts";
import { RESULTS, readSettings } from "./lib/settings.ts";
import { renderJson } from "./report/json.ts";
import { renderMarkdown } from "./report/markdown.ts";
import { type Report, summariseHttp } from "./report/summary.ts";
import { renderSvg } from "./report/svg.ts";
import { printTargets, targetsOf } from "./report/targets.ts";
import { measureBurst } from "./scenarios/burst.ts";
import { runHashBound } from "./scenarios/hash-bound.ts";
import { runMicro } from "./scenarios/micro.ts";
import { runRateLimited } from "./scenarios/rate-limited.ts";
import type { Check } from "./scenarios/security-checks.ts";
import { type References, runThroughput, startReferences } from "./scenarios/throughput.ts";

const STEPS = ["throughput", "rate-limited", "hash-bound", "burst", "micro"] as const;

function onlyStep(argv: string[]): (typeof STEPS)[number] | undefined {
  const at = argv.indexOf("--only");
  if (at === -1) return undefined;
  const step = STEPS.find((s) => s === argv[at + 1]);
  return step ?? fail(`--only takes one of: ${STEPS.join(", ")}.`);
}

async function main() {
  const settings = readSettings();
  const only = onlyStep(process.argv);
  const runs = (step: (typeof STEPS)[number]) => only === undefined || only === step;
  const host = preflight(settings);

  const work = mkdtempSync(join(tmpdir(), "statuslab-bench-"));
  const jwtSecret = randomBytes(48).toString("base64url");
  const fleet = createFleet({
    work,
    cpu: settings.serverCpu,
    jwtSecret,
    poolMax: settings.poolMax,
  });
  let postgres: BenchPostgres | undefined;
  const cleanup = async () => {
    await fleet.stopAll();
    await postgres?.drop().catch((error) => console.error(`could not drop the database: ${error}`));
    if (!settings.keep) rmSync(work, { recursive: true, force: true });
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
    `Settings: ${settings.rounds} rounds × ${settings.seconds} s after ${settings.warmup} s warm-up, ${settings.connections} connections; ` +
      `servers on CPU ${settings.serverCpu}, wrk on CPU ${settings.clientCpu}; work dir ${work}`,
  );
  let postgresUnreachable = "not needed by this step";
  if (runs("throughput") || runs("hash-bound")) {
    // The backends go to wrk's core: the API process keeps a core to itself, as in the other rows.
    const opened = await openBenchPostgres({ cpu: settings.clientCpu });
    if ("unreachable" in opened) {
      postgresUnreachable = opened.unreachable;
      log(
        `PostgreSQL unreachable (${postgresUnreachable}): the PostgreSQL rows are skipped and their target is not measured.\n`,
      );
    } else {
      postgres = opened;
      log(
        `PostgreSQL ${postgres.version} at ${postgres.server}: the API with DATABASE_POOL_MAX=${settings.poolMax} on a database of the run's own; its backends on CPU ${settings.clientCpu}, beside wrk.\n`,
      );
    }
  }
  const bench: BenchContext = { settings, work, jwtSecret, fleet, log };

  let references: References | undefined;
  const bare = bareScenario(() => (references as References).bare);
  const scenarios: Scenario[] = [bare];
  let checks: Check[] = [];
  let accessLogLines = 0;
  if (runs("throughput")) {
    log("== Throughput: the bare baseline, interleaved with each scenario ==");
    references = await startReferences(fleet);
    const throughput = await runThroughput(bench, bare, references, postgres);
    scenarios.push(...throughput.scenarios);
    checks = throughput.checks;
    accessLogLines += throughput.accessLogLines;
  }
  if (runs("rate-limited")) {
    log("\n== Rate-limited route (its own API process: up to a million keys pile up) ==");
    references ??= await startReferences(fleet);
    const limited = await runRateLimited(bench, bare);
    scenarios.push(limited.scenario);
    accessLogLines += limited.accessLogLines;
  }
  if (references) {
    await fleet.stop(references.handWritten);
    await fleet.stop(references.requestIdOnly);
    await fleet.stop(references.elysiaAlone);
  }
  if (runs("hash-bound")) {
    log("\n== Hash-bound routes (argon2id, 64 MiB each; one at a time per hashing slot) ==");
    scenarios.push(...(await runHashBound(bench, postgres)));
  }
  if (references) await fleet.stop(references.bare);
  if (runs("burst")) {
    log(`\n== A burst of ${settings.burst} concurrent sign-ups while GET /users/me is measured ==`);
  }
  const burst = runs("burst") ? await measureBurst(bench) : undefined;
  if (runs("micro")) {
    log("\n== Micro-benchmarks (each in its own process, pinned to the server's core) ==");
  }
  const micro = runs("micro") ? await runMicro(bench) : undefined;

  await cleanup();
  if (only !== undefined || burst === undefined || micro === undefined) {
    log(`\n--only ${only}: no targets judged; bench/results/ left as it was.`);
    return;
  }

  const report: Report = {
    machine: host,
    settings,
    postgres: postgres
      ? { server: postgres.server, version: postgres.version, backends: postgres.placement() }
      : { unreachable: postgresUnreachable },
    ...summariseHttp(scenarios),
    burst,
    micro,
    checks,
    accessLogLines,
    minutes: (performance.now() - started) / 60000,
  };
  const targets = targetsOf(report);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, "latest.md"), renderMarkdown(report, targets));
  writeFileSync(join(RESULTS, "latest.svg"), renderSvg(report));
  writeFileSync(join(RESULTS, "latest.json"), renderJson(report, targets));

  log("\n== Targets ==");
  printTargets(targets, log);
  log(`\nWritten: bench/results/latest.md, latest.svg, latest.json`);
}

await main();
