/**
 * The response headers the OpenAPI document declares: those the status catalog requires of a
 * status, plus the ones particular operations add (`Location`, the `RateLimit` pair).
 */
import { STATUS_CATALOG } from "@statuslab/contracts";

/** An OpenAPI Header Object. */
export interface HeaderDoc {
  description: string;
  schema: Record<string, unknown>;
}

const RETRY_AFTER: HeaderDoc = {
  description: "Seconds to wait before trying again (RFC 9110 §10.2.3)",
  schema: { type: "integer", minimum: 1 },
};

const RATE_LIMIT: Record<string, HeaderDoc> = {
  RateLimit: {
    description: 'Where you stand: `"policy";r=<remaining>;t=<seconds until reset>`',
    schema: { type: "string", examples: ['"default";r=4;t=60'] },
  },
  "RateLimit-Policy": {
    description: 'The quota: `"policy";q=<requests>;w=<window in seconds>`',
    schema: { type: "string", examples: ['"default";q=5;w=60'] },
  },
};

/** On every response, success or problem. */
export const EVERY_RESPONSE: Record<string, HeaderDoc> = {
  "X-Request-Id": {
    description:
      "This request's id, also in the access log and in a problem's `request_id`: your own when you sent a short, plain one, otherwise a new UUID",
    schema: { type: "string", maxLength: 128 },
  },
};

/**
 * How a header's value is documented. A header the status catalog requires but this table
 * lacks is still documented, as a string described by the catalog's `why`.
 */
const HEADER_DOCS: Readonly<Record<string, HeaderDoc>> = {
  "WWW-Authenticate": {
    description: "The Bearer challenge (RFC 6750 §3), with `error` when a token was rejected",
    schema: { type: "string", examples: ['Bearer error="invalid_token"'] },
  },
  Allow: {
    description: "The methods this path does take (RFC 9110 §10.2.1)",
    schema: { type: "string", examples: ["GET, HEAD"] },
  },
  "Accept-Post": {
    description: "The media type to send the body as",
    schema: { type: "string", examples: ["application/json"] },
  },
  "Accept-Patch": {
    description: "The media type to send the patch as (RFC 5789 §2.2)",
    schema: { type: "string", examples: ["application/json"] },
  },
  Connection: {
    description: "`close`: where the unfinished request would have ended is unknown",
    schema: { type: "string", enum: ["close"] },
  },
  "Retry-After": RETRY_AFTER,
};

/**
 * On every response of a status, whichever operation answers it: the headers the status
 * catalog says such an answer always carries.
 */
export const BY_STATUS: Readonly<Record<number, Record<string, HeaderDoc>>> = Object.fromEntries(
  Object.values(STATUS_CATALOG).map((entry) => [
    entry.code,
    Object.fromEntries(
      entry.headers
        .filter((header) => header.always)
        .map((header) => [
          header.name,
          HEADER_DOCS[header.name] ?? { description: header.why, schema: { type: "string" } },
        ]),
    ),
  ]),
);

/** On one operation's responses of a status: `"<method> <documented path>"`. */
export const BY_OPERATION: Readonly<Record<string, Record<number, Record<string, HeaderDoc>>>> = {
  "post /users/": {
    201: {
      Location: {
        description: "The new user: `/users/{id}`",
        schema: { type: "string", examples: ["/users/42"] },
      },
      ...RATE_LIMIT,
    },
    429: RATE_LIMIT,
  },
  "get /users/limited": { 200: RATE_LIMIT, 429: RATE_LIMIT },
};

/** On a status's responses to every operation of a method: a 415 names what a POST or PATCH takes. */
const BY_METHOD: Readonly<Record<string, Record<number, Record<string, HeaderDoc>>>> = {
  post: { 415: { "Accept-Post": HEADER_DOCS["Accept-Post"] as HeaderDoc } },
  patch: { 415: { "Accept-Patch": HEADER_DOCS["Accept-Patch"] as HeaderDoc } },
};

/** Every header a response of `status` to `operation` carries, in a stable order. */
export function responseHeaders(operation: string, status: number): Record<string, HeaderDoc> {
  const method = operation.split(" ")[0] ?? "";
  return {
    ...EVERY_RESPONSE,
    ...BY_STATUS[status],
    ...BY_METHOD[method]?.[status],
    ...BY_OPERATION[operation]?.[status],
  };
}
