/** Challenges of the lessons about routes, limits and the server's own health. */
import { signUpMe } from "./accounts.ts";
import { samePath } from "./check.ts";
import type { Challenge, LogEntry } from "./model.ts";

const allowed = (entry: LogEntry | undefined): string[] =>
  (entry?.headers.allow ?? "").split(",").map((m) => m.trim().toUpperCase());

const LIMITED = "/users/limited";
const MY_CLIENT = { client_id: "me-{{mark}}" };

export const routeChallenges: Challenge[] = [
  {
    id: "who-before-which",
    lessonId: "route-matching",
    title: "401 before 422 on the same path",
    task: "Find a path under `/users/` that answers 401 without a token and 422 with one: call it first without `Authorization`, then the very same path with a token of yours.",
    hints: [
      "The id in `/users/{id}` must be a positive integer; anything else is a bad path parameter.",
      "Sign up for a token (`POST /users/`), then `curl -i {{url}}/users/abc -H 'authorization: Bearer <token>'`.",
    ],
    goal: [
      { path: /^\/users\/[^/]+$/, status: 401, detail: "Not authenticated" },
      {
        path: /^\/users\/[^/]+$/,
        status: 422,
        detail: "Invalid path parameter",
        also: {
          says: "the same path",
          test: (entry, [anonymous]) => samePath(entry.path, anonymous?.path),
        },
      },
    ],
    lesson:
      "Who you are is checked before what you asked for: an anonymous caller learns nothing about the id rule.",
    solution: [
      { request: { method: "GET", path: "/users/abc" } },
      { request: signUpMe(), capture: { token: "/token" } },
      { request: { method: "GET", path: "/users/abc", bearer: "token" } },
    ],
  },
  {
    id: "exhaust-a-limit",
    lessonId: "rate-limiting",
    title: "exhaust a client's limit and read Retry-After",
    task: "As the client `me-{{mark}}` (this id, so the lesson's own requests do not count), call `GET /users/limited?client_id=me-{{mark}}` until it answers 429, and read `Retry-After`.",
    hints: [
      "Five requests per 60 seconds pass; watch the `RateLimit` header count down with `curl -i`.",
      "`for i in 1 2 3 4 5 6; do curl -i '{{url}}/users/limited?client_id=me-{{mark}}'; done`.",
    ],
    goal: [
      { method: "GET", path: LIMITED, query: MY_CLIENT, status: 200, times: 5 },
      {
        method: "GET",
        path: LIMITED,
        query: MY_CLIENT,
        status: 429,
        detail: "Rate limit exceeded",
        also: {
          says: "with Retry-After",
          test: (entry) => /^\d+$/.test(entry.headers["retry-after"] ?? ""),
        },
      },
    ],
    lesson:
      "`Retry-After` says how many seconds until this client may ask again; any other `client_id` is unaffected.",
    question: {
      ask: "How many seconds did Retry-After ask you to wait?",
      answer: (met) => met.at(-1)?.headers["retry-after"],
    },
    solution: [{ request: { method: "GET", path: `${LIMITED}?client_id=me-{{mark}}` }, repeat: 6 }],
  },
  {
    id: "read-allow",
    lessonId: "wrong-method-and-size",
    title: "get a 405 and read its Allow",
    task: "Get a 405 Method Not Allowed from any path, read its `Allow` header, then send one of the methods it names to the same path.",
    hints: [
      "A path that exists, with a method nobody wrote for it: `PUT /users/me`, `DELETE /token`…",
      "`curl -i -X PUT {{url}}/users/me` shows `Allow`; any method listed there is not a 405 (it may still be a 401).",
    ],
    goal: [
      { status: 405, also: { says: "with an Allow header", test: (e) => allowed(e).length > 0 } },
      {
        also: {
          says: "a method its Allow named, on the same path",
          test: (entry, [refused]) =>
            samePath(entry.path, refused?.path) && allowed(refused).includes(entry.method),
        },
      },
    ],
    lesson: "405 means the URL exists but not with that method, and `Allow` says which would work.",
    solution: [
      { request: { method: "PUT", path: "/users/me", json: { name: "Me" } } },
      { request: { method: "GET", path: "/users/me" } },
    ],
  },
  {
    id: "outage-then-retry",
    lessonId: "database-outage",
    title: "live through an outage: 503, then the retry",
    task: "The runner now holds the database's write lock, as a long migration would. Sign up an account with `POST /users/`: the API waits about a second for the lock, then answers 503 with `Retry-After`. As soon as the log shows that 503 the runner lets go of the lock; then send the very same sign-up again.",
    hints: [
      "Any valid sign-up will do: `POST /users/` with JSON `email` and `password`.",
      "The second request is byte for byte the first: the 503 created nothing, so the address is still free.",
    ],
    goal: [
      {
        method: "POST",
        path: "/users/",
        status: 503,
        detail: "Database unavailable",
        also: {
          says: "with Retry-After",
          test: (entry) => /^\d+$/.test(entry.headers["retry-after"] ?? ""),
        },
      },
      {
        method: "POST",
        path: "/users/",
        status: 201,
        also: {
          says: "the same address as the 503's",
          test: (entry, [outage]) =>
            !!entry.fields.email && entry.fields.email === outage?.fields.email,
        },
      },
    ],
    lockDatabase: { releaseAfter: 1 },
    lesson:
      "A 503 is temporary and says when to come back; a write that got one did not happen, so the same request is safe to send again.",
    solution: [{ request: signUpMe() }, { request: signUpMe() }],
  },
];
