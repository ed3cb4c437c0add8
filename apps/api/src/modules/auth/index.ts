import { Type } from "@sinclair/typebox";
import { RevokeRequest, TokenRequest, TokenResponse } from "@statuslab/contracts";
import { Elysia } from "elysia";
import type { Deps } from "../../deps.ts";
import { parseFormBody } from "../../http/body.ts";
import { problems } from "../../http/openapi-helpers.ts";
import { NO_STORE } from "../../http/problems.ts";
import { grant, revoke } from "./service.ts";

export const authModule = (deps: Deps) =>
  new Elysia({ name: "token" })
    .post(
      "/token",
      async ({ body, set, request, server }) => {
        Object.assign(set.headers, NO_STORE);
        return grant(deps, body, deps.clientAddress(request, server));
      },
      {
        parse: parseFormBody,
        body: TokenRequest,
        response: { 200: TokenResponse, ...problems(400, 401, 408, 413, 415, 422, 429, 503) },
        detail: {
          tags: ["auth"],
          summary: "Log in, or refresh a session (OAuth2)",
          description:
            "Password grant: send `username` (the email) and `password` as an HTML form; an unknown email and a wrong password get the same 401, in about the same time. Refresh grant: send `grant_type=refresh_token` and `refresh_token`; the token is spent and a new pair comes back. Presenting a spent refresh token again ends every session of that login (401).",
        },
      },
    )
    .post(
      "/token/revoke",
      async ({ body, set }) => {
        Object.assign(set.headers, NO_STORE);
        await revoke(deps, body.token);
        return new Response(null, { status: 200, headers: NO_STORE });
      },
      {
        parse: parseFormBody,
        body: RevokeRequest,
        response: {
          200: Type.Void({ description: "Revoked, or nothing to revoke" }),
          ...problems(400, 408, 413, 415, 422, 503),
        },
        detail: {
          tags: ["auth"],
          summary: "Log out: revoke a refresh token (RFC 7009)",
          description:
            "Ends the session (the refresh-token family) the token belongs to. Always 200, also for unknown tokens, so the answer reveals nothing. Access tokens already issued stay valid until they expire (at most ACCESS_TOKEN_TTL).",
        },
      },
    );
