/**
 * The lessons are data: one typed description of each scenario, from which the runner
 * replays it, `--auto` verifies it, and `docs/lessons/` (markdown and .http files) is
 * generated. Nothing about a scenario is written twice.
 */
import type { TSchema } from "@sinclair/typebox";
import type { Client } from "@statuslab/client";

export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS";

/**
 * Strings may contain `{{name}}` placeholders, filled from the variables of the run: what
 * earlier steps captured, plus built-ins (`{{run}}` a short id unique to this run, so emails
 * never clash with an earlier run against the same API; `{{adminEmail}}`, `{{adminPassword}}`).
 */
export interface RequestSpec {
  method: HttpMethod;
  path: string;
  headers?: Record<string, string>;
  /** A variable holding an access token: sent as `Authorization: Bearer <token>`. */
  bearer?: string;
  /** Exactly one body kind at most. */
  json?: unknown;
  form?: Record<string, string>;
  /** For bodies no well-behaved client sends: malformed JSON, the wrong media type. */
  raw?: { contentType: string; body: string };
  /** A body of this many bytes (spaces inside a JSON string), for the 413 lesson. */
  oversizedJsonBytes?: number;
}

/**
 * A well-formed request, written as one call of the API's typed client, with `{{name}}`
 * placeholders in its strings: `(api) => api.users.post({ email: "a-{{run}}@example.com", … })`.
 * A wrong path or body field does not compile. It is recorded once, through the client's
 * fetcher, into the `RequestSpec` it sends (`api-call.ts`), so runner and docs see plain data.
 */
export type ApiCall = (api: Client) => Promise<unknown>;

/** `"present"`/`"absent"` test existence; a RegExp must match; a string must be equal. */
export type HeaderExpectation = string | RegExp | "present" | "absent";

export interface Expectation {
  status: number;
  /** Header names in lower case. */
  headers?: Record<string, HeaderExpectation>;
  /** JSON Pointer (RFC 6901) into the response body → the value expected there. */
  body?: Record<string, unknown>;
  /** The whole body must validate against this contract schema (from @statuslab/contracts). */
  schema?: TSchema;
  /** The body must be empty (204, HEAD). */
  emptyBody?: boolean;
}

/** What a step may need beyond HTTP: only the in-process runner has these powers. */
export type Power =
  | { power: "lock-database" }
  | { power: "unlock-database" }
  /** Mint an access token for the user id in variable `userId` that expired a minute ago. */
  | { power: "mint-expired-token"; userId: string; into: string }
  /**
   * Tamper as anyone can, without the key: the access token in variable `token`, its payload
   * decoded, `sub` set to the id in variable `userId`, re-encoded, the old signature kept.
   */
  | { power: "forge-token"; token: string; userId: string; into: string };

/** A line of the API's source: `apps/api/src/modules/users/service.ts` and 1-based `line`. */
export interface CodeLink {
  file: string;
  line: number;
}

export interface Step {
  /** Unique within the lesson, kebab-case. */
  id: string;
  /**
   * Short, for the `✓ 409 Conflict — duplicate email` line: lower case but for what is written
   * capitalised elsewhere (names of people, JWT, Swagger UI, `GET`, `Retry-After`).
   */
  title: string;
  /** One paragraph: what we are about to do and what we expect to learn. */
  story: string;
  request: RequestSpec;
  /** Send the request this many times; every answer must meet `expect` (default 1). */
  repeat?: number;
  expect: Expectation;
  /** Variable name → `/json/pointer` into the body, or `header:<name>`. */
  capture?: Record<string, string>;
  /** Why this API answers with this code here, and what a client should do about it. */
  explain: { why: string; clientShould?: string };
  /** Shown when the learner presses `h`. */
  hint: string;
  /** Run before sending (e.g. lock the database) and after the answer (unlock it). */
  before?: Power[];
  after?: Power[];
  /** Needs the admin account (`ADMIN_EMAIL`/`ADMIN_PASSWORD` with `--url`). */
  needsAdmin?: boolean;
  /** Skipped by `--auto` (e.g. waiting out a rate-limit window). */
  optional?: boolean;
  /** Before sending, count down the `Retry-After` seconds of the previous answer. */
  waitForRetryAfter?: boolean;
  /**
   * Only prepares state the lesson reuses (a sign-up): the runner asks no prediction and
   * explains it in one line. Default: a step whose method, path and status an earlier lesson
   * showed (dependencies.ts); `false` keeps such a step one to predict, when its point is new
   * (the same `GET /users/me`, now after a replay).
   */
  setup?: boolean;
  /**
   * Only when code-links.ts finds several places in apps/api that could answer this status:
   * a fragment of the one line that does, e.g. `"caller.role !== role"`, and, when even that
   * fragment recurs, the function the line is in.
   */
  chosenBy?: string | { in: string; line: string };
  /** Where apps/api picks this step's status: found in the source when the lessons load. */
  chosenAt?: CodeLink;
}

/** A step as a lesson file writes it: a typed call, or a raw `RequestSpec` (say why). */
export type StepSource = Omit<Step, "request" | "chosenAt"> & { request: ApiCall | RequestSpec };

/** A lesson as its file writes it; `lessons/index.ts` records its typed calls into a `Lesson`. */
export type LessonSource = Omit<Lesson, "steps"> & { steps: StepSource[] };

export interface Lesson {
  /** kebab-case; also the file name under docs/lessons/. */
  id: string;
  title: string;
  /** Two or three sentences: what the learner will see and why it matters. */
  intro: string;
  steps: Step[];
  /** A closing paragraph: what to remember. */
  takeaway: string;
  /**
   * Values the generated docs show for placeholders (`{{userId}}` → `"2"`), where the
   * runner's guesses (see `examples.ts`) would read badly. Never used when running.
   */
  examples?: Record<string, string>;
}

/** One page of docs/status-codes/, shown by the runner after each answer with that code. */
export interface StatusCodeDoc {
  code: number;
  phrase: string;
  /** What the code means, in our own words (facts from the RFC). */
  meaning: string;
  /** Where this API uses it. */
  inThisApi: string;
  /** What a client should do when it gets one. */
  clientShould: string;
  /** The defining document, e.g. `{ name: "RFC 9110", section: "15.5.2", url }`. */
  rfc: { name: string; section: string; url: string };
  mdn: string;
  /** When this API sends it, in one sentence (the status catalog's). */
  when: string;
  /** The headers the status catalog says this answer carries. */
  headers: readonly { name: string; always: boolean; why: string }[];
}
