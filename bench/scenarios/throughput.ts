/**
 * The main group: the references and the API's GET routes, interleaved with the bare baseline,
 * then the live security checks on the same API.
 */
import { randomBytes } from "node:crypto";
import { register } from "../lib/api.ts";
import type { BenchContext } from "../lib/context.ts";
import type { Fleet } from "../lib/fleet.ts";
import type { BenchPostgres } from "../lib/postgres.ts";
import { countLogLines, type Server } from "../lib/proc.ts";
import { interleaved, type Scenario, scenario } from "../lib/rounds.ts";
import { type Check, securityChecks } from "./security-checks.ts";

export interface References {
  bare: Server;
  handWritten: Server;
  requestIdOnly: Server;
  elysiaAlone: Server;
}

/** `bench/servers/*.ts`: the baseline and the three references, started in this order. */
export async function startReferences(fleet: Fleet): Promise<References> {
  const bare = await fleet.startReference("bare");
  const handWritten = await fleet.startReference("hand-written");
  const requestIdOnly = await fleet.startReference("request-id-only");
  const elysiaAlone = await fleet.startReference("elysia-alone");
  return { bare, handWritten, requestIdOnly, elysiaAlone };
}

export interface ThroughputResult {
  /** Every scenario but the baseline, in the order of the results' rows. */
  scenarios: Scenario[];
  checks: Check[];
  /** Lines the API wrote to its access log. */
  accessLogLines: number;
}

/**
 * Starts the API (and its PostgreSQL twin when `postgres` is given), measures its routes
 * interleaved with `bare` and the references, checks it, and stops it.
 */
export async function runThroughput(
  bench: BenchContext,
  bare: Scenario,
  references: References,
  postgres: BenchPostgres | undefined,
): Promise<ThroughputResult> {
  const { fleet } = bench;
  const apiMain = await fleet.startApi("api-main");
  const benchUser = await register(apiMain, "bench@example.com");
  const forged = `${benchUser.token.split(".").slice(0, 2).join(".")}.${randomBytes(32).toString("base64url")}`;
  const apiPostgres = postgres && (await fleet.startApiOnPostgres("api-postgres", postgres));
  const postgresUser = apiPostgres && (await register(apiPostgres, "bench@example.com"));

  const referenceRows = [
    scenario({
      id: "request-id-only",
      label: "Bun.serve: JSON + X-Request-Id only (reference)",
      server: () => references.requestIdOnly,
      options: {},
      expect: "2xx",
    }),
    scenario({
      id: "elysia-alone",
      label: "GET / on Elysia without our hooks (reference)",
      server: () => references.elysiaAlone,
      options: {},
      expect: "2xx",
    }),
    scenario({
      id: "hand-written",
      label: "GET / by hand on Bun.serve (reference)",
      server: () => references.handWritten,
      options: {},
      expect: "2xx",
    }),
  ];
  const api = [
    scenario({
      id: "root",
      label: "GET /",
      server: () => apiMain,
      options: { path: "/" },
      expect: "2xx",
    }),
    scenario({
      id: "me",
      label: "GET /users/me (authenticated)",
      server: () => apiMain,
      options: { path: "/users/me", headers: { Authorization: `Bearer ${benchUser.token}` } },
      expect: "2xx",
    }),
    // The PostgreSQL row runs only when the server answered; the others do not depend on it.
    ...(apiPostgres
      ? [
          scenario({
            id: "me-postgres",
            label: "GET /users/me (authenticated) on PostgreSQL",
            server: () => apiPostgres,
            options: {
              path: "/users/me",
              headers: { Authorization: `Bearer ${postgresUser?.token}` },
            },
            expect: "2xx",
            postgres,
          }),
        ]
      : []),
    scenario({
      id: "401",
      label: "GET /users/me, garbage token (401)",
      server: () => apiMain,
      options: { path: "/users/me", headers: { Authorization: `Bearer ${forged}` } },
      expect: 401,
    }),
  ];

  // The warm-up's first requests must answer as the scenario expects.
  for (const scenario of api) {
    const options = scenario.options;
    const response = await fetch(`${scenario.server().url}${options.path}`, {
      headers: options.headers,
    });
    await response.arrayBuffer();
    const ok = scenario.expect === 401 ? response.status === 401 : response.status < 300;
    // Thrown: the run's handler stops the servers and drops the database first.
    if (!ok) throw new Error(`${scenario.label}: answered ${response.status} before the run`);
  }

  await interleaved(bench, [bare, ...referenceRows, ...api]);
  const checks = await securityChecks(apiMain, bench.jwtSecret, fleet.sqliteFile(apiMain.name));
  const accessLogLines = countLogLines(apiMain.logFile).lines;
  await fleet.stop(apiMain);
  if (apiPostgres) await fleet.stop(apiPostgres);
  return { scenarios: [...referenceRows, ...api], checks, accessLogLines };
}
