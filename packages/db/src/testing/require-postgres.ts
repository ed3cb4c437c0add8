import { expect, test } from "bun:test";
import { maskDatabaseUrl } from "../url.ts";
import { POSTGRES_TEST_URL, probePostgres } from "./postgres.ts";

export const IN_CI = process.env.CI === "true" || process.env.CI === "1";

export type PostgresGate = "run" | "skip" | "fail";

/** PostgreSQL there: run. Absent: fail under CI (where it is required), skip loudly elsewhere. */
export function postgresGate(reachable: boolean, ci: boolean): PostgresGate {
  if (reachable) return "run";
  return ci ? "fail" : "skip";
}

// One probe per URL and test process, however many files ask.
const probes = new Map<string, Promise<string | undefined>>();
let warned = false;

/**
 * Probes `POSTGRES_TEST_URL` and registers a test that says what was found, so a missing server
 * is never silent: under CI=true that test fails; elsewhere it is skipped and a warning is
 * printed. Returns whether the PostgreSQL tests should run.
 */
export async function requirePostgres(url = POSTGRES_TEST_URL): Promise<boolean> {
  let probe = probes.get(url);
  if (!probe) {
    probe = probePostgres(url);
    probes.set(url, probe);
  }
  const problem = await probe;
  const shown = maskDatabaseUrl(url);
  const gate = postgresGate(problem === undefined, IN_CI);
  const title = `PostgreSQL is reachable at ${shown} (required when CI=true)`;
  if (gate === "skip") {
    if (!warned) {
      warned = true;
      console.warn(
        [
          "",
          "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
          `!! SKIPPING the PostgreSQL tests: ${shown} is unreachable`,
          `!! (${problem}).`,
          "!! Start one or set POSTGRES_TEST_URL; with CI=true this is a failure.",
          "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
          "",
        ].join("\n"),
      );
    }
    test.skip(title, () => {});
  } else {
    test(title, () => {
      expect(problem, `PostgreSQL at ${shown} is unreachable under CI: ${problem}`).toBeUndefined();
    });
  }
  return gate === "run";
}
