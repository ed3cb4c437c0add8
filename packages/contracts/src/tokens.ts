import { type Static, Type } from "@sinclair/typebox";

/** The OAuth2 password grant form (RFC 6749 §4.3.2), sent as application/x-www-form-urlencoded. */
export const TokenRequest = Type.Object(
  {
    grant_type: Type.Optional(Type.Literal("password", { description: "Only `password` for now" })),
    username: Type.String({
      minLength: 1,
      maxLength: 254,
      description: "The account's e-mail address",
    }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    scope: Type.Optional(Type.String({ maxLength: 1024 })),
    client_id: Type.Optional(Type.String({ maxLength: 256 })),
    client_secret: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { $id: "TokenRequest" },
);
export type TokenRequest = Static<typeof TokenRequest>;

export const TokenResponse = Type.Object(
  {
    access_token: Type.String(),
    token_type: Type.Literal("bearer"),
    expires_in: Type.Integer({ examples: [900] }),
    refresh_token: Type.Optional(Type.String()),
  },
  { $id: "TokenResponse" },
);
export type TokenResponse = Static<typeof TokenResponse>;
