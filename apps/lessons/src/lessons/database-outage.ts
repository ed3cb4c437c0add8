import { HealthStatus } from "@statuslab/contracts";
import type { LessonSource } from "../model.ts";
import { JSON_BODY, problem, tokenIssued, WHOLE_SECONDS } from "./_expect.ts";
import { logIn, signUp } from "./_steps.ts";

export const lesson: LessonSource = {
  id: "database-outage",
  title: "Database outage: 503 Service Unavailable, never 500",
  intro:
    "Sometimes the fault is on the server's side and it is only temporary. The lesson runner will lock the database the way another busy process would, and you will see the API answer 503 with `Retry-After` instead of crashing, then check that once the lock is gone everything works and nothing was lost.",
  steps: [
    signUp("kira", {
      id: "sign-up-before",
      title: "sign up Kira before the outage",
      story:
        "Kira signs up while all is well. Her account is what we will look for after the outage.",
      setup: true,
      why: "A new user was created and committed: 201 Created with `Location`.",
      hint: "This account exists before the outage begins.",
    }),
    {
      id: "sign-up-during",
      title: "sign up Leo while the database is locked",
      story:
        "The runner now has another connection take an exclusive lock on the database file, as a long migration or a backup might. Leo tries to sign up. The API waits for the lock, retrying for about a second without freezing other requests, and then has to answer something. (The runner releases the lock as soon as the answer arrives.)",
      before: [{ power: "lock-database" }],
      after: [{ power: "unlock-database" }],
      request: (api) =>
        api.users.post({ email: "leo-{{run}}@example.com", password: "leo-password-1" }),
      expect: problem(503, "Database unavailable", { headers: { "retry-after": WHOLE_SECONDS } }),
      explain: {
        why: '503 Service Unavailable means "I cannot serve this right now, for a reason that should pass", and `Retry-After` says when to try again. It is not 500: a 500 means the server itself is broken, with nothing a client can do but report it. A locked, full or unreachable database is a known, temporary condition, so the API names it. The body says only `Database unavailable`: no SQLite message, no SQL, no file path.',
        clientShould:
          "Wait `Retry-After` seconds and try again. Leo's account was not created, so the retry is safe.",
      },
      hint: "The API keeps trying for about a second. Then it has to answer: whose fault is this, and will it pass?",
    },
    signUp("leo", {
      id: "sign-up-after",
      title: "the same sign-up, after the outage",
      story:
        "The lock is gone. Leo sends exactly the same sign-up again, as `Retry-After` invited him to.",
      why: "The database accepts writes again, so the user is created: 201. Not a 409: the failed attempt left nothing half-written behind.",
      hint: "If the 503 attempt had created Leo after all, what would this step have answered?",
    }),
    logIn("kira", {
      id: "earlier-user-logs-in",
      title: "Kira still logs in",
      story: "Kira, who signed up before the outage, logs in with her password.",
      expect: tokenIssued(),
      why: "Her account was committed before the lock, and the outage did not touch it: 200 with a token. Nothing committed before an outage is lost.",
      hint: "Kira's sign-up was committed before the lock was taken. Could an outage undo a commit?",
    }),
    {
      id: "health",
      title: "the health check",
      story:
        "Finally, `GET /health`, the route a load balancer polls before sending traffic. It reads the database and tries a write that it rolls back, so it answers whether every route would work now, not just whether the process is running (that is `GET /health/live`).",
      request: (api) => api.health.get(),
      expect: {
        status: 200,
        headers: { "content-type": JSON_BODY },
        body: { "/status": "ok", "/database": "up" },
        schema: HealthStatus,
      },
      explain: {
        why: 'The database answers reads and would take a write, so 200 with `database: "up"`. Had this step run during the lock, it would have answered 503 with `Retry-After` and `"reason": "database: busy"`, which tells a load balancer to send traffic elsewhere for a while, while `/health/live` kept saying 200: the process is fine, and restarting it would not help.',
      },
      hint: "The lock is gone. What does the health check do to find out whether every route would work now?",
    },
  ],
  takeaway:
    '503 is the honest answer to a temporary problem on the server\'s side, and `Retry-After` turns it into an instruction. A 500 would say "bug", leave the client guessing and, done carelessly, leak internals. A write that got 503 did not happen, so retrying it is safe, and everything committed before the outage is still there afterwards.',
};
