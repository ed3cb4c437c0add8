/**
 * The checker: given the log since a challenge started, solved or not yet, and in words what
 * it saw ("POST /users/ answered 422 Unprocessable Content, not 415") or, after a step on the
 * way, what it still waits for. Only the API's own record counts, never what the learner's
 * shell printed.
 */
import { reasonPhrase } from "../phrases.ts";
import { fill, type Vars } from "../template.ts";
import type { LogEntry, Verdict, Want } from "./model.ts";

const code = (status: number) => `${status} ${reasonPhrase(status)}`;

/** `POST /users/ → 415 Unsupported Media Type`, `… → 401 "Invalid token"`. */
export function describeWant(want: Want, vars: Vars = {}): string {
  const path =
    want.path === undefined
      ? "any path"
      : typeof want.path === "string"
        ? want.path
        : pathPattern(want.path);
  const route =
    want.method === undefined && want.path === undefined
      ? "any request"
      : `${want.method ?? "any method"} ${path}`;
  const query = Object.entries(want.query ?? {})
    .map(([k, v]) => `${k}=${fill(v, vars)}`)
    .join("&");
  const times = want.times && want.times > 1 ? ` ×${want.times}` : "";
  const detail = want.detail ? ` "${want.detail}"` : "";
  const also = want.also ? ` (${want.also.says})` : "";
  const status = want.status === undefined ? "any status" : code(want.status);
  return `${route}${query ? `?${query}` : ""} → ${status}${detail}${times}${also}`;
}

/**
 * `/^\/users\/\d+$/` → `/users/{id}`: how a person writes a path with an id; one choice
 * `(\d+|me)` becomes two paths, `/users/{id} or /users/me`.
 */
function pathPattern(pattern: RegExp): string {
  const path = pattern.source
    .replace(/^\^|\$$/g, "")
    .replace(/\\d\+|\[\^\/\]\+/g, "{id}")
    .replace(/\\\//g, "/");
  const choice = path.match(/^([^()]*)\(([^()]*)\)([^()]*)$/);
  if (!choice) return path;
  const [, before, options = "", after] = choice;
  return options
    .split("|")
    .map((option) => `${before}${option}${after}`)
    .join(" or ");
}

/** `GET /users/me → 401 Unauthorized ("Invalid token")`: one line of the log, for people. */
export function describeEntry(entry: LogEntry): string {
  const query = entry.query ? `?${entry.query}` : "";
  // A detail that only repeats the reason phrase ("Method Not Allowed") says nothing more.
  const detail =
    entry.detail && entry.detail !== reasonPhrase(entry.status) ? ` (${entry.detail})` : "";
  return `${entry.method} ${entry.path}${query} → ${code(entry.status)}${detail}`;
}

function queryOf(entry: LogEntry): URLSearchParams {
  return new URLSearchParams(entry.query);
}

/** A path as this API routes it: a trailing slash makes no difference (`/users` is `/users/`). */
export function routePath(path: string): string {
  return path.replace(/(.)\/+$/, "$1");
}

export function samePath(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && routePath(a) === routePath(b);
}

/**
 * Same route (method and path): the answer the learner got where this want looks. A HEAD is
 * the GET without its body (RFC 9110 §9.3.2), so `curl -I` counts as the GET.
 */
function sameRoute(want: Want, entry: LogEntry): boolean {
  const method = entry.method === "HEAD" ? "GET" : entry.method;
  if (want.method && want.method !== method && want.method !== entry.method) return false;
  if (want.path === undefined) return true;
  return typeof want.path === "string"
    ? samePath(want.path, entry.path)
    : want.path.test(routePath(entry.path));
}

/** Why `entry` is not the request `want` names (another client's, by its query marker). */
function queryMiss(want: Want, entry: LogEntry, vars: Vars): string | undefined {
  for (const [name, value] of Object.entries(want.query ?? {})) {
    const expected = fill(value, vars);
    const sent = queryOf(entry).get(name);
    if (sent !== expected) {
      return `${name} was ${sent === null ? "missing" : `"${sent}"`}, not "${expected}"`;
    }
  }
  return undefined;
}

/** Why `entry` does not meet `want` (same route assumed), or undefined when it does. */
function miss(want: Want, entry: LogEntry, vars: Vars, earlier: LogEntry[]): string | undefined {
  const query = queryMiss(want, entry, vars);
  if (query) return query;
  if (want.status !== undefined && entry.status !== want.status) {
    return `answered ${code(entry.status)}, not ${want.status}`;
  }
  // A HEAD's answer has no body to carry a detail: its status says what it can.
  if (want.detail !== undefined && entry.method !== "HEAD" && entry.detail !== want.detail) {
    return `answered ${entry.status} "${entry.detail ?? ""}", not "${want.detail}"`;
  }
  if (want.also && !want.also.test(entry, earlier)) return `not ${want.also.says}`;
  return undefined;
}

/**
 * A success the want does not count is a step on the way, not a mistake: the login before a
 * refresh, the refresh before its replay, a sign-up before its 409. Tasks ask for such steps,
 * so "not yet" must not blame them; another client's request (its marker) is still a miss.
 */
function onTheWay(want: Want, entry: LogEntry, vars: Vars): boolean {
  return entry.status >= 200 && entry.status < 300 && !queryMiss(want, entry, vars);
}

/**
 * Reads `entries` (the log since the challenge started) against `goal`, in order. Solved when
 * any choice of entries meets the wants in turn, not only the earliest: a learner who got the
 * first part on the wrong path (`GET /users/1 → 401`) can do it again on the right one.
 */
export function check(goal: Want[], entries: LogEntry[], vars: Vars = {}): Verdict {
  const search: Search = { goal, entries, vars, furthest: { met: [], next: 0 } };
  const solution = meet(search, 0, []);
  if (solution) return { solved: true, saw: solution.map(describeEntry), met: solution };
  return progress(search);
}

interface Search {
  goal: Want[];
  entries: LogEntry[];
  vars: Vars;
  /** The most wants any choice met, and where the next one is looked for: what "not yet" reports. */
  furthest: { met: LogEntry[]; next: number };
}

/**
 * The entries that meet the goal from want `met.length` on, looking at `entries[from…]`, or
 * undefined. A want's `also` may read the entries met before it, so a later candidate is tried
 * when the first leads nowhere; once no `also` is left, the earliest match is as good as any.
 */
function meet(search: Search, from: number, met: LogEntry[]): LogEntry[] | undefined {
  const { goal, entries, vars } = search;
  // The deepest choice, and of those the first found: the earliest entries, as the learner
  // made them (a later tie would hide why the last answer did not count).
  if (met.length > search.furthest.met.length) search.furthest = { met, next: from };
  const want = goal[met.length];
  if (!want) return met;
  const earliestIsBest = goal.slice(met.length).every((w) => !w.also);
  let count = 0;
  for (let i = from; i < entries.length; i++) {
    const entry = entries[i] as LogEntry;
    if (!sameRoute(want, entry) || miss(want, entry, vars, met)) continue;
    if (++count < (want.times ?? 1)) continue;
    const found = meet(search, i + 1, [...met, entry]);
    if (found || earliestIsBest) return found;
  }
  return undefined;
}

/**
 * How far the goal got and, in words, why the last answer that bears on the next want missed
 * it; when none did (nothing yet, steps on the way, other routes), what that want awaits.
 */
function progress({ goal, entries, vars, furthest }: Search): Verdict {
  const { met, next } = furthest;
  const want = goal[met.length] as Want;
  let count = 0;
  let why: string | undefined;
  for (const entry of entries.slice(next)) {
    if (!sameRoute(want, entry)) continue;
    const missed = miss(want, entry, vars, met);
    if (!missed) count++;
    why =
      missed && !onTheWay(want, entry, vars)
        ? `${entry.method} ${entry.path} ${missed}`
        : undefined;
  }
  const times = want.times ?? 1;
  const sofar = count > 0 ? `; ${count} of ${times} so far` : "";
  if (why) return { solved: false, met: met.length, saw: `${why}${sofar}`, missed: true };
  const awaited = `waiting for: ${describeWant(want, vars)}${sofar}`;
  return { solved: false, met: met.length, saw: awaited, missed: false };
}
