import type { LessonSource } from "../model.ts";
import { problem, tokenIssued } from "./_expect.ts";
import { logIn, signUp } from "./_steps.ts";

export const lesson: LessonSource = {
  id: "duplicate-email",
  title: "Duplicate email: 409 Conflict",
  intro:
    "An email address can belong to one account only. You will sign Bruno up, try to take his address again (once exactly, once in other letter case) and see the API refuse with 409 Conflict, then check that his one account answers to either spelling.",
  steps: [
    signUp("bruno", {
      id: "first-sign-up",
      setup: true,
      story:
        "Bruno signs up with `bruno-…@example.com`. This is the account the rest of the lesson will collide with.",
      why: "The address is free, so a new user is created: 201 Created with `Location`.",
      hint: "Nothing new here: note the `Location` so you can compare after the failed attempts.",
    }),
    {
      id: "same-email-again",
      title: "same email again",
      story:
        "Someone (perhaps Bruno himself, who forgot he had an account) sends the very same sign-up again. The body is perfectly valid, so this is not a 422; the problem is that it clashes with what the server already holds.",
      request: (api) =>
        api.users.post({ email: "bruno-{{run}}@example.com", password: "another-password-2" }),
      expect: problem(409, "Email already registered"),
      chosenBy: "findUserByEmail(input.email)) throw",
      explain: {
        why: "409 Conflict is for a request that is fine on its own but conflicts with the current state of the server: the address is taken. The answer is application/problem+json, and it does not say anything about the existing account beyond the fact that the address is in use.",
        clientShould:
          "Tell the user the email is already registered and offer to log in (or reset the password) instead. Resending the same body will conflict again.",
      },
      hint: 'The body is valid on its own. Which status says "valid, but it clashes with what the server already holds"?',
    },
    {
      id: "other-letter-case",
      title: "same email in other letter case",
      story:
        "Now the address comes back as `Bruno-…@Example.COM`. Mail servers treat the domain without regard to case and almost every provider does the same for the part before the `@`, so two accounts that differ only in case would be the same inbox with two passwords. The API treats them as the same address.",
      request: (api) =>
        api.users.post({ email: "Bruno-{{run}}@Example.COM", password: "another-password-3" }),
      expect: problem(409, "Email already registered"),
      chosenBy: "findUserByEmail(input.email)) throw",
      explain: {
        why: 'The database keeps, next to the email as typed, a lower-cased key with a UNIQUE index on it. The API looks the address up by that key first, finds Bruno, and answers 409 before spending any time on hashing a password. That lookup alone could be raced: two simultaneous sign-ups could both see "no such address" and both insert. The index is what cannot be raced; the loser\'s insert fails on it and becomes the same 409, so of twenty simultaneous sign-ups exactly one wins.',
        clientShould:
          "Compare emails case-insensitively on your side too, e.g. before offering sign-up.",
      },
      hint: "Which part of the address did you change, and does that part matter to a mail server?",
    },
    logIn("bruno", {
      id: "log-in-any-case",
      title: "one account, any spelling",
      story:
        "If the address is one address in any letter case, logging in must agree. Bruno logs in with `BRUNO-…@EXAMPLE.COM` and his original password through `POST /token`, the OAuth2 password form (the login lesson covers it in detail).",
      email: "BRUNO-{{run}}@EXAMPLE.COM",
      expect: tokenIssued(),
      why: "The login looks the user up by the same lower-cased key, finds Bruno's one account, checks the password and answers 200 with a token. The two rejected sign-ups changed nothing: his original password still works.",
      hint: "Did either rejected sign-up change Bruno's password?",
    }),
  ],
  takeaway:
    '409 Conflict means "valid request, but it clashes with what is already here". Uniqueness belongs in the database (a UNIQUE index on a normalised key), not in a check-then-insert, because only the index is safe when requests race.',
};
