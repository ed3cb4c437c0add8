/**
 * The response headers the OpenAPI document declares: the ones the lessons teach. One table,
 * by status and by operation, so it can later be read from the status-code catalog.
 */

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

/** On every response of a status, whichever operation answers it. */
export const BY_STATUS: Readonly<Record<number, Record<string, HeaderDoc>>> = {
  401: {
    "WWW-Authenticate": {
      description: "The Bearer challenge (RFC 6750 §3), with `error` when a token was rejected",
      schema: { type: "string", examples: ['Bearer error="invalid_token"'] },
    },
  },
  405: {
    Allow: {
      description: "The methods this path does take (RFC 9110 §10.2.1)",
      schema: { type: "string", examples: ["GET, HEAD"] },
    },
  },
  415: {
    "Accept-Post": {
      description: "The media type to send the body as",
      schema: { type: "string", examples: ["application/json"] },
    },
  },
  429: { "Retry-After": RETRY_AFTER },
  503: { "Retry-After": RETRY_AFTER },
};

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

/** Every header a response of `status` to `operation` carries, in a stable order. */
export function responseHeaders(operation: string, status: number): Record<string, HeaderDoc> {
  return {
    ...EVERY_RESPONSE,
    ...BY_STATUS[status],
    ...BY_OPERATION[operation]?.[status],
  };
}
