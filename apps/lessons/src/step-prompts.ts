/**
 * What the runner asks before it sends a step: the learner's prediction (or a key), and, when
 * they skip a step later steps need, whether they really mean it.
 */
import { dependentsText } from "./dependencies.ts";
import type { Step } from "./model.ts";
import { wrap } from "./render.ts";
import type { Screen } from "./screen.ts";

/** The prompt before sending: a prediction (three digits), or Enter, h, s, q. */
export async function askBeforeSending(
  screen: Screen,
  setup: boolean,
): Promise<number | "send" | "h" | "s" | "quit" | "eof"> {
  if (setup) {
    await screen.prompt(
      "Setup for this lesson, no prediction needed.\n[Enter] send   [h] hint   [s] skip   [q] quit",
    );
    const key = await screen.choose(["enter", "h", "s", "q"]);
    return key === "enter" ? "send" : key === "q" ? "quit" : key;
  }
  for (;;) {
    await screen.prompt(
      "[h] hint   [s] skip   [q] quit\nPredict the status (e.g. 404), then Enter; Enter alone just sends:",
    );
    const answer = await screen.line(["h", "s", "q"]);
    if (answer === undefined) return "eof";
    if (answer === "q") return "quit";
    if (answer === "h" || answer === "s") return answer;
    if (answer === "") return "send";
    if (/^[1-5]\d\d$/.test(answer)) return Number(answer);
    screen.reply(`"${answer}" is not a status code: three digits from 100 to 599, e.g. 404.`);
  }
}

/** Skipping a step later steps need: say which, and offer to run it instead. */
export async function confirmSkip(
  screen: Screen,
  steps: readonly Step[],
  i: number,
  setup: boolean,
): Promise<"skip" | "run" | "quit" | "eof"> {
  const { style, width } = screen.view;
  const needed = dependentsText(steps, i);
  if (!needed && !setup) return "skip";
  const text =
    needed ??
    "This step sets up what the rest of the lesson works with; later steps may not answer as the lesson says without it.";
  const lines = wrap(text, width).map(style.yellow);
  // The warning and its prompt on one page: its last line must not wait behind a "more".
  await screen.room(lines.length + 4);
  await screen.say("", ...lines);
  await screen.prompt("[Enter] run it instead   [s] skip anyway   [q] quit");
  const key = await screen.choose(["enter", "s", "q"]);
  return key === "enter" ? "run" : key === "s" ? "skip" : key === "q" ? "quit" : "eof";
}
