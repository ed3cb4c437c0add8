import { afterAll, afterEach, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  displayPath,
  lessonState,
  loadProgress,
  progressPath,
  progressProblem,
  recordChallengeSolved,
  recordReached,
  recordStepPassed,
  resetProgress,
} from "./progress.ts";
import { lesson, step } from "./test-support.ts";

const dir = mkdtempSync(join(tmpdir(), "lessons-progress-"));
afterEach(() => rmSync(join(dir, "state"), { recursive: true, force: true }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const request = { method: "GET", path: "/" } as const;
const three = lesson("three", [
  step({ id: "a", request, expect: { status: 200 } }),
  step({ id: "b", request, expect: { status: 200 } }),
  step({ id: "wait", request, expect: { status: 200 }, optional: true }),
]);

test("the path comes from LESSONS_STATE, else ./data", () => {
  expect(progressPath({ LESSONS_STATE: "/tmp/x.json" })).toBe("/tmp/x.json");
  expect(progressPath({})).toBe(join(process.cwd(), "data", "lessons-progress.json"));
});

test("a lesson is done only when every required step passed", () => {
  const path = join(dir, "state", "progress.json");
  expect(lessonState(loadProgress(path), three)).toEqual({ kind: "new" });
  // Reaching the end by skipping is not finishing.
  recordReached(path, "three", 3);
  expect(lessonState(loadProgress(path), three)).toEqual({
    kind: "open",
    reached: 3,
    missing: ["a", "b"],
  });
  recordStepPassed(path, "three", "a");
  recordStepPassed(path, "three", "a");
  expect(loadProgress(path).lessons.three?.passed).toEqual(["a"]);
  recordStepPassed(path, "three", "b");
  // The optional step (a rate-limit wait) is not required.
  expect(lessonState(loadProgress(path), three)).toEqual({ kind: "done" });
  expect(JSON.parse(readFileSync(path, "utf8")).version).toBe(2);
});

test("with challenges, the steps alone leave the lesson open until each is solved", () => {
  const path = join(dir, "state", "progress.json");
  recordStepPassed(path, "three", "a");
  recordStepPassed(path, "three", "b");
  expect(lessonState(loadProgress(path), three, ["get-a-415", "get-a-409"])).toEqual({
    kind: "steps-done",
    openChallenges: ["get-a-415", "get-a-409"],
  });
  recordChallengeSolved(path, "three", "get-a-415");
  recordChallengeSolved(path, "three", "get-a-409");
  expect(lessonState(loadProgress(path), three, ["get-a-415", "get-a-409"])).toEqual({
    kind: "done",
  });
  expect(loadProgress(path).lessons.three?.challenges).toEqual(["get-a-415", "get-a-409"]);
});

test("the step reached is kept for resuming; reset forgets everything", () => {
  const path = join(dir, "state", "progress.json");
  recordReached(path, "three", 1);
  expect(loadProgress(path).lessons.three?.reached).toBe(1);
  resetProgress(path);
  expect(loadProgress(path).lessons).toEqual({});
  resetProgress(path); // twice is fine
});

test("a corrupt file, or version 1's unearned ✓ marks, are no progress", () => {
  const path = join(dir, "corrupt.json");
  writeFileSync(path, "{not json");
  expect(loadProgress(path).lessons).toEqual({});
  writeFileSync(path, JSON.stringify({ version: 1, completed: { three: "2026-01-01" } }));
  expect(lessonState(loadProgress(path), three).kind).toBe("new");
  recordStepPassed(path, "three", "a");
  expect(Object.keys(loadProgress(path).lessons)).toEqual(["three"]);
});

test("the menu shows the path relative to the working directory when it is below it", () => {
  expect(displayPath("/home/a/data/p.json", "/home/a")).toBe("./data/p.json");
  expect(displayPath("/tmp/p.json", "/home/a")).toBe("/tmp/p.json");
});

test("a LESSONS_STATE that cannot hold a file is one clear line and exit 2, not a stack trace", async () => {
  const aFile = join(dir, "a-file");
  writeFileSync(aFile, "");
  expect(progressProblem(join(dir, "state", "progress.json"))).toBeUndefined();
  expect(progressProblem(dir)).toBe(`${dir} is a directory: LESSONS_STATE must name a file`);
  expect(progressProblem(join(aFile, "progress.json"))).toStartWith(
    `cannot keep progress in ${join(aFile, "progress.json")}: ENOTDIR`,
  );

  for (const args of [["--reset"], ["--lesson", "1"]]) {
    const child = Bun.spawn([process.execPath, join(import.meta.dir, "main.ts"), ...args], {
      env: { ...process.env, LESSONS_STATE: dir },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stderr, code] = await Promise.all([new Response(child.stderr).text(), child.exited]);
    expect(code).toBe(2);
    expect(stderr).toBe(`bun run lessons: ${dir} is a directory: LESSONS_STATE must name a file\n`);
  }
});
