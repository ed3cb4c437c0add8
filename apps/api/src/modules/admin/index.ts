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
import { problems } from "../../http/openapi-helpers.ts";
import { authPlugin } from "../auth/plugin.ts";
import { listUsers, setRole } from "../users/service.ts";

export const adminModule = (deps: Deps) =>
  new Elysia({ name: "admin", prefix: "/admin/users" })
    .use(authPlugin(deps))
    .get("/", ({ query }) => listUsers(deps, query), {
      role: "admin",
      query: Pagination,
      response: { 200: UsersPublic, ...problems(401, 403, 422, 503) },
      detail: { tags: ["admin"], summary: "List users" },
    })
    .patch("/:id", ({ params, body }) => setRole(deps, params.id, body.role), {
      role: "admin",
      params: UserIdParams,
      parse: parseJsonBody,
      body: RoleUpdate,
      response: { 200: UserPublic, ...problems(400, 401, 403, 404, 408, 413, 415, 422, 503) },
      detail: {
        tags: ["admin"],
        summary: "Change a user's role",
        description:
          "Takes effect on that user's next request: roles are read from the database every time.",
      },
    });
