/** Reference solutions: sent for real, as a learner would with curl, then checked from the log. */
import { resolvePointer } from "../expect.ts";
import { header, prepareRequest, send } from "../http.ts";
import type { Target } from "../target.ts";
import type { Vars } from "../template.ts";
import { attemptVars } from "./all.ts";
import { check } from "./check.ts";
import type { Challenge, Verdict } from "./model.ts";
/** Sends the reference solution's requests, in order, as a learner would with curl. */
export async function playSolution(
  challenge: Challenge,
  target: Target,
  vars: Vars,
): Promise<void> {
  for (const step of challenge.solution) {
    const request = prepareRequest(step.request, vars, target.baseUrl);
    for (let i = 0; i < (step.repeat ?? 1); i++) {
      const response = await send(request);
      for (const [name, from] of Object.entries(step.capture ?? {})) {
        const value = from.startsWith("header:")
          ? header(response, from.slice("header:".length))
          : resolvePointer(response.json, from).value;
        if (value === undefined || value === null) {
          throw new Error(`${challenge.id}: the solution found nothing for {{${name}}} (${from})`);
        }
        vars[name] = value;
      }
    }
  }
}

/** Plays the reference solution on an in-process target and checks the log it left. */
export async function verifySolution(challenge: Challenge, target: Target): Promise<Verdict> {
  const log = target.log;
  if (!log) throw new Error("a reference solution is checked against the in-process API's log");
  const vars = attemptVars(target);
  const mark = log.mark();
  await playSolution(challenge, target, vars);
  return check(challenge.goal, log.since(mark), vars);
}
