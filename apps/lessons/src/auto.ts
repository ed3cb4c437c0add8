/**
 * `--auto`: every lesson, no prompts, one line per step and per challenge. It is the check
 * that the lessons still tell the truth about the API: any step whose status or asserted
 * property differs from its documentation fails the run, and so do a contract status code no
 * step shows and a challenge whose reference solution its checker does not recognise.
 */
import { challengesOf } from "./challenges/all.ts";
import type { Challenge } from "./challenges/model.ts";
import { verifySolution } from "./challenges/solve.ts";
import type { Style } from "./color.ts";
import { type Coverage, coverage } from "./coverage.ts";
import type { Lesson, StatusCodeDoc } from "./model.ts";
import { reasonPhrase } from "./phrases.ts";
import { runStep } from "./run.ts";
import { type RunOptions, type StepResult, startLesson } from "./run-state.ts";
import type { Target } from "./target.ts";

export interface AutoOptions {
  lessons: Lesson[];
  /** A lesson's number in the menu and docs (default: its place in `lessons`, from 1). */
  numberOf?: (lesson: Lesson) => number;
  statusCodes: StatusCodeDoc[];
  target: Target;
  json: boolean;
  style: Style;
  write: (text: string) => void;
  /** Coverage is only meaningful when every lesson ran with every power. */
  checkCoverage: boolean;
  /** A lesson's challenges, whose reference solutions are played (default: the real ones). */
  challengesOf?: (lessonId: string) => Challenge[];
}

export interface ChallengeReport {
  id: string;
  lesson: string;
  passed: boolean;
  /** Not played: a remote API's request log cannot be watched. */
  skipped?: boolean;
  /** What the check saw when it was not solved, or why it was skipped. */
  reason?: string;
}

export interface StepReport {
  id: string;
  title: string;
  /** The status received (the last one for a repeated step); null if nothing was sent. */
  status: number | null;
  expected: number;
  passed: boolean;
  skipped: boolean;
  reason?: string;
}

export interface Report {
  target: { kind: Target["kind"]; url: string };
  lessons: { id: string; title: string; steps: StepReport[] }[];
  summary: { passed: number; failed: number; skipped: number };
  /** Each challenge's reference solution, played and checked from the API's own log. */
  challenges: ChallengeReport[];
  coverage?: Coverage;
  ok: boolean;
}

export function stepReport(result: StepResult): StepReport {
  return {
    id: result.stepId,
    title: result.title,
    status: result.status ?? null,
    expected: result.expected,
    passed: result.outcome === "passed",
    skipped: result.outcome === "skipped",
    ...(result.reason ? { reason: result.reason } : {}),
  };
}

/** `✓ 409 Conflict — duplicate email`, `✗ … (expected …: reason)`, `- skipped — … (reason)`. */
export function stepLine(result: StepResult, style: Style): string {
  const code = (status: number) => `${status} ${reasonPhrase(status)}`;
  switch (result.outcome) {
    case "passed":
      return `${style.green("✓")} ${code(result.expected)} — ${result.title}`;
    case "skipped":
      return style.dim(`- skipped — ${result.title} (${result.reason})`);
    case "failed": {
      const got = result.status === undefined ? "no answer" : code(result.status);
      return `${style.red("✗")} ${got} — ${result.title} ${style.red(`(expected ${code(result.expected)}: ${result.reason})`)}`;
    }
  }
}

export async function runAuto(options: AutoOptions): Promise<{ exitCode: number; report: Report }> {
  const { style, write } = options;
  const out = (line: string) => {
    if (!options.json) write(`${line}\n`);
  };
  const runOptions: RunOptions = { target: options.target, mode: "auto" };
  const report: Report = {
    target: { kind: options.target.kind, url: options.target.baseUrl },
    lessons: [],
    summary: { passed: 0, failed: 0, skipped: 0 },
    challenges: [],
    ok: false,
  };
  const passing: number[] = [];

  for (const [i, lesson] of options.lessons.entries()) {
    const number = options.numberOf?.(lesson) ?? i + 1;
    out(style.bold(`${String(number).padStart(2, "0")} ${lesson.title}`));
    const run = startLesson(lesson, options.target);
    const steps: StepReport[] = [];
    for (const step of lesson.steps) {
      const result = await runStep(step, run, runOptions);
      out(`  ${stepLine(result, style)}`);
      steps.push(stepReport(result));
      report.summary[result.outcome]++;
      if (result.outcome === "passed") passing.push(result.expected);
    }
    report.lessons.push({ id: lesson.id, title: lesson.title, steps });
    for (const challenge of (options.challengesOf ?? challengesOf)(lesson.id)) {
      const played = await playChallenge(challenge, options.target);
      out(`  ${challengeLine(challenge, played, style)}`);
      report.challenges.push(played);
    }
  }

  let coverageOk = true;
  if (options.checkCoverage) {
    report.coverage = coverage(
      passing,
      options.statusCodes.map((d) => d.code),
    );
    const { missing, undocumented } = report.coverage;
    if (missing.length) {
      out(
        style.red(
          `Not shown by any passing step: ${missing.map((c) => `${c} ${reasonPhrase(c)}`).join(", ")}`,
        ),
      );
    }
    if (undocumented.length) {
      out(style.red(`No page in status-codes.ts for: ${undocumented.join(", ")}`));
    }
    coverageOk = !missing.length && !undocumented.length;
  }

  const { passed, failed, skipped } = report.summary;
  const unsolved = report.challenges.filter((c) => !c.passed && !c.skipped).length;
  report.ok = failed === 0 && coverageOk && unsolved === 0;
  out(`${count(passed, "step")} passed, ${failed} failed, ${skipped} skipped`);
  if (report.challenges.length) {
    const solved = report.challenges.filter((c) => c.passed).length;
    const notPlayed = report.challenges.length - solved - unsolved;
    out(
      `${count(solved, "challenge")} solved by ${solved === 1 ? "its" : "their"} reference solution, ${unsolved} not, ${notPlayed} skipped`,
    );
  }
  if (options.json) write(`${JSON.stringify(report, null, 2)}\n`);
  return { exitCode: report.ok ? 0 : 1, report };
}

/** `1 step`, `2 steps`. */
const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

export const CHALLENGES_NEED_LOG = "needs the in-process API's request log: run without --url";

/** Plays a challenge's reference solution and checks it as a learner's attempt is checked. */
async function playChallenge(challenge: Challenge, target: Target): Promise<ChallengeReport> {
  const base = { id: challenge.id, lesson: challenge.lessonId };
  if (!target.log) return { ...base, passed: false, skipped: true, reason: CHALLENGES_NEED_LOG };
  try {
    const verdict = await verifySolution(challenge, target);
    if (verdict.solved) return { ...base, passed: true };
    return { ...base, passed: false, reason: verdict.saw ?? "the log shows none of it" };
  } catch (error) {
    return { ...base, passed: false, reason: (error as Error).message };
  }
}

/** `✓ challenge — make the API answer 415`, `✗ … (reason)`, `- skipped challenge — …`. */
export function challengeLine(challenge: Challenge, played: ChallengeReport, style: Style): string {
  if (played.skipped)
    return style.dim(`- skipped challenge — ${challenge.title} (${played.reason})`);
  if (played.passed) return `${style.green("✓")} challenge — ${challenge.title}`;
  return `${style.red("✗")} challenge — ${challenge.title} ${style.red(`(${played.reason})`)}`;
}
