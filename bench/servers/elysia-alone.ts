/**
 * A reference, not a target: what Elysia itself costs. The API's `GET /` route, with the same
 * response schema, in an Elysia app without any of our hooks (no request id, no error mapper,
 * no access log). Listening the way the API listens (`app.listen`, Bun's own router).
 */
import { RootStatus } from "@statuslab/contracts";
import { Elysia } from "elysia";

const app = new Elysia()
  .get("/", () => ({ status: "ok" as const }), { response: { 200: RootStatus } })
  .listen(Number(Bun.env.PORT ?? 0));
console.error(`listening on ${app.server?.port}`);
