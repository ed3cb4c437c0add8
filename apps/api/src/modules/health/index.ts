import { HealthProblem, HealthStatus, RootStatus } from "@statuslab/contracts";
import { Elysia, status } from "elysia";
import type { Deps } from "../../deps.ts";
import { PROBLEM_CONTENT_TYPE, problemBody } from "../../http/problems.ts";
import { requestId } from "../../http/request-context.ts";
import { checkReadiness } from "./service.ts";

export const healthModule = (deps: Deps) =>
  new Elysia({ name: "health" })
    .get("/", () => ({ status: "ok" as const }), {
      response: { 200: RootStatus },
      detail: { tags: ["health"], summary: "Is the process up" },
    })
    .get("/health/live", () => ({ status: "ok" as const }), {
      response: { 200: RootStatus },
      detail: {
        tags: ["health"],
        summary: "Liveness: is the process up",
        description:
          "200 while the process answers; asks nothing of the database or Redis. For a restart policy, never for routing traffic.",
      },
    })
    .get(
      "/health",
      async ({ request, set }) => {
        const readiness = await checkReadiness(deps.repo, deps.rateLimitStore);
        if (readiness.ready) return readiness.body;
        deps.log.warn("not ready", { reason: readiness.parts.reason });
        // Built here rather than thrown: the error handler's problems carry no extension members.
        set.headers["content-type"] = PROBLEM_CONTENT_TYPE;
        set.headers["retry-after"] = String(readiness.retryAfterSeconds);
        const problem = problemBody(503, readiness.detail, {
          instance: "/health",
          requestId: requestId(request, set),
        });
        return status(503, { ...problem, ...readiness.parts });
      },
      {
        response: { 200: HealthStatus, 503: HealthProblem },
        detail: {
          tags: ["health"],
          summary: "Readiness: can it serve every route",
          description:
            "200 when the database answers a read and would accept a write, and Redis answers when rate limits are kept there. Otherwise 503 with `Retry-After`, as problem+json whose `database`, `redis` and `reason` members say what is down and why. May take up to the database's lock timeout.",
        },
      },
    );
