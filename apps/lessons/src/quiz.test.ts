import { expect, test } from "bun:test";
import { buildQuiz, choiceLines, chosenCode, quizSteps, scoreQuiz } from "./quiz.ts";
import { lesson, step } from "./test-support.ts";

const get = (id: string, status: number) =>
  step({ id, request: { method: "GET", path: `/${id}/{{userId}}` }, expect: { status } });
const steps = [get("a", 201), get("b", 409), get("c", 422), get("d", 409), get("e", 400)];
const five = lesson("five", steps);
const catalog = [200, 201, 204, 400, 401, 403, 404, 409, 415, 422, 429, 500, 503];
const all = new Set(steps.map((s) => s.id));

test("three questions spread over the steps that answered as documented, teaching ones first", () => {
  expect(quizSteps(five, all).map((s) => s.id)).toEqual(["a", "c", "e"]);
  expect(quizSteps(five, new Set(["b", "d"])).map((s) => s.id)).toEqual(["b", "d"]);
  expect(quizSteps(five, new Set())).toEqual([]);
  // With enough teaching steps, setup steps are not asked about.
  const setup = (s: { id: string }) => s.id === "a";
  expect(quizSteps(five, all, setup).map((s) => s.id)).toEqual(["b", "d", "e"]);
});

test("each question: the right code among four distinct ones, the lesson's own codes first", () => {
  const questions = buildQuiz(five, quizSteps(five, all), catalog, () => 0.5);
  expect(questions).toHaveLength(3);
  for (const q of questions) {
    expect(q.choices).toHaveLength(4);
    expect(new Set(q.choices).size).toBe(4);
    expect(q.choices).toContain(q.answer);
  }
  const first = questions[0];
  if (!first) throw new Error("no question");
  expect(first.question).toBe('"a" (GET /a/{userId}): which status came back?');
  expect([...first.choices].sort()).toEqual([201, 400, 409, 422]);
  expect(choiceLines(first)[first.choices.indexOf(409)]).toMatch(/^ {2}\d\) 409 Conflict$/);
});

test("answers by number or by code; anything else is no answer; the score counts right ones", () => {
  const [q] = buildQuiz(five, [get("b", 409)], catalog, () => 0);
  if (!q) throw new Error("no question");
  const at = q.choices.indexOf(409) + 1;
  expect(chosenCode(q, String(at))).toBe(409);
  expect(chosenCode(q, "409")).toBe(409);
  expect(chosenCode(q, "abc")).toBeUndefined();
  expect(chosenCode(q, "99")).toBeUndefined();
  const wrong = q.choices.find((c) => c !== 409);
  expect(scoreQuiz([q, q, q], [409, wrong, undefined])).toEqual({ right: 1, total: 3 });
});
