/**
 * One lesson's steps on screen: the story and the request, the learner's prediction, the
 * answer, the verdict and only then the why. Skipping a step others need warns first; a step
 * blocked by a skipped one offers to go back and run it. Setup steps ask no prediction.
 */
import { stepLine } from "./auto.ts";
import { setterOf, taughtIn, variablesUsedBy } from "./dependencies.ts";
import type { Lesson, StatusCodeDoc, Step } from "./model.ts";
import { type Prepared, prepareStep } from "./prepare-step.ts";
import { loadProgress, recordReached, recordStepPassed } from "./progress.ts";
import { wrap } from "./render.ts";
import { executeStep } from "./run.ts";
import {
  type LessonRun,
  type RunOptions,
  type StepResult,
  skipByChoice,
  skipped,
  startLesson,
} from "./run-state.ts";
import type { Screen } from "./screen.ts";
import { showAnswer, showStep, showStepStatus } from "./step-answer.ts";
import { askBeforeSending, confirmSkip } from "./step-prompts.ts";
import { countdown, powerText } from "./step-wait.ts";
import type { Target } from "./target.ts";

export interface PlayContext {
  screen: Screen;
  lessons: Lesson[];
  statusCodes: StatusCodeDoc[];
  target: Target;
  statePath: string;
  setup: ReadonlySet<Step>;
}

export type PlayEnd = "finished" | "quit" | "eof";
type StepEnd = "next" | "quit" | "eof";

export class LessonPlay {
  readonly run: LessonRun;
  /** The last result of each step the learner played, by id (not those replayed on resuming). */
  readonly results = new Map<string, StepResult>();
  /** Steps run again unattended on resuming: they count for nothing. */
  replayed = 0;
  /**
   * Ids of the steps that answered as documented, for the quiz: it asks "which status came
   * back?" and scores against the documented status, so a step that answered otherwise is out.
   */
  readonly answered = new Set<string>();
  readonly predictions = { right: 0, made: 0 };
  private readonly runOptions: RunOptions;
  /** The next step is drawn below what is on screen rather than on a clear one. */
  private keepScreen = false;
  /** `q` during a Retry-After countdown: the step is skipped, then the lesson ends. */
  private quitWaiting = false;

  constructor(
    private readonly c: PlayContext,
    readonly lesson: Lesson,
    private readonly number: number,
  ) {
    this.run = startLesson(lesson, c.target);
    this.runOptions = {
      target: c.target,
      mode: "interactive",
      countdown: async (seconds) => {
        const choice = await countdown(c.screen, seconds);
        if (choice === "quit") this.quitWaiting = true;
        return choice === "send" ? "send" : "skip";
      },
      onPower: ({ power }) => {
        this.c.screen.print(this.c.screen.view.style.dim(`  ⚙ ${powerText(power)}`));
      },
    };
  }

  /**
   * Resuming: the steps before `upTo` run again unattended, so their state exists again. Their
   * passes are not recorded: a step skipped last time and replayed now was never the learner's.
   */
  async replay(upTo: number): Promise<void> {
    const { screen } = this.c;
    const { style } = screen.view;
    await screen.say(style.dim(`Running steps 1-${upTo} again, so what they set up exists:`));
    const options: RunOptions = { target: this.c.target, mode: "auto" };
    for (const step of this.lesson.steps.slice(0, upTo)) {
      const result = step.optional
        ? skipped(step, this.run, "optional; not replayed")
        : await executeStep(step, this.run, prepareStep(step, this.run, options), options);
      if (result.outcome === "passed") this.answered.add(step.id);
      await screen.say(`  ${stepLine(result, style)}`);
    }
    this.replayed = upTo;
    // The step reached follows below, so what was replayed stays in view.
    this.keepScreen = true;
  }

  async steps(from = 0): Promise<PlayEnd> {
    for (let i = from; i < this.lesson.steps.length; i++) {
      // Opening a lesson is not progress: only a step beyond the first is worth a file.
      if (i > 0 || loadProgress(this.c.statePath).lessons[this.lesson.id]) {
        recordReached(this.c.statePath, this.lesson.id, i);
      }
      const end = await this.playStep(i);
      if (end !== "next") return end;
    }
    recordReached(this.c.statePath, this.lesson.id, this.lesson.steps.length);
    return "finished";
  }

  private record(step: Step, result: StepResult) {
    this.results.set(step.id, result);
    if (result.outcome !== "passed") return;
    this.answered.add(step.id);
    recordStepPassed(this.c.statePath, this.lesson.id, step.id);
  }

  private async playStep(i: number): Promise<StepEnd> {
    const { screen } = this.c;
    const { style } = screen.view;
    const step = this.lesson.steps[i] as Step;
    const setup = this.c.setup.has(step);
    const last = i === this.lesson.steps.length - 1;
    const prepared = prepareStep(step, this.run, this.runOptions);
    // After a setup step's one line the next step follows below it, on the same screen.
    if (this.keepScreen) await screen.say("");
    else screen.clear();
    this.keepScreen = false;
    await showStep(screen, {
      lesson: this.lesson,
      number: this.number,
      index: i,
      request: prepared.kind === "failed" ? undefined : prepared.request,
      vars: this.run.vars,
    });

    if (prepared.kind !== "ready") return this.notSent(i, prepared);

    let guess: number | undefined;
    let hinted = false;
    for (;;) {
      const answer = await askBeforeSending(screen, setup);
      if (answer === "eof" || answer === "quit") return answer;
      if (answer === "h") {
        if (hinted) screen.reply(style.dim("The hint is above: each step has one."));
        else
          await screen.say("", style.yellow("Hint"), ...wrap(step.hint, screen.view.width, "  "));
        hinted = true;
        continue;
      }
      if (answer === "s") {
        const decision = await confirmSkip(screen, this.lesson.steps, i, setup);
        if (decision === "quit" || decision === "eof") return decision;
        if (decision === "skip") {
          await screen.say(style.dim("- skipped"));
          this.record(step, skipByChoice(step, this.run));
          return "next";
        }
        break;
      }
      if (typeof answer === "number") guess = answer;
      break;
    }

    const result = await executeStep(step, this.run, prepared, this.runOptions);
    this.record(step, result);
    // Skipped during the Retry-After countdown: the next step, as with `s` at the prompt.
    if (result.outcome === "skipped") return this.quitWaiting ? "quit" : "next";
    let verdict: string | undefined;
    if (guess !== undefined && result.status !== undefined) {
      this.predictions.made++;
      if (guess === result.status) this.predictions.right++;
      verdict =
        guess === result.status
          ? style.green(`predicted ${guess}: right`)
          : style.red(`predicted ${guess}, it was ${result.status}`);
    }
    const taught = setup ? taughtIn(this.c.lessons, step) : undefined;
    await showAnswer(screen, {
      step,
      result,
      statusCodes: this.c.statusCodes,
      target: this.c.target,
      ...(setup
        ? {
            setupNote:
              taught && taught !== this.lesson
                ? `lesson ${this.c.lessons.indexOf(taught) + 1} explains it`
                : "it prepares the lesson",
          }
        : {}),
      ...(verdict ? { verdict } : {}),
    });
    // A setup step's one line stays on screen and the next step follows below it, no Enter.
    if (setup && result.outcome === "passed" && !last) {
      this.keepScreen = true;
      return "next";
    }
    await showStepStatus(screen, {
      result,
      ...(verdict ? { verdict } : {}),
      predictions: this.predictions,
      step: i + 1,
      of: this.lesson.steps.length,
    });
    const skipped = result.outcome === "failed" ? this.skippedSetupBefore(i) : undefined;
    if (skipped === undefined) return this.next(last);
    const title = (this.lesson.steps[skipped] as Step).title;
    const why = `Step ${skipped + 1}, "${title}", was skipped: this step works with what it sets up.`;
    const lines = wrap(why, screen.view.width).map(style.yellow);
    await screen.room(lines.length + 4);
    await screen.say(...lines);
    return this.offerGoBack(i, skipped);
  }

  /** A step that cannot be sent (a value it needs is missing) or is skipped of itself. */
  private async notSent(i: number, prepared: Prepared): Promise<StepEnd> {
    const { screen } = this.c;
    const { style } = screen.view;
    const step = this.lesson.steps[i] as Step;
    const last = i === this.lesson.steps.length - 1;
    const result = await executeStep(step, this.run, prepared, this.runOptions);
    this.record(step, result);
    const mark = result.outcome === "skipped" ? style.dim("- skipped") : style.red("✗ cannot send");
    const shown = prepared.kind === "skipped" && prepared.request;
    await screen.say(...(shown ? [""] : []), `${mark} — ${result.reason}`);
    const blocker = this.blocker(i);
    if (blocker === undefined) return this.next(last);
    return this.offerGoBack(i, blocker);
  }

  /** Step `i` could not do its part because of step `back`: offer to run that one, then `i`. */
  private async offerGoBack(i: number, back: number): Promise<StepEnd> {
    const { screen } = this.c;
    const last = i === this.lesson.steps.length - 1;
    const title = (this.lesson.steps[back] as Step).title;
    const goBack = wrap(`[b] go back and run step ${back + 1}, "${title}"`, screen.view.width);
    await screen.prompt(
      [...goBack, `[Enter] ${last ? "finish" : "next step"}   [q] quit`].join("\n"),
    );
    const key = await screen.choose(["b", "enter", "q"]);
    if (key === "enter") return "next";
    if (key !== "b") return key === "q" ? "quit" : "eof";
    const ran = await this.playStep(back);
    if (ran !== "next") return ran;
    return this.playStep(i);
  }

  /** The earliest setup step before `i` the learner skipped: what a later failure may come from. */
  private skippedSetupBefore(i: number): number | undefined {
    const index = this.lesson.steps
      .slice(0, i)
      .findIndex((s) => this.c.setup.has(s) && this.results.get(s.id)?.outcome === "skipped");
    return index === -1 ? undefined : index;
  }

  private async next(last: boolean): Promise<StepEnd> {
    const { screen } = this.c;
    await screen.prompt(
      last ? "[Enter] finish the lesson   [q] quit" : "[Enter] next step   [q] quit",
    );
    const key = await screen.choose(["enter", "q"]);
    return key === "enter" ? "next" : key === "q" ? "quit" : "eof";
  }

  /**
   * The earlier step whose skip or failure keeps step `i` from being sent. When that one failed
   * for want of a setup step the learner skipped, the skipped one: going back to the failed
   * step would only fail again.
   */
  private blocker(i: number): number | undefined {
    const step = this.lesson.steps[i] as Step;
    for (const name of variablesUsedBy(step)) {
      if (!this.run.unset.has(name) && !this.run.broken.has(name)) continue;
      const setter = setterOf(this.lesson.steps, i, name);
      if (setter === undefined) continue;
      const failed = this.results.get((this.lesson.steps[setter] as Step).id)?.outcome === "failed";
      return (failed ? this.skippedSetupBefore(setter) : undefined) ?? setter;
    }
    return undefined;
  }
}
