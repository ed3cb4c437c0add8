/** The targets `bun run bench` judges, each met, missed or (PostgreSQL unreachable) not measured. */
import { ARGON2_MIB } from "../lib/settings.ts";
import { int, mib, micros, ratio } from "../lib/stats.ts";
import {
  burstFigures,
  postgresCpuText,
  postgresOf,
  postgresSetup,
  type Report,
  rowOf,
} from "./summary.ts";

export interface Target {
  name: string;
  goal: string;
  measured: string;
  met: boolean;
  /** Could not be measured in this run (PostgreSQL unreachable): never met. */
  notMeasured?: boolean;
}

/** The slower of the two hot-key `MemoryStore` rows: what the limiter's target is judged on. */
export const limiterRate = (report: Report) =>
  Math.min(
    ...report.micro.limiter.rows
      .filter((r) => r.id.startsWith("memory-hot"))
      .map((r) => r.opsPerSecond),
  );

export function targetsOf(report: Report): Target[] {
  const { burst, checks, settings } = report;
  const { keys } = report.micro;
  const me = rowOf(report, "me");
  const root = rowOf(report, "root");
  const mePostgres = report.http.find((r) => r.id === "me-postgres");
  const figures = burstFigures(report);
  const limiter = limiterRate(report);
  const allAtOnceGiB = ((settings.burst * ARGON2_MIB) / 1024).toFixed(1);
  return [
    {
      name: "Authenticated `GET /users/me`",
      goal: "≥ 0.50 × bare Bun.serve",
      measured: `${ratio(me.ratio)} (${int(me.rps)} vs ${int(me.baselineRps)} req/s)`,
      met: me.ratio >= 0.5 && me.errors === 0,
    },
    {
      name: "Authenticated `GET /users/me` on PostgreSQL",
      goal: "≥ 0.30 × bare Bun.serve (the API process on one core; PostgreSQL's CPU is extra)",
      measured: mePostgres
        ? `${ratio(mePostgres.ratio)} (${int(mePostgres.rps)} vs ${int(mePostgres.baselineRps)} req/s); pool ${settings.poolMax}; PostgreSQL's backends used ${postgresCpuText(mePostgres)} on ${postgresOf(report)?.backends}`
        : postgresSetup(report),
      met: mePostgres !== undefined && mePostgres.ratio >= 0.3 && mePostgres.errors === 0,
      notMeasured: mePostgres === undefined,
    },
    {
      name: "`GET /`",
      goal: "≥ 0.85 × bare Bun.serve",
      measured: `${ratio(root.ratio)} (${int(root.rps)} req/s). References: Elysia without our hooks ${ratio(rowOf(report, "elysia-alone").ratio)}; Bun.serve with only the contract's X-Request-Id ${ratio(rowOf(report, "request-id-only").ratio)}; our per-request duties by hand on Bun.serve ${ratio(rowOf(report, "hand-written").ratio)}`,
      met: root.ratio >= 0.85 && root.errors === 0,
    },
    {
      name: `\`GET /users/me\` p99 during ${settings.burst} concurrent sign-ups`,
      goal: "< 5 × idle p99, no request fails (a sign-up refused 503 comes back after its Retry-After)",
      measured: `${micros(burst.busy.latencyUs.p99)} vs ${micros(burst.idle.latencyUs.p99)} idle (${figures.p99Ratio.toFixed(1)}×); ${figures.failures} failed; ${burst.refusals} × 503 + Retry-After from the full hashing queue, each retried then`,
      met: figures.p99Ratio < 5 && figures.failures === 0,
    },
    {
      name: "Memory during the burst",
      goal: `bounded by the hashing slots (${burst.slots} × ${ARGON2_MIB} MiB, +1 slack)`,
      measured: `peak ${mib(burst.rssPeak).toFixed(0)} MiB, +${mib(figures.growth).toFixed(0)} MiB over idle (unbounded: ${settings.burst} × ${ARGON2_MIB} MiB = ${allAtOnceGiB} GiB)`,
      met: figures.growth <= figures.bound,
    },
    {
      name: "In-memory limiter, single-threaded",
      goal: "≥ 5,000,000 decisions/s",
      measured: `${int(limiter)}/s (slower of the two hot-key rows)`,
      met: limiter >= 5_000_000,
    },
    {
      name: "1,000,000 rate-limit keys in memory",
      goal: "≤ 150 MB resident",
      measured: `${(keys.rssAfterBytes / 1e6).toFixed(0)} MB (${int(keys.bytesPerKey)} bytes per key over the ${(keys.rssBeforeBytes / 1e6).toFixed(0)} MB empty process)`,
      met: keys.rssAfterBytes <= 150e6,
    },
    {
      name: "Security checks, live on the benchmarked API",
      goal: "every one holds",
      measured: `${checks.filter((c) => c.ok).length}/${checks.length}`,
      met: checks.every((c) => c.ok),
    },
  ];
}

/** The targets on the console, one line each, the most important word first. */
export function printTargets(targets: Target[], log: (line: string) => void) {
  const width = Math.max(...targets.map((t) => t.name.length));
  for (const t of targets) {
    const mark = t.notMeasured ? "NOT MEASURED" : t.met ? "met" : "MISSED";
    log(
      `${mark.padEnd(12)}  ${t.name.replaceAll("`", "").padEnd(width)}  ${t.goal}: ${t.measured.replaceAll("`", "")}`,
    );
  }
}
