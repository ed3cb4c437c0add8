/**
 * How far a learner got, in a small JSON file so the menu can show it across runs: per lesson,
 * the step reached (to resume there), the steps that passed and the challenges solved. A lesson
 * is done only when every required step passed and every challenge is solved, so skipping
 * through a lesson never marks it done. A missing or unreadable file is simply no progress.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import type { Lesson } from "./model.ts";

export interface LessonProgress {
  /** Index of the step the learner last reached; `steps.length` once the end was seen. */
  reached: number;
  /** Ids of the steps that passed, in any run. */
  passed: string[];
  /** Ids of the challenges solved. */
  challenges: string[];
}

export interface Progress {
  version: 2;
  lessons: Record<string, LessonProgress>;
}

export function progressPath(env: Record<string, string | undefined> = process.env): string {
  return resolve(env.LESSONS_STATE || "./data/lessons-progress.json");
}

/** As the menu shows it: relative to where the learner is, when it is below there. */
export function displayPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? `./${rel}` : path;
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];

export function loadProgress(path: string): Progress {
  const progress: Progress = { version: 2, lessons: {} };
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as {
      version?: unknown;
      lessons?: unknown;
    };
    // Version 1 marked a lesson done whatever its results: those marks are not carried over.
    if (parsed?.version !== 2 || typeof parsed.lessons !== "object" || !parsed.lessons) {
      return progress;
    }
    for (const [id, raw] of Object.entries(parsed.lessons as Record<string, unknown>)) {
      if (!raw || typeof raw !== "object") continue;
      const entry = raw as Record<string, unknown>;
      progress.lessons[id] = {
        reached: Number.isInteger(entry.reached) ? Math.max(0, entry.reached as number) : 0,
        passed: strings(entry.passed),
        challenges: strings(entry.challenges),
      };
    }
  } catch {
    // No file yet, or not ours to understand: start afresh.
  }
  return progress;
}

function update(path: string, lessonId: string, change: (entry: LessonProgress) => void): Progress {
  const progress = loadProgress(path);
  const entry = progress.lessons[lessonId] ?? { reached: 0, passed: [], challenges: [] };
  change(entry);
  progress.lessons[lessonId] = entry;
  mkdirSync(dirname(path), { recursive: true });
  // Write then rename: an interrupted write never leaves half a file behind.
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(progress, null, 2)}\n`);
  renameSync(temporary, path);
  return progress;
}

/** The learner is at step `index` (0-based); `steps.length` means the end was reached. */
export function recordReached(path: string, lessonId: string, index: number): Progress {
  return update(path, lessonId, (entry) => {
    entry.reached = index;
  });
}

export function recordStepPassed(path: string, lessonId: string, stepId: string): Progress {
  return update(path, lessonId, (entry) => {
    if (!entry.passed.includes(stepId)) entry.passed.push(stepId);
  });
}

export function recordChallengeSolved(
  path: string,
  lessonId: string,
  challengeId: string,
): Progress {
  return update(path, lessonId, (entry) => {
    if (!entry.challenges.includes(challengeId)) entry.challenges.push(challengeId);
  });
}

export type LessonState =
  /** Nothing recorded. */
  | { kind: "new" }
  /** Some required steps have not passed yet. */
  | { kind: "open"; reached: number; missing: string[] }
  /** Every required step passed; a challenge is still open. */
  | { kind: "steps-done"; openChallenges: string[] }
  | { kind: "done" };

/** Required steps: all but the optional ones (which `--auto` skips too). */
export function requiredSteps(lesson: Lesson): string[] {
  return lesson.steps.filter((s) => !s.optional).map((s) => s.id);
}

export function lessonState(
  progress: Progress,
  lesson: Lesson,
  challengeIds: readonly string[] = [],
): LessonState {
  const entry = progress.lessons[lesson.id];
  if (!entry) return { kind: "new" };
  const missing = requiredSteps(lesson).filter((id) => !entry.passed.includes(id));
  if (missing.length) return { kind: "open", reached: entry.reached, missing };
  const openChallenges = challengeIds.filter((id) => !entry.challenges.includes(id));
  return openChallenges.length ? { kind: "steps-done", openChallenges } : { kind: "done" };
}

/**
 * Why progress cannot be kept at `path`, in one line; undefined when it can. Checked once at
 * start, so a bad LESSONS_STATE is a usage error rather than a crash in the middle of a step.
 */
export function progressProblem(path: string): string | undefined {
  try {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
      return `${path} is a directory: LESSONS_STATE must name a file`;
    }
    mkdirSync(dirname(path), { recursive: true });
    const probe = `${path}.${process.pid}.tmp`;
    writeFileSync(probe, "");
    rmSync(probe);
    return undefined;
  } catch (error) {
    return `cannot keep progress in ${path}: ${error instanceof Error ? error.message : error}`;
  }
}

export function resetProgress(path: string): void {
  rmSync(path, { force: true });
}
