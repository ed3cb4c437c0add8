import { UserPublic, UsersPublic } from "@statuslab/contracts";
import { bearer } from "../api-call.ts";
import type { LessonSource } from "../model.ts";
import { JSON_BODY, problem } from "./_expect.ts";
import { adminLogIn, signUp } from "./_steps.ts";

export const lesson: LessonSource = {
  id: "roles",
  title: "Roles: 403 Forbidden, and a 404 that hides",
  intro:
    'Being logged in is not the same as being allowed. Two ordinary users will try to read, delete and list each other, then the admin steps in and promotes one of them. You will see 403 where the answer is "you may not", 404 where even that would say too much, and a role change that takes effect on the very next request.',
  steps: [
    signUp("hugo", {
      id: "sign-up-hugo",
      story: "Hugo signs up. He is an ordinary user, like everyone who signs up.",
      setup: true,
      body: { "/user/role": "user" },
      capture: { hugoToken: "/token", hugoId: "/user/id" },
      why: "A new user was created: 201 Created with `Location`, role `user`.",
      hint: "`user.role` is `user`: nobody can sign up as an admin.",
    }),
    signUp("iris", {
      id: "sign-up-iris",
      story: "Iris signs up too. Hugo is going to be curious about her.",
      setup: true,
      capture: { irisToken: "/token", irisId: "/user/id" },
      why: "Another new user: 201 Created.",
      hint: "Keep an eye on Iris's id: Hugo is about to use it.",
    }),
    {
      id: "read-someone-else",
      title: "Hugo reads Iris",
      story:
        "Hugo asks for `GET /users/{Iris's id}` with his own token. He is authenticated, so this is not a 401; the question is whether he may see her.",
      request: (api) => api.users({ id: "{{irisId}}" }).get(bearer("hugoToken")),
      expect: problem(404, "User not found"),
      chosenBy: "actor.id !== id) throw new UserNotFoundError",
      explain: {
        why: "Non-admins may read only themselves. A 403 here would be honest, but it would also confirm that user {id} exists, and anyone could walk through ids to count the users and find which ones are real. RFC 9110 allows a server to answer 404 instead of 403 to hide that a resource exists, so this API answers exactly what it would for an id nobody has: 404 `User not found`.",
        clientShould:
          "Not build features that depend on reading other users; a 404 here does not prove the user is missing.",
      },
      hint: "Try to tell this answer apart from the one for an id that does not exist at all. Can you?",
    },
    {
      id: "delete-someone-else",
      title: "Hugo deletes Iris",
      story: "Hugo goes further and sends `DELETE /users/{Iris's id}` with his token.",
      request: (api) => api.users({ id: "{{irisId}}" }).delete(undefined, bearer("hugoToken")),
      expect: problem(403, "Not enough permissions"),
      chosenBy: "actor.id !== id) throw new ForbiddenError",
      explain: {
        why: "403 Forbidden: the API knows who Hugo is, and deleting other people is not something his role allows, whoever they are. The refusal comes before any lookup, so it is the same for an id that exists and one that does not: 403 reveals nothing about Iris either. Logging in again would not help, which is the difference from 401.",
        clientShould: "Hide the action for users without the role; do not retry.",
      },
      hint: 'This refusal is about the action (deleting others), not about a particular user. Does saying "you may not" reveal anything about Iris here?',
    },
    {
      id: "list-users-as-user",
      title: "Hugo lists all users",
      story: "Hugo tries the admin-only listing, `GET /admin/users`.",
      request: (api) => api.admin.users.get(bearer("hugoToken")),
      expect: problem(403, "Not enough permissions"),
      chosenBy: "caller.role !== role",
      explain: {
        why: "The route exists and everybody knows it does (it is in the API documentation), so there is nothing to hide: 403 Forbidden says plainly that his role is not enough.",
      },
      hint: "Compare with the 401s of the protected-route lesson: Hugo's token is fine here.",
    },
    adminLogIn({
      setup: true,
      story:
        "The admin account is configured by the operator (`ADMIN_EMAIL`, `ADMIN_PASSWORD`); the lesson runner fills them in. The admin logs in like anyone else, through `POST /token`.",
      why: 'Correct credentials: 200 with a token. The token looks like any other; it does not say "admin" anywhere. The role lives in the database.',
      hint: "Decode the token's middle part (base64url) if you like: `sub`, `iat`, `exp`, `type`, and no role.",
    }),
    {
      id: "admin-reads-iris",
      title: "the admin reads Iris",
      story: "The admin asks for the same `GET /users/{Iris's id}` that Hugo got a 404 for.",
      request: (api) => api.users({ id: "{{irisId}}" }).get(bearer("adminToken")),
      expect: { status: 200, headers: { "content-type": JSON_BODY }, schema: UserPublic },
      needsAdmin: true,
      explain: {
        why: "Admins may read anyone, so the user is looked up and returned: 200. The same URL gave Hugo 404, which is the point: the answer depends on who asks.",
      },
      hint: "Same path as Hugo's 404, different token.",
    },
    {
      id: "admin-lists-users",
      title: "the admin lists users",
      story: "The admin calls `GET /admin/users`, the listing Hugo was refused.",
      request: (api) => api.admin.users.get(bearer("adminToken")),
      expect: { status: 200, headers: { "content-type": JSON_BODY }, schema: UsersPublic },
      needsAdmin: true,
      explain: {
        why: "An admin may list users: 200 with `{data, count}`, where `data` is one page (20 by default, `?limit=` and `?offset=` to page) and `count` is the total.",
      },
      hint: "The same route Hugo was refused; what differs is who asks.",
    },
    {
      id: "promote-hugo",
      title: "the admin promotes Hugo",
      story:
        'The admin decides Hugo can be trusted and sends `PATCH /admin/users/{Hugo\'s id}` with `{"role": "admin"}`.',
      request: (api) =>
        api.admin.users({ id: "{{hugoId}}" }).patch({ role: "admin" }, bearer("adminToken")),
      expect: {
        status: 200,
        headers: { "content-type": JSON_BODY },
        body: { "/role": "admin" },
        schema: UserPublic,
      },
      needsAdmin: true,
      explain: {
        why: "The user exists and was changed, and the response shows the result: 200 with Hugo's record, role now `admin`.",
      },
      hint: "`role` in the body is the stored role after the change.",
    },
    {
      id: "same-token-now-admin",
      title: "Hugo's same token, now allowed",
      story:
        "Hugo does not log in again. He sends `GET /admin/users` with the very token that got 403 a moment ago.",
      request: (api) => api.admin.users.get(bearer("hugoToken")),
      expect: { status: 200, headers: { "content-type": JSON_BODY }, schema: UsersPublic },
      needsAdmin: true,
      explain: {
        why: "The token carries only Hugo's id; his role is read from the database on every request. The database now says admin, so the same token gets 200. Had the role been frozen into the token, he would have needed a new one, and, worse, a demoted admin would keep their powers until their token expired.",
      },
      hint: "Nothing about the request changed since the 403. What changed on the server?",
    },
    {
      id: "demote-hugo",
      title: "the admin demotes Hugo",
      story: 'The admin changes their mind: `PATCH` Hugo back to `{"role": "user"}`.',
      request: (api) =>
        api.admin.users({ id: "{{hugoId}}" }).patch({ role: "user" }, bearer("adminToken")),
      expect: {
        status: 200,
        headers: { "content-type": JSON_BODY },
        body: { "/role": "user" },
        schema: UserPublic,
      },
      needsAdmin: true,
      explain: {
        why: "Changed and returned: 200 with role `user`. A role change also revokes every session the user has open (their refresh-token families), so a session opened while Hugo was an admin can no longer be renewed: its next refresh gets 401 `Refresh token revoked`.",
      },
      hint: "This is the case that matters most for security: taking rights away.",
    },
    {
      id: "same-token-refused-again",
      title: "Hugo's same token, refused again",
      story: "Hugo tries the listing once more, still with his original token.",
      request: (api) => api.admin.users.get(bearer("hugoToken")),
      expect: problem(403, "Not enough permissions"),
      chosenBy: "caller.role !== role",
      needsAdmin: true,
      explain: {
        why: "The role is read again and is `user`: 403 at once, not at the token's expiry. Revoking a role takes effect on the next request.",
      },
      hint: "The admin has just taken the role back. Does Hugo's token know that, and does it need to?",
    },
  ],
  takeaway:
    '401 asks "who are you?", 403 says "I know, and no". When even "no" would reveal that something exists, a 404 is the safer answer. Keep roles in the database, not in the token, so that granting and revoking them works on the next request.',
};
