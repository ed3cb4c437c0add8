import { expect, test } from "bun:test";
import { plain } from "./color.ts";
import type { Input, Key } from "./input.ts";
import { Screen } from "./screen.ts";
import { countdown } from "./step-wait.ts";

/** A terminal where `key` is already typed when the countdown first looks. */
function typed(key: Key | undefined) {
  let out = "";
  const input: Input = {
    interactive: true,
    key: async () => "eof",
    poll: () => key,
    line: async () => undefined,
    close() {},
  };
  const screen = new Screen({
    input,
    write: (text) => {
      out += text;
    },
    view: { style: plain, width: 100 },
    clearScreen: true,
  });
  return { screen, out: () => out };
}

test.each([
  ["enter", "send"],
  ["s", "skip"],
  ["q", "quit"],
] as const)("during the Retry-After countdown, %p answers %p at once", async (key, answer) => {
  const { screen, out } = typed(key);
  expect(await countdown(screen, 60)).toBe(answer);
  expect(out()).toContain("[Enter] send now  [s] skip  [q] quit");
  expect(out().includes("- skipped")).toBe(key === "s");
});
