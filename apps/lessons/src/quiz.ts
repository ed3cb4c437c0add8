/**
 * The quiz at the end of a lesson: three "what did this request answer?" questions drawn
 * from the steps that answered as documented, each with four codes to choose from, scored.
 * Which steps are asked is fixed (spread over the lesson); the order of the choices is not.
 */
import type { Lesson, Step } from "./model.ts";
import { reasonPhrase } from "./phrases.ts";

export interface QuizQuestion {
  stepId: string;
  question: string;
  /** Status codes, in the order shown (numbered from 1). */
  choices: number[];
  answer: number;
}

const QUESTIONS = 3;
const CHOICES = 4;

/** Up to `count` items spread evenly over `items`, keeping their order. */
function spread<T>(items: T[], count: number): T[] {
  if (items.length <= count) return items;
  return Array.from(
    { length: count },
    (_, i) => items[Math.round((i * (items.length - 1)) / (count - 1 || 1))] as T,
  );
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** `/users/{{aliceId}}` reads as `/users/{aliceId}`. */
const shownPath = (path: string) => path.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, "{$1}");

/** The steps a quiz asks about, in lesson order: teaching steps unless fewer than three. */
export function quizSteps(
  lesson: Lesson,
  answered: ReadonlySet<string>,
  isSetup: (step: Step) => boolean = () => false,
): Step[] {
  const candidates = lesson.steps.filter((s) => answered.has(s.id));
  const teaching = candidates.filter((s) => !isSetup(s));
  const pool = teaching.length >= QUESTIONS ? teaching : candidates;
  return spread(pool, QUESTIONS);
}

/**
 * Questions about `steps`. Wrong choices come from the lesson's other codes first, then from
 * `catalog` (every code the API documents), nearest in number first.
 */
export function buildQuiz(
  lesson: Lesson,
  steps: Step[],
  catalog: readonly number[],
  random: () => number = Math.random,
): QuizQuestion[] {
  const inLesson = [...new Set(lesson.steps.map((s) => s.expect.status))];
  return steps.map((step) => {
    const answer = step.expect.status;
    const near = [...catalog].sort((a, b) => Math.abs(a - answer) - Math.abs(b - answer));
    const wrong = [...new Set([...inLesson, ...near])].filter((c) => c !== answer);
    const choices = shuffle([answer, ...wrong.slice(0, CHOICES - 1)], random);
    return {
      stepId: step.id,
      question: `"${step.title}" (${step.request.method} ${shownPath(step.request.path)}): which status came back?`,
      choices,
      answer,
    };
  });
}

/** A typed answer: the choice's number, or the status code itself. Undefined if neither. */
export function chosenCode(question: QuizQuestion, typed: string): number | undefined {
  const text = typed.trim();
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  if (value >= 1 && value <= question.choices.length) return question.choices[value - 1];
  return question.choices.includes(value) ? value : undefined;
}

export function choiceLines(question: QuizQuestion): string[] {
  return question.choices.map((code, i) => `  ${i + 1}) ${code} ${reasonPhrase(code)}`);
}

export function scoreQuiz(
  questions: readonly QuizQuestion[],
  answers: readonly (number | undefined)[],
): { right: number; total: number } {
  const right = questions.filter((q, i) => answers[i] === q.answer).length;
  return { right, total: questions.length };
}
