/**
 * A lesson's challenges, rustlings-style: the task and the API's URL, then the runner watches
 * the in-process API's own request log while the learner works from another terminal (curl,
 * the `.http` files, Swagger UI), showing each answer as it happens, until the log shows the
 * goal met. `h` gives the next hint, `s` skips, `q` quits.
 */
import type { Style } from "../color.ts";
import { lessonSlug } from "../docs-common.ts";
import type { Input, Key } from "../input.ts";
import { lessons } from "../lessons/index.ts";
import type { Lesson } from "../model.ts";
import { hanging, wrap } from "../render.ts";
import type { Target } from "../target.ts";
import { fill } from "../template.ts";
import { challengesOf } from "./all.ts";
import { Attempt } from "./attempt.ts";
import { describeEntry, describeWant } from "./check.ts";
import type { RequestLog } from "./log.ts";
import type { LogEntry } from "./model.ts";

export interface ChallengeContext {
  /** Writes text as it is (add your own newlines), like the runner's `write`. */
  print: (text: string) => void;
  input: Input;
  style: Style;
  target: Target;
  /** Columns to wrap prose at (default 80). */
  width?: number;
}

export interface ChallengesOutcome {
  /** Ids of the challenges the log showed solved, in order. */
  solved: string[];
  /** The learner pressed `q` (or the input ended): stop the lesson too. */
  quit: boolean;
}

/** Swagger UI's own page and the OpenAPI document it loads: not requests a challenge is about. */
const SWAGGER_PAGE = /^\/(docs(\/|$)|openapi\.json$)/;
/** Opening Swagger UI: shown to nobody, but checked like any request (a 405 there counts). */
const swaggerLoad = (entry: LogEntry) =>
  (entry.method === "GET" || entry.method === "HEAD") &&
  entry.status < 400 &&
  SWAGGER_PAGE.test(entry.path);

// The task says why the lock is held; these mark when it is taken and let go.
const LOCK_TAKEN = "⚙ Write lock taken (a second connection): writes now wait for it.";
const LOCK_RELEASED = "⚙ Write lock let go: the database takes writes again.";

const KEYS = "[h] hint   [s] skip   [q] quit";

/** `60`, `60s` and `60 seconds` all read the `60` the answer said. */
const sameNumber = (typed: string, answer: string) => typed.match(/\d+/)?.[0] === answer;

/** How often a terminal's keys are looked at while waiting for the log (the log wakes at once). */
const KEY_TICK_MS = 100;

export async function runChallenges(
  lesson: Lesson,
  context: ChallengeContext,
): Promise<ChallengesOutcome> {
  const { print, style, target } = context;
  const width = context.width ?? 80;
  const say = (...lines: string[]) => print(`${lines.join("\n")}\n`);
  const list = challengesOf(lesson.id);
  const solved: string[] = [];
  if (!list.length) return { solved, quit: false };
  if (!target.log) {
    say(
      "",
      style.yellow("Challenge skipped"),
      ...wrap(
        "A challenge is checked against the API's own request log, which only the in-process API shares with the runner; with --url that log is on the other server. Run without --url to play it.",
        width,
        "  ",
      ),
    );
    return { solved, quit: false };
  }
  for (const [i, challenge] of list.entries()) {
    const attempt = Attempt.create(challenge, target, (held) =>
      say(...wrap(held ? LOCK_TAKEN : LOCK_RELEASED, width, "  ").map(style.magenta)),
    );
    const { vars } = attempt;
    say(
      "",
      style.bold(
        `Challenge${list.length > 1 ? ` ${i + 1} of ${list.length}` : ""}: ${challenge.title}`,
      ),
      ...wrap(fill(challenge.task, vars), width, "  "),
      "",
      `  Your API: ${style.cyan(target.baseUrl)}   (Swagger UI: ${target.baseUrl}/docs)`,
      style.dim("  Work from another terminal; the runner reads the API's own request log."),
      style.dim(`  Solved when the log shows${challenge.goal.length > 1 ? ", in order" : ""}:`),
      ...challenge.goal.flatMap((want) => hanging("    • ", describeWant(want, vars), width)),
    );
    let end: Awaited<ReturnType<typeof watch>>;
    try {
      await attempt.prepare();
      end = await watch(attempt, context, width);
    } finally {
      await attempt.end();
    }
    if (end.solved) solved.push(challenge.id);
    if (end.quit) return { solved, quit: true };
  }
  return { solved, quit: false };
}

async function watch(
  attempt: Attempt,
  context: ChallengeContext,
  width: number,
): Promise<{ solved: boolean; quit: boolean }> {
  const { print, style, input } = context;
  const { challenge, vars, log } = attempt;
  const say = (...lines: string[]) => print(`${lines.join("\n")}\n`);
  let shown = attempt.start;
  let hints = 0;
  say("", style.dim(`  Waiting for your requests…   ${KEYS}`));
  for (;;) {
    // What arrived since the last look: each answer, then what the check makes of it.
    if (log.mark() > shown) {
      const fresh = log.since(shown).filter((entry) => !swaggerLoad(entry));
      shown = log.mark();
      for (const entry of fresh) say(...hanging("  ← ", describeEntry(entry), width));
      const verdict = await attempt.verdict();
      if (verdict.solved) {
        say(
          "",
          ...hanging("✓ Solved: ", challenge.title, width).map(style.green),
          style.dim("  The API's log shows:"),
          // Deeper than the entry's first line, so that two entries do not read as one.
          ...verdict.saw.flatMap((line) => hanging("    ", line, width, "      ")),
        );
        const question = challenge.question;
        const answer = question?.answer(verdict.met);
        if (question && answer !== undefined) {
          print(`\n${question.ask} `);
          const typed = await input.line(print);
          // Solved all the same: the question only checks the answer was read.
          if (typed === undefined) return { solved: true, quit: true };
          say(
            sameNumber(typed, answer)
              ? style.green("  ✓ right, that is what the answer said")
              : style.yellow(`  The answer said ${answer}.`),
          );
        }
        say(...wrap(challenge.lesson, width, "  "));
        return { solved: true, quit: false };
      }
      if (fresh.length) {
        const steps = challenge.goal.length;
        // A miss is news; what is awaited is not a verdict on the request just made.
        const line = verdict.missed
          ? `not yet${steps > 1 ? ` (${verdict.met} of ${steps} done)` : ""}: ${verdict.saw}`
          : `${verdict.met ? `${verdict.met} of ${steps} done; ` : ""}${verdict.saw}`;
        const color = verdict.missed ? style.yellow : style.dim;
        say(...hanging("    ", line, width, "      ").map(color));
      }
    }
    const key = await nextKey(input, log, shown);
    if (key === undefined) continue;
    if (key === "q" || key === "eof") return { solved: false, quit: true };
    if (key === "s") {
      say(style.dim("- challenge skipped"));
      return { solved: false, quit: false };
    }
    if (key === "h") {
      const hint = challenge.hints[hints];
      if (hint === undefined)
        say(
          ...wrap(
            `No more hints: ${solutionPage(challenge.lessonId)} has a solution, under "Challenge: ${challenge.title}".`,
            width,
            "  ",
          ).map(style.dim),
        );
      else
        say(
          "",
          style.yellow(`Hint ${hints + 1} of ${challenge.hints.length}`),
          ...wrap(fill(hint, vars), width, "  "),
        );
      hints++;
    } else if (input.interactive || key !== "enter") {
      // From a pipe an empty line is how a script has the log looked at again; on a terminal
      // any other key would otherwise be swallowed without a word.
      say(style.dim(`  Send your requests from another terminal; here: ${KEYS}`));
    }
  }
}

/** The generated page with the lesson's challenge and its solution, by file name. */
function solutionPage(lessonId: string): string {
  const index = lessons.findIndex((l) => l.id === lessonId);
  const lesson = lessons[index];
  return lesson
    ? `docs/lessons/${lessonSlug(lesson, index)}.md`
    : "the lesson's page in docs/lessons/";
}

/**
 * A key, or undefined when the log moved first. A terminal is polled (a pending `key()` would
 * swallow a keypress meant for the runner after the challenge); keys from a pipe come line by
 * line and each one looks at the log again, so a scripted session stays deterministic.
 */
async function nextKey(input: Input, log: RequestLog, seen: number): Promise<Key | undefined> {
  if (!input.interactive) return input.key();
  let moved = false;
  const next = log.next(seen).then(() => {
    moved = true;
  });
  for (;;) {
    const key = input.poll();
    if (key !== undefined) return key;
    await Promise.race([next, Bun.sleep(KEY_TICK_MS)]);
    if (moved) return undefined;
  }
}
