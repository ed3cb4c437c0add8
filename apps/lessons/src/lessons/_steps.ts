/**
 * Builders for the steps many lessons take on the way to their point: signing someone up,
 * logging in, asking `GET /users/me`, refreshing, the admin logging in. Each returns a plain
 * step. The request and the expectation are the same wherever the step appears, so they are
 * written here once; the words (story, why, hint) and what is captured belong to the lesson
 * and are always passed in. A step that differs in anything else is written out in its lesson.
 */
import { TokenResponse, UserPublic, UserRegistered } from "@statuslab/contracts";
import { bearer } from "../api-call.ts";
import type { ApiCall, Expectation, StepSource } from "../model.ts";
import { JSON_BODY, tokenPair, USER_LOCATION } from "./_expect.ts";

/** What the learner reads around a step's request. */
interface Words {
  story: string;
  why: string;
  clientShould?: string;
  hint: string;
  /**
   * `true`: on the way to the lesson's point, not the point. `false`: the point, although an
   * earlier lesson showed the same request and code (see `Step.setup`).
   */
  setup?: boolean;
}

/** The words of a step, and its `setup` flag when it has one. */
function wordsOf(options: Words): Pick<StepSource, "story" | "explain" | "hint" | "setup"> {
  return {
    story: options.story,
    explain: explain(options.why, options.clientShould),
    hint: options.hint,
    ...(options.setup !== undefined && { setup: options.setup }),
  };
}

/** Variable name → `/json/pointer` into the body, as in `Step.capture`. */
type Capture = Record<string, string>;

function explain(why: string, clientShould: string | undefined): StepSource["explain"] {
  return clientShould === undefined ? { why } : { why, clientShould };
}

/** The account of `who` in a lesson: an address unique to the run. */
const emailOf = (who: string) => `${who}-{{run}}@example.com`;

/** `who` as a title writes a person: `dana` → `Dana`. */
const nameOf = (who: string) => who.charAt(0).toUpperCase() + who.slice(1);

/** The password `who` signs up with, unless the lesson says otherwise. */
const passwordOf = (who: string) => `${who}-password-1`;

const NEW_USER = "A new user was created: 201 Created with `Location`.";

export interface SignUpOptions extends Omit<Words, "why"> {
  /** Default `sign-up`. */
  id?: string;
  /** Default `sign up <Who>`. */
  title?: string;
  /** Default `<who>-password-1`. */
  password?: string;
  /** Checked in the body besides the schema, e.g. `{ "/user/role": "user" }`. */
  body?: Record<string, unknown>;
  /** E.g. `{ token: "/token", emilId: "/user/id" }`. */
  capture?: Capture;
  /** Default: "A new user was created: 201 Created with `Location`." */
  why?: string;
}

/**
 * `who` signs up: `POST /users/` with `<who>-{{run}}@example.com` as JSON, answered 201 with
 * `Location` and a `UserRegistered` body.
 */
export function signUp(who: string, options: SignUpOptions): StepSource {
  const { body, capture } = options;
  return {
    id: options.id ?? "sign-up",
    title: options.title ?? `sign up ${nameOf(who)}`,
    request: (api) =>
      api.users.post({ email: emailOf(who), password: options.password ?? passwordOf(who) }),
    expect: {
      status: 201,
      headers: { location: USER_LOCATION, "content-type": JSON_BODY },
      ...(body && { body }),
      schema: UserRegistered,
    },
    ...(capture && { capture }),
    ...wordsOf({ ...options, why: options.why ?? NEW_USER }),
  };
}

export interface LogInOptions extends Words {
  /** Default `log-in`. */
  id?: string;
  /** Default `log in`. */
  title?: string;
  /** Default `<who>-{{run}}@example.com`; another spelling of it, say. */
  email?: string;
  /** Default `tokenPair()`, as the session lessons check it; the first lessons use `tokenIssued()`. */
  expect?: Expectation;
  capture?: Capture;
}

/**
 * `who` logs in with the password they signed up with: `POST /token` with the OAuth2
 * password form, answered 200 with tokens.
 */
export function logIn(who: string, options: LogInOptions): StepSource {
  const { capture } = options;
  return {
    id: options.id ?? "log-in",
    title: options.title ?? "log in",
    request: (api) =>
      api.token.post({ username: options.email ?? emailOf(who), password: passwordOf(who) }),
    expect: options.expect ?? tokenPair(),
    ...(capture && { capture }),
    ...wordsOf(options),
  };
}

/**
 * The admin logs in with the operator's `ADMIN_EMAIL`/`ADMIN_PASSWORD` and keeps the access
 * token as `adminToken`. Needs the admin, like every step that uses the token.
 */
export function adminLogIn(options: Words): StepSource {
  return {
    id: "admin-logs-in",
    title: "the admin logs in",
    request: (api) => api.token.post({ username: "{{adminEmail}}", password: "{{adminPassword}}" }),
    expect: {
      status: 200,
      headers: { "cache-control": "no-store", "content-type": JSON_BODY },
      schema: TokenResponse,
    },
    capture: { adminToken: "/access_token" },
    needsAdmin: true,
    ...wordsOf(options),
  };
}

export interface WhoAmIOptions extends Words {
  id: string;
  title: string;
}

/** `GET /users/me` with the access token in variable `token`, answered 200 with a `UserPublic`. */
export function whoAmI(token: string, options: WhoAmIOptions): StepSource {
  return {
    id: options.id,
    title: options.title,
    request: (api) => api.users.me.get(bearer(token)),
    expect: { status: 200, headers: { "content-type": JSON_BODY }, schema: UserPublic },
    ...wordsOf(options),
  };
}

/**
 * The OAuth2 refresh grant (RFC 6749 §6): `POST /token` with the refresh token held in
 * variable `refreshToken`. Only the request, for steps whose answer is a refusal.
 */
export function refreshGrant(refreshToken: string): ApiCall {
  return (api) =>
    api.token.post({ grant_type: "refresh_token", refresh_token: `{{${refreshToken}}}` });
}

export interface RefreshOptions extends Words {
  id: string;
  title: string;
  capture?: Capture;
}

/** A refresh that works: `refreshGrant(refreshToken)`, answered 200 with a new pair. */
export function refresh(refreshToken: string, options: RefreshOptions): StepSource {
  const { capture } = options;
  return {
    id: options.id,
    title: options.title,
    request: refreshGrant(refreshToken),
    expect: tokenPair(),
    ...(capture && { capture }),
    ...wordsOf(options),
  };
}
