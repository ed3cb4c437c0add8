import {
  type ErrorStatusCode,
  type FieldError,
  type Problem,
  STATUS_CATALOG,
  statusEntry,
} from "@statuslab/contracts";

/**
 * An error that already knows its HTTP answer. Services throw the named subclasses
 * below (every named one lives in this file); the one error handler (errors.ts) turns
 * every one of them into problem+json. `status` must be an error code of the catalog.
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: ErrorStatusCode,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
    readonly errors?: FieldError[],
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export class EmailTakenError extends HttpProblem {
  constructor() {
    super(409, "Email already registered");
  }
}

export class UserNotFoundError extends HttpProblem {
  constructor() {
    super(404, "User not found");
  }
}

export class ForbiddenError extends HttpProblem {
  constructor() {
    super(403, "Not enough permissions");
  }
}

/** Token-endpoint answers, errors included, must never be cached (RFC 6749 §5.1). */
export const NO_STORE = { "cache-control": "no-store", pragma: "no-cache" };

export class IncorrectCredentialsError extends HttpProblem {
  constructor() {
    super(401, "Incorrect email or password", { "www-authenticate": "Bearer", ...NO_STORE });
  }
}

/** Too many failed logins for this account or address: wait, then try again. */
export class TooManyLoginAttemptsError extends HttpProblem {
  constructor(retryAfterSeconds: number) {
    super(429, "Too many failed login attempts; try again later", {
      "retry-after": String(retryAfterSeconds),
      ...NO_STORE,
    });
  }
}

const REFRESH_FAILURES = {
  unknown: "Invalid refresh token",
  expired: "Refresh token expired",
  revoked: "Refresh token revoked",
  reused: "Refresh token already used: every session of that login has been ended",
} as const;

/** A refresh token that cannot be spent; `reused` means its whole family was just revoked. */
export class RefreshTokenRejectedError extends HttpProblem {
  constructor(readonly reason: keyof typeof REFRESH_FAILURES) {
    super(401, REFRESH_FAILURES[reason], { "www-authenticate": "Bearer", ...NO_STORE });
  }
}

/** A field the chosen grant needs is missing: the same 422 shape the schemas produce. */
export class MissingFieldsError extends HttpProblem {
  constructor(fields: string[]) {
    super(
      422,
      "Invalid request body",
      NO_STORE,
      fields.map((field) => ({ path: `/${field}`, message: "is required" })),
    );
  }
}

export class RateLimitedError extends HttpProblem {
  constructor(headers: Record<string, string>) {
    super(429, "Rate limit exceeded", headers);
  }
}

/** Too many sign-ups from one address (SIGNUP_RATE_LIMIT); `headers` carry RateLimit and Retry-After. */
export class TooManySignUpsError extends HttpProblem {
  constructor(headers: Record<string, string>) {
    super(429, "Too many sign-ups from your address; try again later", headers);
  }
}

/** The password-hashing queue for sign-ups or for logins is full: refused at once, never queued. */
export class HashingBusyProblem extends HttpProblem {
  constructor(retryAfterSeconds: number) {
    super(503, "Too many passwords are being checked right now; try again shortly", {
      "retry-after": String(retryAfterSeconds),
    });
  }
}

/** The shared rate-limit store (Redis) cannot decide: the limited route fails closed. */
export class RateLimiterUnavailableError extends HttpProblem {
  constructor(retryAfterSeconds: number) {
    super(503, "Rate limiter unavailable", { "retry-after": String(retryAfterSeconds) });
  }
}

export class PayloadTooLargeError extends HttpProblem {
  constructor(limitBytes: number) {
    super(413, `Request body is larger than ${limitBytes} bytes`);
  }
}

/** Names what the route takes: `Accept-Patch` on a PATCH (RFC 5789 §2.2), else `Accept-Post`. */
export class UnsupportedMediaTypeError extends HttpProblem {
  constructor(expected: string, method: string) {
    const header = method.toUpperCase() === "PATCH" ? "accept-patch" : "accept-post";
    super(415, `Send the body as ${expected}`, { [header]: expected });
  }
}

export class MalformedBodyError extends HttpProblem {
  constructor(what: string) {
    super(400, `Malformed ${what} body`);
  }
}

/** A Host header that makes no URL (RFC 9112 §3.2: 400). */
export class InvalidHostError extends HttpProblem {
  constructor() {
    super(400, "Invalid Host header");
  }
}

/** The body did not arrive within BODY_TIMEOUT; the connection is closed (RFC 9110 §15.5.9). */
export class RequestTimeoutError extends HttpProblem {
  constructor(timeoutMs: number) {
    super(408, `Request body not received within ${timeoutMs / 1000} s`, { connection: "close" });
  }
}

const BEARER_INVALID = 'Bearer error="invalid_token"';

/** No `Authorization` header, or not the Bearer scheme. */
export class NotAuthenticatedProblem extends HttpProblem {
  constructor() {
    super(401, "Not authenticated", { "www-authenticate": "Bearer" });
  }
}

/** A genuine access token past its `exp`. */
export class TokenExpiredProblem extends HttpProblem {
  constructor() {
    super(401, "Token expired", {
      "www-authenticate": `${BEARER_INVALID}, error_description="The access token expired"`,
    });
  }
}

/** Malformed, forged, another algorithm or no `exp`. */
export class InvalidTokenProblem extends HttpProblem {
  constructor() {
    super(401, "Invalid token", { "www-authenticate": BEARER_INVALID });
  }
}

/** A genuine token whose subject no longer exists, or a token of the wrong kind. */
export class CredentialsRejectedError extends HttpProblem {
  constructor() {
    super(401, "Could not validate credentials", { "www-authenticate": BEARER_INVALID });
  }
}

/** The database is locked, full, unreadable or unreachable: it recovers by itself. */
export class DatabaseUnavailableProblem extends HttpProblem {
  constructor(retryAfterSeconds: number) {
    super(503, "Database unavailable", { "retry-after": String(retryAfterSeconds) });
  }
}

/** Input that breaks its schema: where and what, never the value sent. */
export class ValidationProblem extends HttpProblem {
  constructor(detail: string, errors: FieldError[], headers: Record<string, string> = {}) {
    super(422, detail, headers, errors);
  }
}

/** A known path with a method none of its routes takes. */
export class MethodNotAllowedError extends HttpProblem {
  constructor(allowed: readonly string[]) {
    super(405, "Method Not Allowed", { allow: allowed.join(", ") });
  }
}

/** A path no route matches, or a file /docs/assets does not serve. */
export class RouteNotFoundError extends HttpProblem {
  constructor() {
    super(404, "Not Found");
  }
}

/** Our bug: the client learns nothing of it, the log learns everything. */
export class InternalServerError extends HttpProblem {
  constructor() {
    super(500, "Internal Server Error");
  }
}

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** The reason phrase the catalog gives a code; a code it lacks is never sent (a test holds it). */
export const reasonPhrase = (status: number): string => statusEntry(status)?.phrase ?? "Error";

/** The OpenAPI example detail of an error code, from the catalog. */
export const exampleDetail = (status: number): string =>
  statusEntry(status)?.problem?.detail ?? reasonPhrase(status);

export function problemBody(
  status: ErrorStatusCode,
  detail: string,
  extra: { instance?: string; requestId?: string; errors?: FieldError[] } = {},
): Problem {
  const { type, title } = STATUS_CATALOG[status].problem;
  const body: Problem = { type, title, status, detail };
  if (extra.instance) body.instance = extra.instance;
  if (extra.requestId) body.request_id = extra.requestId;
  if (extra.errors) body.errors = extra.errors;
  return body;
}
