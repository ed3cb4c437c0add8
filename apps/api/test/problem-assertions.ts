import { expect } from "bun:test";
import { type ErrorStatusCode, STATUS_CATALOG } from "@statuslab/contracts";
import type { Sent } from "./support.ts";

/**
 * Asserts an RFC 9457 answer: status, the problem+json media type, an X-Request-Id header
 * equal to the body's `request_id`, and the `type`/`title`/`status`/`detail` fields (`type` and
 * `title` as the status catalog gives them).
 * `errors`, when given, must equal the body's field errors exactly.
 */
export function expectProblem(
  sent: Sent,
  status: ErrorStatusCode,
  detail: string,
  errors?: { path: string; message: unknown }[],
) {
  expect({ status: sent.status, body: sent.body }).toMatchObject({
    status,
    body: { ...catalogProblem(status), status, detail },
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

function catalogProblem(status: ErrorStatusCode) {
  const { type, title } = STATUS_CATALOG[status].problem;
  return { type, title };
}
