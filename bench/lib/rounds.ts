/** HTTP scenarios under wrk: warm-up, timed rounds, and the interleaving that pairs them. */
import type { BenchContext } from "./context.ts";
import type { BenchPostgres } from "./postgres.ts";
import type { Server } from "./proc.ts";
import { int, micros, percent } from "./stats.ts";
import { runWrk, type WrkOptions, type WrkResult } from "./wrk.ts";

export interface Scenario {
  id: string;
  label: string;
  server: () => Server;
  options: Partial<WrkOptions>;
  /** The status every answer must have: 2xx for all but the 401 scenario. */
  expect: "2xx" | 401;
  connections?: number;
  timeoutSeconds?: number;
  hashBound?: boolean;
  results: WrkResult[];
  /** For each result, the bare baseline's req/s in the same round of the same interleaving. */
  pairedBare: number[];
  /** The PostgreSQL rows: the backends serving the API, pinned and metered around each round. */
  postgres?: BenchPostgres;
  /** For each result, the cores those backends used meanwhile (when the server is local). */
  postgresCpu: number[];
}

/** A scenario not yet measured. */
export const scenario = (
  s: Omit<Scenario, "results" | "pairedBare" | "postgresCpu">,
): Scenario => ({
  ...s,
  results: [],
  pairedBare: [],
  postgresCpu: [],
});

/** The bare baseline: every ratio's denominator, shared by every interleaved group. */
export const bareScenario = (bare: () => Server): Scenario =>
  scenario({
    id: "bare",
    label: "bare Bun.serve hello world (baseline)",
    server: bare,
    options: {},
    expect: "2xx",
  });

/** Unexpected answers: socket errors, timeouts, and statuses other than the expected ones. */
export function errorsOf(scenario: Pick<Scenario, "expect">, r: WrkResult): number {
  const socket = r.errors.connect + r.errors.read + r.errors.write + r.errors.timeout;
  const statusErrors = scenario.expect === 401 ? r.requests - r.errors.status : r.errors.status;
  return socket + statusErrors;
}

const wrkBase = (
  { settings, work }: BenchContext,
  server: Server,
  scenario: Scenario,
  seconds: number,
): WrkOptions => ({
  url: server.url,
  connections: scenario.connections ?? settings.connections,
  seconds,
  timeoutSeconds: scenario.timeoutSeconds ?? 5,
  cpu: settings.clientCpu,
  serverCpu: settings.serverCpu,
  workDir: work,
  ...scenario.options,
});

export async function warmUp(bench: BenchContext, scenario: Scenario) {
  await runWrk(wrkBase(bench, scenario.server(), scenario, bench.settings.warmup));
}

export async function round(bench: BenchContext, scenario: Scenario, n: number) {
  const options = wrkBase(bench, scenario.server(), scenario, bench.settings.seconds);
  if (options.args) options.args = options.args.map((a) => a.replace("{round}", `${n}`));
  const meter = await scenario.postgres?.meter();
  const result = await runWrk(options);
  const postgresCpu = await meter?.stop();
  scenario.results.push(result);
  if (postgresCpu !== undefined) scenario.postgresCpu.push(postgresCpu);
  bench.log(
    `  round ${n} ${scenario.label.padEnd(44)} ${int(result.rps).padStart(9)} req/s  p50 ${micros(result.latencyUs.p50).padStart(9)}  p99 ${micros(result.latencyUs.p99).padStart(9)}  ` +
      `errors ${errorsOf(scenario, result)}  busy server ${percent(result.busy.server)} / wrk ${percent(result.busy.client)}` +
      (postgresCpu === undefined ? "" : ` (PostgreSQL ${percent(postgresCpu)} of a core)`),
  );
}

/**
 * Rounds interleaved: every scenario's round r runs between the others' rounds r. The first
 * scenario is the bare baseline; each other round is paired with the baseline round just before
 * it, so a VM that slows down for a minute slows both.
 */
export async function interleaved(bench: BenchContext, [baseline, ...others]: Scenario[]) {
  if (baseline?.id !== "bare") throw new Error("interleaved() starts with the bare baseline");
  for (const scenario of [baseline, ...others]) await warmUp(bench, scenario);
  for (let r = 1; r <= bench.settings.rounds; r++) {
    await round(bench, baseline, r);
    const bareRps = baseline.results.at(-1)?.rps ?? Number.NaN;
    for (const scenario of others) {
      await round(bench, scenario, r);
      scenario.pairedBare.push(bareRps);
    }
  }
}
