import { HealthStatus, RootStatus } from "@statuslab/contracts";
import { Elysia } from "elysia";
import type { Deps } from "../../deps.ts";
import { problems } from "../../http/openapi-helpers.ts";

export const healthModule = (deps: Deps) =>
  new Elysia()
    .get("/", () => ({ status: "ok" as const }), {
      response: { 200: RootStatus },
      detail: { tags: ["health"], summary: "Is the process up" },
    })
    .get(
      "/health",
      async () => {
        await deps.repo.ping();
        return { status: "ok" as const, database: "up" as const };
      },
      {
        response: { 200: HealthStatus, ...problems(503) },
        detail: { tags: ["health"], summary: "Is the database reachable" },
      },
    );
