/**
 * What the learner sees of a step: before it is sent, the story and the request; once its
 * answer is in, the response, whether it is what the lesson documents, their prediction's
 * verdict, and only then why (or, for a setup step, one line), with the curl command to try
 * it by hand; last, the status line.
 */
import { curlCommand } from "./curl.ts";
import type { PreparedRequest } from "./http.ts";
import type { Lesson, StatusCodeDoc, Step } from "./model.ts";
import { powerShows } from "./powers.ts";
import {
  hanging,
  indent,
  joinFitting,
  renderExplanation,
  renderRequest,
  renderResponse,
  statusLabel,
  wrap,
} from "./render.ts";
import type { StepResult } from "./run-state.ts";
import type { Screen } from "./screen.ts";
import type { Target } from "./target.ts";
import type { Vars } from "./template.ts";

/** The step's heading, its story (the lesson's intro first), its request and powers. */
export async function showStep(
  screen: Screen,
  o: {
    lesson: Lesson;
    number: number;
    index: number;
    request: PreparedRequest | undefined;
    vars: Vars;
  },
): Promise<void> {
  const { style, width } = screen.view;
  const { lesson, index } = o;
  const step = lesson.steps[index] as Step;
  const heading = [
    ...wrap(`Lesson ${o.number} · ${lesson.title}`, width).map(style.bold),
    ...wrap(`step ${index + 1} of ${lesson.steps.length}: ${step.title}`, width).map(style.dim),
  ];
  // Below a setup step's line, not on a clear screen: never a heading alone above a "more".
  await screen.room(heading.length + 3);
  await screen.say(...heading);
  if (index === 0) await screen.say("", ...wrap(lesson.intro, width).map(style.dim));
  await screen.say("", ...wrap(step.story, width), "");
  if (o.request) {
    await screen.say(style.bold("Request"), ...renderRequest(o.request, screen.view).map(indent));
  }
  if (step.before?.length || step.after?.length) {
    const powers = [...(step.before ?? []), ...(step.after ?? [])].map((p) => p.power);
    const note = `(this step uses the runner's powers: ${powers.join(", ")})`;
    await screen.say(...wrap(note, width, "  ").map(style.dim));
    const shown = (step.before ?? []).flatMap((power) => powerShows(power, o.vars));
    if (shown.length) await screen.say("", ...shown.map(indent));
  }
}

export interface Answer {
  step: Step;
  result: StepResult;
  statusCodes: StatusCodeDoc[];
  target: Target;
  /** A setup step that passed gets one line ending with this note instead of the explanation. */
  setupNote?: string;
  /** The prediction's verdict, shown right under the answer. */
  verdict?: string;
}

export async function showAnswer(screen: Screen, answer: Answer): Promise<void> {
  const { step, result } = answer;
  const { style, width } = screen.view;
  const status = result.status ?? step.expect.status;
  if (answer.setupNote !== undefined && result.outcome === "passed") {
    const line = `✓ ${statusLabel(status, style)} — ${step.title} (setup; ${answer.setupNote})`;
    const lines = wrap(line, width);
    await screen.room(lines.length + 1);
    await screen.say("", ...lines);
    return;
  }
  const last = result.responses.at(-1);
  if (last) {
    await screen.say(
      "",
      style.bold("Response"),
      ...renderResponse(last, screen.view, result.responses).map(indent),
    );
  }
  await screen.say("");
  if (result.outcome === "passed") {
    await screen.say(
      style.green(`✓ ${statusLabel(step.expect.status, style)}, as the lesson says`),
    );
  } else {
    await screen.say(
      style.red(
        `✗ this is not what the lesson documents (expected ${statusLabel(step.expect.status, style)}):`,
      ),
    );
    for (const failure of result.failures) {
      // A bullet's wrapped lines line up under its text, not under the dash.
      await screen.say(...hanging("  - ", failure, width).map(style.red));
    }
  }
  if (answer.verdict) await screen.say(`You ${answer.verdict}`);
  const doc = answer.statusCodes.find((d) => d.code === status);
  await screen.say("", ...renderExplanation(step, status, doc, screen.view));
  if (result.request) {
    const token = result.request.headers
      .find(([n]) => /^authorization$/i.test(n))?.[1]
      .replace(/^Bearer\s+/i, "");
    const curl = curlCommand(result.request, token ? { tokenValue: token } : {});
    await screen.say(style.bold("Try it by hand"), ...curl.split("\n").map(indent));
    if (answer.target.kind === "in-process") {
      await screen.say(style.dim("  (the in-process API lives until you quit the runner)"));
    }
  }
}

/**
 * The line under a step's answer, above its prompt: the status, the verdict, the score and
 * where the lesson is, broken between parts to fit the terminal.
 */
export async function showStepStatus(
  screen: Screen,
  o: {
    result: StepResult;
    verdict?: string;
    predictions: { right: number; made: number };
    step: number;
    of: number;
  },
): Promise<void> {
  const { style, width } = screen.view;
  const { right, made } = o.predictions;
  const mark = o.result.outcome === "passed" ? style.green("✓") : style.red("✗");
  // Nothing came back (the API is gone): the expected status here would read as the answer.
  const got = o.result.status === undefined ? "no answer" : statusLabel(o.result.status, style);
  const status = joinFitting(
    [
      `${mark} ${got}`,
      ...(o.verdict ? [o.verdict] : []),
      ...(made ? [style.dim(`predictions ${right} of ${made} right`)] : []),
      style.dim(`step ${o.step} of ${o.of}`),
    ],
    width,
  );
  // The blank line, the status, then the prompt's blank line, its row and the answer's.
  await screen.room(status.length + 4);
  await screen.say("", ...status);
}
