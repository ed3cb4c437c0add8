/**
 * The state of a lesson being run and what each step leaves in it: the variables it captured
 * (or, skipped or failed, the reason later steps cannot have them), and the step's result.
 */
import { resolvePointer } from "./expect.ts";
import { header, type PreparedRequest, type ReceivedResponse } from "./http.ts";
import type { Lesson, Power, Step } from "./model.ts";
import { powerWrites } from "./powers.ts";
import type { Target } from "./target.ts";
import { newRunId, type Vars } from "./template.ts";
import { variableText } from "./variable-text.ts";

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
  return [...Object.keys(step.capture ?? {}), ...powers.flatMap((p) => powerWrites(p) ?? [])];
}
export function skipped(
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
/** What a failed step should have set is missing: later steps that need it say why. */
export function markBroken(step: Step, run: LessonRun) {
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
        failures.push(`could not keep ${variableText(step, name)}: no ${from.slice(7)} header`);
      else vars[name] = value;
      continue;
    }
    const at = resolvePointer(response.json, from);
    if (!at.found || at.value === undefined || at.value === null) {
      failures.push(`could not keep ${variableText(step, name)}: nothing at ${from} in the body`);
    } else {
      vars[name] = at.value;
    }
  }
  return failures;
}
