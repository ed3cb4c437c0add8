/**
 * Keys from the learner. On a terminal: raw mode, one key at a time, no Enter needed for `h`.
 * From a pipe: one line per key (an empty line is Enter), so a session can be scripted and
 * replayed — that is how the transcript in docs/lessons/ is made.
 */
import { createInterface } from "node:readline";

export type Key = "enter" | "eof" | string;

export interface Input {
  readonly interactive: boolean;
  /** The next key: `enter`, `eof`, or the character (lower case). */
  key(): Promise<Key>;
  /** A key already typed, if any; never waits (the Retry-After countdown polls it). */
  poll(): Key | undefined;
  /**
   * A line, for the menu's number; `undefined` at the end of input. On a terminal, a key in
   * `instant` typed first is the whole answer at once (`q` quits without Enter).
   */
  line(echo: (text: string) => void, instant?: string[]): Promise<string | undefined>;
  /** Puts a key back, to be read next (typed ahead at a "more", it belongs to the prompt). */
  unread?(key: Key): void;
  close(): void;
}

/** Raw mode on a TTY. Ctrl-C arrives as a byte, not a signal: `onInterrupt` handles it. */
export function terminalInput(stdin: NodeJS.ReadStream, onInterrupt: () => void): Input {
  const queue: string[] = [];
  const waiting: ((key: string) => void)[] = [];
  stdin.setRawMode(true);
  stdin.setEncoding("utf8");
  const onData = (chunk: string) => {
    for (const ch of splitKeys(chunk)) {
      if (ch === "\x03") {
        onInterrupt();
        return;
      }
      const resolveNext = waiting.shift();
      if (resolveNext) resolveNext(ch);
      else queue.push(ch);
    }
  };
  stdin.on("data", onData);
  stdin.resume();
  const next = () =>
    new Promise<string>((resolveKey) => {
      const queued = queue.shift();
      if (queued !== undefined) resolveKey(queued);
      else waiting.push(resolveKey);
    });
  const name = (ch: string): Key =>
    ch === "\r" || ch === "\n" ? "enter" : ch === "\x04" ? "eof" : ch.toLowerCase();
  return {
    interactive: true,
    key: async () => name(await next()),
    poll: () => {
      const ch = queue.shift();
      return ch === undefined ? undefined : name(ch);
    },
    unread: (key) => {
      if (key === "eof") return;
      const ch = key === "enter" ? "\r" : key;
      const resolveNext = waiting.shift();
      if (resolveNext) resolveNext(ch);
      else queue.unshift(ch);
    },
    async line(echo, instant = []) {
      let text = "";
      for (;;) {
        const ch = await next();
        if (text === "" && instant.includes(ch.toLowerCase())) {
          echo(`${ch}\n`);
          return ch.toLowerCase();
        }
        if (ch === "\r" || ch === "\n") {
          echo("\n");
          return text;
        }
        if (ch === "\x04") {
          // Ctrl-D: the runner ends here; end the prompt's line so the shell's starts on its own.
          echo("\n");
          return undefined;
        }
        if (ch === "\x7f" || ch === "\b") {
          if (text) {
            text = text.slice(0, -1);
            echo("\b \b");
          }
        } else if (ch >= " " && !ch.startsWith("\x1b")) {
          text += ch;
          echo(ch);
        }
      }
    },
    close() {
      stdin.off("data", onData);
      if (stdin.isTTY) stdin.setRawMode(false);
      stdin.pause();
    },
  };
}

/** Escape sequences (arrow keys) stay whole; everything else is one character per key. */
function splitKeys(chunk: string): string[] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences are what we split
  return chunk.match(/\x1b\[[0-9;]*[A-Za-z~]|\x1b.?|[\s\S]/gu) ?? [];
}

/** A line per key, from a pipe or a file. */
export function lineInput(stdin: NodeJS.ReadableStream, echo: (text: string) => void): Input {
  const lines: string[] = [];
  const waiting: ((line: string | undefined) => void)[] = [];
  let ended = false;
  const reader = createInterface({ input: stdin, terminal: false });
  reader.on("line", (line) => {
    const resolveNext = waiting.shift();
    if (resolveNext) resolveNext(line);
    else lines.push(line);
  });
  reader.on("close", () => {
    ended = true;
    for (const resolveNext of waiting.splice(0)) resolveNext(undefined);
  });
  const next = () =>
    new Promise<string | undefined>((resolveLine) => {
      if (lines.length) resolveLine(lines.shift());
      else if (ended) resolveLine(undefined);
      else waiting.push(resolveLine);
    });
  return {
    interactive: false,
    async key() {
      const line = await next();
      if (line === undefined) {
        echo("(end of input)\n");
        return "eof";
      }
      const key = line.trim().toLowerCase();
      // What was "typed", so a transcript reads like the session it replays.
      echo(`${key === "" ? "⏎" : key}\n`);
      return key === "" ? "enter" : key.slice(0, 1);
    },
    poll: () => undefined,
    async line() {
      const line = await next();
      echo(line === undefined ? "(end of input)\n" : `${line.trim()}\n`);
      return line?.trim();
    },
    close() {
      reader.close();
    },
  };
}
