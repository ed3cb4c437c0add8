/**
 * The learner's page of every status code in the status catalog
 * (packages/contracts/src/status-codes.ts): the code, its phrase and its RFC come from the
 * catalog; only the prose is written here, in our own words, from the RFCs the catalog links,
 * which remain the authority.
 */
import { STATUS_CATALOG, STATUS_CODES_DOCUMENTED, type StatusCode } from "@statuslab/contracts";
import type { StatusCodeDoc } from "./model.ts";

type LearnerProse = Pick<StatusCodeDoc, "meaning" | "inThisApi" | "clientShould">;

const mdn = (code: number) =>
  `https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Status/${code}`;

/** Keyed by the catalog's codes: a code added there fails the typecheck until it has prose. */
const PROSE: Record<StatusCode, LearnerProse> = {
  200: {
    meaning:
      "The request worked, and the body carries the answer: the thing you asked for, or the outcome of what you asked the server to do.",
    inThisApi:
      "Reading: `GET /`, `GET /health/live`, `GET /health`, `GET /users/me`, `GET /users/{id}`, `GET /users/me/items`, `GET /admin/users`, and `GET /users/limited` while you are under the quota. Acting: `POST /token` (a successful login or refresh: a new access token and refresh token, sent with `Cache-Control: no-store` so no cache keeps them), `POST /token/revoke` (logging out: an empty 200, as RFC 7009 specifies, also for a token the API never issued) and `PATCH /admin/users/{id}` (the user with the new role). A 200 to a POST means the action worked, not that something was created: that is 201.",
    clientShould: "Read the body as the documented success schema; nothing needs retrying.",
  },
  201: {
    meaning:
      "The request made something new. The response names the new resource in the `Location` header (without one, the request's own URL is taken to be it), and the body usually describes what was made.",
    inThisApi:
      "`POST /users/` (sign-up) answers 201 with `Location: /users/{id}` and a body holding the new user and a first access token. `POST /users/me/items` answers 201 with the new item.",
    clientShould:
      "Keep what the body gives you (here: the token and the user id) and follow `Location` when you want to read the new resource again.",
  },
  204: {
    meaning:
      "The request worked and there is deliberately nothing to send back: the response ends after its headers, with no body at all.",
    inThisApi:
      "`DELETE /users/{id}`, by the user themself or by an admin, and `DELETE /users/me` for your own account. The account is gone at once, and so is every token it held. Also a CORS preflight (`OPTIONS`) from an origin listed in `CORS_ORIGINS`: the headers say what the browser may send.",
    clientShould:
      "Not try to parse a body (there is none). Treat it as success and update your own view, e.g. forget the deleted account's token.",
  },
  400: {
    meaning:
      "The server will not process the request because of something the client got wrong at a basic level, such as a body that cannot even be parsed. It is the general-purpose client error when no more specific 4xx fits.",
    inThisApi:
      "A body that claims to be JSON but is not valid JSON (`Malformed JSON body`), or bytes that are not valid UTF-8 (`Malformed UTF-8 body`); also a `Host` header that makes no URL (`Invalid Host header`, RFC 9112 §3.2). FastAPI would answer 422 for the bad JSON; this API keeps 422 for JSON that parses but breaks the rules.",
    clientShould:
      "Fix how the request is built (use a real JSON encoder rather than gluing strings together). Sending the same bytes again will fail the same way.",
  },
  401: {
    meaning:
      "The request lacks valid credentials for the resource: none were sent, or the ones sent were rejected. Despite its name it is about authentication (who are you?), not permission. A 401 must include a `WWW-Authenticate` header saying how to authenticate.",
    inThisApi:
      'Every protected route when the `Authorization` header is missing or not Bearer (`Not authenticated`, `WWW-Authenticate: Bearer`), the token is malformed or forged (`Invalid token`), expired (`Token expired`, with an `error_description`), or belongs to a user that no longer exists or is a refresh token (`Could not validate credentials`); the last three carry `error="invalid_token"` (RFC 6750). `POST /token` answers 401 `Incorrect email or password` for a wrong password and for an unknown email alike (OAuth2, RFC 6749 §5.2, would say 400 `invalid_grant`; this API keeps 401, whose meaning for a request that carried credentials is that they were refused, as FastAPI\'s JWT tutorial does), and its refresh grant answers 401 for a refresh token that is unknown (`Invalid refresh token`), past the absolute end of its login (`Refresh token expired`), revoked by a logout, a replay or a role change (`Refresh token revoked`), or already spent (`Refresh token already used: …`, which ends every session of that login).',
    clientShould:
      "Read `WWW-Authenticate` and `detail`: for an expired access token, spend the refresh token for a new one; for an invalid token, or when the refresh itself gets 401, log in again (or ask the user to); attach a token if none was sent. Do not retry the same credentials in a loop.",
  },
  403: {
    meaning:
      "The server understood who you are (or does not care) and still refuses. Unlike 401, sending other credentials for the same account will not help; only a change of rights would.",
    inThisApi:
      "A signed-in user who is not an admin calling `GET /admin/users` or `PATCH /admin/users/{id}`, or trying to `DELETE` someone else's account (`Not enough permissions`). The role is read from the database on every request, so a promotion or demotion counts from the next call.",
    clientShould:
      "Not retry or re-authenticate; hide or disable the action for this user, or ask someone with the right role.",
  },
  404: {
    meaning:
      "The server has nothing to show at this URL, or is not willing to say whether it has. The RFC explicitly allows 404 instead of 403 when a server wants to hide that a resource exists.",
    inThisApi:
      "Unknown paths (`Not Found`), a user id that does not exist (`User not found`), and a non-admin asking `GET /users/{id}` for anyone but themself, whether or not that id exists, so ids cannot be probed.",
    clientShould:
      "Check the URL and the id. Do not conclude that a resource is missing when you may simply not be allowed to see it.",
  },
  405: {
    meaning:
      "The URL exists but does not support the method you used. The server must list the methods it does support in an `Allow` header.",
    inThisApi:
      "Any known path with a method it has no route for, e.g. `PUT /users/me` answers 405 with `Allow: DELETE, GET, HEAD` (read your record, delete your account, and `HEAD`, which every `GET` route answers too).",
    clientShould:
      "Use one of the methods named in `Allow`. Retrying with the same method will never work.",
  },
  408: {
    meaning:
      "The server gave up waiting for the rest of the request. It answers, then closes the connection (`Connection: close`), because it cannot know where the unfinished request would have ended.",
    inThisApi:
      "A JSON or form body that has not fully arrived within `BODY_TIMEOUT` seconds (10 by default), counted for the whole body: a client sending one byte every few seconds cannot hold a connection forever. No lesson replays it, since it takes a deliberately slow client; `apps/api/src/http/body-timeout.test.ts` does.",
    clientShould:
      "Open a new connection and send the request again, whole. If it keeps happening, the network is too slow for the body, or the client streams something it produces too slowly: build the body first, then send it.",
  },
  409: {
    meaning:
      "The request is well-formed but clashes with the current state of the resource, and the client may be able to resolve the clash and try again.",
    inThisApi:
      "`POST /users/` with an email that is already registered in any letter case (`Email already registered`). A unique index on the lower-cased email decides it, so even simultaneous sign-ups of one address produce exactly one account.",
    clientShould:
      "Tell the user the email is taken and offer to log in instead, or pick another email. Sending the same body again will conflict again.",
  },
  413: {
    meaning:
      "The request body is bigger than the server is willing to handle. The server may refuse it without reading it all and may close the connection. (Older documents call it Payload Too Large.)",
    inThisApi:
      "Any JSON or form body over 64 KiB, on every route that takes a body. The limit is counted while the body is read, so a missing or lying `Content-Length` does not get around it.",
    clientShould:
      "Send less: no valid request to this API comes close to the limit, so a 413 usually means a bug that sends the wrong data.",
  },
  415: {
    meaning:
      "The server refuses the body because of its format, as declared by `Content-Type` (or as found on inspection). For a POST the server can name the formats it does accept in an `Accept-Post` header (defined by the W3C Linked Data Platform and registered for any HTTP API); for a PATCH, in `Accept-Patch` (RFC 5789).",
    inThisApi:
      "`POST /users/` and the other JSON routes accept only `application/json`; `POST /token` accepts only an HTML form (`application/x-www-form-urlencoded`), as OAuth2 requires. Sending one where the other is expected gets 415 with `Accept-Post`; `PATCH /admin/users/{id}` takes JSON too and names it in `Accept-Patch`.",
    clientShould:
      "Send the body in the format named by `Accept-Post` (`Accept-Patch` on a PATCH) and set `Content-Type` to match.",
  },
  422: {
    meaning:
      "The body arrived in a format the server understands and parses fine, but what it says cannot be accepted: a field is missing, the wrong type, or out of range. (Older documents call it Unprocessable Entity.)",
    inThisApi:
      "Every route whose input breaks its schema: a bad email or a password outside 8 to 128 characters at sign-up, a missing field at login or in a refresh grant (`refresh_token`) or logout (`token`), a path id that is not a positive integer (`/users/abc`, `/users/0`), a bad `client_id` or page size. The body lists each field as `errors: [{path, message}]` and never repeats the value you sent. For path and query parameters 422 is FastAPI's convention rather than an RFC rule (RFC 9110 speaks of content); this API keeps it so that every broken input rule fails the same way.",
    clientShould:
      "Read `errors`, fix those fields (ideally tell the user which ones) and send again. Repeating the request unchanged will fail the same way.",
  },
  429: {
    meaning:
      "The client sent more requests than it is allowed in a given time. The response may say how long to wait in a `Retry-After` header.",
    inThisApi:
      '`GET /users/limited` after five requests for one `client_id` within a sliding 60-second window (`Rate limit exceeded`; `RATE_LIMIT_MAX` and `RATE_LIMIT_WINDOW` change the defaults), with the `RateLimit-Policy`/`RateLimit` headers (`"default";r=0;t=…`); the client picks its own `client_id`, so this one teaches the mechanics and stops nobody. `POST /token` after repeated failed logins (`Too many failed login attempts; try again later`): 10 failures for one account from one address, 100 from one address across accounts, or 100 for one account across addresses, each within a sliding 15 minutes, lock that pair, address or account out, the right password included, until the oldest failure leaves the window; an account locked out from one address still logs in from another. `POST /users/` after `SIGNUP_RATE_LIMIT` sign-ups from one address (50 in 10 minutes by default). Every 429 carries `Retry-After` in whole seconds, and refused requests are never counted, so waiting that long always works.',
    clientShould:
      "Stop and wait at least `Retry-After` seconds before the next request; watch the `RateLimit` header to slow down before reaching the limit at all. For a login lockout, tell the user how long to wait and never retry the password automatically.",
  },
  500: {
    meaning:
      "Something unexpected went wrong inside the server, so it could not complete the request. It is the general-purpose server error, used when no more specific 5xx applies.",
    inThisApi:
      "Never on purpose, so no lesson can produce one: every failure the API expects has its own code (a database outage is 503, not 500). A 500 from this API is a bug. Its body is a plain problem+json `Internal Server Error` with a request id and never any internals (no stack trace, SQL or file path); the details go to the server log under that request id.",
    clientShould:
      "Not assume the request had no effect. Retry later at most once or twice if the operation is safe to repeat, and report the `X-Request-Id` so the operator can find the log line.",
  },
  503: {
    meaning:
      "The server cannot handle the request right now because of a temporary condition, such as overload or maintenance, which it expects to pass. It may say when to try again in a `Retry-After` header.",
    inThisApi:
      "Whenever the database cannot be used: locked by another writer for longer than its lock timeout (`DATABASE_LOCK_TIMEOUT_MS`, one second by default), unreachable, its disk full, or the SQLite file unreadable, deleted or replaced under the running API (`Database unavailable`). `POST /users/` and `POST /token` when too many passwords are already being hashed: the request is refused at once rather than queued (`Too many passwords are being checked right now; try again shortly`). `GET /users/limited` when the rate limiter's Redis does not answer (`Rate limiter unavailable`): that limit fails closed rather than letting everyone through. Every one carries `Retry-After`. `GET /health` answers 503 too whenever the database could not take a write or Redis, when configured, does not answer, its problem naming what is down and why (`reason`: `database: busy`, say); `GET /health/live` stays 200. Nothing committed before the outage is lost.",
    clientShould:
      "Wait `Retry-After` seconds and try again; the same request is expected to work once the outage ends. A write that got 503 was not applied.",
  },
};

export const statusCodes: StatusCodeDoc[] = STATUS_CODES_DOCUMENTED.map((code) => {
  const { phrase, rfc, headers, when } = STATUS_CATALOG[code];
  return {
    code,
    phrase,
    ...PROSE[code],
    rfc: { name: rfc.document, section: rfc.section, url: rfc.url },
    mdn: mdn(code),
    when,
    headers,
  };
});
