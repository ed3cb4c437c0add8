import { Kind, type Static, Type, TypeRegistry } from "@sinclair/typebox";
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

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
/** No password of 128 characters is longer than this in UTF-16 units; longer is not normalised. */
const PASSWORD_MAX_UNITS = 1024;

/**
 * A password's length as NIST SP 800-63B counts it: one per Unicode code point (an emoji is
 * one character, not two UTF-16 units), of its NFKC form, which is what gets hashed.
 */
export function passwordLength(password: string): number {
  if (password.length > PASSWORD_MAX_UNITS) return Number.POSITIVE_INFINITY;
  let count = 0;
  for (const _ of password.normalize("NFKC")) count++;
  return count;
}

export const isPasswordOfValidLength = (value: unknown): value is string => {
  if (typeof value !== "string") return false;
  const length = passwordLength(value);
  return length >= PASSWORD_MIN_LENGTH && length <= PASSWORD_MAX_LENGTH;
};

// A kind of its own, checked by the function above: TypeBox's minLength and maxLength count
// UTF-16 units. They stay in the schema for the OpenAPI document, where JSON Schema defines
// them in code points, which is what this check counts.
const PASSWORD_KIND = "StatuslabPassword";
if (!TypeRegistry.Has(PASSWORD_KIND)) {
  TypeRegistry.Set(PASSWORD_KIND, (_schema, value) => isPasswordOfValidLength(value));
}

/** NFKC-normalised before hashing; otherwise used as sent: never trimmed or truncated. */
export const Password = Type.Unsafe<string>({
  [Kind]: PASSWORD_KIND,
  type: "string",
  minLength: PASSWORD_MIN_LENGTH,
  maxLength: PASSWORD_MAX_LENGTH,
  description:
    "8 to 128 characters, counted in Unicode code points (an emoji is one) after NFKC normalisation, which is applied before hashing; never trimmed",
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
