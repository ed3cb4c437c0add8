import { Elysia } from "elysia";
import type { Deps } from "../../deps.ts";
import { ForbiddenError } from "../../http/problems.ts";
import { authenticate } from "./service.ts";

/**
 * `auth: true` on a route resolves `user` from the bearer token (or answers 401);
 * `admin: true` also demands the admin role as stored now (or answers 403).
 */
export const authGuard = (deps: Deps) =>
  new Elysia().macro({
    auth: {
      async resolve({ request }) {
        return {
          user: await authenticate(deps, request.headers.get("authorization") ?? undefined),
        };
      },
    },
    admin: {
      async resolve({ request }) {
        const user = await authenticate(deps, request.headers.get("authorization") ?? undefined);
        if (user.role !== "admin") throw new ForbiddenError();
        return { user };
      },
    },
  });
