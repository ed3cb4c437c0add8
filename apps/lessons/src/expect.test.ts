import { describe, expect, test } from "bun:test";
import { Type } from "@sinclair/typebox";
import { Problem, UserIdParams } from "@statuslab/contracts";
import { checkExpectation, resolvePointer } from "./expect.ts";
import type { ReceivedResponse } from "./http.ts";

function answer(
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): ReceivedResponse {
  const text = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
  const json = typeof body === "object" ? body : undefined;
  return {
    status,
    statusText: "",
    headers: Object.entries({
      ...(json ? { "content-type": "application/json" } : {}),
      ...headers,
    }),
    text,
    json,
    durationMs: 1,
  };
}

const problem = {
  type: "about:blank",
  title: "Conflict",
  status: 409,
  detail: "Email already registered",
};

describe("resolvePointer (RFC 6901)", () => {
  const doc = { a: { "b/c": 1, "d~e": 2, list: [10, 20] }, "": 3 };
  test.each([
    ["", doc],
    ["/a/b~1c", 1],
    ["/a/d~0e", 2],
    ["/a/list/1", 20],
    ["/", 3],
  ])("%p", (pointer, value) => {
    expect(resolvePointer(doc, pointer)).toEqual({ found: true, value });
  });
  test("missing members and out-of-range indexes are not found", () => {
    expect(resolvePointer(doc, "/a/x").found).toBe(false);
    expect(resolvePointer(doc, "/a/list/2").found).toBe(false);
    expect(resolvePointer(doc, "/a/list/01").found).toBe(false);
    expect(resolvePointer("text", "/a").found).toBe(false);
  });
  test("a pointer must start with a slash", () => {
    expect(() => resolvePointer(doc, "a")).toThrow('must start with "/"');
  });
});

describe("checkExpectation", () => {
  test("a matching answer has no failures", () => {
    const failures = checkExpectation(
      {
        status: 409,
        headers: {
          "content-type": "application/problem+json",
          "x-request-id": "present",
          "retry-after": "absent",
        },
        body: { "/status": 409, "/detail": /already/ },
        schema: Problem,
      },
      answer(409, problem, { "content-type": "application/problem+json", "x-request-id": "abc" }),
    );
    expect(failures).toEqual([]);
  });

  test("status: names both codes and quotes the problem detail", () => {
    expect(checkExpectation({ status: 201 }, answer(409, problem))).toEqual([
      'status 409 Conflict, expected 201 Created (detail: "Email already registered")',
    ]);
  });

  test("headers: missing, wrong value, not matching, should be absent", () => {
    const failures = checkExpectation(
      {
        status: 200,
        headers: {
          location: "/users/1",
          "www-authenticate": "present",
          "cache-control": "no-store",
          "retry-after": /^\d+$/,
          allow: "absent",
        },
      },
      answer(200, undefined, { "cache-control": "private", "retry-after": "soon", allow: "GET" }),
    );
    expect(failures).toEqual([
      'header location missing, expected "/users/1"',
      "header www-authenticate missing",
      'header cache-control is "private", expected "no-store"',
      'header retry-after is "soon", expected to match /^\\d+$/',
      'header allow should be absent, got "GET"',
    ]);
  });

  test("header names are case-insensitive", () => {
    expect(
      checkExpectation(
        { status: 200, headers: { Location: "/x" } },
        answer(200, undefined, { location: "/x" }),
      ),
    ).toEqual([]);
  });

  test("body values: wrong, missing, regexp, deep equality, placeholders", () => {
    const failures = checkExpectation(
      {
        status: 200,
        body: {
          "/detail": "Token expired",
          "/missing": 1,
          "/title": /^Not/,
          "/errors": [{ path: "/email", message: "bad" }],
          "/email": "ada-{{run}}@example.com",
        },
      },
      answer(200, {
        detail: "Invalid token",
        title: "Conflict",
        errors: [{ path: "/email", message: "bad" }],
        email: "ada-r1@example.com",
      }),
      { run: "r1" },
    );
    expect(failures).toEqual([
      'body /detail is "Invalid token", expected "Token expired"',
      "body /missing missing, expected 1",
      'body /title is "Conflict", expected to match /^Not/',
    ]);
  });

  test("body checks on a body that is not JSON say so once", () => {
    expect(
      checkExpectation(
        { status: 200, body: { "/a": 1 }, schema: Problem },
        answer(200, "<html>", { "content-type": "text/html" }),
      ),
    ).toEqual(['body is not JSON (content-type "text/html", 6 bytes)']);
  });

  test("schema: names the schema and the first error", () => {
    const failures = checkExpectation(
      { status: 409, schema: Problem },
      answer(409, { ...problem, status: "409" }),
    );
    expect(failures).toHaveLength(1);
    expect(failures[0]).toStartWith("body does not match Problem: /status ");
  });

  test("schema without an $id is called the contract schema", () => {
    const failures = checkExpectation(
      { status: 200, schema: Type.Object({ a: Type.Integer() }) },
      answer(200, { a: "x" }),
    );
    expect(failures[0]).toStartWith("body does not match the contract schema: /a ");
  });

  test("Transform schemas (PositiveId) are checked, not decoded", () => {
    expect(
      checkExpectation({ status: 200, schema: UserIdParams }, answer(200, { id: "12" })),
    ).toEqual([]);
    expect(
      checkExpectation({ status: 200, schema: UserIdParams }, answer(200, { id: "012" })),
    ).toHaveLength(1);
  });

  test("emptyBody", () => {
    expect(checkExpectation({ status: 204, emptyBody: true }, answer(204))).toEqual([]);
    expect(checkExpectation({ status: 204, emptyBody: true }, answer(204, "oops"))).toEqual([
      "body should be empty, got 4 bytes",
    ]);
  });

  test("every difference is reported, not just the first", () => {
    expect(
      checkExpectation(
        { status: 401, headers: { "www-authenticate": "Bearer" }, body: { "/detail": "x" } },
        answer(200, { detail: "y" }),
      ),
    ).toHaveLength(3);
  });
});
