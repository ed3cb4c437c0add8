import type { LessonSource } from "../model.ts";
import { problem } from "./_expect.ts";

export const lesson: LessonSource = {
  id: "wrong-method-and-size",
  title: "Wrong method, wrong path, too big: 405, 404 and 413",
  intro:
    "Three mistakes that have nothing to do with who you are or what your fields say: a method the URL does not support, a URL that does not exist, and a body far too large. Each has its own code, and two of them tell you how to do better.",
  steps: [
    {
      id: "put-users-me",
      title: "PUT on /users/me",
      story:
        "A client tries to update a profile with `PUT /users/me`. The path exists (you can GET it, and DELETE it to delete your account), but nobody wrote a PUT for it. No token is needed to find that out.",
      // Raw: `/users/me` has no PUT, so the typed client cannot even express this request.
      request: { method: "PUT", path: "/users/me", json: { name: "Someone" } },
      expect: problem(405, "Method Not Allowed", { headers: { allow: /\bGET\b/ } }),
      explain: {
        why: "405 Method Not Allowed: the resource exists, the method does not, and HTTP requires an `Allow` header listing the methods that do. Here it reads `DELETE, GET, HEAD`: `GET` reads your record, `DELETE` deletes your own account, and `HEAD` comes with every GET route (headers only, no body). Each of them works on this very URL with a token. A 404 here would wrongly suggest the URL is wrong.",
        clientShould: "Use a method named in `Allow`; retrying with PUT will never work.",
      },
      hint: "The path exists, the method does not. What could the answer tell the client to try instead?",
    },
    {
      id: "unknown-path",
      title: "a path that does not exist",
      story: "Now `GET /nope`: no route, with any method, matches this path.",
      // Raw: a path no route has; the typed client only knows the routes that exist.
      request: { method: "GET", path: "/nope" },
      expect: problem(404, "Not Found", { headers: { allow: "absent" } }),
      chosenBy: "new RouteNotFoundError",
      explain: {
        why: "404 Not Found: there is nothing at this URL, so there is no method to suggest and no `Allow` header. Like every error here it is still application/problem+json, with `instance` naming the path and a request id.",
        clientShould: "Check the URL against the API documentation (`/docs`).",
      },
      hint: "No route takes this path with any method. What could the answer offer instead?",
    },
    {
      id: "body-too-large",
      title: "a body of 70,000 bytes",
      story:
        'A client posts a JSON body of exactly 70,000 bytes to the sign-up route: `{"pad":"…"}`, one field whose string holds 69,990 spaces, and no email or password at all. It is the kind of thing a bug or an attack produces. The API accepts at most 64 KiB (65,536 bytes) on any route: room for every valid request, even one with each field at its longest and every character escaped.',
      // Raw: 70 000 bytes of padding, a body no schema-typed call can carry.
      request: { method: "POST", path: "/users/", oversizedJsonBytes: 70000 },
      expect: problem(413, "Request body is larger than 65536 bytes"),
      chosenBy: "declared > limit",
      explain: {
        why: "413 Content Too Large: the server refuses the body for its size alone, before parsing or validating any of it. A declared `Content-Length` over the limit is refused without reading a byte; without one (or with one that lies), the API counts the bytes as they arrive and stops at the limit. Either way, nobody can make it buffer an arbitrarily large body.",
        clientShould:
          "Send less. Nothing valid comes near the limit, so look for the bug that made the body this big.",
      },
      hint: "The body is over the limit the story names. Would the API read and validate it first, or refuse it for its size alone?",
    },
  ],
  takeaway:
    "405 means the URL exists but not with that method (read `Allow`); 404 means the URL does not exist; 413 means the body is too big, whatever it says. None of these is about authentication or field rules, and none is worth retrying unchanged.",
};
