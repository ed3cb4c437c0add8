/** The end-of-lesson quiz on screen: one question at a time, a verdict each, a score. */
import type { Lesson, Step } from "./model.ts";
import {
  buildQuiz,
  choiceLines,
  chosenCode,
  type QuizScore,
  quizSteps,
  scoreQuiz,
  scoreText,
} from "./quiz.ts";
import { statusLabel, wrap } from "./render.ts";
import type { Screen } from "./screen.ts";

export interface QuizOptions {
  lesson: Lesson;
  number: number;
  /** Ids of the steps that answered as documented: only those are asked about. */
  answered: ReadonlySet<string>;
  isSetup: (step: Step) => boolean;
  catalog: readonly number[];
  random: () => number;
  /**
   * The results of the steps played, by step id: a question shows the path its request went
   * to (`/users/7`), not one with placeholders. Without it, a readable stand-in (`/users/{id}`).
   */
  results?: ReadonlyMap<string, { request?: { target: string } }>;
}

/** The score, or undefined when no step answered as documented (nothing to ask about). */
export async function askQuiz(
  screen: Screen,
  options: QuizOptions,
): Promise<QuizScore | undefined | "quit" | "eof"> {
  const { lesson } = options;
  const steps = quizSteps(lesson, options.answered, options.isSetup);
  if (!steps.length) return undefined;
  const sent = new Map<string, string>();
  for (const [id, result] of options.results ?? []) {
    if (result.request) sent.set(id, result.request.target);
  }
  const questions = buildQuiz(lesson, steps, options.catalog, options.random, sent);
  const { style, width } = screen.view;
  screen.clear();
  await screen.say(
    style.bold(`Lesson ${options.number} · ${lesson.title} — quiz`),
    style.dim(`${questions.length} question${questions.length === 1 ? "" : "s"} on what you saw`),
  );
  const answers: (number | undefined)[] = [];
  for (const [i, question] of questions.entries()) {
    await screen.say(
      "",
      ...wrap(`${i + 1}. ${question.question}`, width),
      ...choiceLines(question),
    );
    let chosen: number | undefined;
    for (;;) {
      await screen.prompt(`Your answer (1-${question.choices.length}; Enter passes; q quits):`);
      const typed = await screen.line(["q"]);
      if (typed === undefined) return "eof";
      if (typed === "q") return "quit";
      if (typed === "") break;
      chosen = chosenCode(question, typed);
      if (chosen !== undefined) break;
      screen.reply(
        `"${typed}" is not one of the choices: type 1 to ${question.choices.length}, or the code.`,
      );
    }
    answers.push(chosen);
    const right = statusLabel(question.answer, style);
    await screen.say(
      chosen === undefined
        ? style.dim(`– passed: it was ${right}`)
        : chosen === question.answer
          ? style.green(`✓ right: ${right}`)
          : style.red(`✗ it was ${right} (you chose ${chosen})`),
    );
  }
  const score = scoreQuiz(questions, answers);
  await screen.say("", style.bold(`Quiz: ${scoreText(score)}`));
  await screen.prompt("[Enter] go on   [q] quit");
  const key = await screen.choose(["enter", "q"]);
  if (key === "eof") return "eof";
  return key === "q" ? "quit" : score;
}
