import { describe, expect, test } from "bun:test";
import { MemoryStore, RedisStore } from "@statuslab/rate-limiter";
import { expectJson, expectProblem } from "../../../test/problem-assertions.ts";
import { makeApp, type Sent } from "../../../test/support.ts";

const START = Date.UTC(2026, 0, 1, 10, 0, 0);

/** An app whose rate-limit store reads a clock the test moves by hand. */
async function withClock(overrides: Parameters<typeof makeApp>[0] = {}) {
  let now = START;
  const rateLimitStore = new MemoryStore({ now: () => now, sweepIntervalMs: 0 });
  const made = await makeApp(overrides, { rateLimitStore });
  return {
    ...made,
    /** Sets the clock to START + `ms`. */
    at: (ms: number) => {
      now = START + ms;
    },
    hit: (clientId: string) =>
      made.api.get(`/users/limited?client_id=${encodeURIComponent(clientId)}`),
  };
}

function expectRateHeaders(sent: Sent, policy: string, current: string) {
  expect(sent.headers.get("ratelimit-policy")).toBe(policy);
  expect(sent.headers.get("ratelimit")).toBe(current);
}

describe("GET /users/limited", () => {
  test("5 × 200 with the RateLimit headers counting down, then 429", async () => {
    const { hit, at } = await withClock();
    for (let i = 0; i < 5; i++) {
      at(i * 1000);
      const sent = await hit("test123");
      expectJson(sent, 200);
      expect(sent.body).toEqual({
        message: "Request allowed",
        client_id: "test123",
        remaining: 4 - i,
      });
      // t: seconds until the oldest counted request (at 0 s) leaves the 60 s window.
      expectRateHeaders(sent, '"default";q=5;w=60', `"default";r=${4 - i};t=${60 - i}`);
      expect(sent.headers.get("retry-after")).toBeNull();
    }

    at(5000);
    const denied = await hit("test123");
    expectProblem(denied, 429, "Rate limit exceeded");
    expect(denied.headers.get("retry-after")).toBe("55");
    expectRateHeaders(denied, '"default";q=5;w=60', '"default";r=0;t=55');
    expect(denied.text).not.toContain("test123");
  });

  test("Retry-After is whole seconds in 1..60 and says when a slot frees", async () => {
    const { hit, at } = await withClock();
    for (let i = 0; i < 5; i++) await hit("a");
    for (const [ms, retryAfter] of [
      [0, 60],
      [1, 60],
      [30_000, 30],
      [59_000, 1],
      [59_999, 1],
    ] as const) {
      at(ms);
      const sent = await hit("a");
      expectProblem(sent, 429, "Rate limit exceeded");
      expect(sent.headers.get("retry-after")).toBe(String(retryAfter));
    }
    // Denied requests are not counted: once the window has passed, the quota is back.
    at(60_000);
    const again = await hit("a");
    expectJson(again, 200);
    expect(again.body.remaining).toBe(4);
    expectRateHeaders(again, '"default";q=5;w=60', '"default";r=4;t=60');
  });

  test("the window slides: one slot frees per request that leaves it", async () => {
    const { hit, at } = await withClock();
    for (let i = 0; i < 5; i++) {
      at(i * 10_000);
      await hit("slide");
    }
    at(59_999);
    expect((await hit("slide")).status).toBe(429);
    at(60_000); // the request at 0 s has left; the one at 10 s has not
    const one = await hit("slide");
    expectJson(one, 200);
    expectRateHeaders(one, '"default";q=5;w=60', '"default";r=0;t=10');
    const none = await hit("slide");
    expect(none.status).toBe(429);
    expect(none.headers.get("retry-after")).toBe("10");
  });

  test("with the real clock: 5 × 200 then 429 with Retry-After in 1..60", async () => {
    const { api } = await makeApp();
    for (let i = 0; i < 5; i++) {
      const sent = await api.get("/users/limited?client_id=real");
      expectJson(sent, 200);
      expect(sent.headers.get("ratelimit")).toMatch(new RegExp(`^"default";r=${4 - i};t=(59|60)$`));
    }
    const denied = await api.get("/users/limited?client_id=real");
    expectProblem(denied, 429, "Rate limit exceeded");
    const retryAfter = denied.headers.get("retry-after") ?? "";
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    expect(denied.headers.get("ratelimit-policy")).toBe('"default";q=5;w=60');
    expect(denied.headers.get("ratelimit")).toMatch(/^"default";r=0;t=(59|60)$/);
  });

  test("each client_id has its own quota", async () => {
    const { hit } = await withClock();
    for (let i = 0; i < 5; i++) await hit("first");
    expect((await hit("first")).status).toBe(429);
    const other = await hit("second");
    expectJson(other, 200);
    expect(other.body).toEqual({ message: "Request allowed", client_id: "second", remaining: 4 });
    expectRateHeaders(other, '"default";q=5;w=60', '"default";r=4;t=60');
    // Look-alikes are distinct clients too.
    expect((await hit("FIRST")).status).toBe(200);
    expect((await hit("first ")).status).toBe(200);
    expect((await hit("first")).status).toBe(429);
  });

  test("a client_id shaped like the store's namespace cannot reach another's quota", async () => {
    const { hit } = await withClock();
    for (let i = 0; i < 5; i++) await hit("x");
    for (const sneaky of ["limited:x", "limited%3A:x", ":x", "x:"]) {
      expect((await hit(sneaky)).status).toBe(200);
    }
  });

  test("client_ids of 1 and 128 characters, and any characters, are accepted", async () => {
    const { hit } = await withClock();
    for (const id of ["a", "c".repeat(128), "é 😀/?&=#", '"quoted"']) {
      const sent = await hit(id);
      expectJson(sent, 200);
      expect(sent.body.client_id).toBe(id);
    }
  });

  const bad: [name: string, path: string, missing: boolean][] = [
    ["a missing client_id", "/users/limited", true],
    ["a missing client_id with another parameter", "/users/limited?client=x", true],
    ["an empty client_id", "/users/limited?client_id=", false],
    ["a client_id over 128 characters", `/users/limited?client_id=${"c".repeat(129)}`, false],
  ];
  for (const [name, path, missing] of bad) {
    test(`422 for ${name}, and no quota is spent`, async () => {
      const { api, hit } = await withClock();
      const sent = await api.get(path);
      expectProblem(sent, 422, "Invalid query string", [
        { path: "/client_id", message: missing ? "is required" : expect.any(String) },
      ]);
      expect(sent.headers.get("ratelimit")).toBeNull();
      expect(sent.text).not.toContain("c".repeat(129));
      // Nothing was counted, under any key the bad value might have turned into.
      for (const key of ["undefined", "null", "c".repeat(128)]) {
        expect((await hit(key)).body.remaining).toBe(4);
      }
    });
  }

  test("RATE_LIMIT_MAX=2, RATE_LIMIT_WINDOW=10 change the policy and the headers", async () => {
    const { hit, at } = await withClock({ rateLimit: { max: 2, windowSeconds: 10 } });
    const first = await hit("cfg");
    expectJson(first, 200);
    expect(first.body.remaining).toBe(1);
    expectRateHeaders(first, '"default";q=2;w=10', '"default";r=1;t=10');
    at(3000);
    expectRateHeaders(await hit("cfg"), '"default";q=2;w=10', '"default";r=0;t=7');
    at(4000);
    const denied = await hit("cfg");
    expectProblem(denied, 429, "Rate limit exceeded");
    expect(denied.headers.get("retry-after")).toBe("6");
    expectRateHeaders(denied, '"default";q=2;w=10', '"default";r=0;t=6');
    at(10_000);
    expectRateHeaders(await hit("cfg"), '"default";q=2;w=10', '"default";r=0;t=3');
  });

  test("the configured policy reaches the app through makeApp without a custom store", async () => {
    const { api } = await makeApp({ rateLimit: { max: 2, windowSeconds: 10 } });
    expect((await api.get("/users/limited?client_id=z")).headers.get("ratelimit-policy")).toBe(
      '"default";q=2;w=10',
    );
    await api.get("/users/limited?client_id=z");
    const denied = await api.get("/users/limited?client_id=z");
    expect(denied.status).toBe(429);
    expect(Number(denied.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(denied.headers.get("retry-after"))).toBeLessThanOrEqual(10);
  });
});

describe("when the shared store (Redis) is down", () => {
  test("the limited route fails closed: 503 problem+json with Retry-After, never unlimited", async () => {
    const store = new RedisStore({
      url: "redis://127.0.0.1:1",
      timeoutMs: 200,
      connectTimeoutMs: 200,
    });
    const { api, logs, close } = await makeApp({}, { rateLimitStore: store });
    try {
      for (let i = 0; i < 2; i++) {
        const sent = await api.get("/users/limited?client_id=outage");
        expectProblem(sent, 503, "Rate limiter unavailable");
        expect(sent.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
        expect(sent.headers.get("ratelimit")).toBeNull();
      }
      expect(logs.some((line) => line.includes("store unavailable"))).toBe(true);
    } finally {
      await close();
    }
  });
});
