import { type Static, Type } from "@sinclair/typebox";

/**
 * The token endpoint's form (application/x-www-form-urlencoded), for two grants:
 * `password` (RFC 6749 §4.3.2: `username` is the email) and `refresh_token` (§6). Which
 * fields are required depends on the grant, so the service checks that; the schema bounds
 * every field so nothing oversized reaches it.
 */
export const TokenRequest = Type.Object(
  {
    grant_type: Type.Optional(
      Type.Union([Type.Literal("password"), Type.Literal("refresh_token")], {
        description: "`password` (the default) or `refresh_token`",
      }),
    ),
    username: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 254,
        description: "The account's email (password grant)",
      }),
    ),
    password: Type.Optional(
      Type.String({ minLength: 1, maxLength: 1024, description: "Password grant" }),
    ),
    refresh_token: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1024,
        description: "Refresh grant: the refresh token to spend",
      }),
    ),
    scope: Type.Optional(Type.String({ maxLength: 1024 })),
    client_id: Type.Optional(Type.String({ maxLength: 256 })),
    client_secret: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { $id: "TokenRequest" },
);
export type TokenRequest = Static<typeof TokenRequest>;

export const TokenResponse = Type.Object(
  {
    access_token: Type.String({ description: "A JWT for `Authorization: Bearer …`" }),
    token_type: Type.Literal("bearer"),
    expires_in: Type.Integer({
      description: "Seconds until the access token expires",
      examples: [900],
    }),
    refresh_token: Type.String({
      description:
        "Opaque; spend it at POST /token with grant_type=refresh_token for a new pair. Single use.",
    }),
  },
  { $id: "TokenResponse" },
);
export type TokenResponse = Static<typeof TokenResponse>;

/** RFC 7009 token revocation: always answered 200, so it reveals nothing about the token. */
export const RevokeRequest = Type.Object(
  {
    token: Type.String({
      minLength: 1,
      maxLength: 1024,
      description: "The refresh token to revoke",
    }),
    token_type_hint: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { $id: "RevokeRequest" },
);
export type RevokeRequest = Static<typeof RevokeRequest>;
