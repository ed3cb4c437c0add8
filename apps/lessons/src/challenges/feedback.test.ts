/**
 * What the challenge screen says about each answer, as a learner at an 80-column terminal reads
 * it: lines wrapped at words, under their text.
 */
import { expect, test } from "bun:test";
import { createStyle } from "../color.ts";
import { lessons } from "../lessons/index.ts";
import { fakeTarget } from "../test-support.ts";
import { runChallenges } from "./interactive.ts";
import { RequestLog } from "./log.ts";

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
