/** What each variable's parser shares: its result, and how a bad value is quoted in a message. */

/** A value a parser accepted, or the one line that refuses it (naming the variable). */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * A value as quoted in an error: JSON escapes keep a newline or control character from
 * breaking the message onto a second line (or forging a log line), and it is kept short.
 */
export function quoted(raw: string): string {
  return JSON.stringify(raw.length > 64 ? `${raw.slice(0, 64)}…` : raw);
}
