/**
 * The interactive runner end to end with keys from a pipe, against a stand-in API: what a
 * learner types, what they see, and what progress is kept.
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { plain } from "./color.ts";
import { lineInput } from "./input.ts";
import { type InteractiveOptions, runInteractive } from "./interactive.ts";
import type { Lesson } from "./model.ts";
import { lessonState, loadProgress, recordReached, recordStepPassed } from "./progress.ts";
import { MORE } from "./screen.ts";
import { statusCodes } from "./status-codes.ts";
import { fakeTarget, lesson, step, stubApi } from "./test-support.ts";

const api = stubApi();
const target = fakeTarget(api.baseUrl);
afterAll(() => api.stop());
const dir = mkdtempSync(join(tmpdir(), "lessons-session-"));
const statePath = join(dir, "progress.json");
afterEach(() => rmSync(statePath, { force: true }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const signUp = step({
  id: "sign-up",
  request: { method: "POST", path: "/users/", json: { email: "a@example.com" } },
  expect: { status: 201 },
  capture: { token: "/token" },
});
const echo = step({
  id: "echo",
  request: { method: "GET", path: "/echo", bearer: "token" },
  expect: { status: 200 },
});
const notFound = step({
  id: "not-found",
  request: { method: "GET", path: "/status/404" },
  expect: { status: 404 },
});
const three = lesson("three", [signUp, echo, notFound]);

async function session(keys: string[], options: Partial<InteractiveOptions> = {}) {
  let out = "";
  const write = (text: string) => {
    out += text;
  };
  const input = lineInput(Readable.from([`${keys.join("\n")}\n`]), write);
  const code = await runInteractive({
    lessons: [three],
    statusCodes,
    target,
    input,
    write,
    view: { style: plain, width: 80 },
    clearScreen: false,
    statePath,
    random: () => 0,
    ...options,
  });
  input.close();
  return { code, out };
}

const stateOf = (l: Lesson, challenges: string[] = []) =>
  lessonState(loadProgress(statePath), l, challenges);

test("predictions are judged against the answer and scored; the quiz follows; the lesson is done", async () => {
  const { code, out } = await session([
    "1",
    "201",
    "",
    "500",
    "",
    "abc",
    "404",
    "",
    "201",
    "200",
    "404",
    "",
    "",
    "q",
  ]);
  expect(code).toBe(0);
  expect(out).toContain("You predicted 201: right");
  expect(out).toContain("✓ 201 Created · predicted 201: right · predictions 1 of 1 right");
  expect(out).toContain("You predicted 500, it was 200");
  expect(out).toContain('"abc" is not a status code');
  expect(out).toContain("predictions 2 of 3 right");
  // The why comes after the answer, never before it.
  expect(out.indexOf("Because echo.")).toBeGreaterThan(out.indexOf("You predicted 500"));
  expect(out).toContain("Quiz: 3 of 3 right");
  expect(out).toContain("✓ Lesson done: every step passed.");
  expect(out).toMatch(/✓ {2}1\. Lesson three/);
  expect(stateOf(three)).toEqual({ kind: "done" });
});

test("a quiz question passed with Enter reads as passed, not as wrong, and the score says so", async () => {
  const { out } = await session(["1", "201", "", "200", "", "404", "", "", "", "", "", "", "q"]);
  expect(out).toContain("– passed: it was 201 Created");
  expect(out).not.toContain("✗ it was");
  expect(out).toContain("Quiz: 0 of 3 right, 3 passed");
  expect(out).toContain("quiz: 0 of 3 right, 3 passed");
});

test("skipping every step warns about what depends on it and leaves the lesson open", async () => {
  const { code, out } = await session(["1", "s", "s", "", "s", "", "q"]);
  expect(code).toBe(0);
  expect(out).toContain('Later steps need what this one captures: step 2 "echo" uses the token.');
  expect(out).toContain("[Enter] run it instead   [s] skip anyway");
  expect(out).toContain('- skipped — depends on "sign up", which was skipped');
  expect(out).toContain('[b] go back and run step 1, "sign up"');
  expect(out).toContain("0 passed, 0 failed, 3 skipped");
  expect(out.replace(/\s+/g, " ")).toContain(
    'Not done yet: a lesson is done when every step has passed. Still to pass: "sign up", "echo", "not found".',
  );
  expect(out).not.toContain("quiz");
  expect(out).toMatch(/· {2}1\. Lesson three — 3 steps not passed/);
  expect(out).toContain("0 of 1 done");
  expect(stateOf(three)).toMatchObject({ kind: "open", missing: ["sign-up", "echo", "not-found"] });
});

test("a step blocked by a skipped one can go back, run it, and then be sent", async () => {
  const { out } = await session([
    "1",
    "s",
    "s",
    "b",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "q",
  ]);
  expect(out).toContain('[b] go back and run step 1, "sign up"');
  expect(out.match(/step 1 of 3: sign up/g)).toHaveLength(2);
  expect(out).toContain("✓ 200 OK, as the lesson says");
  expect(stateOf(three)).toEqual({ kind: "done" });
});

describe("a skipped setup step is named when what it sets up is missed", () => {
  const dana = step({
    id: "sign-up-dana",
    setup: true,
    request: { method: "POST", path: "/users/", json: { email: "dana-{{run}}@example.com" } },
    expect: { status: 201 },
  });
  const logIn = step({
    id: "log-in",
    request: { method: "POST", path: "/login", json: { email: "dana-{{run}}@example.com" } },
    expect: { status: 200 },
    capture: { token: "/token" },
  });
  const me = step({
    id: "me",
    request: { method: "GET", path: "/echo", bearer: "token" },
    expect: { status: 200 },
  });
  const login = lesson("login", [dana, logIn, me]);
  const play = (keys: string[]) => session(keys, { lessons: [login], only: login });

  test("a step that fails without it offers to run it, then runs the failed step again", async () => {
    // Skip the sign-up anyway; the login fails; b runs the sign-up, then the login again.
    const { out } = await play(["s", "s", "", "b", "", "", "", "", "", "q", "q"]);
    expect(out).toContain(
      'Step 1, "sign up dana", was skipped: this step works with what it sets up.',
    );
    expect(out).toContain('[b] go back and run step 1, "sign up dana"');
    expect(out.match(/step 2 of 3: log in/g)).toHaveLength(2);
    expect(out).toContain("✓ 200 OK · step 2 of 3");
    expect(out).toContain("✓ 200 OK · step 3 of 3");
  });

  test("a step blocked by the failed one goes back to the skipped setup, not round in a loop", async () => {
    // The login fails and the learner goes on: the next step names the sign-up, not the failed
    // login (which would fail again); once the sign-up ran, the login is next, then this step.
    const { out } = await play(["s", "s", "", "", "b", "", "b", "", "", "", "", "q", "q"]);
    const blocked = 'cannot send — depends on "log in", which failed';
    expect(out).toContain(`${blocked}\n\n[b] go back and run step 1, "sign up dana"`);
    expect(out).toContain(`${blocked}\n\n[b] go back and run step 2, "log in"`);
    expect(out.indexOf('step 2, "log in"')).toBeGreaterThan(out.indexOf("✓ 201 Created"));
    expect(out).toContain("✓ 200 OK · step 3 of 3");
  });
});

test("a lesson played to the end with a step not passed resumes at that step", async () => {
  const first = ["1", "", "", "", "", "s", "", "", "", ""];
  const again = ["1", "", "", "", "", "", "", "", "", "", "", "", "q"];
  const { out } = await session([...first, ...again]);
  expect(out).toMatch(/· {2}1\. Lesson three — 1 step not passed/);
  expect(out).toContain('Last time you played every step; not passed yet: "not found".');
  expect(out).toContain("[Enter] resume at step 3");
  expect(out).toContain("Running steps 1-2 again");
  expect(stateOf(three)).toEqual({ kind: "done" });
});

test("the menu counts steps passed in earlier sittings beside the step reached", async () => {
  recordStepPassed(statePath, "three", "sign-up");
  recordStepPassed(statePath, "three", "echo");
  recordReached(statePath, "three", 0);
  const { out } = await session(["q"]);
  expect(out).toMatch(/· {2}1\. Lesson three — at step 1 of 3, 2 passed/);
});

test("a second h says where the hint is; a failure's wrapped bullet lines up under its text", async () => {
  const wrong = lesson("wrong", [
    step({ id: "oops", request: { method: "GET", path: "/status/500" }, expect: { status: 200 } }),
  ]);
  const { out } = await session(["h", "h", "", "q"], {
    lessons: [wrong],
    only: wrong,
    view: { style: plain, width: 40 },
  });
  expect(out.match(/A hint for oops\./g)).toHaveLength(1);
  expect(out).toContain("The hint is above: each step has one.");
  const bullet = out.split("\n").findIndex((l) => l.startsWith("  - status 500"));
  expect(bullet).toBeGreaterThan(-1);
  expect(out.split("\n")[bullet + 1]).toMatch(/^ {4}\S/);
});

test("choosing to run a step instead of skipping it sends it", async () => {
  const { out } = await session(["1", "s", "", "", "q"]);
  expect(out).toContain("✓ 201 Created, as the lesson says");
  expect(loadProgress(statePath).lessons.three?.passed).toEqual(["sign-up"]);
});

test("q after a failed step exits 0, and the menu answers bad input with a line", async () => {
  const wrong = lesson("wrong", [
    step({ id: "oops", request: { method: "GET", path: "/status/500" }, expect: { status: 200 } }),
  ]);
  const failed = await session(["", "x", "q"], { lessons: [wrong], only: wrong });
  expect(failed.out).toContain('"x" does nothing here: press Enter, q.');
  expect(failed.out).toContain("✗ this is not what the lesson documents");
  expect(failed.code).toBe(0);

  const { code, out } = await session(["99", "abc", "", "q"]);
  expect(code).toBe(0);
  expect(out).toContain("There is no lesson 99: the lessons are 1 to 1.");
  expect(out.match(/Type a lesson's number, 1 to 1, then Enter; or q to quit\./g)).toHaveLength(2);
});

test("challenges run after the steps and quiz; open ones keep the lesson ◐, solved ones finish it", async () => {
  const seen: string[] = [];
  const keys = ["1", "", "", "", "", "", "", "", "", "", "", "", "q"];
  const open = await session(keys, {
    challengesOf: () => [{ id: "get-a-409", title: "get a 409 Conflict" }],
    runChallenges: async (l, { print, style, target: t, input }) => {
      seen.push(`${l.id} ${t.baseUrl === api.baseUrl} ${typeof input.key} ${style.enabled}`);
      print("the challenge speaks\n");
      return { solved: [], quit: false };
    },
  });
  expect(seen).toEqual(["three true function false"]);
  expect(open.out.indexOf("the challenge speaks")).toBeGreaterThan(open.out.indexOf("Quiz:"));
  expect(open.out).toContain('◐ Steps done, challenge open: "get a 409 Conflict".');
  expect(open.out).toContain("◐  1. Lesson three — steps done, challenge open");
  expect(stateOf(three, ["get-a-409"])).toMatchObject({ kind: "steps-done" });

  await session(keys, {
    challengesOf: () => [{ id: "get-a-409", title: "get a 409 Conflict" }],
    runChallenges: async () => ({ solved: ["get-a-409"], quit: false }),
  });
  expect(stateOf(three, ["get-a-409"])).toEqual({ kind: "done" });
});

test("a lesson left midway resumes where it was, running the earlier steps again first", async () => {
  recordStepPassed(statePath, "three", "sign-up");
  recordStepPassed(statePath, "three", "echo");
  recordReached(statePath, "three", 2);
  const { out } = await session(["1", "", "404", "", "", "", "", "", "q"]);
  expect(out).toContain("Last time you reached step 3 of 3.");
  expect(out).toContain("Running steps 1-2 again, so what they set up exists:");
  expect(out).toContain("✓ 201 Created — sign up");
  expect(out).toContain("✓ 200 OK — echo");
  expect(out).toContain("step 3 of 3: not found");
  expect(out).not.toContain("step 1 of 3: sign up");
  expect(out).toContain("1 passed, 0 failed, 0 skipped (steps 1-2 run again from last time)");
  expect(stateOf(three)).toEqual({ kind: "done" });
});

test("steps skipped last time and replayed on resuming are not passed: the lesson stays open", async () => {
  recordReached(statePath, "three", 2);
  let offered = false;
  const { out } = await session(["1", "", "404", "", "", "", "", "", "q"], {
    challengesOf: () => [{ id: "get-a-409", title: "get a 409 Conflict" }],
    runChallenges: async () => {
      offered = true;
      return { solved: ["get-a-409"], quit: false };
    },
  });
  expect(out).toContain("✓ 201 Created — sign up");
  expect(out.replace(/\s+/g, " ")).toContain(
    'a lesson is done when every step has passed and its challenge, offered once they have, is solved. Still to pass: "sign up", "echo".',
  );
  expect(offered).toBe(false);
  expect(stateOf(three, ["get-a-409"])).toMatchObject({
    kind: "open",
    missing: ["sign-up", "echo"],
  });
});

test("a setup step (taught by an earlier lesson) asks no prediction and explains in one line", async () => {
  const again = lesson("again", [{ ...signUp }, notFound]);
  const { out } = await session(["2", "", "404", "", "201", "404", "", "", "q"], {
    lessons: [three, again],
  });
  expect(out).toContain("Setup for this lesson, no prediction needed.");
  expect(out).toContain("✓ 201 Created — sign up (setup; lesson 1 explains it)");
  expect(out).not.toContain("Because sign-up.");
  expect(out).toContain("You predicted 404: right");
});

test("a step that gets no answer says so on its status line, not the status it expected", async () => {
  const gone = lesson("gone", [notFound]);
  const { code, out } = await session(["404", "q"], {
    lessons: [gone],
    only: gone,
    target: fakeTarget("http://127.0.0.1:1"),
  });
  expect(code).toBe(0);
  expect(out).toContain("cannot reach the API at http://127.0.0.1:1");
  expect(out).toContain("✗ no answer · step 1 of 1");
  expect(out).not.toContain("✗ 404 Not Found");
});

test("the quiz asks only about steps that answered as documented: it scores against that", async () => {
  const wrong = step({
    id: "oops",
    request: { method: "GET", path: "/status/500" },
    expect: { status: 200 },
  });
  const mixed = lesson("mixed", [wrong, notFound]);
  const { out } = await session(["", "", "", "", "", "", ""], { lessons: [mixed], only: mixed });
  expect(out).toContain("✗ this is not what the lesson documents");
  expect(out).toContain("1 question on what you saw");
  expect(out).toContain('"not found" (GET /status/404): which status came back?');
  expect(out).not.toContain('"oops" (GET /status/500): which status came back?');
});

test("q during a Retry-After countdown ends the lesson there, without sending", async () => {
  const limited = step({
    id: "limited",
    request: { method: "GET", path: "/status/429" },
    expect: { status: 429 },
  });
  const waited = step({
    id: "waited",
    waitForRetryAfter: true,
    request: { method: "GET", path: "/echo" },
    expect: { status: 200 },
  });
  const waiting = lesson("waiting", [limited, waited]);
  let out = "";
  const write = (text: string) => {
    out += text;
  };
  const keys = lineInput(Readable.from(["\n\n\n"]), write);
  // `q` is already typed when the countdown looks for a key.
  const input = { ...keys, poll: () => "q" };
  const code = await runInteractive({
    lessons: [waiting],
    only: waiting,
    statusCodes,
    target,
    input,
    write,
    view: { style: plain, width: 80 },
    clearScreen: false,
    statePath,
  });
  keys.close();
  expect(code).toBe(0);
  expect(out).toContain("Waiting 1 s, as Retry-After asked");
  expect(out).not.toContain("— quiz");
  expect(out).not.toContain("— end");
  expect(loadProgress(statePath).lessons.waiting?.passed).toEqual(["limited"]);
});

test("on a full 24-row terminal, replies to bad answers never page, so no typed answer is lost", async () => {
  const terminal = { rows: () => 24, columns: () => 80 };
  const manyLessons = Array.from({ length: 14 }, (_, i) => lesson(`l${i + 1}`, [notFound]));
  const menu = await session(["abc", "abc", "abc", "abc", "99", "q"], {
    lessons: manyLessons,
    terminal,
  });
  expect(menu.out).not.toContain(MORE);
  expect(menu.out.match(/Type a lesson's number/g)).toHaveLength(4);
  expect(menu.out).toContain("There is no lesson 99");
  expect(menu.code).toBe(0);

  const one = lesson("one", [notFound]);
  const predict = await session(["abc", "abc", "abc", "abc", "404"], {
    lessons: [one],
    only: one,
    terminal,
  });
  expect(predict.out.match(/"abc" is not a status code/g)).toHaveLength(4);
  expect(predict.out).toContain("You predicted 404: right");
});

test("a lesson whose steps all passed before goes straight to its open challenge on c", async () => {
  for (const id of ["sign-up", "echo", "not-found"]) recordStepPassed(statePath, "three", id);
  recordReached(statePath, "three", 3);
  let played = 0;
  const { out } = await session(["1", "c", "", "", "q"], {
    challengesOf: () => [{ id: "get-a-409", title: "get a 409 Conflict" }],
    runChallenges: async () => {
      played++;
      return { solved: ["get-a-409"], quit: false };
    },
  });
  expect(out).toContain('Every step has passed; still open: "get a 409 Conflict".');
  expect(out).toContain("[c] go to the challenge   [Enter] play the steps again   [q] quit");
  expect(out).not.toContain("step 1 of 3");
  expect(played).toBe(1);
  expect(out).toContain("✓ Lesson done: every step passed, challenge solved.");
  expect(stateOf(three, ["get-a-409"])).toEqual({ kind: "done" });
});
