/**
 * The lessons follow the status catalog (packages/contracts/src/status-codes.ts): a code
 * added there needs a page, and a lesson that shows it or a reason in NOT_REPLAYED.
 */
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  isStatusCode,
  SENT_STATUS_CODES,
  STATUS_CATALOG,
  STATUS_CODES_DOCUMENTED,
} from "@statuslab/contracts";
import { NOT_REPLAYED, REPLAYED_STATUS_CODES } from "./coverage.ts";
import { REPO_ROOT } from "./generate-docs.ts";
import { lessons } from "./lessons/index.ts";
import { reasonPhrase } from "./phrases.ts";
import { statusCodes } from "./status-codes.ts";

const expectedByLessons = new Set(lessons.flatMap((l) => l.steps.map((s) => s.expect.status)));

describe("the lessons and the status catalog", () => {
  test("one page per catalog code, with the catalog's phrase and RFC, committed under docs/", () => {
    expect(statusCodes.map((doc) => doc.code)).toEqual(STATUS_CODES_DOCUMENTED);
    for (const doc of statusCodes) {
      const entry = STATUS_CATALOG[doc.code as keyof typeof STATUS_CATALOG];
      expect(doc.phrase).toBe(entry.phrase);
      expect(doc.rfc.url).toBe(entry.rfc.url);
      expect(existsSync(join(REPO_ROOT, `docs/status-codes/${doc.code}.md`)), `${doc.code}`).toBe(
        true,
      );
    }
  });

  test("every sent code is replayed by a lesson step or is in NOT_REPLAYED, never both", () => {
    for (const code of SENT_STATUS_CODES) {
      const replayed = expectedByLessons.has(code);
      expect(replayed !== NOT_REPLAYED.has(code), `${code} ${reasonPhrase(code)}`).toBe(true);
    }
    expect(REPLAYED_STATUS_CODES.every((code) => expectedByLessons.has(code))).toBe(true);
  });

  test("no lesson expects a code the catalog does not document", () => {
    for (const status of expectedByLessons)
      expect(isStatusCode(status), `lessons expect ${status}`).toBe(true);
  });

  test("phrases come from the catalog, with Node's table for anything else", () => {
    expect(reasonPhrase(413)).toBe("Content Too Large");
    expect(reasonPhrase(422)).toBe("Unprocessable Content");
    expect(reasonPhrase(418)).toBe("I'm a Teapot");
  });
});
