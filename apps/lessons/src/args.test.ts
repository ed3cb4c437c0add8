import { describe, expect, test } from "bun:test";
import { findLesson, parseCommandLine, UsageError, urlProblem } from "./args.ts";

test("flags", () => {
  expect(parseCommandLine([])).toEqual({ auto: false, json: false, reset: false, help: false });
  expect(
    parseCommandLine(["--auto", "--lesson", "roles", "--url", "http://localhost:8000"]),
  ).toEqual({
    auto: true,
    json: false,
    reset: false,
    help: false,
    lesson: "roles",
    url: "http://localhost:8000",
  });
  expect(parseCommandLine(["--json"])).toMatchObject({ auto: true, json: true });
  expect(parseCommandLine(["-h"]).help).toBe(true);
});

test.each([
  [["--nope"], "Unknown option '--nope'"],
  [["--url"], "--url"],
  [["--url", "localhost:8000"], "--url needs a scheme"],
  [["--url", "ftp://x"], "--url must be http"],
  [["extra"], "unexpected argument: extra"],
])("%p is a usage error", (argv, message) => {
  expect(() => parseCommandLine(argv)).toThrow(UsageError);
  expect(() => parseCommandLine(argv)).toThrow(message);
});

test("--url without a scheme suggests http://", () => {
  expect(() => parseCommandLine(["--url", "localhost:8731"])).toThrow(
    "did you mean http://localhost:8731?",
  );
  expect(urlProblem("127.0.0.1:8000/")).toContain("did you mean http://127.0.0.1:8000/?");
  expect(urlProblem("//localhost:8000")).toContain("did you mean http://localhost:8000?");
  expect(urlProblem("http://localhost:8731")).toBeUndefined();
  expect(urlProblem("https://api.example.com/base")).toBeUndefined();
  expect(urlProblem("not a url")).toContain("must be an absolute URL");
  expect(urlProblem("ftp://x")).toContain("must be http");
});

describe("--lesson takes the menu's number or an id, and suggests the nearest", () => {
  const lessons = [{ id: "signing-up" }, { id: "duplicate-email" }, { id: "rate-limiting" }];
  test("by number and by id", () => {
    expect(findLesson(lessons, "3")).toEqual({ id: "rate-limiting" });
    expect(findLesson(lessons, "duplicate-email")).toEqual({ id: "duplicate-email" });
  });
  test.each([
    ["rate", "did you mean rate-limiting (3)?"],
    ["limiting", "did you mean rate-limiting (3)?"],
    ["signin-up", "did you mean signing-up (1)?"],
    ["0", "no lesson 0: the lessons are numbered 1 to 3"],
    ["12", "no lesson 12: the lessons are numbered 1 to 3"],
    ["xyzzy", "the lessons are 1 to 3: signing-up, duplicate-email, rate-limiting"],
    ["", "--lesson needs a number or an id: the lessons are 1 to 3: signing-up,"],
    [" ", "--lesson needs a number or an id: the lessons are 1 to 3: signing-up,"],
  ])("%p", (wanted, message) => {
    expect(() => findLesson(lessons, wanted)).toThrow(UsageError);
    expect(() => findLesson(lessons, wanted)).toThrow(message);
  });
});
