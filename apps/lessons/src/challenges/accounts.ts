/** Challenges of the lessons about accounts: signing up, bad input, roles, deleting. */
import type { RequestSpec } from "../model.ts";
import { samePath } from "./check.ts";
import type { Challenge, LogEntry } from "./model.ts";

/** Every challenge's own account: `{{mark}}` is fresh for each attempt. */
export const signUpMe = (who = "me"): RequestSpec => ({
  method: "POST",
  path: "/users/",
  json: { email: `${who}-{{mark}}@example.com`, password: `${who}-password-1` },
});

const USER_PATH = /^\/users\/\d+$/;

/** The entry's path is the `Location` of the `want`-th entry met: the user that sign-up made. */
const atLocationOf =
  (want: number) =>
  (entry: LogEntry, earlier: LogEntry[]): boolean =>
    samePath(entry.path, earlier[want]?.headers.location);

export const accountChallenges: Challenge[] = [
  {
    id: "sign-up-and-follow",
    lessonId: "signing-up",
    title: "sign up, then follow the Location",
    task: "Sign up an account of your own with `POST /users/` (a JSON body with `email` and a `password` of at least 8 characters), then `GET` exactly the URL its `Location` header names, presenting the `token` from the answer as `Authorization: Bearer <token>`.",
    hints: [
      'curl: `curl -i -X POST {{url}}/users/ -H \'content-type: application/json\' -d \'{"email":"me-{{mark}}@example.com","password":"my-password-1"}\'`.',
      "`-i` shows the headers: copy the `Location` path and the `token` from the body into `curl -i {{url}}<location> -H 'authorization: Bearer <token>'`.",
    ],
    goal: [
      { method: "POST", path: "/users/", status: 201 },
      {
        method: "GET",
        path: USER_PATH,
        status: 200,
        also: { says: "the path its Location named", test: atLocationOf(0) },
      },
    ],
    lesson:
      "201 said something new exists; its `Location` led straight to it, no URL built by hand.",
    solution: [
      { request: signUpMe(), capture: { token: "/token", location: "header:location" } },
      { request: { method: "GET", path: "{{location}}", bearer: "token" } },
    ],
  },
  {
    id: "get-a-409",
    lessonId: "duplicate-email",
    title: "get a 409 Conflict",
    task: "Sign up a fresh address of your own, then get 409 Conflict by signing the same address up again, this time in other letter case (`ME-…@EXAMPLE.COM`).",
    hints: [
      "Both requests are `POST /users/` with a valid JSON body; only the second clashes.",
      "Change the case of the email between the two; any valid password (8 characters or more) will do the second time.",
    ],
    goal: [
      { method: "POST", path: "/users/", status: 201 },
      {
        method: "POST",
        path: "/users/",
        status: 409,
        detail: "Email already registered",
        also: {
          says: "its address in other letter case",
          test: (entry, [created]) => {
            const [again, first] = [entry.fields.email, created?.fields.email];
            return (
              !!again && !!first && again !== first && again.toLowerCase() === first.toLowerCase()
            );
          },
        },
      },
    ],
    lesson:
      "The body was valid (no 422): it clashed with what the server holds, whatever the letter case.",
    solution: [
      { request: signUpMe() },
      {
        request: {
          method: "POST",
          path: "/users/",
          json: { email: "ME-{{mark}}@EXAMPLE.COM", password: "another-password-2" },
        },
      },
    ],
  },
  {
    id: "make-it-415",
    lessonId: "bad-input",
    title: "make the API answer 415",
    task: "Make `POST /users/` answer 415 Unsupported Media Type: a sign-up it refuses for the format of its body, before reading a single field.",
    hints: [
      "415 is about the `Content-Type` of the body, not its fields: a 422 means the format was fine.",
      "`curl -d 'email=a@b.c&password=12345678'` without a content-type header sends an HTML form.",
    ],
    goal: [{ method: "POST", path: "/users/", status: 415 }],
    lesson:
      "The answer's `Accept-Post` header names the one format the route takes: application/json.",
    solution: [
      {
        request: {
          method: "POST",
          path: "/users/",
          form: { email: "me-{{mark}}@example.com", password: "me-password-1" },
        },
      },
    ],
  },
  {
    id: "forbidden-then-hidden",
    lessonId: "roles",
    title: "get a 403, then a 404 that hides",
    task: "Sign up two ordinary accounts of your own, A and then B. Let A try to delete B (`DELETE /users/{B's id}` with A's token) and get 403 Forbidden, then let A read B (`GET /users/{B's id}`) and get 404, although B exists.",
    hints: [
      "Each sign-up answers a `token` and a `user.id`; B's sign-up also names B's path in its `Location` header.",
      "Both requests carry A's token as `Authorization: Bearer …` and B's id in the path.",
    ],
    goal: [
      { method: "POST", path: "/users/", status: 201 },
      {
        method: "DELETE",
        path: USER_PATH,
        status: 403,
        detail: "Not enough permissions",
        also: { says: "the account that sign-up created", test: atLocationOf(0) },
      },
      {
        method: "GET",
        path: USER_PATH,
        status: 404,
        detail: "User not found",
        also: { says: "the same account", test: atLocationOf(0) },
      },
    ],
    lesson: "Known but not allowed is 403; where even that would reveal someone exists, 404.",
    solution: [
      { request: signUpMe("a"), capture: { aToken: "/token" } },
      { request: signUpMe("b"), capture: { bId: "/user/id" } },
      { request: { method: "DELETE", path: "/users/{{bId}}", bearer: "aToken" } },
      { request: { method: "GET", path: "/users/{{bId}}", bearer: "aToken" } },
    ],
  },
  {
    id: "delete-and-look",
    lessonId: "deleting",
    title: "delete an account, then use its token",
    task: "Sign up an account, delete it with its own token (`DELETE /users/{id}` or `DELETE /users/me`: 204), then call `GET /users/me` with the same token.",
    hints: [
      "The sign-up answer holds both the `token` and `user.id` you need.",
      "`curl -i -X DELETE {{url}}/users/<id> -H 'authorization: Bearer <token>'`.",
    ],
    goal: [
      { method: "DELETE", path: /^\/users\/(\d+|me)$/, status: 204 },
      {
        method: "GET",
        path: "/users/me",
        status: 401,
        detail: "Could not validate credentials",
        also: {
          says: "the token that deleted it",
          test: (entry, [deleted]) =>
            !!entry.presented && entry.presented.signature === deleted?.presented?.signature,
        },
      },
    ],
    lesson: "The token is still well signed and unexpired, but its user is gone: it fails at once.",
    solution: [
      { request: signUpMe(), capture: { token: "/token", id: "/user/id" } },
      { request: { method: "DELETE", path: "/users/{{id}}", bearer: "token" } },
      { request: { method: "GET", path: "/users/me", bearer: "token" } },
    ],
  },
];
