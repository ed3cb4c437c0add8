/** bench/results/latest.md: the machine, the settings, the targets and every table. */
import { machineLine } from "../lib/machine.ts";
import { errorsOf } from "../lib/rounds.ts";
import { ARGON2_MIB, HASH_CONNECTIONS, IDLE_SECONDS } from "../lib/settings.ts";
import { int, mib, micros, percent, ratio } from "../lib/stats.ts";
import type { LimiterRow, MicroRow } from "../scenarios/micro.ts";
import {
  burstFigures,
  postgresCpuText,
  postgresOf,
  postgresSetup,
  type Report,
} from "./summary.ts";
import type { Target } from "./targets.ts";

const status = (t: Target) =>
  t.notMeasured ? "**not measured**" : t.met ? "**met**" : "**missed**";

/** The `GET /users/me` rows of the burst: 2xx expected. */
const meErrors = { expect: "2xx" } as const;

export function renderMarkdown(report: Report, targets: Target[]): string {
  const { settings, burst } = report;
  const postgres = postgresOf(report);
  const md: string[] = [];
  md.push("# Benchmark results", "");
  md.push(`Machine: ${machineLine(report.machine)}`, "");
  md.push(
    `Settings: ${settings.rounds} rounds × ${settings.seconds} s per scenario after a ${settings.warmup} s warm-up; wrk with ${settings.connections} connections ` +
      `(${HASH_CONNECTIONS} for the hash-bound routes); servers pinned to CPU ${settings.serverCpu}, wrk to CPU ${settings.clientCpu} (taskset). ` +
      "The API runs as users start it (`bun apps/api/src/index.ts`, NODE_ENV=production, a temporary SQLite file); " +
      `its access log goes to a file (${int(report.accessLogLines)} lines written, one per request). ` +
      (postgres
        ? `The PostgreSQL rows: the same API with DATABASE_URL naming a database of the run's own, ${postgresSetup(report)}. `
        : `${postgresSetup(report)}: its rows were skipped. `) +
      `Run time ${report.minutes.toFixed(1)} min. Produced by \`bun run bench\`; see bench/README.md.`,
    "",
  );
  md.push("![Benchmark chart](latest.svg)", "");
  md.push("## Targets", "", "| target | goal | measured | |", "|---|---|---|---|");
  for (const t of targets) md.push(`| ${t.name} | ${t.goal} | ${t.measured} | ${status(t)} |`);
  md.push("");
  md.push(
    "## HTTP throughput (ratios against the bare baseline of this run)",
    "",
    "| scenario | req/s (median) | min .. max | × bare | p50 | p99 | errors | busy: server / wrk core | PostgreSQL CPU |",
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
  );
  for (const r of report.http) {
    md.push(
      `| ${r.label} | ${int(r.rps)} | ${int(r.rpsMin)} .. ${int(r.rpsMax)} | ${r.id === "bare" ? "1 (baseline)" : ratio(r.ratio)} | ${micros(r.p50)} | ${micros(r.p99)} | ${r.errors} of ${int(r.requests)} | ${percent(r.busyServer)} / ${percent(r.busyClient)} | ${r.onPostgres ? postgresCpuText(r) : "—"} |`,
    );
  }
  md.push(
    "",
    '"× bare" is the median of the rounds\' ratios, each round divided by the baseline round run just before it (the hash-bound routes: by the median of all baseline rounds). ' +
      `Latencies are wrk's, at ${settings.connections} connections (so they include queueing), the median of the rounds' p50 and p99. ` +
      '"errors" counts socket errors, timeouts and any status other than the one expected (2xx; 401 for the garbage token). ' +
      "The 401 scenario's token has a real header and payload and a random signature.",
    "",
    postgres
      ? `**The PostgreSQL rows** ("on PostgreSQL"): the API process is pinned to CPU ${settings.serverCpu} like every server, so "× bare" is the API process on one core, as for the SQLite rows. ` +
          `PostgreSQL's backends serving the run's database ran on ${postgres.backends}${postgres.backends.startsWith("CPU") ? ", beside wrk" : ""}: their CPU is extra, ` +
          `shown as "PostgreSQL CPU" (their CPU time over the round's duration; it is also inside the wrk core's "busy"). Pool: DATABASE_POOL_MAX=${settings.poolMax}; PostgreSQL ${postgres.version} at ${postgres.server}.`
      : `**The PostgreSQL rows were not measured**: ${postgresSetup(report)}.`,
    "",
  );
  const { growth } = burstFigures(report);
  const allAtOnceGiB = ((settings.burst * ARGON2_MIB) / 1024).toFixed(1);
  md.push(
    `## GET /users/me during a burst of ${settings.burst} concurrent sign-ups`,
    "",
    "One connection to `GET /users/me` (wrk -c1), first alone, then while the sign-ups hash.",
    "",
    "| | p50 | p90 | p99 | req/s | errors |",
    "|---|--:|--:|--:|--:|--:|",
    `| idle (${IDLE_SECONDS} s) | ${micros(burst.idle.latencyUs.p50)} | ${micros(burst.idle.latencyUs.p90)} | ${micros(burst.idle.latencyUs.p99)} | ${int(burst.idle.rps)} | ${errorsOf(meErrors, burst.idle)} |`,
    `| during the burst (${burst.burstSeconds.toFixed(1)} s) | ${micros(burst.busy.latencyUs.p50)} | ${micros(burst.busy.latencyUs.p90)} | ${micros(burst.busy.latencyUs.p99)} | ${int(burst.busy.rps)} | ${errorsOf(meErrors, burst.busy)} |`,
    "",
    `Sign-ups: ${burst.created} of ${settings.burst} answered 201. Hashing slots: ${burst.slots} (one per core the process may use). ` +
      `Resident size: ${mib(burst.rssIdle).toFixed(0)} MiB before, peak ${mib(burst.rssPeak).toFixed(0)} MiB during the burst ` +
      `(sampled every 10 ms; +${mib(growth).toFixed(0)} MiB, against ${allAtOnceGiB} GiB if all ${settings.burst} hashed at once).`,
    "",
  );
  const microTable = <R extends MicroRow>(
    title: string,
    unit: string,
    rows: R[],
    extra?: (r: R) => string,
  ) => {
    md.push(
      `## ${title}`,
      "",
      `| | ${unit} | ns each |${extra ? " |" : ""}`,
      `|---|--:|--:|${extra ? "--:|" : ""}`,
    );
    for (const r of rows) {
      md.push(
        `| ${r.label} | ${int(r.opsPerSecond)} | ${int(1e9 / r.opsPerSecond)} |${extra ? ` ${extra(r)} |` : ""}`,
      );
    }
    md.push("");
  };
  const { jwt, lookup, limiter, keys } = report.micro;
  microTable("JWT verification (one at a time)", "verifications/s", jwt);
  microTable(
    "The per-request user lookup (SQLite file in WAL mode, 1,000 users)",
    "lookups/s",
    lookup,
  );
  microTable(
    `Rate-limit decisions, single-threaded${limiter.redis ? ` (Redis at ${limiter.redis})` : " (Redis unreachable: its rows skipped)"}`,
    "decisions/s",
    limiter.rows,
    (r: LimiterRow) => `${((r.allowedShare ?? 0) * 100).toFixed(0)}% allowed`,
  );
  md.push(
    "## 1,000,000 keys in the in-memory rate-limit store",
    "",
    `A fresh process hits ${int(keys.keys)} distinct keys (\`limited:client-N\`) once each under the API's policy: ` +
      `resident ${(keys.rssBeforeBytes / 1e6).toFixed(0)} MB before, ${(keys.rssAfterBytes / 1e6).toFixed(0)} MB after ` +
      `(${int(keys.bytesPerKey)} bytes per key), filled in ${int(keys.fillMs)} ms.`,
    "",
  );
  md.push("## Security checks (live, on the benchmarked API, after its rounds)", "");
  for (const c of report.checks) md.push(`- ${c.ok ? "✔" : "✘"} ${c.name} (got ${c.detail})`);
  md.push("");
  return md.join("\n");
}
