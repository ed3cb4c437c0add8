/**
 * `{{name}}` placeholders. Lessons are data, so anything that differs between runs (a fresh
 * email, a token the previous step received) is a placeholder filled from the run's variables.
 */

/** Values are kept as captured (a user id stays a number) so a JSON body can keep the type. */
export type Vars = Record<string, unknown>;

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}$/;

/** Thrown when a placeholder has no value: the step that should have captured it did not run. */
export class MissingVariableError extends Error {
  override name = "MissingVariableError";
  constructor(readonly names: string[]) {
    super(`no value for ${names.map((n) => `{{${n}}}`).join(", ")}`);
  }
}

/** Every placeholder name used anywhere in `value` (strings, arrays, object values). */
export function placeholdersIn(value: unknown): string[] {
  const found = new Set<string>();
  const visit = (v: unknown) => {
    if (typeof v === "string") for (const m of v.matchAll(PLACEHOLDER)) found.add(m[1] as string);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === "object" && !(v instanceof RegExp)) Object.values(v).forEach(visit);
  };
  visit(value);
  return [...found];
}

function missing(value: unknown, vars: Vars): string[] {
  return placeholdersIn(value).filter((name) => vars[name] === undefined);
}

/** Fills a string; every placeholder must have a value. */
export function fill(text: string, vars: Vars): string {
  const absent = missing(text, vars);
  if (absent.length) throw new MissingVariableError(absent);
  return text.replace(PLACEHOLDER, (_, name: string) => String(vars[name]));
}

/**
 * Fills every string inside `value`. A string that is exactly one placeholder takes the
 * variable's own value, so `{"id": "{{userId}}"}` sends the number the API returned.
 */
export function fillDeep<T>(value: T, vars: Vars): T {
  const absent = missing(value, vars);
  if (absent.length) throw new MissingVariableError(absent);
  const visit = (v: unknown): unknown => {
    if (typeof v === "string") {
      const whole = v.match(WHOLE);
      return whole ? vars[whole[1] as string] : fill(v, vars);
    }
    if (Array.isArray(v)) return v.map(visit);
    if (v && typeof v === "object" && !(v instanceof RegExp)) {
      return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, visit(inner)]));
    }
    return v;
  };
  return visit(value) as T;
}

/**
 * Short, lower case, unique enough that a second run against the same API (`--url`) never
 * meets the first run's emails or rate-limit keys: 4 characters of time, 4 random.
 */
export function newRunId(now = Date.now()): string {
  const time = (Math.floor(now / 1000) % 36 ** 4).toString(36).padStart(4, "0");
  const random = Array.from(crypto.getRandomValues(new Uint8Array(4)), (b) =>
    (b % 36).toString(36),
  ).join("");
  return time + random;
}
