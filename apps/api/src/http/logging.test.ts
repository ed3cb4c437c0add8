import { describe, expect, test } from "bun:test";
import { accessLine, accessLines, byteStream } from "../../test/http-support.ts";
import { makeApp } from "../../test/support.ts";
import { loggablePath } from "./logger.ts";

const FIELDS = ["duration_ms", "level", "method", "msg", "path", "request_id", "status", "time"];

describe("the access log", () => {
  test("one JSON line per request with method, path, real status, duration and request id", async () => {
    const { api, logs } = await makeApp();
    const { token, id } = await api.register("log@example.com", "password-123");
    const admin = await api.adminToken();
    const requests: [string, string, Parameters<typeof api.send>[2], number][] = [
      ["GET", "/", {}, 200],
      ["GET", "/users/me", { token }, 200],
      ["POST", "/users/me/items", { token, json: { title: "t" } }, 201],
      ["DELETE", `/users/${id}`, { token: admin }, 204],
      ["GET", "/users/me", {}, 401],
      ["GET", "/users/me", { token }, 401],
      ["PATCH", "/admin/users/1", { token: admin, json: { role: "x" } }, 422],
      ["GET", "/admin/users", { token: admin }, 200],
      ["GET", "/nope", {}, 404],
      ["PUT", "/health", {}, 405],
      ["HEAD", "/health", {}, 200],
      ["HEAD", "/token", {}, 405],
      [
        "POST",
        "/users/",
        { raw: "x".repeat(70_000), headers: { "content-type": "application/json" } },
        413,
      ],
      [
        "POST",
        "/users/",
        { raw: byteStream(100_000), headers: { "content-type": "application/json" } },
        413,
      ],
      ["POST", "/users/", { raw: "{}", headers: { "content-type": "text/plain" } }, 415],
      ["POST", "/users/", { raw: "{", headers: { "content-type": "application/json" } }, 400],
      ["POST", "/users/", { json: { email: "bad" } }, 422],
      ["POST", "/token", { form: { username: "log@example.com", password: "nope-nope" } }, 401],
      ["GET", "/users/limited?client_id=log", {}, 200],
      ["GET", "/docs", {}, 200],
      ["GET", "/docs/assets/swagger-ui.css", {}, 200],
      ["GET", "/docs/assets/..%2Fpackage.json", {}, 404],
    ];
    for (const [method, path, init, status] of requests) {
      const sent = await api.send(method, path, init);
      expect(`${method} ${path} → ${sent.status}`).toBe(`${method} ${path} → ${status}`);
      const requestId = sent.headers.get("x-request-id") ?? "";
      const line = await accessLine(logs, requestId);
      expect(Object.keys(line).sort()).toEqual(FIELDS);
      expect(line).toMatchObject({
        level: "info",
        msg: "request",
        method,
        path: path.split("?")[0],
        status,
        request_id: requestId,
      });
      expect(typeof line.duration_ms).toBe("number");
      expect(line.duration_ms as number).toBeGreaterThanOrEqual(0);
      expect(Number.isNaN(Date.parse(line.time))).toBe(false);
    }
    // Every line is a whole JSON object, and there is one access line per request sent.
    for (const raw of logs) expect(() => JSON.parse(raw)).not.toThrow();
    const accessCount = logs.filter((raw) => JSON.parse(raw).msg === "request").length;
    expect(accessCount).toBe(requests.length + 2 /* register, adminToken */);
  });

  test("a client's X-Request-Id is the one logged", async () => {
    const { api, logs } = await makeApp();
    await api.send("GET", "/health", { headers: { "x-request-id": "trace-me-1" } });
    expect((await accessLine(logs, "trace-me-1")).path).toBe("/health");
  });

  test("never the token (header, path, query), the password or an argon2 hash", async () => {
    const { api, logs } = await makeApp();
    const password = "SeCrEt-password-42";
    const { token } = await api.register("secret@example.com", password);
    const login = await api.login("secret@example.com", password);
    expect(login.status).toBe(200);
    const access = login.body.access_token as string;
    const sent = [
      await api.send("GET", `/users/me?token=${token}&access_token=${access}`, { token }),
      await api.send("GET", `/users/${token}?password=${password}`, { token }),
      await api.send("GET", `/users/me/items/${access}`, { token: access }),
      await api.send("GET", `/nope/${token}`),
      await api.send("POST", `/token?password=${password}`, {
        form: { username: "secret@example.com", password: `${password}-wrong` },
      }),
      await api.send("POST", "/users/", {
        json: { email: "secret@example.com", password },
      }),
      await api.send("POST", "/users/", { json: { email: "bad", password } }),
    ];
    for (const response of sent) {
      await accessLines(logs, response.headers.get("x-request-id") ?? "");
      expect(response.text).not.toContain(password);
      expect(response.text).not.toContain(token.split(".")[2]);
    }
    const all = logs.join("\n");
    expect(all).not.toContain(password);
    expect(all).not.toContain(encodeURIComponent(password));
    for (const secret of [token, access]) {
      for (const part of secret.split(".")) expect(all).not.toContain(part);
    }
    expect(all).not.toContain("$argon2");
    expect(all).not.toContain("?");
    expect(all).not.toContain("access_token");
    expect(all).toContain('"path":"/users/[masked]"');
  });

  test("query strings are dropped", async () => {
    const { api, logs } = await makeApp();
    const sent = await api.get("/users/limited?client_id=abc&x=1#frag");
    const line = await accessLine(logs, sent.headers.get("x-request-id") ?? "");
    expect(line.path).toBe("/users/limited");
    expect(JSON.stringify(line)).not.toContain("client_id");
  });
});

describe("loggablePath", () => {
  test("drops the query string and masks long or token-shaped segments", () => {
    expect(loggablePath("http://h/users/me?token=abc")).toBe("/users/me");
    expect(loggablePath("http://h:8000/a.b.c/x")).toBe("/[masked]/x");
    expect(loggablePath(`http://h/${"a".repeat(65)}`)).toBe("/[masked]");
    expect(loggablePath(`http://h/${"a".repeat(64)}`)).toBe(`/${"a".repeat(64)}`);
    expect(loggablePath("http://h/docs/assets/swagger-ui.css")).toBe("/docs/assets/swagger-ui.css");
    expect(loggablePath("http://h/")).toBe("/");
    expect(loggablePath("http://h/x?y=/z")).toBe("/x");
  });
});
