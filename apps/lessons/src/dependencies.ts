/**
 * Which steps need which: a step depends on an earlier one when it uses a variable that one
 * captures (a token, an id). And which steps only prepare state: a setup step asks for no
 * prediction and gets a one-line explanation, because an earlier lesson already taught it.
 */
import type { Lesson, Step } from "./model.ts";
import { madeBefore, powerReads } from "./powers.ts";
import { variablesSetBy } from "./run-state.ts";
import { placeholdersIn } from "./template.ts";
import { variableText } from "./variable-text.ts";

/** Variables a step reads: placeholders in its request, its bearer, its powers' inputs. */
export function variablesUsedBy(step: Step): string[] {
  const used = new Set(placeholdersIn(step.request));
  if (step.request.bearer) used.add(step.request.bearer);
  for (const power of [...(step.before ?? []), ...(step.after ?? [])]) {
    for (const name of powerReads(power)) used.add(name);
  }
  // What the step's own `before` powers make (a minted or forged token) is not an input.
  for (const name of madeBefore(step)) used.delete(name);
  return [...used];
}

export interface Dependent {
  index: number;
  step: Step;
  /** The variables it takes from the step in question. */
  names: string[];
}

/** Later steps that use what `steps[index]` sets (until another step sets it again). */
export function dependentsOf(steps: readonly Step[], index: number): Dependent[] {
  const step = steps[index];
  if (!step) return [];
  let live = new Set(variablesSetBy(step));
  const found: Dependent[] = [];
  for (let i = index + 1; i < steps.length && live.size; i++) {
    const later = steps[i] as Step;
    const names = variablesUsedBy(later).filter((n) => live.has(n));
    if (names.length) found.push({ index: i, step: later, names });
    const resets = new Set(variablesSetBy(later));
    live = new Set([...live].filter((n) => !resets.has(n)));
  }
  return found;
}

/**
 * Why skipping `steps[index]` keeps later steps from being sent, in the learner's words:
 * `step 7 "a token edited to claim Finn" uses Finn's id`. Undefined when no step needs it.
 */
export function dependentsText(steps: readonly Step[], index: number): string | undefined {
  const dependents = dependentsOf(steps, index);
  if (!dependents.length) return undefined;
  const uses = dependents.map((d) => {
    const what = d.names.map((name) => variableText(steps[index], name));
    const list = what.length > 1 ? `${what.slice(0, -1).join(", ")} and ${what.at(-1)}` : what[0];
    return `step ${d.index + 1} "${d.step.title}" uses ${list}`;
  });
  return `Later steps need what this one captures: ${uses.join("; ")}. Skipped, they cannot be sent.`;
}

/** The last step before `index` that sets `name`. */
export function setterOf(steps: readonly Step[], index: number, name: string): number | undefined {
  for (let i = Math.min(index, steps.length) - 1; i >= 0; i--) {
    if (variablesSetBy(steps[i] as Step).includes(name)) return i;
  }
  return undefined;
}

/** What a step shows: method, path, grant (a login and a refresh are different lessons), status. */
const signature = (step: Step) =>
  [
    step.request.method,
    step.request.path.replace(/\?.*$/, ""),
    step.request.form?.grant_type ?? "",
    step.expect.status,
  ].join(" ");

/** A lesson's title names the codes it is about ("Logging in: 200, 401 and …"). */
const titleNames = (lesson: Lesson, status: number) =>
  new RegExp(`\\b${status}\\b`).test(lesson.title);

/**
 * Setup steps of every lesson: `setup` when the lesson says so; otherwise a success that an
 * earlier lesson already showed (the sign-up most lessons start with), unless this lesson's
 * title names its code, and only before the lesson's first teaching step. A failure is never
 * setup: each one is the point of its step. Nor is a repeat once the lesson is under way: the
 * same sign-up after the outage, a sign-up with a freed address, a login after a replay are
 * what those lessons set out to show, and their own "why" must not shrink to one line.
 */
export function setupSteps(lessons: readonly Lesson[]): Set<Step> {
  const setup = new Set<Step>();
  const taught = new Set<string>();
  for (const lesson of lessons) {
    let preparing = true;
    for (const step of lesson.steps) {
      const { status } = step.expect;
      const repeat = status < 300 && taught.has(signature(step)) && !titleNames(lesson, status);
      if (step.setup ?? (preparing && repeat)) setup.add(step);
      else preparing = false;
    }
    for (const step of lesson.steps) taught.add(signature(step));
  }
  return setup;
}

/**
 * The lesson that teaches what a setup step does, for its one-line explanation: the first
 * whose title names its code ("Logging in: 200, …" for a login), else the first to show it
 * (a login first appears in the duplicate-email lesson, which is not about logging in).
 */
export function taughtIn(lessons: readonly Lesson[], step: Step): Lesson | undefined {
  const sig = signature(step);
  const showing = lessons.filter((l) => l.steps.some((s) => s !== step && signature(s) === sig));
  return showing.find((l) => titleNames(l, step.expect.status)) ?? showing[0];
}
