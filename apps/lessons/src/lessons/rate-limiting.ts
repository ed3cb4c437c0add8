import { LimitedResponse } from "@statuslab/contracts";
import type { LessonSource } from "../model.ts";
import { JSON_BODY, problem, WHOLE_SECONDS } from "./_expect.ts";

/** The draft-ietf-httpapi-ratelimit-headers policy this API announces by default. */
const POLICY = '"default";q=5;w=60';

export const lesson: LessonSource = {
  id: "rate-limiting",
  title: "Rate limiting: 429 Too Many Requests and Retry-After",
  intro:
    "`GET /users/limited` lets each `client_id` through five times in any 60 seconds. You will use up the quota, watch the `RateLimit` header count down, get refused with 429, and see how the API tells you exactly how long to wait.",
  steps: [
    {
      id: "five-allowed",
      title: "five requests in a row",
      story:
        "A client identifying itself as `lesson-…` (unique to this run, so nobody else's requests count against it) calls `GET /users/limited` five times in quick succession. Watch two headers: `RateLimit-Policy` states the rule, `RateLimit` where this client stands.",
      request: (api) => api.users.limited.get({ query: { client_id: "lesson-{{run}}" } }),
      repeat: 5,
      expect: {
        status: 200,
        headers: {
          "content-type": JSON_BODY,
          "ratelimit-policy": POLICY,
          ratelimit: /^"default";r=[0-4];t=\d+$/,
        },
        body: { "/message": "Request allowed" },
        schema: LimitedResponse,
      },
      explain: {
        why: 'Each request is within the quota, so each gets 200. `RateLimit-Policy: "default";q=5;w=60` means 5 requests per 60-second window; `RateLimit: "default";r=…;t=…` gives the requests remaining (`r`, counting down 4, 3, 2, 1, 0) and the seconds until the quota starts to refill (`t`). These header names follow the IETF httpapi working group\'s RateLimit draft.',
        clientShould: "Slow down as `r` approaches 0 instead of waiting to be refused.",
      },
      hint: "Follow `r=` in the `RateLimit` header from one answer to the next, and `remaining` in the body.",
    },
    {
      id: "sixth-refused",
      title: "the sixth request",
      story: "The same client asks a sixth time, still within the minute. The quota is spent.",
      request: (api) => api.users.limited.get({ query: { client_id: "lesson-{{run}}" } }),
      expect: problem(429, "Rate limit exceeded", {
        headers: {
          "retry-after": WHOLE_SECONDS,
          "ratelimit-policy": POLICY,
          ratelimit: /^"default";r=0;t=\d+$/,
        },
      }),
      explain: {
        why: "429 Too Many Requests (RFC 6585) says the client, not the server, is the problem: too many requests in too short a time. `Retry-After` gives the wait in whole seconds: how long until the oldest of the five counted requests leaves the sliding 60-second window and frees a slot. Refused requests are not counted, so hammering does not push the wait further out, and waiting that long always works.",
        clientShould:
          "Wait `Retry-After` seconds before the next request. Do not retry in a tight loop.",
      },
      hint: "Read `Retry-After`, and `r=0` in `RateLimit`. The next step waits exactly that long.",
    },
    {
      id: "after-waiting",
      title: "after waiting retry-after",
      story:
        "We do what a polite client does: count down the `Retry-After` seconds from the last answer, then ask again with the same `client_id`. (This step can take up to a minute, so `--auto` skips it.)",
      request: (api) => api.users.limited.get({ query: { client_id: "lesson-{{run}}" } }),
      waitForRetryAfter: true,
      optional: true,
      expect: {
        status: 200,
        headers: { "content-type": JSON_BODY, "ratelimit-policy": POLICY },
        body: { "/message": "Request allowed" },
        schema: LimitedResponse,
      },
      explain: {
        why: "By now the oldest counted request has left the window, so there is room again: 200. The window slides rather than resetting on the minute: each request frees its slot exactly 60 seconds after it was made.",
      },
      hint: "Compare `r=` with the answers before the 429.",
    },
    {
      id: "another-client",
      title: "another client id",
      story:
        "Meanwhile a different client, `other-…`, calls the same route. Does the first client's exhaustion affect it?",
      request: (api) => api.users.limited.get({ query: { client_id: "other-{{run}}" } }),
      expect: {
        status: 200,
        headers: {
          "content-type": JSON_BODY,
          "ratelimit-policy": POLICY,
          ratelimit: /^"default";r=4;t=\d+$/,
        },
        body: { "/remaining": 4 },
        schema: LimitedResponse,
      },
      explain: {
        why: "Quotas are kept per `client_id`, so this client starts with a full quota: 200 with `r=4` after its first request. One noisy client cannot lock out the others.",
      },
      hint: "`remaining` is 4 here, whatever happened to the other client.",
    },
  ],
  takeaway:
    '429 means "you, slow down", and `Retry-After` says for how long. The `RateLimit-Policy` and `RateLimit` headers let a well-behaved client see the limit coming and never hit it. Limits are kept per client, in a sliding window, and a refused request costs nothing.',
};
