import { describe, expect, test } from "bun:test";
import { accessLine } from "../../test/http-support.ts";
import { expectProblem } from "../../test/problem-assertions.ts";
import { makeApp, type Sent } from "../../test/support.ts";
import { CORS_MAX_AGE_SECONDS } from "./cors.ts";

const PAGE = "https://app.example.com";
const OTHER_PAGE = "http://localhost:5173";
const STRANGER = "https://evil.example";

const corsHeaders = (sent: Sent) =>
  [...sent.headers.keys()].filter((name) => name.startsWith("access-control-") || name === "vary");

/** A browser's preflight for `method` on `path`. */
const preflightOf = (origin: string, method = "POST", requestHeaders = "content-type") => ({
  headers: {
    origin,
    "access-control-request-method": method,
    "access-control-request-headers": requestHeaders,
  },
});

/** What every CORS answer to an allowed origin carries. */
function expectAllowed(sent: Sent, origin: string) {
  expect(sent.headers.get("access-control-allow-origin")).toBe(origin);
  expect(sent.headers.get("vary")).toBe("Origin");
  expect(sent.headers.get("access-control-expose-headers")).toBe(
    "X-Request-Id, Location, Retry-After, RateLimit, RateLimit-Policy, Allow",
  );
  // Bearer tokens, no cookies: never credentials.
  expect(sent.headers.get("access-control-allow-credentials")).toBeNull();
  expect(sent.headers.get("x-request-id")).toBeTruthy();
}

describe("CORS_ORIGINS unset: no CORS at all (as before)", () => {
  test("no Access-Control-* nor Vary on any answer; a preflight is a 405 as before", async () => {
    const { api } = await makeApp();
    const withOrigin = { headers: { origin: PAGE } };
    const answers = [
      await api.send("GET", "/health", withOrigin),
      await api.send("GET", "/users/me", withOrigin),
      await api.send("GET", "/nowhere", withOrigin),
      await api.send("PUT", "/users/me", withOrigin),
      await api.send("POST", "/users/", { ...withOrigin, json: {} }),
      await api.send("OPTIONS", "/users/", preflightOf(PAGE)),
    ];
    expect(answers.map((sent) => sent.status)).toEqual([200, 401, 404, 405, 422, 405]);
    for (const sent of answers) expect(corsHeaders(sent)).toEqual([]);

    // An Origin header changes nothing: the same headers as without one.
    const plain = await api.send("GET", "/health");
    expect([...(await api.send("GET", "/health", withOrigin)).headers.keys()]).toEqual([
      ...plain.headers.keys(),
    ]);
    const preflight = answers[5] as Sent;
    expect(preflight.headers.get("allow")).toBe("POST");
    expectProblem(preflight, 405, "Method Not Allowed");
  });

  test("no route is added (the OpenAPI document and 405/404 read the route table)", async () => {
    const off = await makeApp();
    const on = await makeApp({ corsOrigins: [PAGE] });
    const routes = (app: typeof off.app) => app.routes.map((r) => `${r.method} ${r.path}`);
    expect(routes(on.app)).toEqual(routes(off.app));
    expect(routes(on.app).some((route) => route.startsWith("OPTIONS"))).toBe(false);
    const spec = async (made: typeof off) => (await made.api.get("/openapi.json")).body;
    expect(await spec(on)).toEqual(await spec(off));
  });
});

describe("CORS_ORIGINS listed", () => {
  const listed = () => makeApp({ corsOrigins: [PAGE, OTHER_PAGE] });

  test("a listed origin: Access-Control-Allow-Origin echoes it, with Vary: Origin", async () => {
    const { api } = await listed();
    for (const origin of [PAGE, OTHER_PAGE]) {
      const sent = await api.send("GET", "/health", { headers: { origin } });
      expect(sent.status).toBe(200);
      expectAllowed(sent, origin);
      expect(sent.headers.get("access-control-allow-methods")).toBeNull();
    }
  });

  test("an unlisted origin, or none: no Access-Control-Allow-Origin (Vary: Origin still)", async () => {
    const { api } = await listed();
    for (const origin of [
      STRANGER,
      "null",
      "toString",
      `https://${PAGE}`,
      "https://app.example.com.evil.example",
      "http://app.example.com",
    ]) {
      const sent = await api.send("GET", "/health", { headers: { origin } });
      expect(sent.status).toBe(200);
      expect(sent.headers.get("access-control-allow-origin")).toBeNull();
      expect(sent.headers.get("vary")).toBe("Origin");
    }
    const none = await api.get("/health");
    expect(none.headers.get("access-control-allow-origin")).toBeNull();
    expect(none.headers.get("vary")).toBe("Origin");
  });

  test("a preflight from a listed origin: 204 with the Access-Control-* headers, never 405", async () => {
    const { api, logs } = await listed();
    const sent = await api.send("OPTIONS", "/users/", {
      headers: {
        ...preflightOf(PAGE, "POST", "content-type, x-request-id").headers,
        "x-request-id": "pre-1",
      },
    });
    expect(sent.status).toBe(204);
    expect(sent.text).toBe("");
    expectAllowed(sent, PAGE);
    expect(sent.headers.get("access-control-allow-methods")).toBe("POST");
    expect(sent.headers.get("access-control-allow-headers")).toBe(
      "authorization, content-type, x-request-id",
    );
    expect(sent.headers.get("access-control-max-age")).toBe(String(CORS_MAX_AGE_SECONDS));
    expect(sent.headers.get("x-request-id")).toBe("pre-1");
    expect(sent.headers.get("allow")).toBeNull();
    expect(sent.headers.get("content-type")).toBeNull();
    // One access line, like every other request.
    expect(await accessLine(logs, "pre-1")).toMatchObject({
      method: "OPTIONS",
      path: "/users/",
      status: 204,
    });
  });

  test("the preflight lists the methods of that path, parameters included", async () => {
    const { api } = await listed();
    const me = await api.send("OPTIONS", "/users/me", preflightOf(PAGE, "GET", "authorization"));
    expect(me.status).toBe(204);
    expect(me.headers.get("access-control-allow-methods")).toBe("DELETE, GET, HEAD");
    const admin = await api.send("OPTIONS", "/admin/users/7", preflightOf(PAGE, "PATCH"));
    expect(admin.status).toBe(204);
    expect(admin.headers.get("access-control-allow-methods")).toBe("PATCH");
  });

  test("a preflight from an unlisted origin: 405 + Allow as before, no CORS grant", async () => {
    const { api } = await listed();
    const sent = await api.send("OPTIONS", "/users/", preflightOf(STRANGER));
    expectProblem(sent, 405, "Method Not Allowed");
    expect(sent.headers.get("allow")).toBe("POST");
    expect(sent.headers.get("access-control-allow-origin")).toBeNull();
    expect(sent.headers.get("access-control-allow-methods")).toBeNull();
  });

  test("an OPTIONS that is not a preflight: 405 + Allow as before (readable by the page)", async () => {
    const { api } = await listed();
    const noMethod = await api.send("OPTIONS", "/users/", { headers: { origin: PAGE } });
    expectProblem(noMethod, 405, "Method Not Allowed");
    expect(noMethod.headers.get("allow")).toBe("POST");
    expectAllowed(noMethod, PAGE);
    expect(noMethod.headers.get("access-control-allow-methods")).toBeNull();

    const noOrigin = await api.send("OPTIONS", "/users/", {
      headers: { "access-control-request-method": "POST" },
    });
    expectProblem(noOrigin, 405, "Method Not Allowed");
    expect(noOrigin.headers.get("access-control-allow-origin")).toBeNull();
  });

  test("a preflight for a path that does not exist: 404, as before", async () => {
    const { api } = await listed();
    const sent = await api.send("OPTIONS", "/nowhere", preflightOf(PAGE));
    expectProblem(sent, 404, "Not Found");
    expectAllowed(sent, PAGE);
  });

  test("errors carry the grant, so the page can read the problem+json", async () => {
    const { api } = await listed();
    const headers = { origin: PAGE };
    const unauthenticated = await api.send("GET", "/users/me", { headers });
    expectProblem(unauthenticated, 401, "Not authenticated");
    expectAllowed(unauthenticated, PAGE);
    expect(unauthenticated.headers.get("www-authenticate")).toBe("Bearer");

    const missing = await api.send("GET", "/nowhere", { headers });
    expectProblem(missing, 404, "Not Found");
    expectAllowed(missing, PAGE);

    const invalid = await api.send("POST", "/users/", { headers, json: { email: "nope" } });
    expect(invalid.status).toBe(422);
    expect(invalid.headers.get("content-type")).toBe("application/problem+json");
    expectAllowed(invalid, PAGE);

    const wrongMethod = await api.send("PUT", "/users/me", { headers });
    expectProblem(wrongMethod, 405, "Method Not Allowed");
    expectAllowed(wrongMethod, PAGE);

    const badLogin = await api.send("POST", "/token", {
      headers,
      form: { username: "nobody@example.com", password: "wrong-password" },
    });
    expectProblem(badLogin, 401, "Incorrect email or password");
    expectAllowed(badLogin, PAGE);
  });

  test("answers a handler builds itself (201 + Location, 200 revoke, 429) carry it too", async () => {
    const { api } = await listed();
    const headers = { origin: PAGE };
    const created = await api.send("POST", "/users/", {
      headers,
      json: { email: "cors@example.com", password: "password-123" },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toMatch(/^\/users\/\d+$/);
    expectAllowed(created, PAGE);

    const revoked = await api.send("POST", "/token/revoke", { headers, form: { token: "x" } });
    expect(revoked.status).toBe(200);
    expectAllowed(revoked, PAGE);

    let limited: Sent | undefined;
    for (let i = 0; i < 6; i++)
      limited = await api.send("GET", "/users/limited?client_id=c", { headers });
    expect(limited?.status).toBe(429);
    expect(limited?.headers.get("retry-after")).toBeTruthy();
    expectAllowed(limited as Sent, PAGE);
  });

  test("HEAD keeps its empty body", async () => {
    const { api } = await listed();
    const sent = await api.send("HEAD", "/health", { headers: { origin: PAGE } });
    expect(sent.status).toBe(200);
    expect(sent.text).toBe("");
    expectAllowed(sent, PAGE);
  });
});

describe("CORS_ORIGINS=*", () => {
  test("any page: its origin echoed with Vary: Origin (never Vary: *), preflights answered", async () => {
    const { api } = await makeApp({ corsOrigins: "*" });
    for (const origin of [PAGE, STRANGER, "null"]) {
      const sent = await api.send("GET", "/health", { headers: { origin } });
      expectAllowed(sent, origin);
    }
    const none = await api.get("/health");
    expect(none.headers.get("access-control-allow-origin")).toBeNull();
    expect(none.headers.get("vary")).toBe("Origin");

    const preflight = await api.send("OPTIONS", "/token", preflightOf(STRANGER));
    expect(preflight.status).toBe(204);
    expectAllowed(preflight, STRANGER);
    expect(preflight.headers.get("access-control-allow-methods")).toBe("POST");
  });
});

test("each app keeps its own list (the plugin is not shared between apps)", async () => {
  const first = await makeApp({ corsOrigins: [PAGE] });
  const second = await makeApp({ corsOrigins: [OTHER_PAGE] });
  const off = await makeApp();
  const grant = async (made: typeof first, origin: string) =>
    (await made.api.send("GET", "/health", { headers: { origin } })).headers.get(
      "access-control-allow-origin",
    );
  expect(await grant(first, PAGE)).toBe(PAGE);
  expect(await grant(first, OTHER_PAGE)).toBeNull();
  expect(await grant(second, OTHER_PAGE)).toBe(OTHER_PAGE);
  expect(await grant(second, PAGE)).toBeNull();
  expect(await grant(off, PAGE)).toBeNull();
});
