/**
 * Challenges are data, like the lessons: a task the learner solves by hand (curl, the `.http`
 * files, Swagger UI), a goal the API's own request log can confirm, hints, and a reference
 * solution that `--auto` plays through the same check.
 */
import type { JwtParts } from "../forge-token.ts";
import type { HttpMethod, Power, RequestSpec } from "../model.ts";

/** One answer of the in-process API, as its access log wrote it, plus what the checks read. */
export interface LogEntry {
  /** Position in the log, from 1: a challenge counts only entries after its start. */
  seq: number;
  method: string;
  /** As the access log writes it: no query string. */
  path: string;
  status: number;
  request_id: string;
  /** The query string as sent (`client_id=…`), for the rate-limit challenge's marker. */
  query: string;
  /** Body fields the checks read (`grant_type`, `email`), from a small form or JSON body. */
  fields: Record<string, string>;
  /** The bearer token the request presented, when it was a JWT. */
  presented?: JwtParts;
  /**
   * The token this API issued (at any time since it started) that the presented one shares its
   * header and signature with: the same token, or one edited from it without the key.
   */
  presentedOriginal?: JwtParts;
  /** The access token the answer issued (a sign-up's `token`, a login's `access_token`). */
  issued?: JwtParts;
  /** The problem+json `detail`, when the answer was an error. */
  detail?: string;
  /** Response headers the checks read (lower-case names): allow, retry-after, … */
  headers: Record<string, string>;
}

/**
 * One thing the log must show, in order after the previous one. Strings may hold `{{mark}}`,
 * the short id fresh for each attempt at a challenge.
 */
export interface Want {
  method?: HttpMethod;
  /** The exact path, or a pattern for paths with ids (`/^\/users\/\d+$/`); any when absent. */
  path?: string | RegExp;
  /** Any status when absent (then `also` says what counts). */
  status?: number;
  /** The problem detail must be exactly this. */
  detail?: string;
  /** A query parameter that must have this value (the access log drops the query). */
  query?: Record<string, string>;
  /** This many matching answers (default 1). */
  times?: number;
  /** A further condition on the entry, given the entries that met the earlier wants. */
  also?: { says: string; test: (entry: LogEntry, earlier: LogEntry[]) => boolean };
}

/** A request of the reference solution, sent as a lesson step is (`{{name}}` placeholders). */
export interface SolutionStep {
  /** Run before the request, as a lesson step's are (e.g. `forge-token`, what a learner edits). */
  before?: Power[];
  request: RequestSpec;
  /** Variable name → `/json/pointer` into the body, or `header:<name>`. */
  capture?: Record<string, string>;
  repeat?: number;
}

export interface Challenge {
  /** Unique across all challenges, kebab-case. */
  id: string;
  lessonId: string;
  /** Short, imperative: "make the API answer 415". */
  title: string;
  /** What to do, in a paragraph; may use `{{mark}}`. */
  task: string;
  /** Shown one at a time on `h`, mildest first. */
  hints: string[];
  goal: Want[];
  /**
   * The runner holds the database's write lock from the start (as another process would) and
   * lets go once the log shows this many wants met: the outage lesson's 503, then its retry.
   */
  lockDatabase?: { releaseAfter: number };
  /** What the learner should notice once it is solved. */
  lesson: string;
  /**
   * Asked once it is solved, to check the learner read the answer (e.g. its `Retry-After`):
   * the right answer comes from the entries that met the goal, one per want.
   */
  question?: { ask: string; answer: (met: LogEntry[]) => string | undefined };
  solution: SolutionStep[];
}

export type Verdict =
  | { solved: true; saw: string[]; met: LogEntry[] }
  /**
   * `met`: how many wants the log already shows; `saw`: why the last answer that bears on the
   * next want missed it (`missed`), or else what that want awaits (`waiting for: …`).
   */
  | { solved: false; met: number; saw: string; missed: boolean };
