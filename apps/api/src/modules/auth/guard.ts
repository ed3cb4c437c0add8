import type { UserRow } from "@statuslab/db";
import { Elysia } from "elysia";
import type { Deps } from "../../deps.ts";
import { ForbiddenError } from "../../http/problems.ts";
import { authenticate } from "./service.ts";

/** Who each request turned out to be, from the moment the guard checked until it is resolved. */
const callers = new WeakMap<Request, UserRow>();

const authorization = (request: Request) => request.headers.get("authorization") ?? undefined;

function caller(request: Request): UserRow {
  const user = callers.get(request);
  if (!user) throw new Error("the auth guard's transform did not run for this request");
  return user;
}

/**
 * `auth: true` on a route resolves `user` from the bearer token (or answers 401);
 * `admin: true` also demands the admin role as stored now (or answers 403).
 *
 * The check runs in `transform`, which Elysia runs before the params, query and body schemas
 * are validated (a `resolve` alone runs after): an anonymous or non-admin caller hears 401/403,
 * not which inputs the route would have accepted. As in FastAPI, a body that cannot be parsed
 * at all (400, 413, 415) is still reported first: the route's `parse` precedes `transform`.
 */
export const authGuard = (deps: Deps) =>
  new Elysia().macro({
    auth: {
      async transform({ request }) {
        callers.set(request, await authenticate(deps, authorization(request)));
      },
      resolve: ({ request }) => ({ user: caller(request) }),
    },
    admin: {
      async transform({ request }) {
        const user = await authenticate(deps, authorization(request));
        if (user.role !== "admin") throw new ForbiddenError();
        callers.set(request, user);
      },
      resolve: ({ request }) => ({ user: caller(request) }),
    },
  });
