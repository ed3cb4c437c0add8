import { expect, test } from "bun:test";
import { plain } from "./color.ts";
import type { Input, Key } from "./input.ts";
import { wrap } from "./render.ts";
import { MORE, rowsOf, Screen } from "./screen.ts";

/** Keys typed in advance; `interactive` like a terminal. */
function keys(...typed: Key[]): Input & { asked: number } {
  const input = {
    interactive: true,
    asked: 0,
    async key() {
      input.asked++;
      return typed.shift() ?? "eof";
    },
    poll: () => undefined,
    async line() {
      return typed.shift();
    },
    unread(key: Key) {
      typed.unshift(key);
    },
    close() {},
  };
  return input;
}

function screenOf(rows: number, columns: number, input: Input) {
  let out = "";
  const screen = new Screen({
    input,
    write: (text) => {
      out += text;
    },
    view: { style: plain, width: columns },
    clearScreen: true,
    terminal: { rows: () => rows, columns: () => columns },
  });
  return { screen, out: () => out };
}

test("a long line takes as many rows as the terminal wraps it into", () => {
  expect(rowsOf("", 80)).toBe(1);
  expect(rowsOf("x".repeat(80), 80)).toBe(1);
  expect(rowsOf("x".repeat(81), 80)).toBe(2);
  expect(rowsOf("\x1b[1mbold\x1b[22m", 2)).toBe(2);
});

test("on a 24-row terminal, output stops at a full page and waits for a key", async () => {
  const input = keys("enter");
  const { screen, out } = screenOf(24, 80, input);
  screen.clear();
  const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
  await screen.say(...lines);
  const text = out();
  // 23 lines, then "more" (the 24th row).
  expect(text.indexOf(MORE)).toBeGreaterThan(text.indexOf("line 23\n"));
  expect(text.indexOf(MORE)).toBeLessThan(text.indexOf("line 24\n"));
  expect(input.asked).toBe(1);
  expect(text).toContain("line 30\n");
});

test("a key typed ahead at a more pages on and is kept for the prompt that follows", async () => {
  // The learner types their prediction (or q) before seeing the page end: nothing is lost.
  const input = keys("4", "0", "1");
  const { screen } = screenOf(24, 80, input);
  screen.clear();
  await screen.say(...Array.from({ length: 30 }, (_, i) => `line ${i + 1}`));
  expect(input.asked).toBe(1);
  expect(await screen.line()).toBe("4");
});

test("a heading is not left alone at the bottom of a page", async () => {
  const input = keys("enter");
  const { screen, out } = screenOf(10, 80, input);
  screen.clear();
  await screen.say(...Array.from({ length: 8 }, (_, i) => `line ${i + 1}`));
  // Row 9 would hold "Response" and row 10 the "more": the heading goes over with its text.
  await screen.say("Response", "  HTTP/1.1 200 OK");
  expect(out().indexOf(MORE)).toBeLessThan(out().indexOf("Response"));
  expect(out().indexOf(MORE)).toBeGreaterThan(out().indexOf("line 8"));
});

test("a prompt keeps room for itself and the status line above it", async () => {
  const input = keys("enter");
  const { screen, out } = screenOf(10, 80, input);
  screen.clear();
  await screen.say(...Array.from({ length: 7 }, (_, i) => `line ${i + 1}`));
  await screen.prompt("[Enter] next step");
  // 7 lines + blank + prompt would leave no row for the answer: page first.
  expect(out().indexOf(MORE)).toBeLessThan(out().indexOf("[Enter] next step"));
});

test("a pipe is never paged", async () => {
  let out = "";
  const input = keys();
  const screen = new Screen({
    input,
    write: (text) => {
      out += text;
    },
    view: { style: plain, width: 80 },
    clearScreen: false,
  });
  await screen.say(...Array.from({ length: 200 }, () => "a line"));
  expect(out).not.toContain(MORE);
  expect(input.asked).toBe(0);
});

test("text wraps at word boundaries at any width, a long title included", () => {
  const title =
    "Lesson 4 · Logging in: 200, 401 and the same 401 for everyone, with enough words to need wrapping at every width";
  for (const width of [40, 80, 100, 120]) {
    const lines = wrap(title, width);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(width);
    // Joining the lines with spaces gives the words back whole: no word was cut.
    expect(lines.join(" ")).toBe(title);
  }
});

test("Ctrl-D at a prompt ends its line, so the shell's prompt does not join it", async () => {
  const { screen, out } = screenOf(24, 80, keys("eof"));
  await screen.prompt("[Enter] next step   [q] quit");
  expect(await screen.choose(["enter", "q"])).toBe("eof");
  expect(out()).toEndWith("[Enter] next step   [q] quit \n");
});

test("on a narrow terminal a prompt that wraps keeps room for all its rows", async () => {
  const { screen, out } = screenOf(10, 20, keys("enter"));
  screen.clear();
  await screen.say(...Array.from({ length: 5 }, (_, i) => `line ${i + 1}`));
  // 45 columns: three rows at 20. Blank + 3 rows + the answer's row after 5 lines fills all 10.
  await screen.prompt("[Enter] next step   [h] hint   [q] quit now");
  expect(out().indexOf(MORE)).toBeGreaterThan(-1);
  expect(out().indexOf(MORE)).toBeLessThan(out().indexOf("[Enter] next step"));
});
