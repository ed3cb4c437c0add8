/**
 * The lesson runner a person uses: a menu with progress, then each step as a small story —
 * read the request, press Enter, read the answer and why. Every screen is plain text from
 * render.ts, so a tmux test can assert exactly what a learner sees.
 */
import { curlCommand } from "./curl.ts";
import type { Input } from "./input.ts";
import type { Lesson, StatusCodeDoc, Step } from "./model.ts";
import { prepareStep } from "./prepare-step.ts";
import { displayPath, loadProgress, markCompleted } from "./progress.ts";
import {
  indent,
  renderExplanation,
  renderRequest,
  renderResponse,
  statusLabel,
  type View,
  wrap,
} from "./render.ts";
import { executeStep } from "./run.ts";
import {
  type LessonRun,
  type RunOptions,
  type StepResult,
  skipByChoice,
  startLesson,
} from "./run-state.ts";
import type { Target } from "./target.ts";

export interface InteractiveOptions {
  lessons: Lesson[];
  statusCodes: StatusCodeDoc[];
  target: Target;
  input: Input;
  write: (text: string) => void;
  view: View;
  /** Clear the screen between steps (a terminal; never a pipe or transcript). */
  clearScreen: boolean;
  statePath: string;
  /** `--lesson ID`: run just this one, no menu. */
  only?: Lesson;
}

type LessonEnd = "finished" | "quit" | "eof";

export async function runInteractive(options: InteractiveOptions): Promise<number> {
  const session = new Session(options);
  if (options.only) {
    await session.lesson(options.only, options.lessons.indexOf(options.only) + 1);
  } else {
    await session.menu();
  }
  return session.failed > 0 ? 1 : 0;
}

class Session {
  failed = 0;
  private readonly o: InteractiveOptions;
  private readonly runOptions: RunOptions;

  constructor(options: InteractiveOptions) {
    this.o = options;
    this.runOptions = {
      target: options.target,
      mode: "interactive",
      countdown: (seconds) => this.countdown(seconds),
      onPower: (power, phase) =>
        this.say(this.o.view.style.dim(`  ⚙ ${powerText(power.power, phase)}`)),
    };
  }

  private say(...lines: string[]) {
    this.o.write(`${lines.join("\n")}\n`);
  }

  private clear() {
    if (this.o.clearScreen) this.o.write("\x1b[H\x1b[2J");
    else this.say("", "─".repeat(Math.min(this.o.view.width, 72)), "");
  }

  private prompt(text: string) {
    const { style } = this.o.view;
    this.o.write(`\n${style.dim(text)} ${this.o.input.interactive ? "" : "› "}`);
  }

  /** Waits for one of `keys`; `eof` and unknown keys are handled here. */
  private async choose<K extends string>(keys: readonly K[]): Promise<K | "eof"> {
    for (;;) {
      const key = await this.o.input.key();
      if (key === "eof") return "eof";
      if ((keys as readonly string[]).includes(key)) {
        // Raw mode echoes nothing: end the prompt's line so what follows starts on its own.
        if (this.o.input.interactive) this.o.write("\n");
        return key as K;
      }
    }
  }

  async menu(): Promise<void> {
    const { lessons, view, target } = this.o;
    const { style } = view;
    for (;;) {
      this.clear();
      const done = loadProgress(this.o.statePath).completed;
      const where =
        target.kind === "in-process"
          ? `${target.baseUrl} (in-process, temporary database)`
          : `${target.baseUrl} (--url)`;
      this.say(style.bold("Status Code Lab — lessons"), style.dim(`API: ${where}`), "");
      lessons.forEach((lesson, i) => {
        const mark = done[lesson.id] ? style.green("✓") : " ";
        this.say(`  ${mark} ${String(i + 1).padStart(2)}. ${lesson.title}`);
      });
      const count = lessons.filter((l) => done[l.id]).length;
      this.say(
        "",
        style.dim(
          `${count} of ${lessons.length} done · progress kept in ${displayPath(this.o.statePath)}`,
        ),
      );
      this.o.write(`\nChoose a lesson (1-${lessons.length}), or q to quit: `);
      const answer = await this.o.input.line((text) => this.o.write(text), ["q"]);
      if (answer === undefined || answer.toLowerCase() === "q") return;
      const chosen = lessons[Number(answer) - 1];
      if (!/^\d+$/.test(answer) || !chosen) continue;
      const end = await this.lesson(chosen, Number(answer));
      if (end === "eof") return;
    }
  }

  async lesson(lesson: Lesson, number: number): Promise<LessonEnd> {
    const { style, width } = this.o.view;
    const run = startLesson(lesson, this.o.target);
    const results: StepResult[] = [];
    for (const [i, step] of lesson.steps.entries()) {
      this.clear();
      this.say(
        style.bold(`Lesson ${number} · ${lesson.title}`) +
          style.dim(`  ·  step ${i + 1} of ${lesson.steps.length}: ${step.title}`),
      );
      if (i === 0) this.say("", ...wrap(lesson.intro, width).map(style.dim));
      const outcome = await this.step(step, run, i === lesson.steps.length - 1);
      if (outcome === "quit" || outcome === "eof") return outcome;
      results.push(outcome);
    }
    markCompleted(this.o.statePath, lesson.id);
    const passed = results.filter((r) => r.outcome === "passed").length;
    const failed = results.filter((r) => r.outcome === "failed").length;
    const skipped = results.length - passed - failed;
    this.clear();
    this.say(
      style.bold(`Lesson ${number} · ${lesson.title} — done`),
      `${passed} passed, ${failed} failed, ${skipped} skipped`,
      "",
      style.bold("Takeaway"),
      ...wrap(lesson.takeaway, width, "  "),
    );
    this.prompt(this.o.only ? "[Enter] exit" : "[Enter] back to the menu");
    return (await this.choose(["enter", "q"])) === "eof" ? "eof" : "finished";
  }

  private async step(
    step: Step,
    run: LessonRun,
    last: boolean,
  ): Promise<StepResult | "quit" | "eof"> {
    const { style, width } = this.o.view;
    this.say("", ...wrap(step.story, width), "");
    const prepared = prepareStep(step, run, this.runOptions);
    if (prepared.kind !== "failed" && prepared.request) {
      this.say(style.bold("Request"), ...renderRequest(prepared.request, this.o.view).map(indent));
    }
    if (step.before?.length || step.after?.length) {
      const powers = [...(step.before ?? []), ...(step.after ?? [])].map((p) => p.power).join(", ");
      this.say(style.dim(`  (this step uses the runner's powers: ${powers})`));
    }

    let result: StepResult;
    if (prepared.kind === "ready") {
      let hinted = false;
      for (;;) {
        this.prompt("[Enter] send   [h] hint   [s] skip   [q] quit");
        const key = await this.choose(["enter", "h", "s", "q"]);
        if (key === "eof" || key === "q") return key === "q" ? "quit" : "eof";
        if (key === "h") {
          if (!hinted) this.say("", style.yellow("Hint"), ...wrap(step.hint, width, "  "));
          hinted = true;
          continue;
        }
        if (key === "s") {
          this.say(style.dim("- skipped"));
          result = skipByChoice(step, run);
          return result;
        }
        break;
      }
      result = await executeStep(step, run, prepared, this.runOptions);
      // Skipped during the Retry-After countdown: the next step, as with `s` at the prompt.
      if (result.outcome === "skipped") return result;
      this.showResult(step, result);
    } else {
      result = await executeStep(step, run, prepared, this.runOptions);
      const mark =
        result.outcome === "skipped" ? style.dim("- skipped") : style.red("✗ cannot send");
      this.say("", `${mark} — ${result.reason}`);
    }
    if (result.outcome === "failed") this.failed++;
    this.prompt(last ? "[Enter] finish the lesson   [q] quit" : "[Enter] next step   [q] quit");
    const key = await this.choose(["enter", "q"]);
    if (key === "eof" || key === "q") return key === "q" ? "quit" : "eof";
    return result;
  }

  private showResult(step: Step, result: StepResult) {
    const { style } = this.o.view;
    const last = result.responses.at(-1);
    if (last) {
      this.say(
        "",
        style.bold("Response"),
        ...renderResponse(last, this.o.view, result.responses).map(indent),
      );
    }
    this.say("");
    if (result.outcome === "passed") {
      this.say(style.green(`✓ ${statusLabel(step.expect.status, style)}, as the lesson says`));
    } else {
      this.say(
        style.red(
          `✗ this is not what the lesson documents (expected ${statusLabel(step.expect.status, style)}):`,
        ),
      );
      for (const failure of result.failures) this.say(style.red(`  - ${failure}`));
    }
    const status = result.status ?? step.expect.status;
    const doc = this.o.statusCodes.find((d) => d.code === status);
    this.say("", ...renderExplanation(step, status, doc, this.o.view));
    if (result.request) {
      const token = result.request.headers
        .find(([n]) => /^authorization$/i.test(n))?.[1]
        .replace(/^Bearer\s+/i, "");
      const curl = curlCommand(result.request, token ? { tokenValue: token } : {});
      this.say(style.bold("Try it by hand"), ...curl.split("\n").map(indent));
      if (this.o.target.kind === "in-process") {
        this.say(style.dim("  (the in-process API lives until you quit the runner)"));
      }
    }
  }

  /** Waits out a Retry-After, one second at a time; Enter sends at once, `s` skips the step. */
  private async countdown(seconds: number): Promise<"send" | "skip"> {
    const { style } = this.o.view;
    const live = this.o.input.interactive;
    if (!live) this.say(style.dim(`  Waiting ${seconds} s, as Retry-After asked…`));
    for (let left = seconds; left > 0; left--) {
      if (live) {
        const text = `Waiting ${String(left).padStart(3)} s, as Retry-After asked…  [Enter] send now  [s] skip `;
        this.o.write(`\r  ${style.dim(text)}`);
      }
      for (let tick = 0; tick < 10; tick++) {
        const key = this.o.input.poll();
        if (key === "s" || key === "enter") {
          if (live) this.o.write("\n");
          if (key === "s") this.say(style.dim("- skipped"));
          return key === "s" ? "skip" : "send";
        }
        await Bun.sleep(100);
      }
    }
    if (live) this.o.write("\n");
    return "send";
  }
}

function powerText(power: string, phase: "before" | "after"): string {
  switch (power) {
    case "lock-database":
      return "another connection takes the database's write lock (BEGIN EXCLUSIVE)";
    case "unlock-database":
      return "the other connection commits and lets go of the lock";
    case "mint-expired-token":
      return "minting a token signed with the API's key that expired a minute ago";
    case "forge-token":
      return "editing the token's payload (a new sub) and keeping its old signature";
    default:
      return `${phase}: ${power}`;
  }
}
