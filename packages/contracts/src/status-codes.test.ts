import { describe, expect, test } from "bun:test";
import { Value } from "@sinclair/typebox/value";
import {
  type ErrorStatusCode,
  isStatusCode,
  SENT_STATUS_CODES,
  STATUS_CATALOG,
  STATUS_CODES_DOCUMENTED,
  StatusCatalogEntry,
  statusEntry,
} from "./index.ts";

describe("STATUS_CATALOG", () => {
  const entries: [string, StatusCatalogEntry][] = Object.entries(STATUS_CATALOG);

  test.each(entries)("%s is a valid entry filed under its own code", (key, entry) => {
    expect([...Value.Errors(StatusCatalogEntry, entry)]).toEqual([]);
    expect(entry.code).toBe(Number(key));
    expect(entry.rfc.url).toContain(entry.rfc.section);
  });

  test("exactly the error codes carry a problem; an about:blank title is the reason phrase", () => {
    for (const [, entry] of entries) {
      const problem = entry.problem;
      expect(problem !== undefined, String(entry.code)).toBe(entry.code >= 400);
      // RFC 9457 §4.2.1: with about:blank, the title should be the status's reason phrase.
      if (problem?.type === "about:blank") expect<string>(problem.title).toBe(entry.phrase);
    }
  });

  test("500 is documented, never sent; every other code is sent", () => {
    expect(
      STATUS_CODES_DOCUMENTED.filter((code) => !SENT_STATUS_CODES.includes(code as never)),
    ).toEqual([500]);
  });

  test("lookups by a plain number", () => {
    expect(isStatusCode(429)).toBe(true);
    expect(isStatusCode(418)).toBe(false);
    expect(statusEntry(418)).toBeUndefined();
    expect(statusEntry(413)?.phrase).toBe("Content Too Large");
    const code: ErrorStatusCode = 422;
    expect(STATUS_CATALOG[code].problem.title).toBe("Unprocessable Content");
  });
});
