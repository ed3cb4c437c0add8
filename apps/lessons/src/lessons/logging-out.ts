import { bearer } from "../api-call.ts";
import type { LessonSource } from "../model.ts";
import { BEARER, BEARER_INVALID_TOKEN, problem, TOKEN_ANSWER_HEADERS } from "./_expect.ts";
import { logIn, refreshGrant, signUp, whoAmI } from "./_steps.ts";

export const lesson: LessonSource = {
  id: "logging-out",
  title: "Logging out: a 200 with nothing in it",
  intro:
    "Logging out means revoking the refresh token, so that the session can never be renewed. You will do it the OAuth2 way (RFC 7009, `POST /token/revoke`), see why the answer is an empty 200 even for a token the API has never seen, and meet two mistakes around it: a refresh token sent where an access token belongs, and a refresh grant with no token at all.",
  steps: [
    signUp("oskar", {
      story: "Oskar signs up, so that he has an account to log in to and out of.",
      setup: true,
      hint: "Sign-up gives an access token only; the session to log out of starts with the login.",
    }),
    logIn("oskar", {
      story: "Oskar logs in; we keep both his access token and his refresh token.",
      setup: true,
      capture: { accessToken: "/access_token", refreshToken: "/refresh_token" },
      why: "The credentials are right: 200 with a new pair, which starts a session (a family of refresh tokens).",
      hint: "Two tokens again; the next step mixes them up on purpose.",
    }),
    {
      id: "refresh-token-as-bearer",
      title: "the refresh token sent as an access token",
      story:
        "Before logging out, Oskar's client makes a classic mistake: it calls `GET /users/me` with the refresh token in `Authorization: Bearer`, where the access token belongs. The refresh token is live and valid; it is simply the wrong kind of token.",
      request: (api) => api.users.me.get(bearer("refreshToken")),
      expect: problem(401, "Could not validate credentials", {
        headers: { "www-authenticate": BEARER_INVALID_TOKEN },
      }),
      chosenBy: "looksLikeRefreshToken(token)) throw",
      explain: {
        why: 'A refresh token proves nothing on its own to a protected route; it is only good at `POST /token`. The API recognises it by its shape (the `slr_` prefix) and refuses it before even checking it: 401 with `error="invalid_token"` and the same `detail` as for the token of a deleted user. Were refresh tokens accepted as bearer tokens, a session could never be cut short: the refresh token lives for up to 30 days, and it is exactly the one that logging out revokes.',
        clientShould:
          "Send the `access_token` to API routes and the `refresh_token` only to `POST /token`; keep them in separate, clearly named places.",
      },
      hint: "The refresh token is live, but this is not `POST /token`. What does a refresh token prove on its own?",
    },
    {
      id: "log-out",
      title: "log out: revoke the refresh token",
      story:
        "Oskar clicks Log out. His app sends the refresh token to `POST /token/revoke` as a form field named `token`, as OAuth2 token revocation (RFC 7009) defines it.",
      request: (api) => api.token.revoke.post({ token: "{{refreshToken}}" }),
      expect: { status: 200, headers: TOKEN_ANSWER_HEADERS, emptyBody: true },
      explain: {
        why: "RFC 7009 §2.2 defines the answer: 200 OK, and the client ignores the body, because the status code says everything, so this API sends none. Not 204, although that is the usual code for an action with nothing to say: RFC 7009 specifies 200, and this API follows the standard its clients are written against. Revoking the refresh token ends its whole family, so no token descended from this login can ever be refreshed again.",
        clientShould:
          "Treat the 200 as done, and forget both tokens locally: logging out on the server does not reach the access token (see below).",
      },
      hint: "RFC 7009 says which code a revocation answers, and that the client ignores the body. Is there one at all, and which header is still there?",
    },
    {
      id: "refresh-after-logout",
      title: "refresh with the revoked token",
      story:
        "A second tab of Oskar's app, which did not notice the logout, tries to renew the session with the refresh token it holds.",
      request: refreshGrant("refreshToken"),
      expect: problem(401, "Refresh token revoked", {
        headers: { "www-authenticate": BEARER, ...TOKEN_ANSWER_HEADERS },
      }),
      chosenBy: 'result.outcome !== "rotated"',
      explain: {
        why: "The family was revoked, so 401 `Refresh token revoked`: the session is over for every tab and device that shared this login. Unlike a replay, it is simply refused: the family is already over, so there is nothing left to end.",
        clientShould: "Show the login screen.",
      },
      hint: "The replay lesson presented a revoked token too. Compare the `detail`: which of the two answers ended a session?",
    },
    whoAmI("accessToken", {
      id: "access-token-after-logout",
      title: "the access token after logging out",
      story:
        "Oskar's access token from the login has not expired yet. The app should have thrown it away at logout, but what if someone still holds a copy?",
      why: "Still 200. An access token is checked by its signature and expiry only, and the token itself is never looked up, so there is nothing on the server to revoke; logging out ends the session (no more refreshes), while access tokens already handed out keep working until they expire (`ACCESS_TOKEN_TTL`, 15 minutes by default). That is why they are short-lived.",
      clientShould: "Delete the access token when logging out; the server cannot do that for you.",
      hint: "What would it take for the server to refuse this token now, and what would that cost on every request?",
    }),
    {
      id: "revoke-unknown-token",
      title: "revoke a token nobody issued",
      story:
        "Now someone sends `POST /token/revoke` with a token that has the right shape but was never issued by this API: `slr_` and 43 zeros.",
      request: (api) =>
        api.token.revoke.post({ token: "slr_0000000000000000000000000000000000000000000" }),
      expect: { status: 200, headers: TOKEN_ANSWER_HEADERS, emptyBody: true },
      explain: {
        why: "Still 200, as RFC 7009 §2.2 requires for an invalid token: the client could not do anything sensible with an error, and what it asked for (that this token no longer works) is true either way. It also means the endpoint reveals nothing: an unknown token, an already revoked one, an access token or plain garbage all get the same empty 200, so nobody can use it to test whether a stolen token is still live.",
        clientShould:
          "Not treat the 200 as proof that the token existed. Log out the same way whatever the state of the session.",
      },
      hint: "If the answer differed for a token the API never issued, what could someone holding a stolen token learn?",
    },
    {
      id: "refresh-without-token",
      title: "a refresh grant with no refresh token",
      story:
        "A buggy client sends `grant_type=refresh_token` but forgets the `refresh_token` field itself, perhaps because its storage was already cleared.",
      request: (api) => api.token.post({ grant_type: "refresh_token" }),
      expect: problem(422, "Invalid request body", {
        headers: TOKEN_ANSWER_HEADERS,
        body: { "/errors/0/path": "/refresh_token", "/errors/0/message": "is required" },
      }),
      chosenBy: 'MissingFieldsError(["refresh_token"])',
      explain: {
        why: "Not a 401: no token was presented and rejected, the request does not even have the shape of a refresh. `grant_type` decides which fields are required, and this grant needs `refresh_token`, so 422 names the missing field, the same way a login without `password` does.",
        clientShould:
          "Fix the client: with no refresh token stored, skip the refresh and go straight to the login screen.",
      },
      hint: "No token was presented, so none can be rejected. What is wrong with the request itself?",
    },
  ],
  takeaway:
    "Logging out is `POST /token/revoke` with the refresh token: always an empty 200 (RFC 7009), even for tokens the API never issued, so the answer reveals nothing. It ends the session's refresh tokens, not the access tokens already issued, so the client must forget those itself. A refresh token is never an access token (401 on any protected route), and a refresh grant without its token is a 422.",
  examples: {
    refreshToken: "slr_example-refresh-token-one000000000000000000",
  },
};
