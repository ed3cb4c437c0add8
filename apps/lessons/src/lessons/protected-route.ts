import { UserPublic } from "@statuslab/contracts";
import { bearer } from "../api-call.ts";
import type { LessonSource } from "../model.ts";
import { BEARER, BEARER_INVALID_TOKEN, JSON_BODY, problem } from "./_expect.ts";
import { signUp, whoAmI } from "./_steps.ts";

export const lesson: LessonSource = {
  id: "protected-route",
  title: "A protected route: one 200 and four kinds of 401",
  intro:
    "`GET /users/me` only answers people who prove who they are. You will call it with a good token, with none, with garbage, with an expired one and with the token of a user who no longer exists. Every failure is a 401, and the `detail` and `WWW-Authenticate` header tell you which one it was and what to do.",
  steps: [
    signUp("emil", {
      story: "Emil signs up; we keep his token and his id for the rest of the lesson.",
      capture: { token: "/token", emilId: "/user/id" },
      hint: "`token` and `user.id` are captured for the next steps.",
    }),
    whoAmI("token", {
      id: "with-token",
      title: "with a valid token",
      story: "First the happy path: Emil sends `Authorization: Bearer <his token>`.",
      why: "The signature checks out, the token has not expired, and its user exists: 200 with Emil's record.",
      hint: "This is the baseline; every following step changes one thing about the `Authorization` header.",
    }),
    {
      id: "no-header",
      title: "no authorization header",
      story:
        "Now the same request with no `Authorization` header at all, as a browser tab or a forgetful script would send it. The seed's FastAPI app answered this with 403 Forbidden.",
      request: (api) => api.users.me.get(),
      expect: problem(401, "Not authenticated", { headers: { "www-authenticate": BEARER } }),
      explain: {
        why: 'RFC 9110 defines 401 as "no valid credentials", which includes sending none, and requires a `WWW-Authenticate` challenge with it; 403 is for a caller who is known and still not allowed. FastAPI\'s `HTTPBearer` used to answer a missing header with 403 (which is why the seed tutorial lists "Missing → 403"); FastAPI 0.122 changed its security classes to 401 with `WWW-Authenticate` for exactly this reason, and this API does the same. The challenge is a bare `Bearer` with no `error` code: RFC 6750 says a request that carried no credentials should not get one.',
        clientShould: "Attach a token (log in first if you have none) and try again.",
      },
      hint: "Compare `WWW-Authenticate` here with the next steps': does it carry an `error=`?",
    },
    {
      id: "garbage-token",
      title: "a token that is not a jwt",
      story:
        "Emil's client sends `Bearer this-is-not-a-jwt`: there is a token, but it is not even shaped like one. A forged or tampered token (wrong signature, another algorithm) ends up in the same place.",
      request: (api) =>
        api.users.me.get({ headers: { authorization: "Bearer this-is-not-a-jwt" } }),
      expect: problem(401, "Invalid token", {
        headers: { "www-authenticate": BEARER_INVALID_TOKEN },
      }),
      explain: {
        why: 'Credentials were sent and rejected, so 401 again, now with `error="invalid_token"` in the challenge (RFC 6750 §3.1): the client did present a token, and that token is no good. The token itself is never echoed back.',
        clientShould: "Throw the token away and get a new one by logging in.",
      },
      hint: "The status is the same as before; what changed in `detail` and in `WWW-Authenticate`?",
    },
    {
      id: "expired-token",
      title: "an expired token",
      story:
        "Access tokens live for 15 minutes by default. Rather than wait, the lesson runner mints a token for Emil, correctly signed with the API's own key, that expired a minute ago.",
      before: [{ power: "mint-expired-token", userId: "emilId", into: "expiredToken" }],
      request: (api) => api.users.me.get(bearer("expiredToken")),
      expect: problem(401, "Token expired", {
        headers: {
          "www-authenticate":
            'Bearer error="invalid_token", error_description="The access token expired"',
        },
      }),
      explain: {
        why: 'The token is genuine but its `exp` is in the past, and the API allows no clock leeway. It is still 401 `invalid_token`, but with its own `detail` and an `error_description`, so a client can tell "get a new token, this is routine" from "something is wrong with this token".',
        clientShould:
          "Get a new access token (spend the refresh token at `POST /token`, or log in again) and repeat the request; this is the normal end of a token's life.",
      },
      hint: "Look for `error_description` in `WWW-Authenticate`.",
    },
    {
      id: "lower-case-scheme",
      title: "bearer in lower case",
      story:
        "Some clients write the scheme as `bearer` rather than `Bearer`. Should that be a 401?",
      request: (api) => api.users.me.get({ headers: { authorization: "bearer {{token}}" } }),
      expect: { status: 200, headers: { "content-type": JSON_BODY }, schema: UserPublic },
      explain: {
        why: "No: HTTP authentication scheme names are case-insensitive (RFC 9110 §11.1), so `bearer`, `Bearer` and `BEARER` are the same scheme and the valid token gets 200. (A token in the query string, by contrast, is never read.)",
      },
      hint: "Only the first word of the header changed since the first 200.",
    },
    signUp("finn", {
      id: "throwaway-sign-up",
      title: "sign up a throwaway user",
      story:
        "For the last case we need a token whose user is gone. Emil creates a throwaway account, Finn, and keeps its token and id.",
      capture: { finnToken: "/token", finnId: "/user/id" },
      hint: "A second user, with its own token.",
    }),
    {
      id: "delete-self",
      title: "the throwaway deletes itself",
      story: "Finn deletes his own account with `DELETE /users/{his id}`, using his own token.",
      request: (api) => api.users({ id: "{{finnId}}" }).delete(undefined, bearer("finnToken")),
      expect: { status: 204, emptyBody: true },
      explain: {
        why: "Anyone may delete themself. The deletion worked and there is nothing to say about a user that no longer exists, so 204 No Content, with no body at all.",
      },
      hint: "No body follows the headers of a 204.",
    },
    {
      id: "deleted-users-token",
      title: "the deleted user's token",
      story:
        "Finn's token is still perfectly signed and has not expired. He calls `GET /users/me` with it.",
      request: (api) => api.users.me.get(bearer("finnToken")),
      expect: problem(401, "Could not validate credentials", {
        headers: { "www-authenticate": BEARER_INVALID_TOKEN },
      }),
      explain: {
        why: "A token only proves a user id; on every request the API also looks that user up. Finn is gone, so the token is rejected with 401 at once, not when it expires. That is what makes deleting an account (or an admin removing one) take effect immediately.",
        clientShould:
          "Treat it like any invalid token: drop it and log in again (which, for a deleted account, will fail).",
      },
      hint: "The token did not change since it last worked. What did?",
    },
  ],
  takeaway:
    'On a protected route every authentication failure is 401 with a `WWW-Authenticate` challenge: a bare `Bearer` when no credentials came, `error="invalid_token"` when they came and were rejected (malformed, forged, expired, or their user is gone). 403 is for something else entirely: a caller who is known but not allowed.',
};
