/**
 * What the learner sees once a step's answer is in: the response, whether it is what the
 * lesson documents, their prediction's verdict, and only then why (or, for a setup step, one
 * line), with the curl command to try it by hand.
 */
import { curlCommand } from "./curl.ts";
import type { StatusCodeDoc, Step } from "./model.ts";
import { indent, renderExplanation, renderResponse, statusLabel, wrap } from "./render.ts";
import type { StepResult } from "./run-state.ts";
import type { Screen } from "./screen.ts";
import type { Target } from "./target.ts";

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
    await screen.say("", ...wrap(line, width));
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
      await screen.say(...wrap(`- ${failure}`, width, "  ").map(style.red));
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
