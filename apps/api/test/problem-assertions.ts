import { expect } from "bun:test";
import type { Sent } from "./support.ts";

/** The reason phrases RFC 9457 `about:blank` problems carry as `title`. */
export const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/**
 * Asserts an RFC 9457 answer: status, the problem+json media type, an X-Request-Id header
 * equal to the body's `request_id`, and the `type`/`title`/`status`/`detail` fields.
 * `errors`, when given, must equal the body's field errors exactly.
 */
export function expectProblem(
  sent: Sent,
  status: number,
  detail: string,
  errors?: { path: string; message: unknown }[],
) {
  expect({ status: sent.status, body: sent.body }).toMatchObject({
    status,
    body: { type: "about:blank", title: TITLES[status], status, detail },
  });
  expect(sent.headers.get("content-type")).toBe("application/problem+json");
  const requestId = sent.headers.get("x-request-id");
  expect(requestId).toBeTruthy();
  expect(sent.body.request_id).toBe(requestId);
  if (errors) expect(sent.body.errors).toEqual(errors);
  else if (status !== 422) expect(sent.body.errors).toBeUndefined();
}

/** A success: the status, a JSON media type and an X-Request-Id header. */
export function expectJson(sent: Sent, status: number) {
  expect({ status: sent.status, body: sent.body }).toMatchObject({ status });
  expect(sent.headers.get("content-type")).toStartWith("application/json");
  expect(sent.headers.get("x-request-id")).toBeTruthy();
}

/** The body without its per-request `request_id`, to compare two problems. */
export function withoutRequestId(body: Record<string, unknown>) {
  const { request_id: _ignored, ...rest } = body;
  return rest;
}
