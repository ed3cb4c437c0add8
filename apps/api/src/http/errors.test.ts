import { describe, expect, test } from "bun:test";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { UserCreate } from "@statuslab/contracts";
import { accessLine, expectProblem, isUuid } from "../../test/http-support.ts";
import { makeApp } from "../../test/support.ts";
import { createErrorMapper } from "./errors.ts";
import { createLogger, silentLogger } from "./logger.ts";

/** [method, path, the Allow header expected] for a method each route does not have. */
const WRONG_METHODS: [string, string, string][] = [
  ["PUT", "/", "GET, HEAD"],
  ["POST", "/health", "GET, HEAD"],
  ["DELETE", "/health", "GET, HEAD"],
  ["GET", "/token", "POST"],
  ["PUT", "/token", "POST"],
  ["GET", "/users/", "POST"],
  ["GET", "/users", "POST"],
  ["PATCH", "/users/", "POST"],
  // DELETE /users/me deletes the caller's own account: Allow promises nothing that fails.
  ["PUT", "/users/me", "DELETE, GET, HEAD"],
  ["POST", "/users/me", "DELETE, GET, HEAD"],
  ["DELETE", "/users/me/items", "GET, HEAD, POST"],
  ["PUT", "/users/me/items/", "GET, HEAD, POST"],
  // /users/limited is a resource of its own: /users/{id}'s DELETE is not offered there.
  ["POST", "/users/limited", "GET, HEAD"],
  ["PATCH", "/users/7", "DELETE, GET, HEAD"],
  ["PUT", "/users/7", "DELETE, GET, HEAD"],
  ["DELETE", "/admin/users", "GET, HEAD"],
  ["POST", "/admin/users/", "GET, HEAD"],
  ["GET", "/admin/users/7", "PATCH"],
  ["DELETE", "/admin/users/7", "PATCH"],
  ["POST", "/docs", "GET, HEAD"],
  ["DELETE", "/openapi.json", "GET, HEAD"],
  ["POST", "/docs/assets/swagger-ui.css", "GET, HEAD"],
  ["OPTIONS", "/health", "GET, HEAD"],
  ["TRACE", "/users/me", "DELETE, GET, HEAD"],
  ["HEAD", "/token", "POST"],
  ["HEAD", "/admin/users/7", "PATCH"],
];

describe("405 Method Not Allowed", () => {
  for (const [method, path, allow] of WRONG_METHODS) {
    test(`${method} ${path} → 405, Allow: ${allow}`, async () => {
      const { api } = await makeApp();
      const sent = await api.send(method, path);
      expect(sent.status).toBe(405);
      expect(sent.headers.get("allow")).toBe(allow);
      expect(sent.headers.get("content-type")).toBe("application/problem+json");
      expect(isUuid(sent.headers.get("x-request-id"))).toBe(true);
      if (method === "HEAD") {
        expect(sent.text).toBe("");
        return;
      }
      expectProblem(sent, 405);
      expect(sent.body).toMatchObject({ title: "Method Not Allowed", instance: path });
    });
  }

  test("the Allow header lists only methods that really work on that path", async () => {
    const { api } = await makeApp();
    const { token } = await api.register("allow@example.com");
    for (const [, path, allow] of WRONG_METHODS) {
      for (const listed of allow.split(", ")) {
        const sent = await api.send(listed, path, {
          token,
          ...(listed === "POST" || listed === "PATCH" ? { json: {} } : {}),
        });
        // Routed: anything but 405, and not the router's own 404 (a handler's 404 is fine).
        expect(`${listed} ${path} ${sent.status}`).not.toBe(`${listed} ${path} 405`);
        if (sent.status === 404) expect(sent.body?.detail ?? "").not.toBe("Not Found");
        // Nor a route that cannot take this path at all (`limited` as a user id).
        expect(`${listed} ${path} ${sent.body?.detail}`).not.toBe(
          `${listed} ${path} Invalid path parameter`,
        );
      }
    }
  });
});

describe("404 Not Found", () => {
  for (const path of [
    "/nope",
    "/users/me/items/extra",
    "/admin",
    "/admin/users/7/extra",
    "/token/",
    "//health",
    "/docs/assets/",
    "/docs/assets/a/b",
    "/%2e%2e/package.json",
    "/users/1/2",
  ]) {
    test(`GET ${path} → 404 problem`, async () => {
      const { api } = await makeApp();
      const sent = await api.send("GET", path);
      if (path === "/token/") {
        // Elysia's loose path matching: /token/ is /token, which is POST only.
        expect(sent.status).toBe(405);
        return;
      }
      expectProblem(sent, 404);
      expect(sent.body).toMatchObject({ title: "Not Found", detail: "Not Found" });
      expect(sent.headers.get("allow")).toBeNull();
    });
  }

  test("an unknown path with any method is 404, not 405", async () => {
    const { api } = await makeApp();
    for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) {
      expectProblem(await api.send(method, "/no/such/thing"), 404);
    }
  });
});

describe("HEAD", () => {
  test("HEAD on a GET route: the GET's status and headers, no body", async () => {
    const { api } = await makeApp();
    for (const path of ["/", "/health", "/docs", "/openapi.json", "/docs/assets/swagger-ui.css"]) {
      const get = await api.send("GET", path);
      const head = await api.send("HEAD", path);
      expect([path, head.status]).toEqual([path, 200]);
      expect(head.text).toBe("");
      expect(head.headers.get("content-type")).toBe(get.headers.get("content-type"));
      expect(isUuid(head.headers.get("x-request-id"))).toBe(true);
      const length = head.headers.get("content-length");
      if (length !== null) expect(Number(length)).toBe(Buffer.byteLength(get.text));
    }
  });

  test("HEAD on a protected route without a token: 401 with the challenge, no body", async () => {
    const { api } = await makeApp();
    const sent = await api.send("HEAD", "/users/me");
    expect(sent.status).toBe(401);
    expect(sent.headers.get("www-authenticate")).toBe("Bearer");
    expect(sent.headers.get("content-type")).toBe("application/problem+json");
    expect(sent.text).toBe("");
  });

  test("HEAD on an unknown path: 404 headers, no body", async () => {
    const { api } = await makeApp();
    const sent = await api.send("HEAD", "/nope");
    expect(sent.status).toBe(404);
    expect(sent.headers.get("content-type")).toBe("application/problem+json");
    expect(sent.text).toBe("");
  });
});

describe("X-Request-Id on every response", () => {
  test("success, 401, 404, 405, 413, 415, 422, 400, 409 and docs assets all carry one", async () => {
    const { api } = await makeApp();
    const { token } = await api.register("rid@example.com");
    const cases = [
      await api.get("/"),
      await api.get("/users/me", token),
      await api.get("/users/me"),
      await api.get("/nope"),
      await api.send("PUT", "/health"),
      await api.send("POST", "/users/", {
        raw: "x".repeat(70_000),
        headers: { "content-type": "application/json" },
      }),
      await api.send("POST", "/users/", { raw: "{}", headers: { "content-type": "text/plain" } }),
      await api.send("POST", "/users/", { json: { email: "nope" } }),
      await api.send("POST", "/users/", {
        raw: "{",
        headers: { "content-type": "application/json" },
      }),
      await api.send("POST", "/users/", {
        json: { email: "rid@example.com", password: "whatever-1" },
      }),
      await api.get("/docs"),
      await api.get("/openapi.json"),
      await api.get("/docs/assets/swagger-ui-bundle.js"),
      await api.get("/docs/assets/favicon-32x32.png"),
      await api.get("/docs/assets/nope.js"),
      await api.get("/users/abc", token),
    ];
    expect(cases.map((sent) => sent.status)).toEqual([
      200, 200, 401, 404, 405, 413, 415, 422, 400, 409, 200, 200, 200, 200, 404, 422,
    ]);
    const ids = cases.map((sent) => sent.headers.get("x-request-id"));
    for (const id of ids) expect(isUuid(id)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const sent of cases.filter((sent) => sent.status >= 400)) expectProblem(sent, sent.status);
  });

  test("a plain client id is echoed, in the header and the problem body", async () => {
    const { api } = await makeApp();
    for (const id of ["abc", "req-42", "A.b_c:d-1", "x".repeat(128)]) {
      const ok = await api.send("GET", "/health", { headers: { "x-request-id": id } });
      expect(ok.headers.get("x-request-id")).toBe(id);
      const problem = await api.send("GET", "/nope", { headers: { "x-request-id": id } });
      expect(problem.headers.get("x-request-id")).toBe(id);
      expect(problem.body.request_id).toBe(id);
    }
  });

  test("an unsafe or too long client id is replaced by a UUID", async () => {
    const { api } = await makeApp();
    for (const id of [
      "x".repeat(129),
      "has space",
      'quote"d',
      "<script>",
      "a,b",
      "semi;colon",
      "ünïcode",
      "line%0Abreak",
      "tab\there",
    ]) {
      const sent = await api.send("GET", "/nope", { headers: { "x-request-id": id } });
      const echoed = sent.headers.get("x-request-id");
      expect(isUuid(echoed)).toBe(true);
      expect(sent.body.request_id).toBe(echoed);
      expect(sent.text).not.toContain(id);
    }
  });
});

describe("5xx", () => {
  test("an unexpected error (a table gone) → 500 problem, nothing of the cause leaks", async () => {
    const { api, testDatabase, logs } = await makeApp();
    const { token } = await api.register("boom@example.com");
    await testDatabase.dropTable("items");
    const sent = await api.send("POST", "/users/me/items", { json: { title: "x" }, token });
    expectProblem(sent, 500);
    expect(sent.body).toMatchObject({
      title: "Internal Server Error",
      detail: "Internal Server Error",
    });
    expect(sent.text).not.toMatch(/sqlite|postgres|no such table|does not exist|stack/i);
    expect(Object.keys(sent.body).sort()).toEqual(
      ["detail", "instance", "request_id", "status", "title", "type"].sort(),
    );
    // The cause is logged for us, with the same request id.
    await Bun.sleep(10);
    const error = logs.map((line) => JSON.parse(line)).find((entry) => entry.level === "error");
    expect(error).toMatchObject({
      msg: "unhandled error",
      request_id: sent.headers.get("x-request-id"),
    });
    // SQLite: "no such table: items"; PostgreSQL: 'relation "items" does not exist'.
    expect(String(error.error)).toMatch(/no such table: items|relation "items" does not exist/);
    // And the access log has exactly one line for it, with the status the client got.
    expect((await accessLine(logs, error.request_id)).status).toBe(500);
  });

  test("database closed → 503 with Retry-After, never 500", async () => {
    const { api, database } = await makeApp();
    const { token } = await api.register("down@example.com");
    await database.close();
    for (const sent of [
      await api.get("/health"),
      await api.get("/users/me", token),
      await api.send("POST", "/users/", {
        json: { email: "new@example.com", password: "password-123" },
      }),
      await api.login("down@example.com", "password-123"),
    ]) {
      expectProblem(sent, 503);
      expect(Number(sent.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    }
  });
});

describe("the error mapper itself never fails", () => {
  const request = () => new Request("http://localhost/users/?password=x", { method: "POST" });

  test("a validation error is mapped without Elysia's value-printing `all`", async () => {
    const mapError = createErrorMapper({ log: silentLogger, allowedMethods: () => [] });
    const validation = {
      type: "body",
      validator: TypeCompiler.Compile(UserCreate),
      value: { email: { toString: "" }, password: 1 },
      get all(): never {
        throw new TypeError("No default value");
      },
    };
    const response = mapError("VALIDATION", validation, request());
    expect(response.status).toBe(422);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const body = await response.json();
    expect(body.errors).toEqual([
      { path: "/email", message: "Expected string" },
      { path: "/password", message: "must be a string of 8 to 128 characters" },
    ]);
  });

  test("a failure while mapping (here: a throwing logger) is still a problem+json 500", async () => {
    const throwing = {
      info() {},
      warn() {},
      error() {
        throw new Error("the log disk is full");
      },
    };
    const mapError = createErrorMapper({ log: throwing, allowedMethods: () => [] });
    const response = mapError("UNKNOWN", new Error("boom"), request());
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.headers.get("x-request-id")).toBeTruthy();
    expect((await response.json()).detail).toBe("Internal Server Error");
  });

  test("a thrown non-Error that cannot even be printed → 500 problem", async () => {
    const logs: string[] = [];
    const mapError = createErrorMapper({
      log: createLogger((line) => logs.push(line)),
      allowedMethods: () => [],
    });
    const response = mapError("UNKNOWN", { toString: "" }, request());
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(logs.join("\n")).toContain("error handler failed");
  });

  test("objects that own toString/valueOf at a string field → 422 on every JSON route", async () => {
    const { api, logs } = await makeApp();
    const { token } = await api.register("tostring@example.com");
    const admin = await api.adminToken();
    const bodies: [string, string, string, string | undefined][] = [
      ["POST", "/users/", '{"email":{"toString":""},"password":"password-123"}', undefined],
      [
        "POST",
        "/users/",
        '{"email":"t@example.com","password":{"valueOf":1,"toString":1}}',
        undefined,
      ],
      [
        "POST",
        "/users/",
        '{"email":"t@example.com","password":"password-123","name":[{"toString":0}]}',
        undefined,
      ],
      ["POST", "/users/me/items", '{"title":{"toString":""}}', token],
      ["PATCH", "/admin/users/1", '{"role":{"toString":"admin"}}', admin],
    ];
    for (const [method, path, raw, bearer] of bodies) {
      const sent = await api.send(method, path, {
        raw,
        headers: {
          "content-type": "application/json",
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        },
      });
      expectProblem(sent, 422);
    }
    await Bun.sleep(10);
    expect(logs.filter((line) => line.includes('"level":"error"'))).toEqual([]);
  });
});
