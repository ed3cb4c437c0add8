import { STATUS_CODES } from "node:http";
import type { FieldError, Problem } from "@statuslab/contracts";

/**
 * An error that already knows its HTTP answer. Services throw the named subclasses
 * below; the one error handler turns every one of them into problem+json.
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
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

export class IncorrectCredentialsError extends HttpProblem {
  constructor() {
    super(401, "Incorrect email or password", { "www-authenticate": "Bearer" });
  }
}

export class RateLimitedError extends HttpProblem {
  constructor(headers: Record<string, string>) {
    super(429, "Rate limit exceeded", headers);
  }
}

export class PayloadTooLargeError extends HttpProblem {
  constructor(limitBytes: number) {
    super(413, `Request body is larger than ${limitBytes} bytes`);
  }
}

export class UnsupportedMediaTypeError extends HttpProblem {
  constructor(expected: string) {
    super(415, `Send the body as ${expected}`, { "accept-post": expected });
  }
}

export class MalformedBodyError extends HttpProblem {
  constructor(what: string) {
    super(400, `Malformed ${what} body`);
  }
}

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export function problemBody(
  status: number,
  detail: string,
  extra: { instance?: string; requestId?: string; errors?: FieldError[] } = {},
): Problem {
  const body: Problem = {
    type: "about:blank",
    title: STATUS_CODES[status] ?? "Error",
    status,
    detail,
  };
  if (extra.instance) body.instance = extra.instance;
  if (extra.requestId) body.request_id = extra.requestId;
  if (extra.errors) body.errors = extra.errors;
  return body;
}
