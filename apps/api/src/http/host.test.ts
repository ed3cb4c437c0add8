/**
 * Short and odd Host headers (http/host.ts): Elysia 1.4.30 read the path from the wrong "/"
 * when the Host had three characters or fewer. Every request must be routed by its real path,
 * through `app.handle` as over a real port (Bun's own routes and Elysia's `fetch` both).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { exchange, type RawOutcome, rawRequest } from "../../test/raw-http.ts";
import { client, makeApp } from "../../test/support.ts";
import { listenOptions } from "../worker.ts";
import { elysiaReadsPath, pathOf, routableUrl } from "./host.ts";

const HOSTS = ["api", "x", "api:80", "[::1]", "a.b", "[::1]:8000", "ab:1", "localhost"];

describe("routableUrl", () => {
  const urls = [
    "http://x/",
    "http://api/users/",
    "http://x/zzzz/admin/users",
    "http://a.b/admin/users?limit=1&x=/y",
    "http://ab:1/p?q=1",
    "http://x/users/limited?client_id=a/b",
    "https://x/p",
    "https://ab/",
    "http://[::1]/docs",
    "http://[::1]:8000/docs",
    "http://localhost:8000/users/me?x=/y",
  ];
  for (const url of urls) {
    test(`${url}: the same URL, with its path where Elysia looks`, () => {
      const routable = routableUrl(url);
      if (routable === undefined) throw new Error("not routable");
      expect(new URL(routable).href).toBe(new URL(url).href);
      expect(elysiaReadsPath(routable)).toBe(true);
      // What Elysia does with it: the path from the first "/" at index 11 or later.
      const start = routable.indexOf("/", 11);
      const query = routable.indexOf("?", start + 1);
      expect(routable.slice(start, query === -1 ? undefined : query)).toBe(new URL(url).pathname);
      expect(pathOf(routable)).toBe(new URL(url).pathname);
    });
  }

  test("a URL Elysia already reads right comes back as it is", () => {
    const url = "http://localhost/users/me";
    expect(routableUrl(url)).toBe(url);
  });

  test("a path alone (Bun's url when the Host makes no URL) has no routable spelling", () => {
    expect(routableUrl("/zzzz/admin/users")).toBeUndefined();
  });
});

let app: Awaited<ReturnType<typeof makeApp>>;
let adminToken = "";
let port = 0;

beforeAll(async () => {
  app = await makeApp();
  adminToken = await app.api.adminToken();
  app.app.listen({ ...listenOptions({ ...app.config, port: 0 }, false), hostname: "127.0.0.1" });
  port = app.app.server?.port ?? 0;
  if (!port) throw new Error("the app did not listen");
});

afterAll(() => app.app.server?.stop(true));

let made = 0;
const newEmail = () => `host.${++made}@example.com`;
/** A client id with a "/" in it, fresh each time (each has its own quota). */
const clientId = () => `a/${++made}`;

describe("through app.handle", () => {
  for (const host of HOSTS) {
    describe(`Host: ${host}`, () => {
      const api = () => client(app.app.handle.bind(app.app), `http://${host}`);

      test("POST /users/ signs up (201), and a bad body is a 422, not a 405", async () => {
        const made = await api().send("POST", "/users/", {
          json: { email: newEmail(), password: "password-123" },
        });
        expect(made.status).toBe(201);
        const refused = await api().send("POST", "/users/", { json: {} });
        expect(refused.status).toBe(422);
      });

      test("a longer path never reaches the admin route its tail names", async () => {
        const sent = await api().send("GET", "/zzzz/admin/users", { token: adminToken });
        expect(sent.status).toBe(404);
        expect(sent.body.instance).toBe("/zzzz/admin/users");
      });

      test("routes and their queries are read whole", async () => {
        const listed = await api().send("GET", "/admin/users?limit=1&x=/y", { token: adminToken });
        expect(listed.status).toBe(200);
        expect(listed.body.data).toHaveLength(1);
        const id = clientId();
        const limited = await api().get(`/users/limited?client_id=${id}`);
        expect(limited.status).toBe(200);
        expect(limited.body.client_id).toBe(id);
        const docs = await api().get("/docs");
        expect(docs.status).toBe(200);
        expect(docs.headers.get("content-type")).toContain("text/html");
        expect((await api().get("/users/me")).status).toBe(401);
      });
    });
  }
});

/** One request over the port, as a client with this Host would send it. */
function send(host: string | undefined, requestLine: string, headers: string[] = [], body = "") {
  const hostLine = host === undefined ? [] : [`Host: ${host}`];
  const length = body ? [`Content-Length: ${Buffer.byteLength(body)}`] : [];
  return exchange(
    port,
    rawRequest(requestLine, [...hostLine, "Connection: close", ...headers, ...length], body),
  );
}

function answered(outcome: RawOutcome) {
  if (outcome === "closed") throw new Error("the connection closed without an answer");
  return outcome;
}

describe("over a real port", () => {
  const bearer = () => `Authorization: Bearer ${adminToken}`;
  for (const host of HOSTS) {
    test(`Host: ${host} is routed by the request's own path`, async () => {
      const json = ["Content-Type: application/json"];
      const signUp = JSON.stringify({ email: newEmail(), password: "password-123" });
      expect(answered(await send(host, "POST /users/ HTTP/1.1", json, signUp)).status).toBe(201);
      expect(answered(await send(host, "POST /users/ HTTP/1.1", json, "{}")).status).toBe(422);
      const admin = answered(await send(host, "GET /zzzz/admin/users HTTP/1.1", [bearer()]));
      expect(admin.status).toBe(404);
      expect(admin.headers.get("content-type")).toBe("application/problem+json");
      const listed = answered(
        await send(host, "GET /admin/users?limit=1&x=/y HTTP/1.1", [bearer()]),
      );
      expect(listed.status).toBe(200);
      expect(JSON.parse(listed.body).data).toHaveLength(1);
      const id = clientId();
      const limited = answered(await send(host, `GET /users/limited?client_id=${id} HTTP/1.1`));
      expect(JSON.parse(limited.body).client_id).toBe(id);
      expect(answered(await send(host, "GET /docs HTTP/1.1")).status).toBe(200);
      expect(answered(await send(host, "GET /users/me HTTP/1.1")).status).toBe(401);
    });
  }

  // Bun lets these through with a URL `new URL` refuses; they used to end in a 500.
  for (const host of ["[::1", "x:99999"]) {
    test(`Host: ${host} is still routed, and an unknown path is a 404`, async () => {
      const missing = answered(await send(host, "GET /zzzz/admin/users HTTP/1.1", [bearer()]));
      expect(missing.status).toBe(404);
      expect(missing.headers.get("content-type")).toBe("application/problem+json");
    });
  }

  // Bun gives only the path when the Host cannot be part of a URL (RFC 9112 §3.2: 400).
  for (const host of ["", "a b", "x/admin", "u@x"]) {
    test(`Host: ${JSON.stringify(host)} is a 400 problem+json`, async () => {
      const refused = answered(await send(host, "GET /zzzz/admin/users HTTP/1.1", [bearer()]));
      expect(refused.status).toBe(400);
      expect(refused.headers.get("content-type")).toBe("application/problem+json");
      const body = JSON.parse(refused.body);
      expect(body).toMatchObject({ status: 400, detail: "Invalid Host header" });
      expect(body.instance).toBe("/zzzz/admin/users");
      expect(body.request_id).toBe(refused.headers.get("x-request-id"));
    });
  }

  test("HTTP/1.0 may leave Host out: served, by its own path", async () => {
    const health = answered(await send(undefined, "GET /health HTTP/1.0"));
    expect(health.status).toBe(200);
    const admin = answered(await send(undefined, "GET /zzzz/admin/users HTTP/1.0", [bearer()]));
    expect(admin.status).toBe(404);
  });
});

test("a CORS preflight with a Host `new URL` refuses is answered, not a bare 500", async () => {
  const cors = await makeApp({ corsOrigins: "*" });
  cors.app.listen({ ...listenOptions({ ...cors.config, port: 0 }, false), hostname: "127.0.0.1" });
  try {
    const preflight = await exchange(
      cors.app.server?.port ?? 0,
      rawRequest("OPTIONS /users/me HTTP/1.1", [
        "Host: [::1",
        "Connection: close",
        "Origin: https://page.example",
        "Access-Control-Request-Method: GET",
      ]),
    );
    expect(answered(preflight).status).toBe(204);
  } finally {
    cors.app.server?.stop(true);
  }
});
