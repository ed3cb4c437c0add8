import { describe, expect, test } from "bun:test";
import { RedisStore } from "@statuslab/rate-limiter";
import { REDIS_URL, requireRedis, uniquePrefix } from "@statuslab/rate-limiter/testing";
import { expectNotReady, expectReady } from "../../../test/health-assertions.ts";
import { expectJson } from "../../../test/problem-assertions.ts";
import { makeApp } from "../../../test/support.ts";

const redisUp = await requireRedis();

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

describe("GET /health/live (liveness)", () => {
  test('200 {status: "ok"}, also with the database closed: it asks nothing of it', async () => {
    const { api, database } = await makeApp();
    const live = await api.get("/health/live");
    expectJson(live, 200);
    expect(live.body).toEqual({ status: "ok" });
    await database.close();
    expect((await api.get("/health/live")).status).toBe(200);
  });
});

describe("GET /health (readiness)", () => {
  test('200 {status: "ok", database: "up"}; no redis field with rate limits in memory', async () => {
    const { api } = await makeApp();
    expectReady(await api.get("/health"));
  });

  test("503 problem+json with Retry-After, naming the database, once it is closed; liveness stays 200", async () => {
    const { api, database } = await makeApp();
    await database.close();
    expectNotReady(await api.get("/health"), { database: "down", reason: "database: closed" });
    expectJson(await api.get("/health/live"), 200);
    expectJson(await api.get("/"), 200);
  });

  test('Redis unreachable (a closed port): 503, redis "down"; the database is still up', async () => {
    const { api } = await makeApp({}, { rateLimitStore: unreachableRedis() });
    const sent = await api.get("/health");
    expectNotReady(sent, { database: "up", redis: "down" });
    expect(sent.body.reason).toMatch(/^redis: (connection|timeout)$/);
    expectJson(await api.get("/health/live"), 200);
  });

  describe.skipIf(!redisUp)("with Redis", () => {
    test('200 with redis "up" when it answers', async () => {
      const store = new RedisStore({ url: REDIS_URL, keyPrefix: uniquePrefix("health") });
      const { api } = await makeApp({}, { rateLimitStore: store });
      expectReady(await api.get("/health"), { redis: "up" });
    });
  });
});

/** A RedisStore pointed at a port nothing listens on. */
function unreachableRedis() {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const { port } = listener;
  listener.stop(true);
  return new RedisStore({ url: `redis://127.0.0.1:${port}`, maxRetries: 0, timeoutMs: 1000 });
}
