import type { LessonSource } from "../model.ts";
import { BEARER, problem, TOKEN_ANSWER_HEADERS } from "./_expect.ts";
import { logIn, refresh, refreshGrant, signUp, whoAmI } from "./_steps.ts";

export const lesson: LessonSource = {
  id: "replay-detection",
  title: "Replay detection: a spent refresh token ends the session",
  intro:
    "Because every refresh token works only once, a stolen copy gives itself away the moment two parties use it. You will replay a spent refresh token, watch the API end the whole session for it (the thief's tokens and the owner's alike), see what survives a little longer (the access tokens already handed out), and start over with a fresh login.",
  steps: [
    signUp("nora", {
      story: "Nora signs up, so that she has an account to log in to.",
      setup: true,
      hint: "Sign-up gives no refresh token; the session begins with the next step.",
    }),
    logIn("nora", {
      story:
        "Nora logs in. We keep the refresh token from the answer: it is the one that will be stolen.",
      capture: { firstRefreshToken: "/refresh_token" },
      why: "The credentials are right: 200 with an access token and a refresh token, which starts a new family of refresh tokens for this login.",
      hint: "The `refresh_token` of this answer is sent twice later in the lesson: compare the `refresh_token` field of the next requests' forms.",
    }),
    refresh("firstRefreshToken", {
      id: "refresh",
      title: "Nora's app refreshes",
      story:
        "Nora's app refreshes as usual: it spends the first refresh token and now holds a second one, plus a fresh access token. What nobody knows yet: an attacker copied that first refresh token before it was spent (from a log file, a synced backup, a malicious browser extension).",
      capture: { accessToken: "/access_token", secondRefreshToken: "/refresh_token" },
      why: "An ordinary rotation: 200 with a new pair, and the first refresh token is spent.",
      clientShould: "Replace both tokens with the new ones, as always.",
      hint: "So far this is the previous lesson. The copy the attacker holds is of a token that is now spent.",
    }),
    {
      id: "replay-the-spent-token",
      title: "the attacker replays the spent token",
      story:
        "The attacker now presents the copied first refresh token, hoping for a session of their own. The API sees only the token, never who sends it: for all it knows, this could just as well be Nora's app, with the attacker having refreshed first.",
      request: refreshGrant("firstRefreshToken"),
      expect: problem(
        401,
        "Refresh token already used: every session of that login has been ended",
        { headers: { "www-authenticate": BEARER, ...TOKEN_ANSWER_HEADERS } },
      ),
      chosenBy: 'result.outcome !== "rotated"',
      explain: {
        why: "A spent token presented again means two parties hold the same session, and the API cannot tell the thief from the owner. So it does what RFC 9700 (OAuth 2.0 Security Best Current Practice, §4.14) recommends for refresh-token rotation: it revokes the whole family, every refresh token descended from this login, and both parties have to log in again. The thief, who has no password, is locked out; the owner merely logs in. There is no grace period accepting a just-spent token for a few seconds: that window is exactly when a thief's replay would go unnoticed. The price is that two tabs of Nora's app racing to refresh with one token would end her session too; this API pays it. (Plain OAuth2 would answer 400 `invalid_grant`; this API answers every rejected credential with 401 and a `WWW-Authenticate` challenge.)",
        clientShould:
          "Drop both tokens and send the user to the login screen. To never trigger this yourself, refresh one request at a time, shared by every tab, and always store the newest refresh token before using it.",
      },
      hint: "The API cannot tell who sends a spent token. What is the safe thing to do about the session it belongs to?",
    },
    {
      id: "newest-token-is-revoked",
      title: "Nora's newest refresh token",
      story:
        "Nora's app knows nothing about the attack. When its access token runs out, it refreshes with the second refresh token, the newest one, which it never shared with anyone.",
      request: refreshGrant("secondRefreshToken"),
      expect: problem(401, "Refresh token revoked", {
        headers: { "www-authenticate": BEARER, ...TOKEN_ANSWER_HEADERS },
      }),
      chosenBy: 'result.outcome !== "rotated"',
      explain: {
        why: "The replay revoked the whole family, so the newest token is dead as well: 401 `Refresh token revoked`. That is the point: had the attacker refreshed first and been the one holding the newest token, it would be just as dead now. Whichever side presents a spent token, the whole family ends, so a stolen refresh token works only until the owner's app refreshes again.",
        clientShould:
          "Treat it like the end of the session: drop the tokens and ask the user to log in again.",
      },
      hint: "This token was never replayed, but it belongs to the same login as the one that was.",
    },
    whoAmI("accessToken", {
      id: "access-token-still-works",
      title: "the access token from the refresh",
      story:
        "The access token that Nora's app got from its refresh, before the replay, has not expired yet. Does it still open `GET /users/me`?",
      why: "Yes: 200. Access tokens are stateless JWTs, checked by their signature and expiry alone, with no lookup of the token (the API still reads the user on every request, which is why deleting a user ends access at once). No lookup means nothing to revoke, so ending a session cannot reach the access tokens already handed out. That is the trade-off: access tokens are cheap to check but impossible to recall, so they are kept short-lived (`ACCESS_TOKEN_TTL`, 15 minutes by default), which bounds what a stolen one is worth; everything longer-lived, the refresh tokens, lives in the database and can be revoked.",
      clientShould:
        "Once a refresh has failed, stop using the access token too, even though it still works for a while: the session it belonged to is over.",
      hint: "Which of Nora's tokens does the API look up in its database, and which does it only verify?",
    }),
    logIn("nora", {
      id: "log-in-again",
      title: "log in again",
      story: "Nora's app sends her to the login screen, and she logs in with her password.",
      why: "The password still works, so 200 with a new pair that starts a new family, with nothing in common with the revoked one. Only the password can start a family, so the attacker, who has only dead refresh tokens, cannot follow.",
      hint: "A replay ends one login's family, not the account: other logins (another device of Nora's) keep theirs.",
    }),
  ],
  takeaway:
    "Presenting a spent refresh token answers 401 and ends that login's whole family of refresh tokens, the newest included, because the API cannot tell the thief from the owner; there is no grace period. Access tokens already handed out keep working until they expire, which is why they are short-lived. Logging in again starts a fresh session.",
  examples: {
    firstRefreshToken: "slr_example-refresh-token-one000000000000000000",
    secondRefreshToken: "slr_example-refresh-token-two000000000000000000",
  },
};
