import { TokenRequest, TokenResponse } from "@statuslab/contracts";
import { Elysia } from "elysia";
import type { Deps } from "../../deps.ts";
import { parseFormBody } from "../../http/body.ts";
import { problems } from "../../http/openapi-helpers.ts";
import { login } from "./service.ts";

export const authModule = (deps: Deps) =>
  new Elysia().post(
    "/token",
    async ({ body, set }) => {
      set.headers["cache-control"] = "no-store";
      return login(deps, body.username, body.password);
    },
    {
      parse: parseFormBody,
      body: TokenRequest,
      response: { 200: TokenResponse, ...problems(400, 401, 413, 415, 422, 503) },
      detail: {
        tags: ["auth"],
        summary: "Log in (OAuth2 password grant)",
        description:
          "Send `username` (the email) and `password` as an HTML form. An unknown email and a wrong password get the same 401, in about the same time.",
      },
    },
  );
