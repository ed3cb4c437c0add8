import type { LessonSource } from "../model.ts";
import { BEARER, problem, tokenIssued } from "./_expect.ts";
import { logIn, signUp, whoAmI } from "./_steps.ts";

export const lesson: LessonSource = {
  id: "logging-in",
  title: "Logging in: 200, 401 and the same 401 for everyone",
  intro:
    "Logging in trades an email and password for a token. You will do it the OAuth2 way (an HTML form to `POST /token`), then fail it twice, with a wrong password and with an address nobody owns, and see why the two failures must look exactly alike. Last, you log in from Swagger UI's Authorize button in your browser, and the runner replays the requests it sends.",
  steps: [
    signUp("dana", {
      story: "Dana needs an account before she can log in to it.",
      setup: true,
      hint: "Sign-up already returns a token; logging in is how you get a fresh one later.",
    }),
    logIn("dana", {
      title: "log in with the password form",
      story:
        "Dana logs in. OAuth2's password flow (RFC 6749 §4.3) sends `username` and `password` as an HTML form, `application/x-www-form-urlencoded`, not JSON; `username` holds her email. This is also what Swagger UI's Authorize button sends.",
      expect: tokenIssued(),
      capture: { accessToken: "/access_token" },
      why: 'The credentials are right, so the API answers 200 OK with `access_token`, `token_type: "bearer"`, `expires_in` and a `refresh_token` (the refresh-rotation lesson spends it). OAuth2 defines a successful token response as 200 (RFC 6749 §5.1), and rightly: the token is not a new resource with a URL you could later GET, so 201 would promise something that is not there. `Cache-Control: no-store` tells browsers and proxies never to keep a copy, as OAuth2 requires for any response carrying a token.',
      clientShould:
        "Keep the tokens in memory (or secure storage). When the access token expires, spend the refresh token for a new pair rather than asking for the password again.",
      hint: "If the credentials are right, what comes back, and why must no cache ever keep a copy of it?",
    }),
    whoAmI("accessToken", {
      id: "use-the-token",
      title: "use the new token",
      story:
        "Does the token from the login do what the one from sign-up did? Present it and ask who you are.",
      why: "A valid token for an existing user: 200 with Dana's public record.",
      hint: "The `Authorization` header carries `Bearer ` followed by the `access_token` from the previous step.",
    }),
    {
      id: "wrong-password",
      title: "wrong password",
      story:
        "Dana mistypes her password. The form is well-formed; the credentials in it are simply wrong.",
      request: (api) =>
        api.token.post({ username: "dana-{{run}}@example.com", password: "dana-password-2" }),
      expect: problem(401, "Incorrect email or password", {
        headers: { "www-authenticate": BEARER },
      }),
      chosenBy: "!user || !valid",
      explain: {
        why: 'The credentials do not check out, and the detail deliberately does not say which of the two was wrong. OAuth2 itself (RFC 6749 §5.2) specifies 400 Bad Request with `{"error": "invalid_grant"}` here, keeping 401 for a client application that failed to authenticate itself. This API answers 401, as FastAPI\'s OAuth2-with-JWT tutorial and the seed do: for a request that carried credentials, RFC 9110 says a 401 means "authorization has been refused for those credentials", which is exactly what happened, and it lets a client treat a failed login like any other rejected credential (ask the user again) rather than like a malformed request, which is what 400 means everywhere else in this API. A strict OAuth2 library looking for `invalid_grant` will not find it. Every 401 carries `WWW-Authenticate`, the challenge that says how to authenticate: here `Bearer`, the token scheme of the protected routes.',
        clientShould:
          "Ask the user to re-enter their credentials. Do not retry automatically with the same ones.",
      },
      hint: "The form is fine; the credentials are not. Note the whole answer: the next step compares it.",
    },
    {
      id: "unknown-email",
      title: "an email nobody owns",
      story:
        'Now someone tries `nobody-…@example.com`, an address with no account at all. If the API said "no such user" here, anyone could test a list of addresses and learn who has an account. So the answer should be indistinguishable from the previous one.',
      request: (api) =>
        api.token.post({ username: "nobody-{{run}}@example.com", password: "dana-password-1" }),
      expect: problem(401, "Incorrect email or password", {
        headers: { "www-authenticate": BEARER },
      }),
      chosenBy: "!user || !valid",
      explain: {
        why: "Same status, same detail, same challenge: the response gives no hint whether the account exists (no account enumeration). The time taken must not give it away either: a wrong password costs one slow argon2id verification, so for an unknown email the API verifies the password against a dummy hash made with the same settings, and both failures take about as long.",
        clientShould: 'Show one message for both cases, e.g. "email or password is incorrect".',
      },
      hint: "If this answer differed from the previous one in any way, what could an attacker learn?",
    },
    {
      id: "missing-password",
      title: "no password at all",
      story: "A buggy client sends only the `username` field and forgets `password` entirely.",
      request: (api) => api.token.post({ username: "dana-{{run}}@example.com" }),
      expect: problem(422, "Invalid request body", {
        body: { "/errors/0/path": "/password", "/errors/0/message": "is required" },
      }),
      chosenBy: "MissingFieldsError(missing)",
      explain: {
        why: "This is not a failed login: the request does not even have the shape of one. The form parsed fine, but the password grant needs both `username` and `password`. The form's schema cannot demand them, since a refresh grant sends other fields, so the API checks them for the grant first: 422 with the missing field named, in the same shape a schema error has, and no password check (nor a count towards the login lockout) happens at all.",
        clientShould: "Fix the client so it always sends both fields.",
      },
      hint: "With no password in the form, can this even count as a failed login?",
    },
    {
      id: "swagger-authorize",
      title: "authorize in Swagger UI",
      story:
        'Now in your browser: open `/docs` on the API these steps go to (the address is in the request below) and press "Authorize". In the `oauth2 (OAuth2, password)` box type Dana\'s email (as below) as `username` and `dana-password-1` as `password`, leave `client_id` and `client_secret` empty, and press "Authorize". Swagger UI posts a form to `/token` itself: `grant_type=password`, the two fields, an `Authorization: Basic` header holding the empty client id and secret (`Og==` is base64 for `:`) and `X-Requested-With`. This step sends exactly that.',
      // What Swagger UI 5 sends for the password flow with no client credentials.
      request: (api) =>
        api.token.post(
          {
            grant_type: "password",
            username: "dana-{{run}}@example.com",
            password: "dana-password-1",
          },
          { headers: { authorization: "Basic Og==", "x-requested-with": "XMLHttpRequest" } },
        ),
      expect: tokenIssued(),
      capture: { swaggerToken: "/access_token" },
      explain: {
        why: 'The API registers no OAuth2 client applications, so it ignores the empty client credentials, and `grant_type=password` names the default grant: an ordinary login, 200 with the tokens. Swagger UI keeps the `access_token`, shows "Authorized", and adds it to every request it tries out from now on. (The dialog\'s other box, `bearer`, takes a pasted token instead, without the word `Bearer`.)',
      },
      hint: "The form has one field more than in the first log-in, and one header more. Which, and does either change the answer?",
    },
    whoAmI("swaggerToken", {
      id: "swagger-try-it-out",
      title: "try it out: GET /users/me from Swagger UI",
      story:
        'Close the dialog, open `GET /users/me`, press "Try it out", then "Execute". Swagger UI sends the token it got with `Authorization: Bearer …`, as in this step, and shows the answer and the curl command under "Responses".',
      why: "The same request as from curl or the runner, so the same answer: 200 with Dana's record. Swagger UI is only another client; the API cannot tell it apart and does not need to.",
      hint: "Compare the curl command Swagger UI shows with the one below.",
    }),
  ],
  takeaway:
    "A login answers 200 with a token that must never be cached (`Cache-Control: no-store`), or 401 with `WWW-Authenticate` (where OAuth2 alone would say 400 `invalid_grant`). A wrong password and an unknown email must get the same 401, in the same time, so nobody can find out who has an account. A request that is missing fields is a 422, not a failed login. Swagger UI's Authorize button is the same OAuth2 password form, sent by your browser.",
};
