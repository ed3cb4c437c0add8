/**
 * The runner's output and prompts. On a terminal it pages: when the next lines would push
 * unread text off the top, it stops with "more" until Enter, and it keeps room for the status
 * line and prompt at the bottom. A pipe (transcripts, tests) gets everything, unpaged.
 */
import { stripAnsi } from "./color.ts";
import type { Input } from "./input.ts";
import type { View } from "./render.ts";

/** The terminal's size now; read on every use, so a resized window is respected. */
export interface TerminalSize {
  rows(): number;
  columns(): number;
}

export interface ScreenOptions {
  input: Input;
  write: (text: string) => void;
  view: View;
  /** Clear between steps (a terminal; never a pipe or transcript). */
  clearScreen: boolean;
  /** Page long output to this size; undefined: never page. */
  terminal?: TerminalSize;
}

/** Rows a line takes on a terminal `columns` wide (a long line wraps). */
export function rowsOf(line: string, columns: number): number {
  const width = [...stripAnsi(line)].length;
  return Math.max(1, Math.ceil(width / Math.max(1, columns)));
}

export const MORE = "── more: [Enter] ──";

/** A line at the margin with an indented one under it: the title of what follows. */
function isHeading(line: string, next: string): boolean {
  const [plainLine, plainNext] = [stripAnsi(line), stripAnsi(next)];
  return plainLine !== "" && !plainLine.startsWith(" ") && plainNext.startsWith("  ");
}

export class Screen {
  /** Rows written since the learner last saw the top of the screen. */
  private used = 0;
  /** The last line of the last prompt, shown again after a key that does nothing. */
  private lastPrompt = "";

  constructor(private readonly o: ScreenOptions) {}

  get view(): View {
    return this.o.view;
  }

  get input(): Input {
    return this.o.input;
  }

  /**
   * Lines of output, paged on a terminal. A heading (a line at the margin over indented ones:
   * "Response", "Try it by hand") is never left alone at the bottom of a page.
   */
  async say(...lines: string[]): Promise<void> {
    const all = lines.join("\n").split("\n");
    for (const [i, text] of all.entries()) {
      const terminal = this.o.terminal;
      if (terminal) {
        const rowsOfLine = (line: string) => rowsOf(line, terminal.columns());
        const next = all[i + 1];
        const heading = next !== undefined && isHeading(text, next);
        const needed = rowsOfLine(text) + (heading ? rowsOfLine(next) : 0);
        if (this.used + needed > terminal.rows() - 1) await this.more();
        this.used += rowsOfLine(text);
      }
      this.o.write(`${text}\n`);
    }
  }

  /** Lines at once, never paged (a power's note, from a callback that cannot wait). */
  print(...lines: string[]): void {
    for (const text of lines.join("\n").split("\n")) {
      this.used += this.o.terminal ? rowsOf(text, this.o.terminal.columns()) : 1;
      this.o.write(`${text}\n`);
    }
  }

  /**
   * The reply to an answer the learner typed that will not do. They are reading the bottom of
   * the screen, so it is never paged and the prompt that follows does not page either: a
   * "more" there would stand where the reply should and take the keys typed next.
   */
  reply(line: string): void {
    this.used = 0;
    this.print(line);
  }

  /** Makes sure `rows` more fit before paging (a status line and its prompt stay together). */
  async room(rows: number): Promise<void> {
    const terminal = this.o.terminal;
    if (terminal && this.used + rows > terminal.rows() - 1) await this.more();
  }

  /**
   * Any key pages on. One that is not Enter or space was typed ahead for the prompt to come
   * (a prediction, `q`), so it is put back for that prompt instead of lost.
   */
  private async more(): Promise<void> {
    this.o.write(this.o.view.style.dim(MORE));
    for (;;) {
      const key = await this.o.input.key();
      if (key.startsWith("\x1b")) continue;
      if (key !== "enter" && key !== " " && key !== "eof") this.o.input.unread?.(key);
      break;
    }
    // Erase the "more" line: the text continues where it stood.
    this.o.write("\r\x1b[2K");
    this.used = 0;
  }

  clear(): void {
    this.used = 0;
    if (this.o.clearScreen) this.o.write("\x1b[H\x1b[2J");
    else this.o.write(`\n${"─".repeat(Math.min(this.o.view.width, 72))}\n\n`);
  }

  /** A prompt on its own line after a blank one; the answer follows it. */
  async prompt(text: string): Promise<void> {
    this.lastPrompt = text.split("\n").at(-1) ?? text;
    const terminal = this.o.terminal;
    // Rows, not lines: on a narrow terminal a prompt's line wraps like any other.
    const rows = text
      .split("\n")
      .reduce((sum, line) => sum + (terminal ? rowsOf(line, terminal.columns()) : 1), 0);
    await this.room(rows + 2);
    // The blank line and the rows above the last; the answer's Enter ends the last one.
    this.used += rows;
    this.o.write(`\n${this.o.view.style.dim(text)} ${this.o.input.interactive ? "" : "› "}`);
  }

  /** Raw text, not counted (a countdown redrawing its line, a challenge's own screen). */
  raw(text: string): void {
    this.o.write(text);
  }

  /** Waits for one of `keys`; `eof` ends it; another key gets a line saying which will do. */
  async choose<K extends string>(keys: readonly K[]): Promise<K | "eof"> {
    const live = this.o.input.interactive;
    for (;;) {
      const key = await this.o.input.key();
      if (key === "eof") {
        // Ctrl-D ends the runner: end the prompt's line so the shell's starts on its own.
        if (live) this.o.write("\n");
        return "eof";
      }
      if ((keys as readonly string[]).includes(key)) {
        // Raw mode echoes nothing: end the prompt's line so what follows starts on its own.
        if (live) this.o.write("\n");
        this.used++;
        return key as K;
      }
      // Arrow keys and the like are not worth a word.
      if (key.startsWith("\x1b")) continue;
      const names = keys.map((k) => (k === "enter" ? "Enter" : k)).join(", ");
      const { dim } = this.o.view.style;
      this.o.write(`${live ? "\n" : ""}${dim(`"${key}" does nothing here: press ${names}.`)}\n`);
      this.o.write(live ? `${dim(this.lastPrompt)} ` : "› ");
      this.used += 2;
    }
  }

  /** A typed line (lower case, trimmed); a key in `instant` typed first answers at once. */
  async line(instant: string[] = []): Promise<string | undefined> {
    const answer = await this.o.input.line((text) => this.o.write(text), instant);
    this.used++;
    return answer?.trim().toLowerCase();
  }
}
