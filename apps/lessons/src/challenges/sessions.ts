/** Challenges of the lessons about tokens: logging in, protected routes, refresh, logging out. */
import type { RequestSpec } from "../model.ts";
import { signUpMe } from "./accounts.ts";
import type { Challenge, LogEntry } from "./model.ts";

const logInMe = (password = "me-password-1"): RequestSpec => ({
  method: "POST",
  path: "/token",
  form: { username: "me-{{mark}}@example.com", password },
});

const refreshWith = (variable: string): RequestSpec => ({
  method: "POST",
  path: "/token",
  form: { grant_type: "refresh_token", refresh_token: `{{${variable}}}` },
});

/** What a `POST /token` asked for: the grant its form named, `password` when it named none. */
const grantOf = (entry: LogEntry) => entry.fields.grant_type ?? "password";
const LOGIN = { says: "a password login", test: (e: LogEntry) => grantOf(e) === "password" };
const REFRESH = { says: "a refresh grant", test: (e: LogEntry) => grantOf(e) === "refresh_token" };

/**
 * The token this entry presented is one this API issued with `sub` changed: its header and
 * signature kept, as a forger without the key must. Any other bad token is also "Invalid token".
 */
function forged(entry: LogEntry): boolean {
  const [sent, real] = [entry.presented, entry.presentedOriginal];
  return !!sent && !!real && sent.sub !== real.sub;
}

const SIGN_UP_FIRST = "Sign up first (`POST /users/` with JSON `email` and `password`).";

export const sessionChallenges: Challenge[] = [
  {
    id: "fail-then-log-in",
    lessonId: "logging-in",
    title: "fail a login, then log in",
    task: "With an account of your own, log in at `POST /token` with a wrong password (401), then with the right one (200). Send the login as OAuth2 wants it: an HTML form with `username` (the email) and `password`.",
    hints: [
      SIGN_UP_FIRST,
      "`curl -i {{url}}/token -d username=me@example.com -d password=wrong-password` sends a form.",
    ],
    goal: [
      { method: "POST", path: "/token", status: 401, detail: "Incorrect email or password" },
      { method: "POST", path: "/token", status: 200, also: LOGIN },
    ],
    lesson:
      "The 401 would read the same for an address nobody owns; the 200 is never cached (`Cache-Control: no-store`).",
    solution: [
      { request: signUpMe() },
      { request: logInMe("not-my-password") },
      { request: logInMe() },
    ],
  },
  {
    id: "forge-a-token",
    lessonId: "protected-route",
    title: "forge a token and get 401 Invalid token",
    task: 'Forge an access token: take one of yours (from a sign-up), change `sub` in its payload (the middle part, base64url JSON) to another user\'s id, and send it to `GET /users/me`. Get 401 "Invalid token", not "Not authenticated".',
    hints: [
      "The payload is base64url JSON: `bun -e 'console.log(Buffer.from(Bun.argv.at(-1), \"base64url\").toString())' <middle part>` shows it, and `bun -e 'console.log(Buffer.from(Bun.argv.at(-1)).toString(\"base64url\"))' '<edited JSON>'` encodes it back.",
      "Keep the header and the signature as they were (`<header>.<new payload>.<signature>`): only the API's key could sign the new payload.",
    ],
    goal: [
      {
        method: "GET",
        path: "/users/me",
        status: 401,
        detail: "Invalid token",
        also: { says: "a token issued here with only its sub changed", test: forged },
      },
    ],
    lesson:
      'The signature no longer matches the payload, so the token is rejected before anyone reads `sub`: `WWW-Authenticate: Bearer error="invalid_token"`.',
    solution: [
      { request: signUpMe(), capture: { token: "/token" } },
      { request: signUpMe("other"), capture: { otherId: "/user/id" } },
      {
        before: [{ power: "forge-token", token: "token", userId: "otherId", into: "forgedToken" }],
        request: { method: "GET", path: "/users/me", bearer: "forgedToken" },
      },
    ],
  },
  {
    id: "refresh-by-hand",
    lessonId: "refresh-rotation",
    title: "spend a refresh token by hand",
    task: "Send the refresh grant (`grant_type=refresh_token`) to `POST /token` twice: first with a refresh token you made up (`slr_` and anything), then with a real `refresh_token`, from a login's answer.",
    hints: [
      `${SIGN_UP_FIRST} Sign-up gives no refresh token; logging in does.`,
      "`curl -i {{url}}/token -d grant_type=refresh_token -d refresh_token=slr_…`.",
    ],
    goal: [
      { method: "POST", path: "/token", status: 401, detail: "Invalid refresh token" },
      // A real token comes from a login, before the made-up one or after: either order counts.
      { method: "POST", path: "/token", status: 200, also: REFRESH },
    ],
    lesson: "Each refresh answers a new pair and spends the token it was given: keep the newest.",
    solution: [
      { request: signUpMe() },
      {
        request: {
          method: "POST",
          path: "/token",
          form: { grant_type: "refresh_token", refresh_token: "slr_made-up-{{mark}}" },
        },
      },
      { request: logInMe(), capture: { refreshToken: "/refresh_token" } },
      { request: refreshWith("refreshToken") },
    ],
  },
  {
    id: "replay-a-spent-token",
    lessonId: "replay-detection",
    title: "replay a spent refresh token",
    task: "Log in, spend the refresh token once (a refresh grant), then present that first, spent refresh token again.",
    hints: [
      `${SIGN_UP_FIRST} Then log in and keep \`refresh_token\`.`,
      "The second and third requests are the same refresh grant with the same token.",
    ],
    goal: [
      {
        method: "POST",
        path: "/token",
        status: 401,
        detail: "Refresh token already used: every session of that login has been ended",
      },
    ],
    lesson:
      "The API cannot tell thief from owner, so it ended the whole login: the newest refresh token is revoked too.",
    solution: [
      { request: signUpMe() },
      { request: logInMe(), capture: { firstRefreshToken: "/refresh_token" } },
      { request: refreshWith("firstRefreshToken") },
      { request: refreshWith("firstRefreshToken") },
    ],
  },
  {
    id: "log-out-then-refresh",
    lessonId: "logging-out",
    title: "log out, then try to refresh",
    task: "Log in, log out by revoking the refresh token (`POST /token/revoke`, a form field `token`), then try to spend that refresh token.",
    hints: [
      `${SIGN_UP_FIRST} Then log in and keep \`refresh_token\`.`,
      "`curl -i {{url}}/token/revoke -d token=slr_…`: an empty 200, whatever the token.",
    ],
    goal: [
      { method: "POST", path: "/token/revoke", status: 200 },
      { method: "POST", path: "/token", status: 401, detail: "Refresh token revoked" },
    ],
    lesson:
      "Revoking ends the session's refresh tokens; access tokens already out live until they expire.",
    solution: [
      { request: signUpMe() },
      { request: logInMe(), capture: { refreshToken: "/refresh_token" } },
      { request: { method: "POST", path: "/token/revoke", form: { token: "{{refreshToken}}" } } },
      { request: refreshWith("refreshToken") },
    ],
  },
];
