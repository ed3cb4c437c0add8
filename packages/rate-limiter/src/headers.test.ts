import { describe, expect, test } from "bun:test";
import { rateLimitHeaders, sfString } from "./headers.ts";
import type { RateLimitPolicy } from "./types.ts";

const policy: RateLimitPolicy = { name: "default", limit: 5, windowSeconds: 60 };

describe("rateLimitHeaders", () => {
  test("allowed: policy and current limit, no Retry-After", () => {
    expect(
      rateLimitHeaders(policy, { allowed: true, limit: 5, remaining: 4, reset: 60, retryAfter: 0 }),
    ).toEqual({
      "RateLimit-Policy": '"default";q=5;w=60',
      RateLimit: '"default";r=4;t=60',
    });
  });

  test("denied: adds Retry-After in whole seconds", () => {
    expect(
      rateLimitHeaders(policy, {
        allowed: false,
        limit: 5,
        remaining: 0,
        reset: 35,
        retryAfter: 35,
      }),
    ).toEqual({
      "RateLimit-Policy": '"default";q=5;w=60',
      RateLimit: '"default";r=0;t=35',
      "Retry-After": "35",
    });
  });

  test("policy names are serialized as sf-strings", () => {
    const named = { ...policy, name: 'say "hi" \\o/' };
    const d = { allowed: true, limit: 5, remaining: 5, reset: 0, retryAfter: 0 };
    expect(rateLimitHeaders(named, d)).toEqual({
      "RateLimit-Policy": '"say \\"hi\\" \\\\o/";q=5;w=60',
      RateLimit: '"say \\"hi\\" \\\\o/";r=5;t=0',
    });
  });
});

describe("sfString", () => {
  test("accepts printable ASCII, including space, and escapes quote and backslash", () => {
    expect(sfString("per min")).toBe('"per min"');
    expect(sfString("")).toBe('""');
    expect(sfString('a"b\\c')).toBe('"a\\"b\\\\c"');
  });

  test("rejects characters an sf-string cannot carry", () => {
    for (const bad of ["tab\there", "new\nline", "\u007f", "é", "🔑"]) {
      expect(() => sfString(bad)).toThrow(RangeError);
    }
  });
});

test("rateLimitHeaders refuses policies that would produce invalid fields", () => {
  const d = { allowed: true, limit: 5, remaining: 4, reset: 60, retryAfter: 0 };
  expect(() => rateLimitHeaders({ ...policy, windowSeconds: 0.5 }, d)).toThrow(RangeError);
  expect(() => rateLimitHeaders({ ...policy, name: "é" }, d)).toThrow(RangeError);
});
