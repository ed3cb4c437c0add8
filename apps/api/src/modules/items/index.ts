import { ItemCreate, ItemPublic, ItemsPublic } from "@statuslab/contracts";
import { Elysia, status } from "elysia";
import type { Deps } from "../../deps.ts";
import { parseJsonBody } from "../../http/body.ts";
import { problems } from "../../http/openapi-helpers.ts";
import { authPlugin } from "../auth/plugin.ts";
import { createItem, listItems } from "./service.ts";

export const itemsModule = (deps: Deps) =>
  new Elysia({ name: "items", prefix: "/users/me/items" })
    .use(authPlugin(deps))
    .get("/", ({ user }) => listItems(deps, user), {
      auth: true,
      response: { 200: ItemsPublic, ...problems(401, 503) },
      detail: { tags: ["items"], summary: "My items" },
    })
    .post("/", async ({ user, body }) => status(201, await createItem(deps, user, body.title)), {
      auth: true,
      parse: parseJsonBody,
      body: ItemCreate,
      response: { 201: ItemPublic, ...problems(400, 401, 408, 413, 415, 422, 503) },
      detail: { tags: ["items"], summary: "Add an item" },
    });
