import type { LessonSource } from "../model.ts";
import { problem } from "./_expect.ts";
import { signUp } from "./_steps.ts";

export const lesson: LessonSource = {
  id: "bad-input",
  title: "Bad input: 422, 400 and 415",
  intro:
    "Not every broken request is broken the same way. You will send a sign-up whose fields break the rules (422), one that is not JSON at all (400), and one in the wrong format entirely (415), and learn to tell from the code alone whose mistake it is and what to fix.",
  steps: [
    {
      id: "bad-email",
      title: "an email without an @",
      story:
        "Chloe types `chloe-at-example.com` into the sign-up form. The JSON is fine and every field is present; it is the value of `email` that cannot be right.",
      request: (api) =>
        api.users.post({ email: "chloe-at-example.com", password: "chloe-password-1" }),
      expect: problem(422, "Invalid request body", {
        body: { "/errors/0/path": "/email", "/errors/0/message": "must be a valid email address" },
      }),
      chosenBy: "new ValidationProblem(",
      explain: {
        why: "422 Unprocessable Content: the server understood the format (JSON) and parsed it, but what it says breaks the `UserCreate` schema. The problem body lists each bad field as `{path, message}`, with `path` a JSON Pointer. It never repeats the values you sent: FastAPI's and Elysia's default 422 echo the input back, which here would put Chloe's password into the response and into any log that records it.",
        clientShould:
          "Show the message next to the field named by `path`, let the user fix it, and send again.",
      },
      hint: "The JSON parses and every field is there. Which kind of mistake is left? And will the answer repeat the password you sent?",
    },
    {
      id: "short-password",
      title: "a password that is too short",
      story:
        "Chloe fixes her email but picks `short` as her password. Passwords here must be 8 to 128 characters, and they are never trimmed: a space at either end is part of the password.",
      request: (api) => api.users.post({ email: "chloe-{{run}}@example.com", password: "short" }),
      expect: problem(422, "Invalid request body", { body: { "/errors/0/path": "/password" } }),
      chosenBy: "new ValidationProblem(",
      explain: {
        why: "Still 422: well-formed JSON, one field outside its rules. The error points at `/password` and says what the rule is, but again not what was sent. No account was created: validation happens before anything touches the database.",
        clientShould:
          "Check the length in the client too, so the user hears about it before submitting.",
      },
      hint: "The JSON is well-formed again; only one field's value breaks its rule. Which step before this one was like that?",
    },
    {
      id: "malformed-json",
      title: "JSON with a missing brace",
      story:
        "A hand-built request forgets the closing `}`. The `Content-Type` still says `application/json`, but the bytes are not JSON at all, so nobody can even tell which fields were meant.",
      // Raw: the bytes are not JSON at all, which no client that encodes a body can send.
      request: {
        method: "POST",
        path: "/users/",
        raw: {
          contentType: "application/json",
          body: '{"email": "chloe-{{run}}@example.com", "password": "chloe-password-1"',
        },
      },
      expect: problem(400, "Malformed JSON body"),
      chosenBy: 'MalformedBodyError("JSON")',
      explain: {
        why: "400 Bad Request is for a request the server cannot make sense of at all. A syntax error in the body is exactly that: there are no fields to validate yet, so 422 (which is about content that parsed) would be wrong. FastAPI answers 422 here; this API follows the HTTP meaning and answers 400.",
        clientShould:
          "Build bodies with a JSON encoder (`JSON.stringify`), never by gluing strings. Retrying the same bytes cannot help.",
      },
      hint: "If the API cannot read the body at all, which fields could it blame?",
    },
    {
      id: "form-to-json-route",
      title: "a form sent to the JSON route",
      story:
        "A web page posts the sign-up as an HTML form (`application/x-www-form-urlencoded`), the way a login form is sent. The fields are even the right ones, but `POST /users/` only speaks JSON.",
      // Raw: a form where the route takes JSON; the typed client sends this route only JSON.
      request: {
        method: "POST",
        path: "/users/",
        form: { email: "chloe-{{run}}@example.com", password: "chloe-password-1" },
      },
      expect: problem(415, "Send the body as application/json", {
        headers: { "accept-post": "application/json" },
      }),
      chosenBy: 'UnsupportedMediaTypeError("application/json",',
      explain: {
        why: "415 Unsupported Media Type: the server refuses the body because of its declared format, before reading a field of it. Quietly parsing a form where JSON was promised would accept requests the schema was never written for. The `Accept-Post` header says which format the route takes.",
        clientShould:
          "Send the body in the format named by `Accept-Post`, with a matching `Content-Type`.",
      },
      hint: "Look at the request's `Content-Type`: is the problem in the fields, or in the format they came in?",
    },
    signUp("chloe", {
      id: "fixed-and-sent",
      title: "fixed, and sent again",
      story:
        "Chloe sends a proper JSON body with a valid email and a long enough password, for the `chloe-…@example.com` she tried before. Did any of the four failures above leave something behind?",
      why: "Everything is in order, so the user is created: 201 with `Location`. If any of the rejected requests had created her account, this would have been a 409.",
      hint: "Had anything been half-created earlier, what status would you see now?",
    }),
  ],
  takeaway:
    "400: the request could not be read at all (fix how it is built). 415: it is in the wrong format (look at `Accept-Post`). 422: it was read fine but a field breaks the rules (look at `errors`, which names fields and never echoes values). All three are the client's to fix, and none of them changes anything on the server.",
};
