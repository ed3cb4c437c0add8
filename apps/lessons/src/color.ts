/**
 * ANSI colour, only where it helps: a terminal that shows it. `NO_COLOR` (https://no-color.org)
 * turns it off, `FORCE_COLOR` turns it on even for a pipe (and wins over `NO_COLOR`, as in
 * Node), and output that is not a terminal stays plain so logs and transcripts read cleanly.
 */
export type Env = Record<string, string | undefined>;

export function colorEnabled(stream: { isTTY?: boolean }, env: Env = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== "" && force !== "0" && force !== "false") return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (!stream.isTTY) return false;
  return env.TERM !== "dumb";
}

type Paint = (text: string) => string;

export interface Style {
  enabled: boolean;
  bold: Paint;
  dim: Paint;
  red: Paint;
  green: Paint;
  yellow: Paint;
  blue: Paint;
  magenta: Paint;
  cyan: Paint;
}

const sgr =
  (enabled: boolean, open: number, close: number): Paint =>
  (text) =>
    enabled && text !== "" ? `\x1b[${open}m${text}\x1b[${close}m` : text;

export function createStyle(enabled: boolean): Style {
  return {
    enabled,
    bold: sgr(enabled, 1, 22),
    dim: sgr(enabled, 2, 22),
    red: sgr(enabled, 31, 39),
    green: sgr(enabled, 32, 39),
    yellow: sgr(enabled, 33, 39),
    blue: sgr(enabled, 34, 39),
    magenta: sgr(enabled, 35, 39),
    cyan: sgr(enabled, 36, 39),
  };
}

export const plain = createStyle(false);

/** For tests and width maths: the text as a terminal would show it. */
export function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching escape sequences is the point
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
}
