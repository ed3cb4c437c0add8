import { type Static, Type } from "@sinclair/typebox";

/**
 * What one status code means for this API. The catalog below is the only place a reason
 * phrase, a problem title or a required header is written down: the API's problems, the
 * OpenAPI examples, the tests' assertions, the lesson pages and docs/contract.md read it.
 */
export const StatusCatalogEntry = Type.Object(
  {
    code: Type.Integer({ minimum: 100, maximum: 599 }),
    phrase: Type.String({
      description: "The reason phrase, as RFC 9110 (or the defining RFC) names it",
    }),
    sent: Type.Boolean({ description: "false: documented for clients, never sent on purpose" }),
    when: Type.String({ description: "When this API sends it, in one sentence" }),
    headers: Type.Readonly(
      Type.Array(
        Type.Object({
          name: Type.String(),
          always: Type.Boolean({ description: "On every such answer, or only on some routes" }),
          why: Type.String(),
        }),
      ),
    ),
    rfc: Type.Object({ document: Type.String(), section: Type.String(), url: Type.String() }),
    problem: Type.Optional(
      Type.Object({
        type: Type.String({ description: "The RFC 9457 problem type" }),
        title: Type.String(),
        detail: Type.String({ description: "An example detail, as the OpenAPI document shows it" }),
      }),
    ),
  },
  { $id: "StatusCatalogEntry" },
);
export type StatusCatalogEntry = Static<typeof StatusCatalogEntry>;

const rfc9110 = (section: string) =>
  ({
    document: "RFC 9110",
    section,
    url: `https://www.rfc-editor.org/rfc/rfc9110#section-${section}`,
  }) as const;

const RETRY_AFTER = {
  name: "Retry-After",
  always: true,
  why: "whole seconds to wait before trying again",
} as const;

export const STATUS_CATALOG = {
  200: {
    code: 200,
    phrase: "OK",
    sent: true,
    when: "A read, a login or refresh, a logout, a role change: the request worked.",
    headers: [],
    rfc: rfc9110("15.3.1"),
  },
  201: {
    code: 201,
    phrase: "Created",
    sent: true,
    when: "A sign-up (`POST /users/`) or a new item (`POST /users/me/items`).",
    headers: [
      {
        name: "Location",
        always: false,
        why: "the new user's URL, on sign-up; an item has no URL of its own",
      },
    ],
    rfc: rfc9110("15.3.2"),
  },
  204: {
    code: 204,
    phrase: "No Content",
    sent: true,
    when: "A deleted user (`DELETE /users/{id}`) and an allowed CORS preflight: no body at all.",
    headers: [],
    rfc: rfc9110("15.3.5"),
  },
  400: {
    code: 400,
    phrase: "Bad Request",
    sent: true,
    when: "A body that does not parse (malformed JSON, bytes that are not UTF-8), or a Host header that makes no URL.",
    headers: [],
    rfc: rfc9110("15.5.1"),
    problem: { type: "about:blank", title: "Bad Request", detail: "Malformed JSON body" },
  },
  401: {
    code: 401,
    phrase: "Unauthorized",
    sent: true,
    when: "A protected route without a valid access token, a wrong login, or a refresh token that cannot be spent.",
    headers: [
      { name: "WWW-Authenticate", always: true, why: "the Bearer challenge (RFC 6750 §3)" },
    ],
    rfc: rfc9110("15.5.2"),
    problem: { type: "about:blank", title: "Unauthorized", detail: "Not authenticated" },
  },
  403: {
    code: 403,
    phrase: "Forbidden",
    sent: true,
    when: "A signed-in user without the admin role on an admin route, or deleting someone else.",
    headers: [],
    rfc: rfc9110("15.5.4"),
    problem: { type: "about:blank", title: "Forbidden", detail: "Not enough permissions" },
  },
  404: {
    code: 404,
    phrase: "Not Found",
    sent: true,
    when: "An unknown path, a user id that does not exist, or another user's id asked by a non-admin.",
    headers: [],
    rfc: rfc9110("15.5.5"),
    problem: { type: "about:blank", title: "Not Found", detail: "User not found" },
  },
  405: {
    code: 405,
    phrase: "Method Not Allowed",
    sent: true,
    when: "A known path with a method no route of it takes.",
    headers: [{ name: "Allow", always: true, why: "the methods the path does take" }],
    rfc: rfc9110("15.5.6"),
    problem: { type: "about:blank", title: "Method Not Allowed", detail: "Method Not Allowed" },
  },
  408: {
    code: 408,
    phrase: "Request Timeout",
    sent: true,
    when: "A request body that has not fully arrived within BODY_TIMEOUT seconds.",
    headers: [
      {
        name: "Connection",
        always: true,
        why: "`close`: where the unfinished request would have ended is unknown",
      },
    ],
    rfc: rfc9110("15.5.9"),
    problem: {
      type: "about:blank",
      title: "Request Timeout",
      detail: "Request body not received within 10 s",
    },
  },
  409: {
    code: 409,
    phrase: "Conflict",
    sent: true,
    when: "A sign-up with an email already registered, in any letter case.",
    headers: [],
    rfc: rfc9110("15.5.10"),
    problem: { type: "about:blank", title: "Conflict", detail: "Email already registered" },
  },
  413: {
    code: 413,
    phrase: "Content Too Large",
    sent: true,
    when: "A request body over 64 KiB, counted while it is read.",
    headers: [],
    rfc: rfc9110("15.5.14"),
    problem: {
      type: "about:blank",
      title: "Content Too Large",
      detail: "Request body is larger than 65536 bytes",
    },
  },
  415: {
    code: 415,
    phrase: "Unsupported Media Type",
    sent: true,
    when: "A body in another format than the route takes: JSON routes take JSON, `/token` an HTML form.",
    headers: [
      { name: "Accept-Post", always: false, why: "the media type a POST route takes" },
      {
        name: "Accept-Patch",
        always: false,
        why: "the media type a PATCH route takes (RFC 5789 §2.2)",
      },
    ],
    rfc: rfc9110("15.5.16"),
    problem: {
      type: "about:blank",
      title: "Unsupported Media Type",
      detail: "Send the body as application/json",
    },
  },
  422: {
    code: 422,
    phrase: "Unprocessable Content",
    sent: true,
    when: "Input that parses but breaks its schema: the body lists each field, never the value sent.",
    headers: [],
    rfc: rfc9110("15.5.21"),
    problem: {
      type: "about:blank",
      title: "Unprocessable Content",
      detail: "Invalid request body",
    },
  },
  429: {
    code: 429,
    phrase: "Too Many Requests",
    sent: true,
    when: "Past the `/users/limited` quota, too many sign-ups from one address, or too many failed logins.",
    headers: [RETRY_AFTER],
    rfc: {
      document: "RFC 6585",
      section: "4",
      url: "https://www.rfc-editor.org/rfc/rfc6585#section-4",
    },
    problem: { type: "about:blank", title: "Too Many Requests", detail: "Rate limit exceeded" },
  },
  500: {
    code: 500,
    phrase: "Internal Server Error",
    sent: false,
    when: "Never on purpose: a 500 is a bug, answered without any internals and logged under its request id.",
    headers: [],
    rfc: rfc9110("15.6.1"),
    problem: {
      type: "about:blank",
      title: "Internal Server Error",
      detail: "Internal Server Error",
    },
  },
  503: {
    code: 503,
    phrase: "Service Unavailable",
    sent: true,
    when: "The database or the rate limiter's Redis cannot be used right now, or too many passwords are being hashed.",
    headers: [RETRY_AFTER],
    rfc: rfc9110("15.6.4"),
    problem: { type: "about:blank", title: "Service Unavailable", detail: "Database unavailable" },
  },
} as const satisfies { readonly [code: number]: StatusCatalogEntry };

type Catalog = typeof STATUS_CATALOG;

/** Every status code this API documents. */
export type StatusCode = keyof Catalog;
/** The codes answered with a problem+json body. */
export type ErrorStatusCode = {
  [K in StatusCode]: Catalog[K] extends { problem: object } ? K : never;
}[StatusCode];
/** The codes this API really sends (500 is documented, never sent on purpose). */
export type SentStatusCode = {
  [K in StatusCode]: Catalog[K] extends { sent: true } ? K : never;
}[StatusCode];

/** The catalog's codes in ascending order. */
export const STATUS_CODES_DOCUMENTED = Object.values(STATUS_CATALOG)
  .map((entry) => entry.code)
  .sort((a, b) => a - b) as StatusCode[];

export const SENT_STATUS_CODES = STATUS_CODES_DOCUMENTED.filter(
  (code) => STATUS_CATALOG[code].sent,
) as SentStatusCode[];

export const isStatusCode = (code: number): code is StatusCode =>
  Object.hasOwn(STATUS_CATALOG, code);

/** The catalog entry of any number, or undefined for a code this API does not document. */
export const statusEntry = (code: number): StatusCatalogEntry | undefined =>
  isStatusCode(code) ? STATUS_CATALOG[code] : undefined;
