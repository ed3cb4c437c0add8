import { describe, expect, test } from "bun:test";
import { Value } from "@sinclair/typebox/value";
import {
  ItemCreate,
  Pagination,
  Password,
  Problem,
  RevokeRequest,
  TokenRequest,
  UserCreate,
  UserIdParams,
} from "./index.ts";

describe("UserCreate", () => {
  test("accepts a plain sign-up, with or without a name", () => {
    expect(Value.Check(UserCreate, { email: "alice@example.com", password: "12345678" })).toBe(
      true,
    );
    expect(
      Value.Check(UserCreate, {
        email: "a.b+c@sub.example.org",
        password: "p".repeat(128),
        name: "A",
      }),
    ).toBe(true);
  });

  test.each([
    ["no @", { email: "alice.example.com", password: "12345678" }],
    ["no domain dot", { email: "alice@localhost", password: "12345678" }],
    ["spaces", { email: "al ice@example.com", password: "12345678" }],
    ["over 254 characters", { email: `${"a".repeat(250)}@example.com`, password: "12345678" }],
    ["password of 7", { email: "alice@example.com", password: "1234567" }],
    ["password of 129", { email: "alice@example.com", password: "p".repeat(129) }],
    ["empty name", { email: "alice@example.com", password: "12345678", name: "" }],
    ["missing password", { email: "alice@example.com" }],
  ])("rejects %s", (_, body) => {
    expect(Value.Check(UserCreate, body)).toBe(false);
  });
});

describe("Password: characters are code points of the NFKC form (NIST SP 800-63B)", () => {
  const emoji = "\u{1F511}"; // 🔑: one character, two UTF-16 units
  test.each([
    ["4 emoji (8 UTF-16 units)", false, emoji.repeat(4)],
    ["7 emoji", false, emoji.repeat(7)],
    ["8 emoji", true, emoji.repeat(8)],
    ["128 emoji (256 UTF-16 units)", true, emoji.repeat(128)],
    ["129 emoji", false, emoji.repeat(129)],
    ["4 × U+FB01 (NFKC: 8 letters)", true, "\uFB01".repeat(4)],
    ["4 × e + U+0301 (NFKC: 4 letters)", false, "e\u0301".repeat(4)],
    ["far too long to normalise", false, "a".repeat(100_000)],
  ])("%s → valid: %p", (_, valid, password) => {
    expect(Value.Check(Password, password)).toBe(valid);
    expect(Value.Check(UserCreate, { email: "a@example.com", password })).toBe(valid);
  });

  test("the document still says 8 to 128 (JSON Schema counts code points too)", () => {
    expect(JSON.parse(JSON.stringify(Password))).toMatchObject({
      type: "string",
      minLength: 8,
      maxLength: 128,
    });
  });
});

describe("path and query integers", () => {
  test("ids are positive digit strings without leading zeros, decoded to numbers", () => {
    expect(Value.Decode(UserIdParams, { id: "42" })).toEqual({ id: 42 });
    for (const id of ["0", "-1", "007", "1.5", "abc", "", "1e3", "9999999999999999"]) {
      expect(Value.Check(UserIdParams, { id })).toBe(false);
    }
  });

  test("limit is 1..100 and offset is 0 or more", () => {
    expect(Value.Decode(Pagination, { limit: "100", offset: "0" })).toEqual({
      limit: 100,
      offset: 0,
    });
    expect(Value.Decode(Pagination, {})).toEqual({});
    for (const limit of ["0", "101", "-1", "x"])
      expect(Value.Check(Pagination, { limit })).toBe(false);
    expect(Value.Check(Pagination, { offset: "-1" })).toBe(false);
  });
});

test("TokenRequest takes the password and refresh_token grants, and no other", () => {
  expect(Value.Check(TokenRequest, { username: "a@b.co", password: "x" })).toBe(true);
  expect(
    Value.Check(TokenRequest, { grant_type: "password", username: "a@b.co", password: "x" }),
  ).toBe(true);
  expect(
    Value.Check(TokenRequest, { grant_type: "client_credentials", username: "a", password: "x" }),
  ).toBe(false);
  expect(Value.Check(TokenRequest, { grant_type: "refresh_token", refresh_token: "slr_x" })).toBe(
    true,
  );
  // Which fields a grant needs is the service's check (a 422 naming the field), not the schema's.
  expect(Value.Check(TokenRequest, { username: "a@b.co" })).toBe(true);
  expect(Value.Check(TokenRequest, { username: "a@b.co", password: "p".repeat(1025) })).toBe(false);
});

test("RevokeRequest needs the token", () => {
  expect(Value.Check(RevokeRequest, { token: "slr_x" })).toBe(true);
  expect(Value.Check(RevokeRequest, { token_type_hint: "refresh_token" })).toBe(false);
});

test("ItemCreate needs a title of 1 to 200 characters", () => {
  expect(Value.Check(ItemCreate, { title: "Buy milk" })).toBe(true);
  expect(Value.Check(ItemCreate, { title: "" })).toBe(false);
  expect(Value.Check(ItemCreate, { title: "t".repeat(201) })).toBe(false);
});

test("Problem is RFC 9457 with optional field errors", () => {
  const problem = {
    type: "about:blank",
    title: "Unprocessable Entity",
    status: 422,
    detail: "Invalid request body",
  };
  expect(Value.Check(Problem, problem)).toBe(true);
  expect(
    Value.Check(Problem, { ...problem, errors: [{ path: "/email", message: "is required" }] }),
  ).toBe(true);
  expect(Value.Check(Problem, { ...problem, status: 200 })).toBe(false);
});
