import { describe, expect, test } from "bun:test";
import { type CorsOrigins, parseCorsOrigins } from "./cors-origins.ts";

describe("parseCorsOrigins", () => {
  const accepted: [string | undefined, CorsOrigins | undefined][] = [
    [undefined, undefined],
    ["", undefined],
    ["  ", undefined],
    ["*", "*"],
    [" * ", "*"],
    ["https://app.example.com", ["https://app.example.com"]],
    [
      "https://app.example.com,http://localhost:5173",
      ["https://app.example.com", "http://localhost:5173"],
    ],
    [
      " https://app.example.com , http://localhost:5173 ,",
      ["https://app.example.com", "http://localhost:5173"],
    ],
    // Kept as a browser spells its Origin: lower-case host, no default port, one of each.
    ["HTTPS://App.Example.COM:443", ["https://app.example.com"]],
    ["http://localhost:80", ["http://localhost"]],
    ["https://a.example,https://A.example", ["https://a.example"]],
    ["http://127.0.0.1:8080", ["http://127.0.0.1:8080"]],
    ["http://[::1]:5173", ["http://[::1]:5173"]],
    ["https://xn--bcher-kva.example", ["https://xn--bcher-kva.example"]],
  ];
  for (const [raw, value] of accepted) {
    test(`accepts ${JSON.stringify(raw)}`, () => {
      expect(parseCorsOrigins(raw)).toEqual({ ok: true, value });
    });
  }

  const refused: [string, string][] = [
    ["app.example.com", "app.example.com"],
    ["https://app.example.com/", "https://app.example.com/"],
    ["https://app.example.com/app", "https://app.example.com/app"],
    ["https://app.example.com?x=1", "https://app.example.com?x=1"],
    ["https://app.example.com#top", "https://app.example.com#top"],
    ["https://user:pw@app.example.com", "https://user:pw@app.example.com"],
    ["ftp://app.example.com", "ftp://app.example.com"],
    ["file://", "file://"],
    ["null", "null"],
    ["https://", "https://"],
    ["https://app.example.com:99999", "https://app.example.com:99999"],
    ["https://*.example.com", "https://*.example.com"],
    ["*, https://app.example.com", "*"],
    ["https://app.example.com, *", "*"],
    [
      "https://app.example.com https://b.example.com",
      "https://app.example.com https://b.example.com",
    ],
    [",", ","],
    ["https://a.example,,nope", "nope"],
  ];
  for (const [raw, named] of refused) {
    test(`refuses ${JSON.stringify(raw)} in one line naming CORS_ORIGINS and the entry`, () => {
      const parsed = parseCorsOrigins(raw);
      expect(parsed.ok).toBe(false);
      if (parsed.ok) return;
      expect(parsed.message).toStartWith("CORS_ORIGINS ");
      expect(parsed.message).toContain(JSON.stringify(named));
      expect(parsed.message).not.toMatch(/[\r\n]/);
    });
  }

  test("a newline in the value cannot break the message onto a second line", () => {
    const parsed = parseCorsOrigins("https://a.example\nINFO forged");
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).not.toMatch(/[\r\n]/);
  });
});
