import {
  Pagination,
  RoleUpdate,
  UserIdParams,
  UserPublic,
  UsersPublic,
} from "@statuslab/contracts";
import { Elysia } from "elysia";
import type { Deps } from "../../deps.ts";
import { parseJsonBody } from "../../http/body.ts";
import { BEARER_SECURITY, problems } from "../../http/openapi-helpers.ts";
import { authGuard } from "../auth/guard.ts";
import { listUsers, setRole } from "../users/service.ts";

export const adminModule = (deps: Deps) =>
  new Elysia({ prefix: "/admin/users" })
    .use(authGuard(deps))
    .get("/", ({ query }) => listUsers(deps, query), {
      admin: true,
      query: Pagination,
      response: { 200: UsersPublic, ...problems(401, 403, 422, 503) },
      detail: { tags: ["admin"], summary: "List users", security: BEARER_SECURITY },
    })
    .patch("/:id", ({ params, body }) => setRole(deps, params.id, body.role), {
      admin: true,
      params: UserIdParams,
      parse: parseJsonBody,
      body: RoleUpdate,
      response: { 200: UserPublic, ...problems(400, 401, 403, 404, 408, 413, 415, 422, 503) },
      detail: {
        tags: ["admin"],
        summary: "Change a user's role",
        description:
          "Takes effect on that user's next request: roles are read from the database every time.",
        security: BEARER_SECURITY,
      },
    });
