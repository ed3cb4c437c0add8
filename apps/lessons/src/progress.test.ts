import { afterAll, afterEach, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  displayPath,
  loadProgress,
  markCompleted,
  progressPath,
  resetProgress,
} from "./progress.ts";

const dir = mkdtempSync(join(tmpdir(), "lessons-progress-"));
afterEach(() => rmSync(join(dir, "state"), { recursive: true, force: true }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("the path comes from LESSONS_STATE, else ./data", () => {
  expect(progressPath({ LESSONS_STATE: "/tmp/x.json" })).toBe("/tmp/x.json");
  expect(progressPath({})).toBe(join(process.cwd(), "data", "lessons-progress.json"));
});

test("completing lessons is remembered; reset forgets", () => {
  const path = join(dir, "state", "progress.json");
  expect(loadProgress(path).completed).toEqual({});
  markCompleted(path, "signing-up", new Date("2026-01-01T00:00:00Z"));
  markCompleted(path, "roles", new Date("2026-01-02T00:00:00Z"));
  expect(loadProgress(path).completed).toEqual({
    "signing-up": "2026-01-01T00:00:00.000Z",
    roles: "2026-01-02T00:00:00.000Z",
  });
  expect(JSON.parse(readFileSync(path, "utf8")).version).toBe(1);
  resetProgress(path);
  expect(loadProgress(path).completed).toEqual({});
  resetProgress(path); // twice is fine
});

test("a corrupt file is no progress, not a crash", () => {
  const path = join(dir, "corrupt.json");
  writeFileSync(path, "{not json");
  expect(loadProgress(path).completed).toEqual({});
  markCompleted(path, "a");
  expect(Object.keys(loadProgress(path).completed)).toEqual(["a"]);
});

test("the menu shows the path relative to the working directory when it is below it", () => {
  expect(displayPath("/home/a/data/p.json", "/home/a")).toBe("./data/p.json");
  expect(displayPath("/tmp/p.json", "/home/a")).toBe("/tmp/p.json");
});
