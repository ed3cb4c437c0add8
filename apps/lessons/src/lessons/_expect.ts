/**
 * Small builders for the expectations every lesson repeats. They only return data
 * (an `Expectation`), so a lesson still reads as a plain description of a scenario.
 */
import { Problem, TokenResponse } from "@statuslab/contracts";
import type { Expectation, HeaderExpectation } from "../model.ts";

export const PROBLEM_JSON = "application/problem+json";

/** Success bodies: `application/json`, with or without a charset parameter. */
export const JSON_BODY = /^application\/json(;|$)/;

/** `/users/{id}`: what sign-up puts in `Location`. */
export const USER_LOCATION = /^\/users\/[1-9][0-9]*$/;

/** Whole seconds, as `Retry-After` carries them here. */
export const WHOLE_SECONDS = /^\d+$/;

/** The two challenges a rejected token carries (RFC 6750 §3). */
export const BEARER = "Bearer";
export const BEARER_INVALID_TOKEN = 'Bearer error="invalid_token"';

/** What the API hands out as a refresh token: `slr_` and 256 random bits in base64url. */
export const REFRESH_TOKEN = /^slr_[A-Za-z0-9_-]{43}$/;

/** On every answer from `/token` and `/token/revoke`, errors included (RFC 6749 §5.1). */
export const TOKEN_ANSWER_HEADERS: Record<string, HeaderExpectation> = {
  "cache-control": "no-store",
  pragma: "no-cache",
};

/**
 * An RFC 9457 problem: `application/problem+json`, `status` equal to the HTTP status,
 * the expected `detail`, and a body that validates against the contract's `Problem`.
 */
export function problem(
  status: number,
  detail: string,
  extra: { headers?: Record<string, HeaderExpectation>; body?: Record<string, unknown> } = {},
): Expectation {
  return {
    status,
    headers: { "content-type": PROBLEM_JSON, ...extra.headers },
    body: { "/status": status, "/detail": detail, ...extra.body },
    schema: Problem,
  };
}

/**
 * A 200 from `POST /token` as the first lessons check it: a bearer token that must not be
 * cached. The session lessons check more: see `tokenPair`.
 */
export function tokenIssued(): Expectation {
  return {
    status: 200,
    headers: { "cache-control": "no-store", "content-type": JSON_BODY },
    body: { "/token_type": "bearer" },
    schema: TokenResponse,
  };
}

/**
 * A 200 from `POST /token` as the session lessons check it, for a log-in and a refresh alike:
 * both no-cache headers, and a refresh token of the shape the API hands out.
 */
export function tokenPair(): Expectation {
  return {
    status: 200,
    headers: { ...TOKEN_ANSWER_HEADERS, "content-type": JSON_BODY },
    body: { "/token_type": "bearer", "/refresh_token": REFRESH_TOKEN },
    schema: TokenResponse,
  };
}
