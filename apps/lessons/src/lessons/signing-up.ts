import { UserPublic, UserRegistered } from "@statuslab/contracts";
import { bearer } from "../api-call.ts";
import type { LessonSource } from "../model.ts";
import { JSON_BODY, USER_LOCATION } from "./_expect.ts";

export const lesson: LessonSource = {
  id: "signing-up",
  title: "Signing up: 201 Created and the Location header",
  intro:
    "Every story starts with an account. You will create one, see why the answer is 201 rather than 200, and use the two things the response hands you: a `Location` that says where the new user lives, and an access token to prove who you are when you go there.",
  steps: [
    {
      id: "sign-up",
      title: "sign up Alice",
      story:
        "Alice sends her email, a password and her name as JSON to `POST /users/`. Nothing about her exists yet, so if all goes well the API creates a user. Which success code says that? We keep three things from the answer: the access token, her new id, and the `Location` header.",
      request: (api) =>
        api.users.post({
          email: "alice-{{run}}@example.com",
          password: "correct-horse-42",
          name: "Alice",
        }),
      expect: {
        status: 201,
        headers: { location: USER_LOCATION, "content-type": JSON_BODY },
        body: { "/token_type": "bearer", "/user/role": "user", "/user/name": "Alice" },
        schema: UserRegistered,
      },
      capture: { token: "/token", aliceId: "/user/id", location: "header:location" },
      explain: {
        why: "The request created a new resource, the user. 201 says exactly that, and `Location: /users/{id}` names the new resource so a client never has to guess or build the URL itself. The body adds what a client needs right away: the user as stored (the password is never returned) and a first access token, so signing up also logs you in.",
        clientShould:
          "Store the token (it expires after `expires_in` seconds) and the id; use `Location` rather than building `/users/{id}` by hand.",
      },
      hint: "Nothing existed before this request and something will afterwards: which code says that? In the answer, look for the `Location` header, and for `token` and `user.id` in the body. Is there any trace of the password?",
    },
    {
      id: "follow-location",
      title: "follow the Location header",
      story:
        "A `Location` header is only useful if it leads somewhere. We do what a careful client would do: GET exactly the URL the API gave us, presenting Alice's token as `Authorization: Bearer …`, because reading a user is a protected route.",
      // Raw: follows the `Location` header exactly as received; a typed call builds its own path.
      request: { method: "GET", path: "{{location}}", bearer: "token" },
      expect: {
        status: 200,
        headers: { "content-type": JSON_BODY },
        body: { "/role": "user", "/name": "Alice" },
        schema: UserPublic,
      },
      explain: {
        why: "The user exists, the token proves the caller is that very user, and a GET that finds what it asked for answers 200 OK with the resource in the body: id, email, role and name. Anyone may read their own record, so no special role is needed.",
        clientShould:
          "Treat the body as the current state of the user; re-read it rather than caching it forever.",
      },
      hint: "The path is exactly the `Location` you received, and the token is Alice's own. What could stop this?",
    },
    {
      id: "who-am-i",
      title: "ask who am I",
      story:
        'Clients often do not know their own id yet, only their token. `GET /users/me` answers the question "who does this token belong to?" and is the usual first call after logging in.',
      request: (api) => api.users.me.get(bearer("token")),
      expect: {
        status: 200,
        headers: { "content-type": JSON_BODY },
        body: { "/role": "user", "/name": "Alice" },
        schema: UserPublic,
      },
      explain: {
        why: "The token is valid and its user exists, so the API reads that user from the database and answers 200 with the same public fields as before. The token itself only carries the user's id; everything else, including the role, comes from the database on this request.",
      },
      hint: "There is no id in this path. What in the request tells the API which user you mean?",
    },
  ],
  takeaway:
    "201 Created means something new now exists, and `Location` tells you where. Success bodies are plain JSON and never include a password. Keep the token from the sign-up: every protected route wants it as `Authorization: Bearer <token>`.",
};
