/**
 * The quiz at the end of a lesson: three "what did this request answer?" questions drawn
 * from the steps that answered as documented, each with four codes to choose from, scored.
 * Which steps are asked is fixed (spread over the lesson); the order of the choices is not.
 */
import { setterOf } from "./dependencies.ts";
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

/**
 * A step's path as a learner can read it when the request sent is not at hand: an id as
 * `{id}`, the run's own id as `…` (`lesson-…`, as the stories write it), a `Location` as the
 * path of what its step created (`/users/{id}`).
 */
export function readablePath(lesson: Lesson, step: Step): string {
  const index = lesson.steps.indexOf(step);
  return step.request.path.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (_, name: string) => {
    if (name === "run") return "…";
    if (/Id$/.test(name)) return "{id}";
    const setter = lesson.steps[setterOf(lesson.steps, index, name) ?? -1];
    const from = setter?.capture?.[name];
    if (from?.toLowerCase() === "header:location" && setter?.request.method === "POST") {
      return `${setter.request.path.replace(/\/+$/, "")}/{id}`;
    }
    return `{${name}}`;
  });
}

/** The steps a quiz asks about, in lesson order: teaching steps unless fewer than three. */
export function quizSteps(
  lesson: Lesson,
  answered: ReadonlySet<string>,
  isSetup: (step: Step) => boolean = () => false,
): Step[] {
  const candidates = lesson.steps.filter((s) => answered.has(s.id));
  const teaching = candidates.filter((s) => !isSetup(s));
  const pool = teaching.length >= QUESTIONS ? teaching : candidates;
  const at = (s: Step) => lesson.steps.indexOf(s);
  // Questions with the same answer teach less than questions with different ones: one whose
  // answer an earlier one has gives way to the nearest step whose answer none has. A setup
  // step only when every answer would otherwise be the same (the refresh lesson's 200s).
  const asked = spread(pool, QUESTIONS);
  for (const [i, step] of asked.entries()) {
    if (!asked.slice(0, i).some((s) => s.expect.status === step.expect.status)) continue;
    const taken = new Set(asked.filter((_, j) => j !== i).map((s) => s.expect.status));
    const allSame = new Set(asked.map((s) => s.expect.status)).size === 1;
    const distance = (s: Step) => Math.abs(at(s) - at(step));
    const [instead] = candidates
      .filter((s) => !asked.includes(s) && !taken.has(s.expect.status))
      .filter((s) => allSame || !isSetup(s))
      .sort((a, b) => distance(a) - distance(b) || at(a) - at(b));
    if (instead) asked[i] = instead;
  }
  return asked.sort((a, b) => at(a) - at(b));
}

/**
 * Questions about `steps`. Wrong choices come from the lesson's other codes first, then from
 * `catalog` (every code the API documents), nearest in number first. `sent` holds, by step
 * id, the path and query each step's request went to in this run.
 */
export function buildQuiz(
  lesson: Lesson,
  steps: Step[],
  catalog: readonly number[],
  random: () => number = Math.random,
  sent: ReadonlyMap<string, string> = new Map(),
): QuizQuestion[] {
  const inLesson = [...new Set(lesson.steps.map((s) => s.expect.status))];
  return steps.map((step) => {
    const answer = step.expect.status;
    const near = [...catalog].sort((a, b) => Math.abs(a - answer) - Math.abs(b - answer));
    const wrong = [...new Set([...inLesson, ...near])].filter((c) => c !== answer);
    const choices = shuffle([answer, ...wrong.slice(0, CHOICES - 1)], random);
    return {
      stepId: step.id,
      question: `"${step.title}" (${step.request.method} ${sent.get(step.id) ?? readablePath(lesson, step)}): which status came back?`,
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

/** An answer is a code, or `undefined` for a question passed (Enter alone). */
export function scoreQuiz(
  questions: readonly QuizQuestion[],
  answers: readonly (number | undefined)[],
): QuizScore {
  const right = questions.filter((q, i) => answers[i] === q.answer).length;
  const passed = questions.filter((_, i) => answers[i] === undefined).length;
  return { right, passed, total: questions.length };
}

export interface QuizScore {
  right: number;
  /** Passed rather than answered: not wrong, and not right either. */
  passed: number;
  total: number;
}

/** `2 of 3 right`, and `, 1 passed` when one was. */
export function scoreText(score: { right: number; total: number; passed?: number }): string {
  const passed = score.passed ? `, ${score.passed} passed` : "";
  return `${score.right} of ${score.total} right${passed}`;
}
