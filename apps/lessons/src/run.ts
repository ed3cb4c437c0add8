/**
 * Runs one step: skip if the target lacks what it needs, fill placeholders, run `before`
 * powers, send (N times), check, capture, and always run `after` powers — a locked database
 * must be unlocked even when the check failed. Both modes and the JSON report use the result.
 */
import { checkExpectation } from "./expect.ts";
import { header, prepareRequest, type ReceivedResponse, send } from "./http.ts";
import type { Lesson, Step } from "./model.ts";
import { type Prepared, prepareStep } from "./prepare-step.ts";
import {
  capture,
  type LessonRun,
  markBroken,
  type RunOptions,
  type StepResult,
  skipByChoice,
  skipped,
  startLesson,
  variablesSetBy,
} from "./run-state.ts";

/** The longest Retry-After we will wait out unattended; a longer one means a wrong lesson. */
const MAX_WAIT_SECONDS = 120;

/**
 * What is left of the previous answer's Retry-After: it counts from when that answer arrived,
 * not from now (the learner may have read the explanation for half a minute meanwhile).
 */
function retryAfterSeconds(response: ReceivedResponse | undefined): number | undefined {
  const value = response && header(response, "retry-after");
  if (!value || !/^\d+$/.test(value.trim())) return undefined;
  const elapsed = response.receivedAt === undefined ? 0 : performance.now() - response.receivedAt;
  return Math.max(0, Math.ceil((Number(value) * 1000 - elapsed) / 1000));
}

/** Runs a prepared step to the end. */
export async function executeStep(
  step: Step,
  run: LessonRun,
  prepared: Prepared,
  options: RunOptions,
): Promise<StepResult> {
  if (prepared.kind === "skipped") return skipped(step, run, prepared.reason, prepared.request);
  const result: StepResult = {
    lessonId: run.lesson.id,
    stepId: step.id,
    title: step.title,
    outcome: "failed",
    expected: step.expect.status,
    failures: [],
    responses: [],
  };
  if (prepared.kind === "failed") {
    result.failures.push(prepared.reason);
    result.reason = prepared.reason;
    markBroken(step, run);
    return result;
  }

  if (step.waitForRetryAfter) {
    const seconds = Math.min(retryAfterSeconds(run.previous) ?? 0, MAX_WAIT_SECONDS);
    if (seconds > 0) {
      if (!options.countdown) await Bun.sleep(seconds * 1000);
      else if ((await options.countdown(seconds)) === "skip") return skipByChoice(step, run);
    }
  }

  let request = prepared.request;
  try {
    for (const power of step.before ?? []) {
      options.onPower?.(power, "before");
      await options.target.use(power, run.vars);
    }
    // Rebuilt now that `before` powers have set their variables (a minted token).
    if (step.before?.length) {
      request = prepareRequest(step.request, run.vars, options.target.baseUrl);
    }
    result.request = request;
    const times = Math.max(1, step.repeat ?? 1);
    for (let attempt = 1; attempt <= times; attempt++) {
      const response = await send(request);
      result.responses.push(response);
      result.status = response.status;
      const failures = checkExpectation(step.expect, response, run.vars);
      if (failures.length) {
        const prefix = times > 1 ? `attempt ${attempt} of ${times}: ` : "";
        result.failures.push(...failures.map((f) => prefix + f));
        break;
      }
    }
  } catch (error) {
    result.failures.push(errorMessage(error, options.target.baseUrl));
  } finally {
    for (const power of step.after ?? []) {
      try {
        options.onPower?.(power, "after");
        await options.target.use(power, run.vars);
      } catch (error) {
        result.failures.push(
          `after ${power.power}: ${errorMessage(error, options.target.baseUrl)}`,
        );
      }
    }
  }

  const last = result.responses.at(-1);
  if (last) {
    run.previous = last;
    if (!result.failures.length) result.failures.push(...capture(step, last, run.vars));
  }
  if (!result.failures.length) {
    result.outcome = "passed";
    for (const name of variablesSetBy(step)) {
      run.unset.delete(name);
      run.broken.delete(name);
    }
  } else {
    result.reason = result.failures.join("; ");
    markBroken(step, run);
  }
  return result;
}
function errorMessage(error: unknown, baseUrl: string): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === "TimeoutError") return "no answer within 30 s";
  const code = (error as { code?: string }).code;
  if (code === "ConnectionRefused" || /connect|refused|unable/i.test(error.message)) {
    return `cannot reach the API at ${baseUrl} (${code ?? error.message})`;
  }
  return error.message;
}

/** Prepare and execute in one go (auto mode). */
export async function runStep(
  step: Step,
  run: LessonRun,
  options: RunOptions,
): Promise<StepResult> {
  return executeStep(step, run, prepareStep(step, run, options), options);
}

export async function runLesson(lesson: Lesson, options: RunOptions): Promise<StepResult[]> {
  const run = startLesson(lesson, options.target);
  const results: StepResult[] = [];
  for (const step of lesson.steps) results.push(await runStep(step, run, options));
  return results;
}
