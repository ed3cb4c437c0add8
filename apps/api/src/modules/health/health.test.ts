import { describe, expect, test } from "bun:test";
import { expectJson, expectProblem } from "../../../test/problem-assertions.ts";
import { makeApp } from "../../../test/support.ts";

describe("GET /", () => {
  test('200 {status: "ok"}', async () => {
    const { api } = await makeApp();
    const sent = await api.get("/");
    expectJson(sent, 200);
    expect(sent.body).toEqual({ status: "ok" });
  });

  test("echoes a plain X-Request-Id, replaces anything else", async () => {
    const { api } = await makeApp();
    const echoed = await api.send("GET", "/", { headers: { "x-request-id": "abc-123" } });
    expect(echoed.headers.get("x-request-id")).toBe("abc-123");
    const replaced = await api.send("GET", "/", { headers: { "x-request-id": "bad id\u00e9" } });
    expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("GET /health", () => {
  test('200 {status: "ok", database: "up"}', async () => {
    const { api } = await makeApp();
    const sent = await api.get("/health");
    expectJson(sent, 200);
    expect(sent.body).toEqual({ status: "ok", database: "up" });
  });

  test("503 problem+json with Retry-After once the database is closed", async () => {
    const { api, database } = await makeApp();
    await database.close();
    const sent = await api.get("/health");
    expectProblem(sent, 503, "Database unavailable");
    expect(sent.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
    // The liveness route does not touch the database.
    expectJson(await api.get("/"), 200);
  });
});
