/**
 * What the challenge screen says about each answer, as a learner at an 80-column terminal reads
 * it: lines wrapped at words, under their text; a step the task asks for is not called a miss.
 */
import { describe, expect, test } from "bun:test";
import { createStyle } from "../color.ts";
import { lessons } from "../lessons/index.ts";
import { fakeTarget } from "../test-support.ts";
import { challenges } from "./all.ts";
import { check } from "./check.ts";
import { runChallenges } from "./interactive.ts";
import { RequestLog } from "./log.ts";
import type { LogEntry } from "./model.ts";

/** One answer in the log, as the API would record it (a problem's `detail` when given). */
async function answer(log: RequestLog, method: string, path: string, status: number, detail = "") {
  const request_id = `r-${log.mark() + 1}`;
  log.access({ method, path, status, duration_ms: 1, request_id });
  const headers = { "x-request-id": request_id, "content-type": "application/problem+json" };
  await log.answered(
    new Request(`http://api.test${path}`, { method }),
    new Response(JSON.stringify({ detail }), { status, headers }),
  );
}

/** `lessonId`'s challenges at `width` columns; each key sends the next batch of answers. */
async function play(
  lessonId: string,
  width: number,
  batches: ((log: RequestLog) => Promise<void>)[],
) {
  const lesson = lessons.find((l) => l.id === lessonId);
  if (!lesson) throw new Error(`no lesson ${lessonId}`);
  const log = new RequestLog();
  let out = "";
  await runChallenges(lesson, {
    print: (text) => {
      out += text;
    },
    input: {
      interactive: false,
      async key() {
        const batch = batches.shift();
        if (!batch) return "eof";
        await batch(log);
        return "enter";
      },
      poll: () => undefined,
      line: async () => undefined,
      close() {},
    },
    style: createStyle(false),
    target: { ...fakeTarget("http://127.0.0.1:9"), log },
    width,
  });
  return out;
}

test("at 80 columns an answer wraps at words, under its text, and no line is wider", async () => {
  const out = await play("logging-in", 80, [
    (log) => answer(log, "POST", "/token", 429, "Too many failed login attempts; try again later"),
    async (log) => {
      await answer(log, "POST", "/token", 401, "Incorrect email or password");
      await answer(log, "POST", "/token", 200);
    },
  ]);
  expect(out).toContain(
    "  ← POST /token → 429 Too Many Requests (Too many failed login attempts; try\n    again later)\n",
  );
  expect(out).toContain("✓ Solved: fail a login, then log in");
  for (const line of out.split("\n")) expect(line.length, line).toBeLessThanOrEqual(80);
});

const REPLAYED = "Refresh token already used: every session of that login has been ended";

test("the login and the refresh a replay needs are awaited steps, not misses", async () => {
  const out = await play("replay-detection", 200, [
    async (log) => {
      await answer(log, "POST", "/users/", 201);
      await answer(log, "POST", "/token", 200);
    },
    (log) => answer(log, "POST", "/token", 200),
    (log) => answer(log, "POST", "/token", 401, REPLAYED),
  ]);
  expect(out).toContain(
    `  ← POST /token → 200 OK\n    waiting for: POST /token → 401 Unauthorized "${REPLAYED}"\n`,
  );
  expect(out).not.toContain("not yet");
  expect(out).not.toContain("answered 200");
  expect(out).toContain("✓ Solved: replay a spent refresh token");
});

test("a real miss is still explained, and says what it was", async () => {
  const out = await play("bad-input", 80, [
    (log) => answer(log, "POST", "/users/", 422, "Invalid request body"),
    (log) => answer(log, "POST", "/users/", 201),
  ]);
  expect(out).toContain("    not yet: POST /users/ answered 422 Unprocessable Content, not 415\n");
  // A sign-up that worked is no mistake either: the 415 is still what the log waits for.
  expect(out).toContain("  ← POST /users/ → 201 Created\n    waiting for: POST /users/ → 415");
});

describe("each challenge's feedback on its way", () => {
  const goal = (id: string) => challenges.find((c) => c.id === id)?.goal ?? [];
  const at = (method: string, path: string, status: number, more: Partial<LogEntry> = {}) => ({
    seq: 0,
    request_id: "r",
    query: "",
    fields: {},
    headers: {},
    method,
    path,
    status,
    ...more,
  });

  test("the login a refresh by hand needs is awaited, in either order", () => {
    const madeUp = at("POST", "/token", 401, {
      fields: { grant_type: "refresh_token" },
      detail: "Invalid refresh token",
    });
    expect(check(goal("refresh-by-hand"), [at("POST", "/token", 200)])).toEqual({
      solved: false,
      met: 0,
      saw: 'waiting for: POST /token → 401 Unauthorized "Invalid refresh token"',
      missed: false,
    });
    expect(check(goal("refresh-by-hand"), [madeUp, at("POST", "/token", 200)])).toMatchObject({
      met: 1,
      saw: "waiting for: POST /token → 200 OK (a refresh grant)",
      missed: false,
    });
  });

  test("an error that is not the one asked for is a miss, a success that is not is a step", () => {
    const created = at("POST", "/users/", 201, { fields: { email: "me@example.com" } });
    const sameCase = at("POST", "/users/", 409, {
      fields: { email: "me@example.com" },
      detail: "Email already registered",
    });
    expect(check(goal("get-a-409"), [created, sameCase])).toMatchObject({
      saw: "POST /users/ not its address in other letter case",
      missed: true,
    });
    expect(check(goal("forge-a-token"), [at("GET", "/users/me", 200)])).toMatchObject({
      saw: 'waiting for: GET /users/me → 401 Unauthorized "Invalid token" (a token issued here with only its sub changed)',
      missed: false,
    });
  });

  test("another client's success is a miss: it is not the request asked for", () => {
    const vars = { mark: "m1" };
    expect(check(goal("exhaust-a-limit"), [at("GET", "/users/limited", 200)], vars)).toEqual({
      solved: false,
      met: 0,
      saw: 'GET /users/limited client_id was missing, not "me-m1"',
      missed: true,
    });
  });
});
