import { Type } from "@sinclair/typebox";
import { UserCreate, UserIdParams, UserPublic, UserRegistered } from "@statuslab/contracts";
import { Elysia, status } from "elysia";
import type { Deps } from "../../deps.ts";
import { parseJsonBody } from "../../http/body.ts";
import { problems } from "../../http/openapi-helpers.ts";
import { authPlugin } from "../auth/plugin.ts";
import { deleteSelf, deleteUser, getUser, registerUser, toUserPublic } from "./service.ts";
import { refundIfBusy, spendSignUp } from "./signup-limit.ts";

export const usersModule = (deps: Deps) =>
  new Elysia({ name: "users", prefix: "/users" })
    .use(authPlugin(deps))
    .post(
      "/",
      async ({ body, set, request, server }) => {
        const address = deps.clientAddress(request, server);
        Object.assign(set.headers, await spendSignUp(deps, address));
        const registered = await refundIfBusy(deps, address, registerUser(deps, body));
        set.headers.location = `/users/${registered.user.id}`;
        return status(201, registered);
      },
      {
        parse: parseJsonBody,
        body: UserCreate,
        response: { 201: UserRegistered, ...problems(400, 408, 409, 413, 415, 422, 429, 503) },
        detail: {
          tags: ["users"],
          summary: "Sign up",
          description:
            "Creates a user and returns an access token for it. The email is unique in any letter case. Each client address may sign up SIGNUP_RATE_LIMIT times (default 50 in any 600 seconds): the `RateLimit` headers say where you stand, a 429 says how long to wait in `Retry-After`. 503 with `Retry-After` when too many passwords are being hashed at once.",
        },
      },
    )
    .get("/me", ({ user }) => toUserPublic(user), {
      auth: true,
      response: { 200: UserPublic, ...problems(401, 503) },
      detail: { tags: ["users"], summary: "Who am I" },
    })
    // What a client that can GET /users/me expects, and what its `Allow` header promises.
    .delete(
      "/me",
      async ({ user }) => {
        await deleteSelf(deps, user);
        return status(204, undefined);
      },
      {
        auth: true,
        response: {
          204: Type.Void({ description: "Deleted; no body" }),
          ...problems(401, 503),
        },
        detail: {
          tags: ["users"],
          summary: "Delete my account",
          description:
            "The caller's own account, as `DELETE /users/{id}` with their own id. Its tokens stop working at once.",
        },
      },
    )
    .get("/:id", ({ user, params }) => getUser(deps, user, params.id), {
      auth: true,
      params: UserIdParams,
      response: { 200: UserPublic, ...problems(401, 404, 422, 503) },
      detail: {
        tags: ["users"],
        summary: "Read a user",
        description:
          "Yourself, or anyone if you are an admin. Anyone else's id answers 404, whether or not it exists.",
      },
    })
    .delete(
      "/:id",
      async ({ user, params }) => {
        await deleteUser(deps, user, params.id);
        return status(204, undefined);
      },
      {
        auth: true,
        params: UserIdParams,
        response: {
          204: Type.Void({ description: "Deleted; no body" }),
          ...problems(401, 403, 404, 422, 503),
        },
        detail: {
          tags: ["users"],
          summary: "Delete a user",
          description:
            "Yourself, or anyone if you are an admin. The deleted user's tokens stop working at once.",
        },
      },
    );
