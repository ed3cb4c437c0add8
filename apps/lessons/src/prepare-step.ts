/**
 * Before a step is sent: whether it can run on this target (or is skipped, and why), and its
 * request with the run's variables filled in, to be shown before sending.
 */
import { type PreparedRequest, prepareRequest } from "./http.ts";
import type { Step } from "./model.ts";
import { madeBefore, powerReads } from "./powers.ts";
import type { LessonRun, RunOptions } from "./run-state.ts";
import { MissingVariableError, type Vars } from "./template.ts";

export type Prepared =
  | { kind: "ready"; request: PreparedRequest }
  | { kind: "skipped"; reason: string; request?: PreparedRequest }
  | { kind: "failed"; reason: string };

/** Decides whether the step can run here and builds its request (shown before sending). */
export function prepareStep(step: Step, run: LessonRun, options: RunOptions): Prepared {
  const skip = skipReason(step, options);
  let request: PreparedRequest | undefined;
  try {
    const powerInputs = [...(step.before ?? []), ...(step.after ?? [])]
      .flatMap(powerReads)
      .filter((name) => run.vars[name] === undefined);
    if (powerInputs.length) throw new MissingVariableError(powerInputs);
    request = prepareRequest(step.request, powerFilled(step, run.vars), options.target.baseUrl);
  } catch (error) {
    if (skip) return { kind: "skipped", reason: skip };
    if (!(error instanceof MissingVariableError)) throw error;
    const becauseSkipped = error.names.map((n) => run.unset.get(n)).find(Boolean);
    if (becauseSkipped) return { kind: "skipped", reason: becauseSkipped };
    const becauseFailed = error.names.map((n) => run.broken.get(n)).find(Boolean);
    return { kind: "failed", reason: becauseFailed ?? `${error.message}: no earlier step sets it` };
  }
  if (skip) return { kind: "skipped", reason: skip, request };
  return { kind: "ready", request };
}

/**
 * Variables the step's own `before` powers will set do not exist yet when the request is
 * shown: stand in a visible marker so the request can still be rendered before sending.
 */
function powerFilled(step: Step, vars: Vars): Vars {
  const minted = madeBefore(step).filter((name) => vars[name] === undefined);
  if (!minted.length) return vars;
  return { ...vars, ...Object.fromEntries(minted.map((name) => [name, `<${name}>`])) };
}

function skipReason(step: Step, options: RunOptions): string | undefined {
  if (step.optional && options.mode === "auto") {
    return "optional (waits out a rate-limit window); run it interactively";
  }
  if (step.needsAdmin && !options.target.admin) {
    return "needs the admin account: set ADMIN_EMAIL and ADMIN_PASSWORD as the API has them";
  }
  for (const power of [...(step.before ?? []), ...(step.after ?? [])]) {
    const lacking = options.target.lacks(power.power);
    if (lacking) return lacking;
  }
  return undefined;
}
