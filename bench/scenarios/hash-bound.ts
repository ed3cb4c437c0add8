/** The hash-bound routes (argon2id): `POST /token` and sign-up, on either engine. */
import { PASSWORD, register } from "../lib/api.ts";
import type { BenchContext } from "../lib/context.ts";
import type { BenchPostgres } from "../lib/postgres.ts";
import { waitUntilQuiet } from "../lib/proc.ts";
import { round, type Scenario, scenario, warmUp } from "../lib/rounds.ts";
import { HASH_CONNECTIONS } from "../lib/settings.ts";

const SIGNUP_LUA = `
local counter = 0
local prefix = "x"
function init(args) prefix = args[1] or prefix end
function request()
  counter = counter + 1
  return wrk.format(nil, "/users/", nil,
    '{"email":"bench-' .. prefix .. '-' .. counter .. '@example.com","password":"${PASSWORD}"}')
end`;

/** The sign-up load, the same on either engine: unique emails, hash-bound, 4 connections. */
const signUpLoad: Pick<
  Scenario,
  "options" | "expect" | "connections" | "timeoutSeconds" | "hashBound"
> = {
  options: {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    requestLua: SIGNUP_LUA,
    args: [`r{round}-${process.pid}`],
  },
  expect: "2xx",
  connections: HASH_CONNECTIONS,
  timeoutSeconds: 30,
  hashBound: true,
};

/**
 * Fresh APIs (one on PostgreSQL when `postgres` is given); not paired with the baseline, but
 * round by round like the others, so that both engines' sign-ups see the same machine. The
 * server is left to go quiet between rounds. Returns the scenarios in the order of the rows.
 */
export async function runHashBound(
  bench: BenchContext,
  postgres: BenchPostgres | undefined,
): Promise<Scenario[]> {
  const { fleet } = bench;
  const api = await fleet.startApi("api-hash");
  await register(api, "bench@example.com");
  const apiPostgres = postgres && (await fleet.startApiOnPostgres("api-postgres-hash", postgres));
  const scenarios = [
    scenario({
      id: "token",
      label: "POST /token (argon2id verify)",
      server: () => api,
      options: {
        path: "/token",
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: `username=bench%40example.com&password=${encodeURIComponent(PASSWORD)}`,
      },
      expect: "2xx",
      connections: HASH_CONNECTIONS,
      timeoutSeconds: 30,
      hashBound: true,
    }),
    scenario({
      ...signUpLoad,
      id: "signup",
      label: "POST /users/ (argon2id hash)",
      server: () => api,
    }),
    ...(apiPostgres
      ? [
          scenario({
            ...signUpLoad,
            id: "signup-postgres",
            label: "POST /users/ (argon2id hash) on PostgreSQL",
            server: () => apiPostgres,
            postgres,
          }),
        ]
      : []),
  ];
  for (const scenario of scenarios) {
    await warmUp(bench, scenario);
    await waitUntilQuiet(scenario.server().pid);
  }
  for (let r = 1; r <= bench.settings.rounds; r++) {
    for (const scenario of scenarios) {
      await round(bench, scenario, r);
      await waitUntilQuiet(scenario.server().pid);
    }
  }
  await fleet.stop(api);
  if (apiPostgres) await fleet.stop(apiPostgres);
  return scenarios;
}
