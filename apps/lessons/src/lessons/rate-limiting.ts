import { LimitedResponse } from "@statuslab/contracts";
import type { LessonSource } from "../model.ts";
import { BEARER, JSON_BODY, problem, TOKEN_ANSWER_HEADERS, WHOLE_SECONDS } from "./_expect.ts";
import { signUp } from "./_steps.ts";

/** The draft-ietf-httpapi-ratelimit-headers policy this API announces by default. */
const POLICY = '"default";q=5;w=60';

/** What the spent quota answers, however often it is asked again. */
const REFUSED = problem(429, "Rate limit exceeded", {
  headers: {
    "retry-after": WHOLE_SECONDS,
    "ratelimit-policy": POLICY,
    ratelimit: /^"default";r=0;t=\d+$/,
  },
});

/** Failed logins one account may have from one address in 15 minutes (auth/throttle.ts). */
const LOGIN_FAILURES_ALLOWED = 10;

export const lesson: LessonSource = {
  id: "rate-limiting",
  title: "Rate limiting: 429 Too Many Requests and Retry-After",
  intro:
    "`GET /users/limited` lets each `client_id` through five times in any 60 seconds. You will use up the quota, watch the `RateLimit` header count down, get refused with 429 and see how the API tells you exactly how long to wait. Then you will see why a limit keyed on a name the client picks stops nobody, and meet one that does: the login lockout.",
  steps: [
    {
      id: "first-request",
      title: "the first request",
      story:
        "A client identifying itself as `lesson-…` (unique to this run, so nobody else's requests count against it) calls `GET /users/limited`. Watch two headers: `RateLimit-Policy` states the rule, `RateLimit` where this client stands.",
      request: (api) => api.users.limited.get({ query: { client_id: "lesson-{{run}}" } }),
      expect: {
        status: 200,
        headers: {
          "content-type": JSON_BODY,
          "ratelimit-policy": POLICY,
          ratelimit: /^"default";r=4;t=\d+$/,
        },
        body: { "/message": "Request allowed", "/remaining": 4 },
        schema: LimitedResponse,
      },
      explain: {
        why: 'Within the quota, so 200. `RateLimit-Policy: "default";q=5;w=60` means 5 requests per 60-second window; `RateLimit: "default";r=4;t=…` says 4 requests remain (`r`) and how many seconds until the quota starts to refill (`t`). These header names follow the IETF httpapi working group\'s RateLimit draft.',
        clientShould: "Slow down as `r` approaches 0 instead of waiting to be refused.",
      },
      hint: "This is the client's first request. How many of its quota of five will be left after it, and where will the answer say so?",
    },
    {
      id: "four-more",
      title: "four more in a row",
      story:
        "The same client calls four more times in quick succession. The screen shows the answers' status codes and then the last answer in full.",
      request: (api) => api.users.limited.get({ query: { client_id: "lesson-{{run}}" } }),
      repeat: 4,
      expect: {
        status: 200,
        headers: {
          "content-type": JSON_BODY,
          "ratelimit-policy": POLICY,
          ratelimit: /^"default";r=[0-3];t=\d+$/,
        },
        body: { "/message": "Request allowed" },
        schema: LimitedResponse,
      },
      explain: {
        why: "Each is still within the quota, so each gets 200, and each takes one slot: `r` went 3, 2, 1 and, on the last answer shown here, 0. The quota is spent but this request was allowed; the next one will not be.",
        clientShould: "At `r=0`, wait `t` seconds before the next request.",
      },
      hint: "The previous answer left `r=4`. Each allowed request takes one: what will the fourth of these leave?",
    },
    {
      id: "sixth-refused",
      title: "the sixth request",
      story: "The same client asks a sixth time, still within the minute. The quota is spent.",
      request: (api) => api.users.limited.get({ query: { client_id: "lesson-{{run}}" } }),
      expect: REFUSED,
      explain: {
        why: "429 Too Many Requests (RFC 6585) says the client, not the server, is the problem: too many requests in too short a time. `Retry-After` gives the wait in whole seconds: how long until the oldest of the five counted requests leaves the sliding 60-second window and frees a slot.",
        clientShould:
          "Wait `Retry-After` seconds before the next request. Do not retry in a tight loop.",
      },
      hint: "Five requests so far, all within the minute, and the policy says `q=5;w=60`.",
    },
    {
      id: "another-client",
      title: "another client id, meanwhile",
      story:
        "While `lesson-…` is refused, a different client calls the same route as `other-…`. Does the first client's exhaustion affect it?",
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
        why: 'Quotas are kept per `client_id`, so this client starts with a full quota: 200 with `r=4`, although `lesson-…` is locked out this very second. But look at what the key is: `client_id` is whatever the client writes in the query string. The refused client can send another id and carry on; the seed tutorial even lists it as the fix for a 429 ("wait 60 seconds or change client_id"). So this limit shows the mechanics and stops nobody. A real API keys its limits on what a client cannot choose: the account behind a verified token or API key, or for anonymous requests the network address (this API\'s sign-up and login limits do that, reading `X-Forwarded-For` only from proxies listed in `TRUST_PROXY`).',
      },
      hint: "Quotas are kept per key. What is the key here, and who chooses it?",
    },
    {
      id: "still-refused",
      title: "the first client asks again",
      story:
        "Back to `lesson-…`, which was refused a moment ago. Does asking again help, or make the wait longer?",
      request: (api) => api.users.limited.get({ query: { client_id: "lesson-{{run}}" } }),
      expect: REFUSED,
      explain: {
        why: "Still 429, and `Retry-After` has not grown: only allowed requests are counted, so a refused one costs nothing and hammering does not push the wait further out. Waiting that long always works, which the next step does.",
        clientShould: "Wait `Retry-After` seconds; asking sooner only gets the same answer.",
      },
      hint: "What does the limiter record: every request, or only the ones it let through?",
    },
    {
      id: "after-waiting",
      title: "after waiting out Retry-After",
      story:
        "We do what a polite client does: count down the `Retry-After` seconds from the last answer, then ask again with the same `client_id`. (The wait can be up to a minute.)",
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
    signUp("pia", {
      story:
        "Now a limit keyed on something the client cannot pick. Pia signs up; somebody else is about to guess her password.",
      setup: true,
      hint: "Only her email matters for what follows.",
    }),
    {
      id: "ten-wrong-passwords",
      title: `${LOGIN_FAILURES_ALLOWED} wrong passwords`,
      story: `Someone who does not know Pia's password tries ${LOGIN_FAILURES_ALLOWED} guesses at \`POST /token\`, one after another, all from one address.`,
      request: (api) =>
        api.token.post({ username: "pia-{{run}}@example.com", password: "a-wrong-guess" }),
      repeat: LOGIN_FAILURES_ALLOWED,
      expect: problem(401, "Incorrect email or password", {
        headers: { "www-authenticate": BEARER, ...TOKEN_ANSWER_HEADERS },
      }),
      chosenBy: "!user || !valid",
      explain: {
        why: `Each guess is checked and refused: 401, as in the logging-in lesson. Each failure is also counted, in sliding 15-minute windows, three ways: this account from this address (at most ${LOGIN_FAILURES_ALLOWED}), this address whatever the account (100), and this account whatever the address (100).`,
      },
      hint: "Each guess is a wrong password, as in the logging-in lesson. Nothing on screen will show the count yet.",
    },
    {
      id: "right-password-refused",
      title: "the right password, locked out",
      story: "Now Pia herself logs in from the same address, with her right password.",
      request: (api) =>
        api.token.post({ username: "pia-{{run}}@example.com", password: "pia-password-1" }),
      expect: problem(429, "Too many failed login attempts; try again later", {
        headers: { "retry-after": WHOLE_SECONDS, ...TOKEN_ANSWER_HEADERS },
      }),
      explain: {
        why: `429: this account has had ${LOGIN_FAILURES_ALLOWED} failures from this address within 15 minutes, so the API refuses before it checks any password, the right one included; otherwise guess number ${LOGIN_FAILURES_ALLOWED + 1} would still be answered. \`Retry-After\` says when the oldest failure leaves the window (at most 15 minutes). The key is not a name the client chose: it is the account in \`username\` and the address the request came from. So Pia, from another address, still logs in; her success clears the account's own count, but the address that was locked out stays locked until its window passes (otherwise each of her logins would hand a guesser there ten more tries); and refused attempts are not counted, so waiting always works.`,
        clientShould:
          "Tell the user to wait the `Retry-After` time, or to log in from their usual device; never retry automatically.",
      },
      hint: "The password is right this time. Which part of the request is the API refusing, then?",
    },
  ],
  takeaway:
    '429 means "you, slow down", and `Retry-After` says for how long. The `RateLimit-Policy` and `RateLimit` headers let a well-behaved client see the limit coming and never hit it. A limit is only as good as its key: a `client_id` the client picks is dodged by picking another, so real limits key on the account and the client address, as the login lockout does.',
};
