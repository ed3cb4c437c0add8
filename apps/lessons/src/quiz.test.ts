import { expect, test } from "bun:test";
import {
  buildQuiz,
  choiceLines,
  chosenCode,
  quizSteps,
  readablePath,
  scoreQuiz,
  scoreText,
} from "./quiz.ts";
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
  // With enough teaching steps, setup steps are not asked about; nor twice about one answer
  // (b and d are both 409) when another step answered otherwise.
  const setup = (s: { id: string }) => s.id === "a";
  expect(quizSteps(five, all, setup).map((s) => s.id)).toEqual(["b", "c", "e"]);
});

test("when every teaching step has the same answer, a setup step with another is asked", () => {
  const same = [get("a", 201), get("b", 200), get("c", 200), get("d", 200), get("e", 200)];
  const refresh = lesson("refresh", same);
  const ids = new Set(same.map((s) => s.id));
  const setup = (s: { id: string }) => s.id === "a";
  expect(quizSteps(refresh, ids, setup).map((s) => s.id)).toEqual(["a", "b", "e"]);
  // Two different answers among the teaching steps are enough: no setup step then.
  const mixed = lesson("mixed", [get("a", 201), get("b", 200), get("c", 401), get("d", 200)]);
  const all4 = new Set(["a", "b", "c", "d"]);
  expect(quizSteps(mixed, all4, setup).map((s) => s.id)).toEqual(["b", "c", "d"]);
});

test("a question shows the path as sent, else one a learner reads: no {{placeholders}}", () => {
  const signUp = step({
    id: "sign-up",
    request: { method: "POST", path: "/users/" },
    expect: { status: 201 },
    capture: { location: "header:location", aliceId: "/user/id" },
  });
  const follow = step({
    id: "follow",
    request: { method: "GET", path: "{{location}}" },
    expect: { status: 200 },
  });
  const byId = step({
    id: "by-id",
    request: { method: "GET", path: "/users/{{aliceId}}" },
    expect: { status: 200 },
  });
  const limited = step({
    id: "limited",
    request: { method: "GET", path: "/users/limited?client_id=lesson-{{run}}" },
    expect: { status: 429 },
  });
  const l = lesson("paths", [signUp, follow, byId, limited]);
  expect(readablePath(l, follow)).toBe("/users/{id}");
  expect(readablePath(l, byId)).toBe("/users/{id}");
  expect(readablePath(l, limited)).toBe("/users/limited?client_id=lesson-…");
  const sent = new Map([["follow", "/users/7"]]);
  const [asFollowed, asRead] = buildQuiz(l, [follow, limited], catalog, () => 0, sent);
  expect(asFollowed?.question).toBe('"follow" (GET /users/7): which status came back?');
  expect(asRead?.question).toBe(
    '"limited" (GET /users/limited?client_id=lesson-…): which status came back?',
  );
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
  expect(first.question).toBe('"a" (GET /a/{id}): which status came back?');
  expect([...first.choices].sort()).toEqual([201, 400, 409, 422]);
  expect(choiceLines(first)[first.choices.indexOf(409)]).toMatch(/^ {2}\d\) 409 Conflict$/);
});

test("answers by number or by code; anything else is no answer; the score counts right and passed", () => {
  const [q] = buildQuiz(five, [get("b", 409)], catalog, () => 0);
  if (!q) throw new Error("no question");
  const at = q.choices.indexOf(409) + 1;
  expect(chosenCode(q, String(at))).toBe(409);
  expect(chosenCode(q, "409")).toBe(409);
  expect(chosenCode(q, "abc")).toBeUndefined();
  expect(chosenCode(q, "99")).toBeUndefined();
  const wrong = q.choices.find((c) => c !== 409);
  const score = scoreQuiz([q, q, q], [409, wrong, undefined]);
  expect(score).toEqual({ right: 1, passed: 1, total: 3 });
  expect(scoreText(score)).toBe("1 of 3 right, 1 passed");
  expect(scoreText(scoreQuiz([q], [409]))).toBe("1 of 1 right");
});
