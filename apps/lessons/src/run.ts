/**
 * Runs one step: skip if the target lacks what it needs, fill placeholders, run `before`
 * powers, send (N times), check, capture, and always run `after` powers — a locked database
 * must be unlocked even when the check failed. Both modes and the JSON report use the result.
 */
import { checkExpectation, resolvePointer } from "./expect.ts";
import {
  header,
  type PreparedRequest,
  prepareRequest,
  type ReceivedResponse,
  send,
} from "./http.ts";
import type { Lesson, Power, Step } from "./model.ts";
import type { Target } from "./target.ts";
import { MissingVariableError, newRunId, type Vars } from "./template.ts";

export type Outcome = "passed" | "failed" | "skipped";

export interface StepResult {
  lessonId: string;
  stepId: string;
  title: string;
  outcome: Outcome;
  expected: number;
  /** The last status received, if anything was sent. */
  status?: number;
  /** Why it failed (every difference, joined) or why it was skipped. */
  reason?: string;
  failures: string[];
  request?: PreparedRequest;
  /** One per attempt (`repeat`); the last one is the one shown and captured from. */
  responses: ReceivedResponse[];
}

/** The state of one lesson being run: its variables and the previous answer. */
export interface LessonRun {
  lesson: Lesson;
  vars: Vars;
  previous?: ReceivedResponse;
  /** Variables that a skipped step would have set: later steps using them are skipped too. */
  unset: Map<string, string>;
  /** Variables that a failed step should have set: later steps using them fail, saying why. */
  broken: Map<string, string>;
}

export interface RunOptions {
  target: Target;
  /** `auto` skips optional steps and waits out Retry-After silently. */
  mode: "auto" | "interactive";
  /**
   * Interactive: show the countdown. Resolves early if the learner says so: `"send"` sends
   * at once (to see the limit again), `"skip"` skips the step.
   */
  countdown?: (seconds: number) => Promise<"send" | "skip">;
  /** Interactive: say what a power is doing ("locking the database…"). */
  onPower?: (power: Power, phase: "before" | "after") => void;
}

/** The longest Retry-After we will wait out unattended; a longer one means a wrong lesson. */
const MAX_WAIT_SECONDS = 120;

export function startLesson(lesson: Lesson, target: Target): LessonRun {
  const vars: Vars = { run: newRunId() };
  if (target.admin) {
    vars.adminEmail = target.admin.email;
    vars.adminPassword = target.admin.password;
  }
  return { lesson, vars, unset: new Map(), broken: new Map() };
}

/** Variables a step sets: its captures and the tokens its powers mint. */
export function variablesSetBy(step: Step): string[] {
  const powers = [...(step.before ?? []), ...(step.after ?? [])];
  return [
    ...Object.keys(step.capture ?? {}),
    ...powers.flatMap((p) => (p.power === "mint-expired-token" ? [p.into] : [])),
  ];
}

export type Prepared =
  | { kind: "ready"; request: PreparedRequest }
  | { kind: "skipped"; reason: string; request?: PreparedRequest }
  | { kind: "failed"; reason: string };

/** Decides whether the step can run here and builds its request (shown before sending). */
export function prepareStep(step: Step, run: LessonRun, options: RunOptions): Prepared {
  const skip = skipReason(step, options);
  let request: PreparedRequest | undefined;
  try {
    const powerInputs = [...(step.before ?? []), ...(step.after ?? [])].flatMap((p) =>
      p.power === "mint-expired-token" && run.vars[p.userId] === undefined ? [p.userId] : [],
    );
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
  const minted = (step.before ?? []).flatMap((p) =>
    p.power === "mint-expired-token" && vars[p.into] === undefined ? [p.into] : [],
  );
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

function skipped(
  step: Step,
  run: LessonRun,
  reason: string,
  request?: PreparedRequest,
): StepResult {
  for (const name of variablesSetBy(step)) {
    delete run.vars[name];
    run.unset.set(name, `depends on "${step.title}", which was skipped`);
  }
  return {
    lessonId: run.lesson.id,
    stepId: step.id,
    title: step.title,
    outcome: "skipped",
    expected: step.expect.status,
    reason,
    failures: [],
    ...(request ? { request } : {}),
    responses: [],
  };
}

/** A step the learner chose to skip (`s`). */
export function skipByChoice(step: Step, run: LessonRun): StepResult {
  return skipped(step, run, "skipped by the learner");
}

function retryAfterSeconds(response: ReceivedResponse | undefined): number | undefined {
  const value = response && header(response, "retry-after");
  if (!value || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value);
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

/** What a failed step should have set is missing: later steps that need it say why. */
function markBroken(step: Step, run: LessonRun) {
  for (const name of variablesSetBy(step)) {
    delete run.vars[name];
    run.broken.set(name, `depends on "${step.title}", which failed`);
  }
}

/** Applies `capture`: a JSON Pointer into the body, or `header:<name>`. */
export function capture(step: Step, response: ReceivedResponse, vars: Vars): string[] {
  const failures: string[] = [];
  for (const [name, from] of Object.entries(step.capture ?? {})) {
    if (from.startsWith("header:")) {
      const value = header(response, from.slice("header:".length));
      if (value === undefined)
        failures.push(`could not capture {{${name}}}: no ${from.slice(7)} header`);
      else vars[name] = value;
      continue;
    }
    const at = resolvePointer(response.json, from);
    if (!at.found || at.value === undefined || at.value === null) {
      failures.push(`could not capture {{${name}}}: nothing at ${from} in the body`);
    } else {
      vars[name] = at.value;
    }
  }
  return failures;
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
