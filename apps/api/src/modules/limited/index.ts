import { LimitedQuery, LimitedResponse } from "@statuslab/contracts";
import { rateLimitHeaders } from "@statuslab/rate-limiter";
import { Elysia } from "elysia";
import type { Deps } from "../../deps.ts";
import { problems } from "../../http/openapi-helpers.ts";
import { RateLimitedError, RateLimiterUnavailableError } from "../../http/problems.ts";

export const limitedModule = (deps: Deps) =>
  new Elysia({ name: "limited" }).get(
    "/users/limited",
    async ({ query, set }) => {
      const checked = await deps.limiter.check(query.client_id);
      // The guard fails closed here, so an outage is "unavailable", never "bypassed".
      if (checked.outcome === "unavailable")
        throw new RateLimiterUnavailableError(checked.retryAfter);
      if (checked.outcome === "bypassed") throw checked.error;
      const { decision } = checked;
      const headers = rateLimitHeaders(deps.limiter.policy, decision);
      if (!decision.allowed) throw new RateLimitedError(headers);
      Object.assign(set.headers, headers);
      return {
        message: "Request allowed",
        client_id: query.client_id,
        remaining: decision.remaining,
      };
    },
    {
      query: LimitedQuery,
      response: { 200: LimitedResponse, ...problems(422, 429, 503) },
      detail: {
        tags: ["rate limiting"],
        summary: "A rate-limited route",
        description:
          "Each `client_id` may call this RATE_LIMIT_MAX times (default 5) in any sliding RATE_LIMIT_WINDOW seconds (default 60). The `RateLimit-Policy` and `RateLimit` headers say where you stand; a 429 says how long to wait in `Retry-After`.",
      },
    },
  );
