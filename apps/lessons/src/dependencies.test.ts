import { expect, test } from "bun:test";
import {
  dependentsOf,
  dependentsText,
  setterOf,
  setupSteps,
  taughtIn,
  variablesUsedBy,
} from "./dependencies.ts";
import { lessons } from "./lessons/index.ts";
import { lesson, step } from "./test-support.ts";
import { variableText } from "./variable-text.ts";

const signUp = step({
  id: "sign-up",
  request: { method: "POST", path: "/users/", json: { email: "a-{{run}}@example.com" } },
  expect: { status: 201 },
  capture: { token: "/token", userId: "/user/id" },
});
const me = step({
  id: "me",
  request: { method: "GET", path: "/users/me", bearer: "token" },
  expect: { status: 200 },
});
const expired = step({
  id: "expired",
  request: { method: "GET", path: "/users/me", bearer: "old" },
  expect: { status: 401 },
  before: [{ power: "mint-expired-token", userId: "userId", into: "old" }],
});
const other = step({ id: "other", request: { method: "GET", path: "/" }, expect: { status: 200 } });
const steps = [signUp, me, expired, other];

test("a step uses its placeholders, its bearer and its powers' inputs, not what they mint", () => {
  expect(variablesUsedBy(signUp)).toEqual(["run"]);
  expect(variablesUsedBy(me)).toEqual(["token"]);
  expect(variablesUsedBy(expired)).toEqual(["userId"]);
});

test("skipping the sign-up breaks the steps that use its token or id; nothing needs the last", () => {
  expect(dependentsOf(steps, 0).map((d) => [d.index, d.names])).toEqual([
    [1, ["token"]],
    [2, ["userId"]],
  ]);
  expect(dependentsOf(steps, 3)).toEqual([]);
  expect(setterOf(steps, 2, "userId")).toBe(0);
  expect(setterOf(steps, 0, "userId")).toBeUndefined();
});

test("setup steps: what an earlier lesson taught (the sign-up), or marked so", () => {
  const first = lesson("first", [signUp, me]);
  const secondSignUp = { ...signUp };
  const marked = { ...other, setup: true };
  const second = lesson("second", [secondSignUp, expired, marked]);
  const setup = setupSteps([first, second]);
  expect([...setup]).toEqual([secondSignUp, marked]);
  expect(taughtIn([first, second], secondSignUp)).toBe(first);
});

test("a repeat once the lesson is teaching is its point, not setup", () => {
  const first = lesson("first", [signUp, me]);
  const leading = { ...signUp };
  const later = { ...signUp };
  const second = lesson("second", [leading, expired, later]);
  const setup = setupSteps([first, second]);
  expect(setup.has(leading)).toBe(true);
  expect(setup.has(later)).toBe(false);

  // In the outage lesson, the sign-up after the outage (201 again, not 409) is taught.
  const outage = lessons.find((l) => l.id === "database-outage");
  const after = outage?.steps.find((s) => s.id === "sign-up-after");
  if (!after) throw new Error("the outage lesson's sign-up-after step is gone");
  expect(setupSteps(lessons).has(after)).toBe(false);
});

test("in the real lessons, lesson 1 teaches sign-up and later lessons reuse it as setup", () => {
  const setup = setupSteps(lessons);
  const [signingUp, duplicate] = lessons;
  expect(signingUp?.steps.some((s) => setup.has(s))).toBe(false);
  expect(setup.has(duplicate?.steps[0] as never)).toBe(true);
  // Every lesson still has something to predict.
  for (const l of lessons) expect(l.steps.some((s) => !setup.has(s))).toBe(true);
});

test("a forged token's inputs are what the step uses: skipping the step that captures them warns and blocks", () => {
  const protectedRoute = lessons.find((l) => l.id === "protected-route");
  if (!protectedRoute) throw new Error("the protected-route lesson is gone");
  const steps = protectedRoute.steps;
  const at = (id: string) => steps.findIndex((s) => s.id === id);
  const tampered = steps[at("tampered-token")] as (typeof steps)[number];
  expect(variablesUsedBy(tampered).sort()).toEqual(["finnId", "token"]);
  expect(dependentsOf(steps, at("throwaway-sign-up")).map((d) => d.step.id)).toContain(
    "tampered-token",
  );
  expect(setterOf(steps, at("tampered-token"), "finnId")).toBe(at("throwaway-sign-up"));
});

test("a setup login points to the logging-in lesson, not the first lesson that happens to log in", () => {
  const replay = lessons.find((l) => l.id === "replay-detection");
  const login = replay?.steps.find(
    (s) => setupSteps(lessons).has(s) && s.request.path === "/token",
  );
  if (!login) throw new Error("the replay lesson no longer starts with a setup login");
  expect(taughtIn(lessons, login)?.id).toBe("logging-in");
  const signUpAgain = lessons[1]?.steps[0];
  expect(signUpAgain && taughtIn(lessons, signUpAgain)?.id).toBe("signing-up");
});

test("what a skipped step keeps from later ones is said in words, not as {{placeholders}}", () => {
  expect(dependentsText(steps, 0)).toBe(
    'Later steps need what this one captures: step 2 "me" uses A\'s token; step 3 "expired" uses A\'s user id. Skipped, they cannot be sent.',
  );
  expect(dependentsText(steps, 3)).toBeUndefined();
  const protectedRoute = lessons.find((l) => l.id === "protected-route");
  if (!protectedRoute) throw new Error("no protected-route lesson");
  const at = protectedRoute.steps.findIndex((s) => s.id === "throwaway-sign-up");
  const text = dependentsText(protectedRoute.steps, at) ?? "";
  expect(text).toContain('"a token edited to claim Finn" uses Finn\'s id;');
  expect(text).toContain('"the throwaway deletes itself" uses Finn\'s token;');
  expect(text).not.toContain("{{");
});

test("a variable reads as whose and what: a header by name, a refresh's tokens as new", () => {
  const logIn = step({
    id: "log-in",
    request: { method: "POST", path: "/token", form: { username: "maya-{{run}}@example.com" } },
    expect: { status: 200 },
    capture: { accessToken: "/access_token", mayaId: "/id", location: "header:location" },
  });
  expect(variableText(logIn, "accessToken")).toBe("Maya's access token");
  expect(variableText(logIn, "mayaId")).toBe("Maya's id");
  expect(variableText(logIn, "location")).toBe("the `Location` header");
  expect(variableText(undefined, "newRefreshToken")).toBe("the new refresh token");
  const admin = step({
    id: "admin",
    request: { method: "POST", path: "/token", form: { username: "{{adminEmail}}" } },
    expect: { status: 200 },
  });
  expect(variableText(admin, "adminToken")).toBe("the admin's token");
});
