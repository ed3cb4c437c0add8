import { describe, expect, test } from "bun:test";
import { elapsedMs, type RequestSet, requestId, startRequest } from "./request-context.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const request = (id?: string) =>
  new Request("http://localhost/", { headers: id === undefined ? {} : { "x-request-id": id } });

describe("request facts", () => {
  test("a plain client id is echoed in the response header; anything else gets a fresh UUID", () => {
    for (const [sent, echoed] of [
      ["abc-123", true],
      ["a".repeat(128), true],
      ["a".repeat(129), false],
      ["bad id", false],
      ['x"}', false],
      ["", false],
      [undefined, false],
    ] as const) {
      const set: RequestSet = { headers: {} };
      startRequest(request(sent), set);
      const id = set.headers["x-request-id"];
      if (echoed) expect(id).toBe(sent);
      else expect(id).toMatch(UUID);
      expect(requestId(request(), set)).toBe(id as string);
    }
  });

  test("a request startRequest never saw still gets one id, the same on every ask", () => {
    const set: RequestSet = { headers: {} };
    const id = requestId(request("sent-by-client"), set);
    expect(id).toBe("sent-by-client");
    const other: RequestSet = { headers: {} };
    const fresh = requestId(request(), other);
    expect(fresh).toMatch(UUID);
    expect(requestId(request(), other)).toBe(fresh);
    expect(other.headers["x-request-id"]).toBe(fresh);
  });

  test("elapsed time counts from the start, and is 0 for a request never started", () => {
    expect(elapsedMs({ headers: {} })).toBe(0);
    const set: RequestSet = { headers: {}, startedAt: performance.now() - 12.3456 };
    const elapsed = elapsedMs(set);
    expect(elapsed).toBeGreaterThanOrEqual(12.34);
    expect(Number(elapsed.toFixed(2))).toBe(elapsed);
  });
});
