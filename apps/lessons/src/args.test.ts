import { expect, test } from "bun:test";
import { parseCommandLine, UsageError } from "./args.ts";

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
  [["--url", "localhost:8000"], "--url must be"],
  [["--url", "ftp://x"], "--url must be http"],
  [["extra"], "unexpected argument: extra"],
])("%p is a usage error", (argv, message) => {
  expect(() => parseCommandLine(argv)).toThrow(UsageError);
  expect(() => parseCommandLine(argv)).toThrow(message);
});
