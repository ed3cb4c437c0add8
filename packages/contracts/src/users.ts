import { type Static, Type } from "@sinclair/typebox";
import { PageLimit, PageOffset, PositiveId } from "./params.ts";
import "./formats.ts";

export const Role = Type.Union([Type.Literal("user"), Type.Literal("admin")], {
  $id: "Role",
  errorMessage: 'must be "user" or "admin"',
});
export type Role = Static<typeof Role>;

export const Email = Type.String({
  format: "email",
  maxLength: 254,
  description: "An e-mail address; unique regardless of letter case",
  examples: ["alice@example.com"],
});

/** Compared exactly as sent: never trimmed, normalised or truncated. */
export const Password = Type.String({
  minLength: 8,
  maxLength: 128,
  description: "8 to 128 characters, compared exactly as sent",
  errorMessage: "must be a string of 8 to 128 characters",
  examples: ["correct horse battery"],
});

export const UserName = Type.String({
  minLength: 1,
  maxLength: 100,
  // U+0000 is refused: PostgreSQL cannot store it, and it is never part of real text.
  pattern: "^[^\\u0000]*$",
  errorMessage: "must be a string of 1 to 100 characters, without U+0000",
  examples: ["Alice"],
});

export const UserCreate = Type.Object(
  { email: Email, password: Password, name: Type.Optional(UserName) },
  { $id: "UserCreate" },
);
export type UserCreate = Static<typeof UserCreate>;

export const UserPublic = Type.Object(
  {
    id: Type.Integer({ examples: [1] }),
    email: Type.String({ examples: ["alice@example.com"] }),
    role: Role,
    name: Type.Union([Type.String(), Type.Null()], { examples: ["Alice"] }),
  },
  { $id: "UserPublic" },
);
export type UserPublic = Static<typeof UserPublic>;

export const UsersPublic = Type.Object(
  {
    data: Type.Array(UserPublic),
    count: Type.Integer({ description: "All users, not just this page", examples: [1] }),
  },
  { $id: "UsersPublic" },
);
export type UsersPublic = Static<typeof UsersPublic>;

/** What signing up returns: the seed's `{token}`, plus what a client needs to use it. */
export const UserRegistered = Type.Object(
  {
    token: Type.String({ description: "An access token (JWT) for the new user" }),
    token_type: Type.Literal("bearer"),
    expires_in: Type.Integer({ description: "Seconds until the token expires", examples: [900] }),
    user: UserPublic,
  },
  { $id: "UserRegistered" },
);
export type UserRegistered = Static<typeof UserRegistered>;

export const RoleUpdate = Type.Object({ role: Role }, { $id: "RoleUpdate" });
export type RoleUpdate = Static<typeof RoleUpdate>;

export const UserIdParams = Type.Object({ id: PositiveId });
export type UserIdParams = Static<typeof UserIdParams>;

export const Pagination = Type.Object({
  limit: Type.Optional(PageLimit),
  offset: Type.Optional(PageOffset),
});
export type Pagination = Static<typeof Pagination>;
