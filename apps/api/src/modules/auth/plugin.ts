import type { Role } from "@statuslab/contracts";
import type { UserRow } from "@statuslab/db";
import { Elysia } from "elysia";
import type { Deps } from "../../deps.ts";
import { BEARER_SECURITY } from "../../http/openapi-helpers.ts";
import { ForbiddenError } from "../../http/problems.ts";
import { authenticate } from "./service.ts";

/** What the `auth` macro's transform finds out, on the request's context from then on. */
interface Authenticated {
  caller: UserRow;
}

/**
 * Elysia assigns what a transform returns onto the context, as `derive` does (elysia 1.4.30,
 * compose.ts), while a macro's `transform` is typed to return nothing: this says it once.
 */
const deriving = (fn: (context: { request: Request }) => Promise<Authenticated>) =>
  fn as unknown as (context: { request: Request }) => Promise<void>;

/**
 * `auth: true` on a route resolves `user` from the bearer token (or answers 401);
 * `role: "admin"` also demands that role as stored now (or answers 403).
 *
 * The checks run in `transform`, which Elysia runs before the params, query and body schemas
 * are validated (a `resolve` alone runs after): an anonymous or non-admin caller hears 401/403,
 * not which inputs the route would have accepted. As in FastAPI, a body that cannot be parsed
 * at all (400, 413, 415) is still reported first: the route's `parse` precedes `transform`.
 * `resolve` then hands the caller to the handler, typed.
 *
 * Named, so every module may `use` it and the app keeps one copy.
 */
export const authPlugin = (deps: Pick<Deps, "jwt" | "repo">) =>
  new Elysia({ name: "auth" }).macro({
    auth: {
      detail: { security: BEARER_SECURITY },
      transform: deriving(async ({ request }) => ({
        caller: await authenticate(deps, request.headers.get("authorization")),
      })),
      // Reads one property of the context, so Elysia's source analysis infers nothing more.
      resolve: (context) => ({ user: (context as unknown as Authenticated).caller }),
    },
    role: (role: Role) => ({
      auth: true,
      transform(context) {
        if ((context as unknown as Authenticated).caller.role !== role) throw new ForbiddenError();
      },
    }),
  });
