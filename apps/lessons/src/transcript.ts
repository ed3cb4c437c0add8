/**
 * `bun run --cwd apps/lessons transcript`: records a real plain-text session of the first
 * lesson into docs/lessons/transcript-<id>.txt. The keys come from a pipe (one line each),
 * which the runner echoes after its prompt, so the file reads like the session it was.
 */

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { challengeIdsOf } from "./challenges/index.ts";
import { setupSteps } from "./dependencies.ts";
import { transcriptName } from "./docs-common.ts";
import { REPO_ROOT } from "./generate-docs.ts";
import { lessons } from "./lessons/index.ts";
import type { Lesson } from "./model.ts";
import { quizSteps } from "./quiz.ts";

/**
 * Choose lesson 1; per step: hint, the right prediction and next (a setup step: just send);
 * the quiz answered right, typing each code; back to the menu; quit.
 */
export function transcriptKeys(lesson: Lesson, all: readonly Lesson[] = lessons): string {
  const setup = setupSteps(all);
  // A setup step that passed goes on by itself, unless it is the last.
  const steps = lesson.steps.flatMap((s, i) =>
    setup.has(s)
      ? ["h", "", ...(i === lesson.steps.length - 1 ? [""] : [])]
      : ["h", String(s.expect.status), ""],
  );
  const asked = quizSteps(lesson, new Set(lesson.steps.map((s) => s.id)), (s) => setup.has(s));
  const quiz = asked.map((s) => String(s.expect.status));
  // `s` at each challenge: a transcript cannot send the learner's curl from another terminal.
  const challenges = challengeIdsOf(lesson.id).map(() => "s");
  return ["1", ...steps, ...quiz, "", ...challenges, "", "q", ""].join("\n");
}

export async function recordTranscript(): Promise<{
  path: string;
  text: string;
  exitCode: number;
}> {
  const first = lessons[0];
  if (!first) throw new Error("no lessons");
  const dir = mkdtempSync(join(tmpdir(), "lessons-transcript-"));
  try {
    // A fresh directory as the working directory: no earlier progress, and the default
    // ./data/lessons-progress.json, exactly as a newcomer's first run shows it.
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1" };
    delete env.FORCE_COLOR;
    delete env.LESSONS_STATE;
    const child = Bun.spawn([process.execPath, join(import.meta.dir, "main.ts")], {
      cwd: dir,
      env,
      stdin: new TextEncoder().encode(transcriptKeys(first)),
      stdout: "pipe",
      stderr: "pipe",
    });
    const timer = setTimeout(() => child.kill(), 60_000);
    const [stdout, stderr, exitCode] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.exited,
    ]);
    clearTimeout(timer);
    const text = `$ bun run lessons\n${stderr}${stdout}`;
    return { path: join(REPO_ROOT, "docs", "lessons", transcriptName(first)), text, exitCode };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const { path, text, exitCode } = await recordTranscript();
  if (exitCode !== 0) {
    console.error(text);
    console.error(`the session ended with exit code ${exitCode}; transcript not written`);
    process.exit(1);
  }
  writeFileSync(path, text);
  console.log(`wrote ${path}`);
}
