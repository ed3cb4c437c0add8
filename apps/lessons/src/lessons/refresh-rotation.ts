import type { LessonSource } from "../model.ts";
import { logIn, refresh, signUp, whoAmI } from "./_steps.ts";

export const lesson: LessonSource = {
  id: "refresh-rotation",
  title: "Refreshing a session: 200 and a new pair, every time",
  intro:
    "An access token lives for 15 minutes, and asking for the password every quarter of an hour would drive anyone away. So a login also hands out a refresh token, which buys a new pair of tokens at `POST /token` without the password. You will spend one and see the rule that makes refresh tokens safe: each works exactly once, and every answer carries its successor.",
  steps: [
    signUp("maya", {
      story:
        "Maya signs up. Sign-up gives her an access token but no refresh token: a session, with a refresh token to keep it going, starts when she logs in.",
      hint: "A sign-up answers with `token` and `user`, and no `refresh_token`: sessions start at the login.",
    }),
    logIn("maya", {
      title: "log in and keep both tokens",
      story:
        "Maya logs in with the password form, as in the logging-in lesson. This time look at the whole answer: beside the `access_token` (a JWT for `Authorization: Bearer`, good for `expires_in` seconds) there is a `refresh_token`, an opaque string starting with `slr_`. We keep both.",
      capture: { accessToken: "/access_token", refreshToken: "/refresh_token" },
      why: "A successful password grant: 200 with a pair of tokens. The refresh token is deliberately not a JWT. It is 256 random bits that the API stores only as a SHA-256 hash, and whether it is still good (spent, revoked, expired) is something only the database knows, so a signature would add nothing; the `slr_` prefix lets secret scanners spot a leaked one. `Cache-Control: no-store` is there, and so is `Pragma: no-cache` for old HTTP/1.0 caches, because OAuth2 requires both on every answer that carries tokens (RFC 6749 §5.1).",
      clientShould:
        "Use the access token for API calls, and keep the refresh token somewhere safer: it is worth a whole session, not 15 minutes.",
      hint: "Two tokens, two jobs. Which one goes into the `Authorization` header, and which one only ever goes back to `POST /token`?",
    }),
    whoAmI("accessToken", {
      id: "use-the-access-token",
      title: "use the access token",
      story:
        "Maya's app calls `GET /users/me` with the access token. The refresh token stays out of it: it is never sent to any route but `POST /token`.",
      why: "A valid access token for an existing user: 200 with Maya's record, exactly as in the protected-route lesson.",
      hint: "Nothing new here: this is the baseline the refresh will have to reproduce.",
    }),
    refresh("refreshToken", {
      id: "refresh",
      title: "trade the refresh token for a new pair",
      story:
        "A quarter of an hour later (we will not wait) the access token would have expired. Instead of asking Maya for her password, her app sends the refresh grant of OAuth2 (RFC 6749 §6): the same `POST /token` form, now with `grant_type=refresh_token` and the refresh token from the login.",
      capture: { newAccessToken: "/access_token", newRefreshToken: "/refresh_token" },
      why: "The refresh token was good, so 200 with a new pair, shaped exactly like a login's answer. The refresh token Maya presented is now spent: the API rotates, issuing a successor in the same family (the chain of refresh tokens that began with this login) and accepting each of them only once. The family keeps the absolute end the login gave it (30 days by default, `REFRESH_TOKEN_TTL`); rotating never moves it, so not even an endless chain of refreshes keeps a session alive forever.",
      clientShould:
        "Store both new tokens at once, replacing the old ones, and throw the old refresh token away: it will never work again.",
      hint: "The refresh token from the login is good and has not been used yet. If the answer carries a `refresh_token`, compare its first and last characters with the login's.",
    }),
    whoAmI("newAccessToken", {
      id: "use-the-new-access-token",
      title: "use the new access token",
      story: "Maya's app goes on with the new access token, as if nothing had happened.",
      why: "The new access token is as good as the first: 200 with the same record. (The first access token would still be accepted too, until its own 15 minutes are up: a refresh does not revoke access tokens, it only spends the refresh token.)",
      hint: "Same request as before with a different token. What does either token prove to the API?",
    }),
    refresh("newRefreshToken", {
      id: "refresh-again",
      title: "refresh again with the new refresh token",
      story:
        "Later still, the app refreshes once more, now with the refresh token the previous refresh gave it, the only one it should still be holding.",
      why: "The successor is good for exactly one refresh as well: 200 and yet another pair. The chain can go on like this until the login's absolute end; after that the refresh grant answers 401 `Refresh token expired` and Maya has to log in with her password again.",
      clientShould:
        "Keep rotating: always send the refresh token from the latest answer, and only one refresh at a time.",
      hint: "What would happen if the app sent the login's refresh token now, the one it already spent? That is the next lesson.",
    }),
  ],
  takeaway:
    "A login gives two tokens: a short-lived access token for every request, and a refresh token that only ever goes back to `POST /token`. The refresh grant answers 200 with a new pair and spends the refresh token it was given, so a client must store the new one at once and never send the old one again. Rotating never extends the login's absolute end.",
  examples: {
    refreshToken: "slr_example-refresh-token-one000000000000000000",
    newRefreshToken: "slr_example-refresh-token-two000000000000000000",
  },
};
