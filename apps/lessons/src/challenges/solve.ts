/** Reference solutions: sent for real, as a learner would with curl, then checked from the log. */
import { resolvePointer } from "../expect.ts";
import { header, prepareRequest, send } from "../http.ts";
import type { Target } from "../target.ts";
import type { Vars } from "../template.ts";
import { Attempt } from "./attempt.ts";
import type { Challenge, SolutionStep, Verdict } from "./model.ts";

/** Runs one step of a reference solution: its powers, then its request (`repeat` times), keeping what it captures. */
async function playStep(step: SolutionStep, target: Target, vars: Vars): Promise<void> {
  for (const power of step.before ?? []) await target.use(power, vars);
  const request = prepareRequest(step.request, vars, target.baseUrl);
  for (let i = 0; i < (step.repeat ?? 1); i++) {
    const response = await send(request);
    for (const [name, from] of Object.entries(step.capture ?? {})) {
      const value = from.startsWith("header:")
        ? header(response, from.slice("header:".length))
        : resolvePointer(response.json, from).value;
      if (value === undefined || value === null) {
        throw new Error(`the solution found nothing for {{${name}}} (${from})`);
      }
      vars[name] = value;
    }
  }
}

/**
 * Plays the reference solution on an in-process target, as a learner would with curl, and
 * checks the log it left after each request, as the interactive runner does.
 */
export async function verifySolution(challenge: Challenge, target: Target): Promise<Verdict> {
  const attempt = Attempt.create(challenge, target);
  try {
    await attempt.prepare();
    for (const step of challenge.solution) {
      await playStep(step, target, attempt.vars);
      await attempt.verdict();
    }
    return await attempt.verdict();
  } finally {
    await attempt.end();
  }
}
