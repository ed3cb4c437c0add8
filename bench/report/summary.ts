/** What one run measured, summed up: the input of every results file and of the targets. */
import type { Machine } from "../lib/machine.ts";
import { errorsOf, type Scenario } from "../lib/rounds.ts";
import { ARGON2_MIB, type Settings } from "../lib/settings.ts";
import { max, median, min, percent } from "../lib/stats.ts";
import type { WrkResult } from "../lib/wrk.ts";
import type { BurstResult } from "../scenarios/burst.ts";
import type { MicroResults } from "../scenarios/micro.ts";
import type { Check } from "../scenarios/security-checks.ts";

/** One HTTP scenario's row; the results' JSON has every field but `onPostgres`. */
export interface HttpRow {
  id: string;
  label: string;
  rps: number;
  rpsMin: number;
  rpsMax: number;
  /** The median of the rounds' ratios to their paired baseline rounds. */
  ratio: number;
  /** The median of those paired baseline rounds (all baseline rounds when unpaired). */
  baselineRps: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
  busyServer: number;
  busyClient: number;
  /** PostgreSQL rows: the median of the cores its backends used (undefined: not measured). */
  postgresCpu?: number;
  rounds: WrkResult[];
  /** The API ran on PostgreSQL. */
  onPostgres: boolean;
}

export type PostgresInfo =
  | { server: string; version: string; backends: string }
  | { unreachable: string };

export interface Report {
  machine: Machine;
  settings: Settings;
  postgres: PostgresInfo;
  /** The median of every baseline round. */
  bareRps: number;
  http: HttpRow[];
  burst: BurstResult;
  micro: MicroResults;
  checks: Check[];
  /** Lines the benchmarked APIs wrote to their access logs. */
  accessLogLines: number;
  /** How long the run took, in minutes. */
  minutes: number;
}

/**
 * One row per measured scenario, in the given order; the first is the bare baseline. A scenario
 * without results was skipped (PostgreSQL unreachable): it gets no row.
 */
export function summariseHttp([bare, ...others]: Scenario[]): {
  bareRps: number;
  http: HttpRow[];
} {
  if (bare?.id !== "bare") throw new Error("summariseHttp() starts with the bare baseline");
  const bareRps = median(bare.results.map((r) => r.rps));
  const measured = [bare, ...others].filter((s) => s.results.length > 0);
  const http = measured.map((scenario): HttpRow => {
    const rps = scenario.results.map((r) => r.rps);
    const paired = scenario.pairedBare.length === rps.length;
    return {
      id: scenario.id,
      label: scenario.label,
      rps: median(rps),
      rpsMin: min(rps),
      rpsMax: max(rps),
      ratio: paired
        ? median(rps.map((r, i) => r / (scenario.pairedBare[i] ?? 1)))
        : median(rps) / bareRps,
      baselineRps: paired ? median(scenario.pairedBare) : bareRps,
      p50: median(scenario.results.map((r) => r.latencyUs.p50)),
      p99: median(scenario.results.map((r) => r.latencyUs.p99)),
      errors: scenario.results.reduce((sum, r) => sum + errorsOf(scenario, r), 0),
      requests: scenario.results.reduce((sum, r) => sum + r.requests, 0),
      busyServer: median(scenario.results.map((r) => r.busy.server)),
      busyClient: median(scenario.results.map((r) => r.busy.client)),
      postgresCpu: scenario.postgresCpu.length > 0 ? median(scenario.postgresCpu) : undefined,
      rounds: scenario.results,
      onPostgres: scenario.postgres !== undefined,
    };
  });
  return { bareRps, http };
}

/** The row of a scenario every run measures. */
export const rowOf = (report: Report, id: string) =>
  report.http.find((r) => r.id === id) as HttpRow;

/** The PostgreSQL server, when it answered. */
export const postgresOf = (report: Report) =>
  "unreachable" in report.postgres ? undefined : report.postgres;

/** One line on the PostgreSQL rows' setup, for the settings and the target. */
export function postgresSetup({ postgres, settings }: Report): string {
  return "unreachable" in postgres
    ? `PostgreSQL unreachable (${postgres.unreachable})`
    : `PostgreSQL ${postgres.version}, DATABASE_POOL_MAX=${settings.poolMax}, its backends on ${postgres.backends}`;
}

export const postgresCpuText = (r: HttpRow) =>
  r.postgresCpu === undefined ? "not measured" : `${percent(r.postgresCpu)} of a core`;

/** The burst's figures the targets, the table and the chart share. */
export function burstFigures({ burst, settings }: Report) {
  return {
    /** The hashing slots' memory, one slot of slack. */
    bound: (burst.slots + 1) * ARGON2_MIB * 1024 * 1024,
    growth: burst.rssPeak - burst.rssIdle,
    p99Ratio: burst.busy.latencyUs.p99 / burst.idle.latencyUs.p99,
    failures:
      settings.burst -
      burst.created +
      burst.busy.errors.status +
      burst.busy.errors.connect +
      burst.busy.errors.read +
      burst.busy.errors.write +
      burst.busy.errors.timeout,
  };
}
