import { ItemsPublic, UserPublic } from "@statuslab/contracts";
import { bearer } from "../api-call.ts";
import type { LessonSource } from "../model.ts";
import { BEARER, BEARER_INVALID_TOKEN, JSON_BODY, problem } from "./_expect.ts";
import { signUp, whoAmI } from "./_steps.ts";

export const lesson: LessonSource = {
  id: "protected-route",
  title: "Protected routes: 200, and five kinds of 401",
  intro:
    "`GET /users/me` and `GET /users/me/items` only answer people who prove who they are. You will call them with a good token, with none, with garbage, with a token whose payload was edited to claim another user, with an expired one and with the token of a user who no longer exists. Every failure is a 401, and the `detail` and `WWW-Authenticate` header tell you which one it was and what to do.",
  steps: [
    signUp("emil", {
      story: "Emil signs up; we keep his token and his id for the rest of the lesson.",
      setup: true,
      capture: { token: "/token", emilId: "/user/id" },
      hint: "`token` and `user.id` are captured for the next steps.",
    }),
    whoAmI("token", {
      id: "with-token",
      title: "with a valid token",
      story: "First the happy path: Emil sends `Authorization: Bearer <his token>`.",
      why: "The signature checks out, the token has not expired, and its user exists: 200 with Emil's record.",
      hint: "This is the baseline; most following steps change one thing about the `Authorization` header.",
    }),
    {
      id: "my-items",
      title: "another protected route: my items",
      story:
        "The seed's protected-routes example has a second route behind the same check, `GET /users/me/items`. Emil sends the same token there.",
      request: (api) => api.users.me.items.get(bearer("token")),
      expect: {
        status: 200,
        headers: { "content-type": JSON_BODY },
        body: { "/items": [] },
        schema: ItemsPublic,
      },
      explain: {
        why: "The same guard runs before every protected route: it checks the token and looks its user up, and the handler only ever sees that user. So Emil gets 200 with his own items (none yet) and his email as `owner`; no parameter in the request could make it someone else's list.",
      },
      hint: "Nothing in the URL says whose items these are. Where did `owner` come from?",
    },
    {
      id: "no-header",
      title: "no Authorization header",
      story:
        "Now the same request with no `Authorization` header at all, as a browser tab or a forgetful script would send it. The seed's FastAPI app answered this with 403 Forbidden.",
      request: (api) => api.users.me.get(),
      expect: problem(401, "Not authenticated", { headers: { "www-authenticate": BEARER } }),
      explain: {
        why: 'RFC 9110 defines 401 for a request that "lacks valid authentication credentials", which includes sending none, and requires a `WWW-Authenticate` challenge with it; 403 is for a caller who is known and still not allowed. FastAPI\'s `HTTPBearer` used to answer a missing header with 403 (which is why the seed tutorial lists "Missing → 403"); FastAPI 0.122 changed its security classes to 401 with `WWW-Authenticate` for exactly this reason, and this API does the same. The challenge is a bare `Bearer` with no `error` code: RFC 6750 says a request that carried no credentials should not get one.',
        clientShould: "Attach a token (log in first if you have none) and try again.",
      },
      hint: 'No credentials at all: is that "who are you?" or "you may not"?',
    },
    {
      id: "garbage-token",
      title: "a token that is not a JWT",
      story:
        "Emil's client sends `Bearer this-is-not-a-jwt`: there is a token, but it is not even shaped like one.",
      request: (api) =>
        api.users.me.get({ headers: { authorization: "Bearer this-is-not-a-jwt" } }),
      expect: problem(401, "Invalid token", {
        headers: { "www-authenticate": BEARER_INVALID_TOKEN },
      }),
      explain: {
        why: 'Credentials were sent and rejected, so 401 again, now with `error="invalid_token"` in the challenge (RFC 6750 §3.1): the client did present a token, and that token is no good. The token itself is never echoed back.',
        clientShould: "Throw the token away and get a new one by logging in.",
      },
      hint: "Compare `detail` and `WWW-Authenticate` with the previous step's: what does a token that is present but bad add?",
    },
    signUp("finn", {
      id: "throwaway-sign-up",
      title: "sign up a throwaway user",
      story:
        "A second user, Finn, signs up. His id is what a forger will claim in the next step, and later his token will outlive him.",
      setup: true,
      capture: { finnToken: "/token", finnId: "/user/id" },
      hint: "A second user, with its own token.",
    }),
    {
      id: "tampered-token",
      title: "a token edited to claim Finn",
      story:
        'A JWT is three base64url parts joined by dots: header, payload, signature. Only making the signature takes the secret key; anyone can decode the payload. Emil\'s decodes to something like `{"type":"access","sub":"2","iat":1764900000,"exp":1764900900}`. He changes `sub` to Finn\'s id, encodes the payload again and keeps the header and signature. The runner does exactly that with Emil\'s real token (it shows both payloads, decoded), then calls `GET /users/me` with the result.',
      before: [{ power: "forge-token", token: "token", userId: "finnId", into: "forgedToken" }],
      request: (api) => api.users.me.get(bearer("forgedToken")),
      expect: problem(401, "Invalid token", {
        headers: { "www-authenticate": BEARER_INVALID_TOKEN },
      }),
      explain: {
        why: 'The signature is an HMAC over the header and payload, made with a key only the API holds. Changing one character of the payload makes it wrong, and without the key nobody can make a right one, so the edited token is rejected before `sub` is even read: 401 `Invalid token` with `error="invalid_token"`, the same answer as for garbage. The seed\'s lesson ("this is signed with a secret key so it can\'t be forged") holds only while the key is secret and the signature is checked, with the algorithm pinned (`alg: none` is refused too).',
        clientShould:
          "Never edit a token: it is opaque to clients. Log in as the user you need to be.",
      },
      hint: "Decode the middle part of both tokens (it is base64url JSON): only `sub` differs. Why is that enough to refuse it?",
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
      hint: "The token is genuine and correctly signed; only its `exp` is in the past. How should a client be told that this is routine?",
    },
    {
      id: "lower-case-scheme",
      title: "the Bearer scheme in lower case",
      story:
        "Some clients write the scheme as `bearer` rather than `Bearer`. Should that be a 401?",
      request: (api) => api.users.me.get({ headers: { authorization: "bearer {{token}}" } }),
      expect: { status: 200, headers: { "content-type": JSON_BODY }, schema: UserPublic },
      explain: {
        why: "No: HTTP authentication scheme names are case-insensitive (RFC 9110 §11.1), so `bearer`, `Bearer` and `BEARER` are the same scheme and the valid token gets 200. (A token in the query string, by contrast, is never read.)",
      },
      hint: "Only the first word of the header changed since the first request with this token.",
    },
    {
      id: "delete-self",
      title: "the throwaway deletes itself",
      story:
        "Finn deletes his own account with `DELETE /users/me`, using his own token (`DELETE /users/{his id}` would do the same).",
      request: (api) => api.users.me.delete(undefined, bearer("finnToken")),
      expect: { status: 204, emptyBody: true },
      explain: {
        why: "Anyone may delete themself. The deletion worked and there is nothing to say about a user that no longer exists, so 204 No Content, with no body at all.",
      },
      hint: "A deletion leaves nothing to describe. What is there left to put in a body?",
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
      chosenBy: "if (!user) throw new CredentialsRejectedError",
      explain: {
        why: "A token only proves a user id; on every request the API also looks that user up. Finn is gone, so the token is rejected with 401 at once, not when it expires. That is what makes deleting an account (or an admin removing one) take effect immediately.",
        clientShould:
          "Treat it like any invalid token: drop it and log in again (which, for a deleted account, will fail).",
      },
      hint: "The token did not change since it last worked. What did?",
    },
  ],
  takeaway:
    'On a protected route every authentication failure is 401 with a `WWW-Authenticate` challenge: a bare `Bearer` when no credentials came, `error="invalid_token"` when they came and were rejected (malformed, edited, expired, or their user is gone). A token\'s payload is readable by anyone but changeable by no one without the key. 403 is for something else entirely: a caller who is known but not allowed.',
};
