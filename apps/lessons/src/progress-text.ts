/**
 * How a lesson's progress reads: its mark in the menu, and on its last screen what the
 * sitting did and whether the lesson is done or what is left. Pure text, no screen.
 */
import type { Style } from "./color.ts";
import type { Lesson } from "./model.ts";
import { type LessonState, requiredSteps } from "./progress.ts";
import { scoreText } from "./quiz.ts";
import { type View, wrap } from "./render.ts";
import type { StepResult } from "./run-state.ts";

/** A challenge as the runner names it. */
type Challenge = { id: string; title: string };

/** What this sitting did: its steps' outcomes, then the predictions and the quiz. */
export function sittingSummary(
  results: readonly StepResult[],
  replayed: number,
  predictions: { right: number; made: number },
  quiz?: { right: number; total: number; passed?: number },
): string[] {
  const passed = results.filter((r) => r.outcome === "passed").length;
  const failed = results.filter((r) => r.outcome === "failed").length;
  const skipped = results.length - passed - failed;
  const again = replayed ? ` (steps 1-${replayed} run again from last time)` : "";
  const { right, made } = predictions;
  const quizLine = quiz ? ` · quiz: ${scoreText(quiz)}` : "";
  return [
    `${passed} passed, ${failed} failed, ${skipped} skipped${again}`,
    `Predictions: ${made ? `${right} of ${made} right` : "none made"}${quizLine}`,
  ];
}

/** The menu's mark before a lesson's number, and the note after its title. */
export function menuMark(
  lesson: Lesson,
  state: LessonState,
  style: Style,
): { mark: string; note: string } {
  switch (state.kind) {
    case "done":
      return { mark: style.green("✓"), note: "" };
    case "steps-done":
      return { mark: style.yellow("◐"), note: "steps done, challenge open" };
    case "open": {
      const total = lesson.steps.length;
      const at = Math.min(state.reached + 1, total);
      // Passes from earlier sittings count: "at step 1" alone would hide six steps passed.
      const passed = requiredSteps(lesson).length - state.missing.length;
      return {
        mark: style.yellow("·"),
        note:
          state.reached >= total
            ? `${state.missing.length} step${state.missing.length === 1 ? "" : "s"} not passed`
            : `at step ${at} of ${total}${passed ? `, ${passed} passed` : ""}`,
      };
    }
    case "new":
      return { mark: " ", note: "" };
  }
}

/** The titles of the challenges still open, as the learner saw them announced. */
export function openTitles(challenges: readonly Challenge[], open: readonly string[]): string {
  return challenges
    .filter((c) => open.includes(c.id))
    .map((c) => `"${c.title}"`)
    .join(", ");
}

/**
 * Whether the lesson is done or what is still open, in one sentence (wrapped, then coloured).
 * `challenges` are all the lesson's own.
 */
export function lessonVerdict(
  lesson: Lesson,
  state: LessonState,
  challenges: readonly Challenge[],
  { style, width }: View,
): string[] {
  if (state.kind === "done") {
    const what = challenges.length ? "every step passed, challenge solved" : "every step passed";
    return wrap(`✓ Lesson done: ${what}.`, width).map(style.green);
  }
  if (state.kind === "steps-done") {
    const text = `◐ Steps done, challenge open: ${openTitles(challenges, state.openChallenges)}.`;
    return wrap(text, width).map(style.yellow);
  }
  const missing = state.kind === "open" ? state.missing : [];
  const titles = lesson.steps.filter((s) => missing.includes(s.id)).map((s) => `"${s.title}"`);
  const rule = challenges.length
    ? "every step has passed and its challenge, offered once they have, is solved"
    : "every step has passed";
  const text = `Not done yet: a lesson is done when ${rule}. Still to pass: ${titles.join(", ")}.`;
  return wrap(text, width).map(style.yellow);
}
