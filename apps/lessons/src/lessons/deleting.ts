import { bearer } from "../api-call.ts";
import type { LessonSource } from "../model.ts";
import { BEARER_INVALID_TOKEN, problem } from "./_expect.ts";
import { adminLogIn, signUp } from "./_steps.ts";

export const lesson: LessonSource = {
  id: "deleting",
  title: "Deleting: 204 No Content, and what is left afterwards",
  intro:
    "Deleting an account should leave nothing usable behind. You will delete one, get the empty 204 answer, and then look for traces: its token, its address and, as the admin, its id.",
  steps: [
    signUp("jonas", {
      story: "Jonas signs up, and soon regrets it.",
      setup: true,
      capture: { jonasToken: "/token", jonasId: "/user/id" },
      hint: "Note the id: it will not come back.",
    }),
    {
      id: "delete-self",
      title: "Jonas deletes himself",
      story: "Jonas sends `DELETE /users/{his id}` with his own token.",
      request: (api) => api.users({ id: "{{jonasId}}" }).delete(undefined, bearer("jonasToken")),
      expect: { status: 204, emptyBody: true },
      explain: {
        why: "The deletion succeeded and there is nothing meaningful to return about a user who is gone, so 204 No Content: a success with no body at all, not even `{}` or `null`.",
        clientShould: "Not parse a body; forget the token and anything cached about the account.",
      },
      hint: "Once Jonas is gone, what would there be to describe in a body?",
    },
    {
      id: "token-after-delete",
      title: "his token afterwards",
      story: "Jonas's token has not expired. He tries `GET /users/me` with it anyway.",
      request: (api) => api.users.me.get(bearer("jonasToken")),
      expect: problem(401, "Could not validate credentials", {
        headers: { "www-authenticate": BEARER_INVALID_TOKEN },
      }),
      chosenBy: "if (!user) throw new CredentialsRejectedError",
      explain: {
        why: "Every request looks the token's user up in the database, and there is no Jonas any more: 401 at once. Deleting an account ends its sessions immediately, without a list of revoked tokens.",
      },
      hint: "The signature and expiry are fine. What else does the API check on every request?",
    },
    signUp("jonas", {
      id: "sign-up-again",
      title: "the address is free again",
      story:
        "Jonas changes his mind and signs up again with the same address. Is it still taken by the deleted account?",
      password: "jonas-password-2",
      why: "The old row is gone, so the address is free and a new user is created: 201. It gets a new id, never the old one (ids are never reused), so an old link or log line can never point at the new account, and the old token stays dead.",
      hint: "The old row is gone. Is the address still held by anything?",
    }),
    adminLogIn({
      setup: true,
      story:
        "To check that the old account is really gone, we need someone who may read any user: the admin.",
      why: "Correct credentials: 200 with a token.",
      hint: "The admin's credentials come from the runner's configuration.",
    }),
    {
      id: "admin-reads-deleted",
      title: "the admin looks for the old id",
      story: "The admin asks for `GET /users/{Jonas's first id}`.",
      request: (api) => api.users({ id: "{{jonasId}}" }).get(bearer("adminToken")),
      expect: problem(404, "User not found"),
      chosenBy: { in: "getUser", line: "if (!user) throw new UserNotFoundError" },
      needsAdmin: true,
      explain: {
        why: "The admin may read anyone, so this 404 is not hiding anything: there really is no user with that id. (The new Jonas has another id.)",
        clientShould: "Treat it as gone; drop any links to it.",
      },
      hint: "The admin may read anyone, so nothing is hidden from them. What is left to answer?",
    },
    {
      id: "admin-deletes-again",
      title: "deleting it a second time",
      story:
        "The admin sends `DELETE /users/{Jonas's first id}` once more, as a retrying client might.",
      request: (api) => api.users({ id: "{{jonasId}}" }).delete(undefined, bearer("adminToken")),
      expect: problem(404, "User not found"),
      chosenBy: "deleteUser(id))) throw",
      needsAdmin: true,
      explain: {
        why: "DELETE is idempotent in HTTP: sending it twice leaves the server in the same state as sending it once. Idempotency is about the effect, not the answer, so the second request honestly says 404: there was nothing left to delete.",
        clientShould: 'When retrying a DELETE after a lost answer, treat 404 as "already done".',
      },
      hint: "Jonas deleted this very id a few steps ago. Is there anything left for this request to delete?",
    },
  ],
  takeaway:
    "A successful DELETE here answers 204 with an empty body. Afterwards the account's token fails at once (401), its id is gone for good (404, even for an admin), and its address is free for a new account with a new id. Retrying a DELETE is safe; expect a 404 the second time.",
};
