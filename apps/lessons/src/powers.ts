/** What each power reads and writes, for the code that prepares, runs and documents steps. */
import { forgeryShown } from "./forge-token.ts";
import type { Power } from "./model.ts";

/** Variables a power needs before it can run. */
export function powerReads(power: Power): string[] {
  switch (power.power) {
    case "mint-expired-token":
      return [power.userId];
    case "forge-token":
      return [power.token, power.userId];
    default:
      return [];
  }
}

/** The variable a power sets, if any. */
export const powerWrites = (power: Power): string | undefined =>
  "into" in power ? power.into : undefined;

/** The variables the `before` powers of a step set. */
export const madeBefore = (step: { before?: Power[] }): string[] =>
  (step.before ?? []).flatMap((power) => powerWrites(power) ?? []);

/** Lines a power shows the learner before the step is sent: what it is about to do, live. */
export function powerShows(power: Power, vars: Record<string, unknown>): string[] {
  return power.power === "forge-token" ? forgeryShown(power, vars) : [];
}
