import { describe, expect, test } from "bun:test";
import { fill, fillDeep, MissingVariableError, newRunId, placeholdersIn } from "./template.ts";

describe("fill", () => {
  test("replaces every placeholder, with or without inner spaces", () => {
    expect(fill("ada-{{run}}@example.com", { run: "x1" })).toBe("ada-x1@example.com");
    expect(fill("/users/{{ id }}/items/{{id}}", { id: 7 })).toBe("/users/7/items/7");
  });

  test("leaves text without placeholders alone, including lone braces", () => {
    expect(fill('{"a": {}} {x}', {})).toBe('{"a": {}} {x}');
  });

  test("a missing variable is an error naming every missing one", () => {
    expect(() => fill("{{a}} {{b}} {{c}}", { b: "1" })).toThrow(MissingVariableError);
    try {
      fill("{{a}} {{b}} {{c}}", { b: "1" });
    } catch (error) {
      expect((error as MissingVariableError).names).toEqual(["a", "c"]);
      expect((error as Error).message).toBe("no value for {{a}}, {{c}}");
    }
  });
});

describe("fillDeep", () => {
  test("fills nested strings and keeps the type of a whole-placeholder value", () => {
    const filled: unknown = fillDeep(
      { email: "u-{{run}}@x.io", id: "{{userId}}", list: ["{{run}}", 3], flag: true },
      { run: "r", userId: 42 },
    );
    expect(filled).toEqual({ email: "u-r@x.io", id: 42, list: ["r", 3], flag: true });
  });

  test("keeps RegExps as they are", () => {
    const re = /^\/users\/\d+$/;
    expect(fillDeep({ location: re }, {}).location).toBe(re);
  });

  test("throws before filling anything when a variable is missing", () => {
    expect(() => fillDeep({ a: "{{nope}}" }, {})).toThrow("no value for {{nope}}");
  });
});

test("placeholdersIn finds names in strings, arrays and objects, once each", () => {
  expect(placeholdersIn({ a: "{{x}}-{{y}}", b: ["{{x}}"], c: { d: "{{z}}" } }).sort()).toEqual([
    "x",
    "y",
    "z",
  ]);
});

test("run ids are short, lower case, and differ between runs", () => {
  const ids = new Set(Array.from({ length: 200 }, () => newRunId()));
  expect(ids.size).toBeGreaterThan(195);
  for (const id of ids) expect(id).toMatch(/^[0-9a-z]{8}$/);
});
