/**
 * The lesson runner a person uses: a menu with honest progress, then each lesson (its steps,
 * a quiz, its challenges) and what is left to do. Every screen is plain text from render.ts,
 * so a tmux test can assert exactly what a learner sees.
 */
import type { Style } from "./color.ts";
import { setupSteps } from "./dependencies.ts";
import type { Input } from "./input.ts";
import { LessonPlay } from "./lesson-play.ts";
import type { Lesson, StatusCodeDoc } from "./model.ts";
import {
  displayPath,
  type LessonState,
  lessonState,
  loadProgress,
  recordChallengeSolved,
} from "./progress.ts";
import { lessonVerdict, menuMark, openTitles, sittingSummary } from "./progress-text.ts";
import { askQuiz } from "./quiz-screen.ts";
import type { View } from "./render.ts";
import { wrap } from "./render.ts";
import { Screen, type TerminalSize } from "./screen.ts";
import type { Target } from "./target.ts";

/** What a lesson's challenges get to talk to the learner and reach the API. */
export interface ChallengeContext {
  /**
   * Text as it is, newlines included, never paged: the learner reads it while working in
   * another terminal.
   */
  print: (text: string) => void;
  input: Input;
  style: Style;
  target: Target;
}

export interface InteractiveOptions {
  lessons: Lesson[];
  statusCodes: StatusCodeDoc[];
  target: Target;
  input: Input;
  write: (text: string) => void;
  view: View;
  /** Clear the screen between steps (a terminal; never a pipe or transcript). */
  clearScreen: boolean;
  /** A terminal's size, to page long output; none for a pipe. */
  terminal?: TerminalSize;
  statePath: string;
  /** `--lesson`: run just this one, no menu. */
  only?: Lesson;
  /** A lesson's challenges (default: none). */
  challengesOf?: (lessonId: string) => readonly { id: string; title: string }[];
  /** Runs a lesson's challenges after its steps and quiz; says which were solved. */
  runChallenges?: (
    lesson: Lesson,
    context: ChallengeContext,
  ) => Promise<{ solved: string[]; quit: boolean }>;
  /** For the quiz's choice order (tests pass a fixed one). */
  random?: () => number;
}

type LessonEnd = "finished" | "quit" | "eof";

/** Always 0: what the steps answered is on screen; `--auto` is the check that fails. */
export async function runInteractive(options: InteractiveOptions): Promise<number> {
  const session = new Session(options);
  if (options.only) {
    await session.lesson(options.only, options.lessons.indexOf(options.only) + 1);
  } else {
    await session.menu();
  }
  return 0;
}

class Session {
  private readonly screen: Screen;
  private readonly setup;

  constructor(private readonly o: InteractiveOptions) {
    this.screen = new Screen({
      input: o.input,
      write: o.write,
      view: o.view,
      clearScreen: o.clearScreen,
      ...(o.terminal ? { terminal: o.terminal } : {}),
    });
    this.setup = setupSteps(o.lessons);
  }

  private challengesOf(lesson: Lesson) {
    return this.o.challengesOf?.(lesson.id) ?? [];
  }

  private state(lesson: Lesson): LessonState {
    const ids = this.challengesOf(lesson).map((c) => c.id);
    return lessonState(loadProgress(this.o.statePath), lesson, ids);
  }

  async menu(): Promise<void> {
    const { lessons, view, target } = this.o;
    const { style, width } = view;
    const { screen } = this;
    for (;;) {
      screen.clear();
      const where =
        target.kind === "in-process"
          ? `${target.baseUrl} (in-process, temporary database)`
          : `${target.baseUrl} (--url)`;
      await screen.say(style.bold("Status Code Lab — lessons"), style.dim(`API: ${where}`), "");
      let done = 0;
      for (const [i, lesson] of lessons.entries()) {
        const state = this.state(lesson);
        const { mark, note } = menuMark(lesson, state, style);
        if (state.kind === "done") done++;
        const text = `${lesson.title}${note ? ` — ${note}` : ""}`;
        const [head = "", ...rest] = wrap(text, width - 8);
        await screen.say(
          `  ${mark} ${String(i + 1).padStart(2)}. ${head}`,
          ...rest.map((l) => `        ${l}`),
        );
      }
      await screen.say(
        "",
        ...wrap(
          `${done} of ${lessons.length} done · progress kept in ${displayPath(this.o.statePath)}`,
          width,
        ).map(style.dim),
        ...wrap(
          "✓ every step passed, challenges solved · ◐ a challenge open · · unfinished",
          width,
        ).map(style.dim),
      );
      for (;;) {
        screen.raw(`\nChoose a lesson (1-${lessons.length}), or q to quit: `);
        const answer = await screen.line(["q"]);
        if (answer === undefined || answer === "q") return;
        const chosen = /^\d+$/.test(answer) ? lessons[Number(answer) - 1] : undefined;
        if (chosen) {
          if ((await this.lesson(chosen, Number(answer))) === "eof") return;
          break;
        }
        screen.reply(
          !/^\d+$/.test(answer)
            ? `Type a lesson's number, 1 to ${lessons.length}, then Enter; or q to quit.`
            : `There is no lesson ${answer}: the lessons are 1 to ${lessons.length}.`,
        );
      }
    }
  }

  async lesson(lesson: Lesson, number: number): Promise<LessonEnd> {
    const { screen } = this;
    const from = await this.resumeAt(lesson, number);
    if (from === "quit" || from === "eof") return from;
    if (from === "challenge") return this.challengeOnly(lesson, number);
    const play = new LessonPlay(
      {
        screen,
        lessons: this.o.lessons,
        statusCodes: this.o.statusCodes,
        target: this.o.target,
        statePath: this.o.statePath,
        setup: this.setup,
      },
      lesson,
      number,
    );
    if (from > 0) await play.replay(from);
    const end = await play.steps(from);
    if (end !== "finished") return end;

    const quiz = await askQuiz(screen, {
      lesson,
      number,
      answered: play.answered,
      results: play.results,
      isSetup: (step) => this.setup.has(step),
      catalog: this.o.statusCodes.map((d) => d.code),
      random: this.o.random ?? Math.random,
    });
    if (quiz === "quit" || quiz === "eof") return quiz;

    // A challenge builds on what the steps showed: offered once every required step passed,
    // in this sitting or an earlier one.
    if (this.state(lesson).kind !== "open") {
      const challenges = await this.challenges(lesson);
      if (challenges !== "finished") return challenges;
    }

    return this.end(
      lesson,
      number,
      sittingSummary([...play.results.values()], play.replayed, play.predictions, quiz),
    );
  }

  /** Straight to the challenges of a lesson whose steps all passed before. */
  private async challengeOnly(lesson: Lesson, number: number): Promise<LessonEnd> {
    const challenges = await this.challenges(lesson);
    if (challenges !== "finished") return challenges;
    return this.end(lesson, number, []);
  }

  /** Runs the lesson's challenges and records what they solved. */
  private async challenges(lesson: Lesson): Promise<LessonEnd> {
    const { screen } = this;
    const run = this.o.runChallenges ?? noChallenges;
    const outcome = await run(lesson, {
      print: (text) => screen.raw(text),
      input: this.o.input,
      style: this.o.view.style,
      target: this.o.target,
    });
    for (const id of outcome.solved) recordChallengeSolved(this.o.statePath, lesson.id, id);
    if (outcome.quit) return "quit";
    // The solved screen names what the log showed and what it teaches: read before the end.
    if (outcome.solved.length) {
      await screen.prompt("[Enter] finish the lesson   [q] quit");
      const key = await screen.choose(["enter", "q"]);
      if (key !== "enter") return key === "q" ? "quit" : "eof";
    }
    return "finished";
  }

  /** The lesson's last screen: what this sitting did, where the lesson stands, its takeaway. */
  private async end(lesson: Lesson, number: number, sitting: string[]): Promise<LessonEnd> {
    const { screen } = this;
    const { style, width } = this.o.view;
    screen.clear();
    await screen.say(
      style.bold(`Lesson ${number} · ${lesson.title} — end`),
      ...sitting,
      "",
      ...lessonVerdict(lesson, this.state(lesson), this.challengesOf(lesson), this.o.view),
      "",
      style.bold("Takeaway"),
      ...wrap(lesson.takeaway, width, "  "),
    );
    await screen.prompt(this.o.only ? "[Enter] exit" : "[Enter] back to the menu");
    return (await screen.choose(["enter", "q"])) === "eof" ? "eof" : "finished";
  }

  /**
   * Step to start at: where the learner left off, if they want to resume; or, once every step
   * has passed and a challenge is open, straight to the challenge if they want.
   */
  private async resumeAt(
    lesson: Lesson,
    number: number,
  ): Promise<number | "challenge" | "quit" | "eof"> {
    const { screen } = this;
    const state = this.state(lesson);
    if (state.kind === "steps-done" && this.o.runChallenges) {
      screen.clear();
      await screen.say(
        this.o.view.style.bold(`Lesson ${number} · ${lesson.title}`),
        "",
        ...wrap(
          `Every step has passed; still open: ${openTitles(this.challengesOf(lesson), state.openChallenges)}.`,
          this.o.view.width,
        ),
      );
      await screen.prompt("[c] go to the challenge   [Enter] play the steps again   [q] quit");
      const key = await screen.choose(["c", "enter", "q"]);
      if (key === "q" || key === "eof") return key === "q" ? "quit" : "eof";
      return key === "c" ? "challenge" : 0;
    }
    const reached = state.kind === "open" ? state.reached : 0;
    const total = lesson.steps.length;
    // Played to the end with steps still not passed: resume at the first of those.
    const missing = state.kind === "open" ? state.missing : [];
    const from = reached < total ? reached : lesson.steps.findIndex((s) => missing.includes(s.id));
    if (from <= 0) return 0;
    const titles = lesson.steps.filter((s) => missing.includes(s.id)).map((s) => `"${s.title}"`);
    const where =
      reached < total
        ? `Last time you reached step ${reached + 1} of ${total}.`
        : `Last time you played every step; not passed yet: ${titles.join(", ")}.`;
    screen.clear();
    await screen.say(
      this.o.view.style.bold(`Lesson ${number} · ${lesson.title}`),
      "",
      ...wrap(where, this.o.view.width),
    );
    await screen.prompt(`[Enter] resume at step ${from + 1}   [r] start over   [q] quit`);
    const key = await screen.choose(["enter", "r", "q"]);
    if (key === "q" || key === "eof") return key === "q" ? "quit" : "eof";
    return key === "enter" ? from : 0;
  }
}

async function noChallenges(): Promise<{ solved: string[]; quit: boolean }> {
  return { solved: [], quit: false };
}
