import { bearer } from "../api-call.ts";
import type { LessonSource } from "../model.ts";
import { BEARER, problem } from "./_expect.ts";
import { signUp, whoAmI } from "./_steps.ts";

export const lesson: LessonSource = {
  id: "route-matching",
  title: "Route matching: /users/me versus /users/{id}",
  intro:
    "`/users/me` and `/users/{id}` look alike to a router. You will see whether `me` can be mistaken for an id here, what happens when something that is not an id lands on `/users/{id}` (422), and that the API asks who you are before it looks at the id.",
  steps: [
    signUp("gina", {
      story: "Gina signs up so that she has a token to try the routes with.",
      setup: true,
      capture: { token: "/token" },
      hint: "Only the token is needed in this lesson.",
    }),
    whoAmI("token", {
      id: "users-me",
      title: "/users/me beside /users/{id}",
      story:
        "In the seed's FastAPI app, routes were tried top to bottom: had `/{user_id}` been declared before `/me`, FastAPI would have tried to read `me` as a user id and failed. Here Gina calls `GET /users/me` on a router where `/users/:id` is registered in the same module.",
      why: 'Elysia\'s router is a tree in which a static segment always beats a parameter, whatever order the routes were declared in. So `/users/me` reaches the "who am I" handler and answers 200, and so does `/users/limited`; only a segment that matches no static route falls through to `/users/{id}`.',
      // The lesson's first point, although `GET /users/me` is old news and comes before its
      // first failure.
      setup: false,
      hint: "Two routes could match this path, `/users/me` and `/users/{id}`. Which one wins, and does the order they were declared in matter?",
    }),
    {
      id: "id-not-a-number",
      title: "an id that is not a number",
      story:
        "Gina asks for `GET /users/abc`. `abc` is not a static route, so it lands on `/users/{id}`, whose id must be a positive integer.",
      request: (api) => api.users({ id: "abc" }).get(bearer("token")),
      expect: problem(422, "Invalid path parameter", {
        body: { "/errors/0/path": "/id", "/errors/0/message": "must be a positive integer" },
      }),
      explain: {
        why: 'The route exists and the request is well-formed HTTP, but one of its inputs, a path parameter this time, breaks its rule. No RFC settles what to answer: RFC 9110 defines 422 for content (a body) that parses but cannot be processed, and many APIs answer 404 here (no resource has this URL) or 400. 422 with the parameter named is FastAPI\'s convention (what `user_id: int` produces), and this API keeps it so that every broken input rule, in the body, the query or the path, fails the same way with the same `errors: [{path, message}]` list, here naming `/id`. It also keeps "abc can never be a user id" (422) apart from "there is no such user" (404).',
        clientShould: "Only ever build these URLs from ids the API gave you.",
      },
      hint: 'The route exists, but `abc` breaks the rule for its id. Is that "no such user", or a broken input?',
    },
    {
      id: "id-zero",
      title: "id zero",
      story:
        '`0` is a number, so is `GET /users/0` fine? Ids here start at 1, and the rule is written as "digits, no leading zero" (so `007` and `-1` fail too).',
      request: (api) => api.users({ id: 0 }).get(bearer("token")),
      expect: problem(422, "Invalid path parameter", {
        body: { "/errors/0/path": "/id", "/errors/0/message": "must be a positive integer" },
      }),
      explain: {
        why: 'Same rule, same answer: 422. Checking the shape of an id before looking it up means a bad id can never reach the database, and the client hears "this can never work" instead of "not found".',
      },
      hint: "Could the API ever have handed out `0` as an id? Compare `GET /users/999999`: a well-formed id that nobody happens to have.",
    },
    {
      id: "id-without-token",
      title: "a bad id without a token",
      story:
        "Finally `GET /users/abc` again, this time without a token. Two things are wrong now: the caller is anonymous and the id is malformed. Which one should win?",
      request: (api) => api.users({ id: "abc" }).get(),
      expect: problem(401, "Not authenticated", { headers: { "www-authenticate": BEARER } }),
      explain: {
        why: "Authentication comes first: the guard runs before the path, query and body fields are validated, so an anonymous caller hears 401 and learns nothing about the rules of the route's fields. Only a caller who may use the route gets told how to use it correctly. What is checked before the guard is only whether a body can be read at all: too big (413), the wrong media type (415) or unparseable (400).",
        clientShould: "Log in first; then fix any 422.",
      },
      hint: "Same path as two steps ago. What is missing from the request, and which check runs first?",
    },
  ],
  takeaway:
    "Here static routes such as `/users/me` always win over `/users/{id}`, regardless of declaration order (in FastAPI the order matters). A path parameter that breaks its rule is a 422 like a bad body field: FastAPI's convention rather than an RFC rule, kept for one shape of error across every input. Authentication is checked before any of that.",
};
