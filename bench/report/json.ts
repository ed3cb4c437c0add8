/** bench/results/latest.json: every round's raw numbers, to compare runs. */
import type { Report } from "./summary.ts";
import type { Target } from "./targets.ts";

export function renderJson(report: Report, targets: Target[]): string {
  const { settings, micro } = report;
  return `${JSON.stringify(
    {
      machine: report.machine,
      settings: {
        ROUNDS: settings.rounds,
        SECONDS: settings.seconds,
        WARMUP: settings.warmup,
        CONNECTIONS: settings.connections,
        SERVER_CPU: settings.serverCpu,
        CLIENT_CPU: settings.clientCpu,
        BURST: settings.burst,
        POSTGRES_POOL_MAX: settings.poolMax,
      },
      postgres: report.postgres,
      bareRps: report.bareRps,
      http: report.http.map(({ onPostgres: _, ...row }) => row),
      burst: report.burst,
      jwt: micro.jwt,
      lookup: micro.lookup,
      limiter: micro.limiter,
      keys: micro.keys,
      checks: report.checks,
      targets,
    },
    null,
    2,
  )}\n`;
}
