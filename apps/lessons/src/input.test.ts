import { expect, test } from "bun:test";
import { EventEmitter } from "node:events";
import { Readable } from "node:stream";
import { lineInput, terminalInput } from "./input.ts";

/** Enough of a TTY's stdin for raw mode: `type` delivers what the learner presses. */
function fakeTty() {
  const stdin = Object.assign(new EventEmitter(), {
    isTTY: true,
    setRawMode: () => stdin,
    setEncoding: () => stdin,
    resume: () => stdin,
    pause: () => stdin,
    type: (text: string) => stdin.emit("data", text),
  });
  return stdin;
}

test("on a terminal, a line is edited with Backspace and ends at Enter; Ctrl-D ends it on its own line", async () => {
  const stdin = fakeTty();
  let shown = "";
  const input = terminalInput(stdin as unknown as NodeJS.ReadStream, () => {});
  const echo = (text: string) => {
    shown += text;
  };
  const first = input.line(echo);
  stdin.type("41\x7f4\r");
  expect(await first).toBe("44");
  expect(shown).toBe("41\b \b4\n");

  shown = "";
  const second = input.line(echo);
  stdin.type("40\x04");
  expect(await second).toBeUndefined();
  expect(shown).toBe("40\n");
  input.close();
});

test("from a pipe, the end of input is said where a line was asked for, as it is for a key", async () => {
  let shown = "";
  const input = lineInput(Readable.from(["2\n"]), (text) => {
    shown += text;
  });
  expect(await input.line(() => {})).toBe("2");
  expect(await input.line(() => {})).toBeUndefined();
  expect(await input.key()).toBe("eof");
  expect(shown).toBe("2\n(end of input)\n(end of input)\n");
  input.close();
});
