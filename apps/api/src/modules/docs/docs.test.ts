import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { STATUS_CATALOG, type StatusCode } from "@statuslab/contracts";
import { expectProblem, isUuid } from "../../../test/http-support.ts";
import { makeApp } from "../../../test/support.ts";

const SWAGGER_DIR = dirname(require.resolve("swagger-ui-dist/package.json"));

/** Every `src` and `href` in a page, in order. */
const references = (html: string) =>
  [...html.matchAll(/<(script|link)\b[^>]*\b(src|href)\s*=\s*["']([^"']*)["'][^>]*>/gi)].map(
    (match) => ({ tag: match[1]?.toLowerCase(), url: match[3] ?? "" }),
  );

describe("GET /docs", () => {
  test("is HTML whose every script and stylesheet is same-origin and loads", async () => {
    const { api } = await makeApp();
    const page = await api.get("/docs");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html; charset=utf-8$/i);
    expect(page.text).toStartWith("<!DOCTYPE html>");
    expect(page.text).toContain('id="swagger-ui"');
    const refs = references(page.text);
    expect(refs.filter((ref) => ref.tag === "script")).toHaveLength(1);
    expect(refs.some((ref) => ref.url.endsWith(".css"))).toBe(true);
    // No external URL anywhere in the page: it must work with no internet.
    expect(page.text).not.toMatch(/https?:\/\/|["'(=]\s*\/\/[^/]/);
    for (const { url } of refs) {
      expect(url).toStartWith("/");
      expect(url).not.toStartWith("//");
      const asset = await api.get(url);
      expect([url, asset.status]).toEqual([url, 200]);
      const type = asset.headers.get("content-type") ?? "";
      if (url.endsWith(".js")) expect(type).toMatch(/^(text|application)\/javascript/);
      if (url.endsWith(".css")) expect(type).toMatch(/^text\/css/);
      if (url.endsWith(".png")) expect(type).toBe("image/png");
      expect(asset.text.length).toBeGreaterThan(100);
      expect(isUuid(asset.headers.get("x-request-id"))).toBe(true);
    }
  });

  test("the spec URL is absolute, so the page also works at /docs/", async () => {
    const { api } = await makeApp();
    const page = await api.get("/docs/");
    expect(page.status).toBe(200);
    const url = /"url":"([^"]+)"/.exec(page.text)?.[1];
    expect(url).toBe("/openapi.json");
    expect((await api.get(new URL(url ?? "", "http://localhost/docs/").pathname)).status).toBe(200);
    // Swagger UI's validator badge would call validator.swagger.io: it is off.
    expect(page.text).toContain('"validatorUrl":null');
  });

  test("assets are the files of swagger-ui-dist, cached a day", async () => {
    const { api } = await makeApp();
    for (const name of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
      const asset = await api.get(`/docs/assets/${name}`);
      expect(asset.text).toBe(readFileSync(join(SWAGGER_DIR, name), "utf8"));
      expect(asset.headers.get("cache-control")).toBe("public, max-age=86400");
    }
  });
});

describe("/docs/assets never walks out of its allow-list", () => {
  const packageJson = readFileSync(join(SWAGGER_DIR, "package.json"), "utf8");
  for (const path of [
    "/docs/assets/..%2F..%2Fpackage.json",
    "/docs/assets/..%2Fpackage.json",
    "/docs/assets/%2e%2e%2fpackage.json",
    "/docs/assets/%2E%2E%2Fpackage.json",
    "/docs/assets/..%5Cpackage.json",
    "/docs/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fapps%2fapi%2fpackage.json",
    "/docs/assets/..%252Fpackage.json",
    "/docs/assets/package.json",
    "/docs/assets/index.html",
    "/docs/assets/swagger-initializer.js",
    "/docs/assets/swagger-ui-bundle.js.map",
    "/docs/assets/oauth2-redirect.html",
    "/docs/assets/unknown.js",
    "/docs/assets/%00",
    "/docs/assets/swagger-ui.css%00.png",
    "/docs/assets/.%2Fswagger-ui.css",
    "/docs/assets/SWAGGER-UI.CSS",
    "/docs/assets/%2Fetc%2Fpasswd",
  ]) {
    test(`GET ${path} → 404 problem, never a file`, async () => {
      const { api } = await makeApp();
      const sent = await api.get(path);
      expectProblem(sent, 404);
      expect(sent.text).not.toContain('"name"');
      expect(sent.text).not.toContain(packageJson.slice(0, 40));
      expect(sent.text).not.toContain("root:");
      expect(sent.text).not.toContain("<html");
    });
  }

  test("a raw ../ in the URL is normalised by the URL parser and never reaches a file", async () => {
    const { api } = await makeApp();
    for (const path of ["/docs/assets/../../package.json", "/docs/assets/../assets/../../x"]) {
      const sent = await api.get(path);
      expect(sent.status).toBe(404);
      expect(sent.text).not.toContain('"name"');
    }
  });
});

// biome-ignore lint/suspicious/noExplicitAny: the document is plain JSON
type Doc = any;

async function openapiDocument(): Promise<Doc> {
  const { api } = await makeApp();
  const sent = await api.get("/openapi.json");
  expect(sent.status).toBe(200);
  expect(sent.headers.get("content-type")).toMatch(/^application\/json/);
  return sent.body;
}

/** Resolves a local `$ref` (one level is all the document uses). */
function resolve(doc: Doc, schema: Doc): Doc {
  if (schema?.$ref) {
    const name = String(schema.$ref).replace("#/components/schemas/", "");
    return doc.components.schemas[name];
  }
  return schema;
}

const CONTRACT: Record<string, string[]> = {
  "/": ["get"],
  "/health": ["get"],
  "/health/live": ["get"],
  "/users/": ["post"],
  "/token": ["post"],
  "/token/revoke": ["post"],
  "/users/me": ["delete", "get"],
  "/users/me/items": ["get", "post"],
  "/users/limited": ["get"],
  "/users/{id}": ["delete", "get"],
  "/admin/users": ["get"],
  "/admin/users/{id}": ["patch"],
};

const PROTECTED = [
  ["/users/me", "get"],
  ["/users/me", "delete"],
  ["/users/me/items", "get"],
  ["/users/me/items", "post"],
  ["/users/{id}", "get"],
  ["/users/{id}", "delete"],
  ["/admin/users", "get"],
  ["/admin/users/{id}", "patch"],
] as const;

describe("GET /openapi.json", () => {
  test("is OpenAPI 3 with exactly the contract's routes and methods", async () => {
    const doc = await openapiDocument();
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info).toMatchObject({ title: "Status Code Lab API" });
    const methods = Object.fromEntries(
      Object.entries(doc.paths as Record<string, object>).map(([path, item]) => [
        path,
        Object.keys(item).sort(),
      ]),
    );
    expect(methods).toEqual(CONTRACT);
    // Docs routes are not part of the API document.
    expect(JSON.stringify(Object.keys(doc.paths))).not.toContain("docs");
  });

  test("declares the bearer and OAuth2 password security schemes", async () => {
    const doc = await openapiDocument();
    expect(doc.components.securitySchemes.bearer).toMatchObject({
      type: "http",
      scheme: "bearer",
    });
    expect(doc.components.securitySchemes.oauth2).toMatchObject({
      type: "oauth2",
      flows: { password: { tokenUrl: "/token" } },
    });
  });

  test("protected routes carry a security requirement; public ones an empty one", async () => {
    const doc = await openapiDocument();
    for (const [path, method] of PROTECTED) {
      const security = doc.paths[path][method].security;
      expect([path, method, security]).toEqual([path, method, [{ bearer: [] }, { oauth2: [] }]]);
      expect(doc.paths[path][method].responses["401"]).toBeDefined();
    }
    for (const [path, method] of [
      ["/", "get"],
      ["/health", "get"],
      ["/health/live", "get"],
      ["/users/", "post"],
      ["/token", "post"],
      ["/users/limited", "get"],
    ] as const) {
      expect([path, method, doc.paths[path][method].security]).toEqual([path, method, []]);
    }
    for (const [path, method] of [
      ["/admin/users", "get"],
      ["/admin/users/{id}", "patch"],
    ] as const) {
      expect(doc.paths[path][method].responses["403"]).toBeDefined();
    }
  });

  test("error responses are documented as problem+json referencing the Problem schema", async () => {
    const doc = await openapiDocument();
    const expected: [string, string, string][] = [
      ["/users/me", "get", "401"],
      ["/users/", "post", "409"],
      ["/users/", "post", "422"],
      ["/users/", "post", "400"],
      ["/users/", "post", "408"],
      ["/users/", "post", "413"],
      ["/users/", "post", "415"],
      ["/token", "post", "408"],
      ["/users/", "post", "429"],
      ["/users/", "post", "503"],
      ["/users/limited", "get", "429"],
      ["/token", "post", "401"],
      ["/users/{id}", "get", "404"],
      ["/users/{id}", "delete", "403"],
      ["/health", "get", "503"],
    ];
    for (const [path, method, status] of expected) {
      const response = doc.paths[path][method].responses[status];
      expect([path, method, status, Boolean(response)]).toEqual([path, method, status, true]);
      expect(Object.keys(response.content)).toEqual(["application/problem+json"]);
      // /health's adds what is down and why as extension members.
      const schema = path === "/health" ? "HealthProblem" : "Problem";
      expect(response.content["application/problem+json"].schema).toEqual({
        $ref: `#/components/schemas/${schema}`,
      });
    }
    // Every 4xx/5xx in the document is one of those.
    for (const [path, item] of Object.entries(doc.paths as Record<string, Doc>)) {
      for (const [method, operation] of Object.entries(item as Record<string, Doc>)) {
        for (const [status, response] of Object.entries(
          operation.responses as Record<string, Doc>,
        )) {
          if (Number(status) < 400) continue;
          expect([path, method, status, Object.keys(response.content)]).toEqual([
            path,
            method,
            status,
            ["application/problem+json"],
          ]);
        }
      }
    }
    const problem = doc.components.schemas.Problem;
    expect(problem.required).toEqual(["type", "title", "status", "detail"]);
    expect(Object.keys(problem.properties)).toEqual(
      expect.arrayContaining(["type", "title", "status", "detail", "errors", "request_id"]),
    );
    expect(resolve(doc, problem.properties.errors.items).required).toEqual(["path", "message"]);
    expect(doc.paths["/users/me"].get.responses["401"].headers["WWW-Authenticate"]).toBeDefined();
    expect(doc.paths["/users/limited"].get.responses["429"].headers["Retry-After"]).toBeDefined();
    expect(doc.paths["/users/"].post.responses["429"].headers["Retry-After"]).toBeDefined();
  });

  test("responses document the headers the lessons teach", async () => {
    const doc = await openapiDocument();
    const headers = (path: string, method: string, status: string) =>
      Object.keys(doc.paths[path][method].responses[status].headers ?? {});
    // The request id on every response, and whatever the status catalog says a status carries.
    const required = (status: string) => [
      "X-Request-Id",
      ...(STATUS_CATALOG[Number(status) as StatusCode]?.headers ?? [])
        .filter((header) => header.always)
        .map((header) => header.name),
    ];
    for (const [path, item] of Object.entries(doc.paths as Record<string, Doc>))
      for (const [method, operation] of Object.entries(item as Record<string, Doc>))
        for (const status of Object.keys(operation.responses))
          expect([path, method, status, headers(path, method, status)]).toEqual([
            path,
            method,
            status,
            expect.arrayContaining(required(status)),
          ]);
    expect(headers("/users/", "post", "201")).toEqual(
      expect.arrayContaining(["Location", "RateLimit", "RateLimit-Policy"]),
    );
    expect(headers("/users/limited", "get", "200")).toEqual(
      expect.arrayContaining(["RateLimit", "RateLimit-Policy"]),
    );
    expect(headers("/health", "get", "503")).toContain("Retry-After");
    expect(headers("/token", "post", "415")).toContain("Accept-Post");
    expect(headers("/admin/users/{id}", "patch", "415")).toEqual(
      expect.arrayContaining(["Accept-Patch"]),
    );
    expect(headers("/admin/users/{id}", "patch", "415")).not.toContain("Accept-Post");
    expect(headers("/users/{id}", "delete", "401")).toContain("WWW-Authenticate");
  });

  test("request bodies say which media type each route takes, with the schema", async () => {
    const doc = await openapiDocument();
    const bodies: [string, string, string, string[]][] = [
      ["/users/", "post", "application/json", ["email", "password"]],
      // The token form's required fields depend on the grant, so the schema requires none.
      ["/token", "post", "application/x-www-form-urlencoded", []],
      ["/token/revoke", "post", "application/x-www-form-urlencoded", ["token"]],
      ["/users/me/items", "post", "application/json", ["title"]],
      ["/admin/users/{id}", "patch", "application/json", ["role"]],
    ];
    for (const [path, method, type, required] of bodies) {
      const body = doc.paths[path][method].requestBody;
      expect(body.required).toBe(true);
      expect(Object.keys(body.content)).toEqual([type]);
      const schema = resolve(doc, body.content[type].schema);
      expect(schema.type).toBe("object");
      expect(schema.required ?? []).toEqual(expect.arrayContaining(required));
    }
  });

  test("the 204 of DELETE /users/{id} has no content; path ids are documented", async () => {
    const doc = await openapiDocument();
    const deleted = doc.paths["/users/{id}"].delete.responses["204"];
    expect(deleted.content).toBeUndefined();
    expect(typeof deleted.description).toBe("string");
    for (const [path, method] of [
      ["/users/{id}", "get"],
      ["/users/{id}", "delete"],
      ["/admin/users/{id}", "patch"],
    ] as const) {
      expect(doc.paths[path][method].parameters).toContainEqual(
        expect.objectContaining({ name: "id", in: "path", required: true }),
      );
    }
    const limited = doc.paths["/users/limited"].get.parameters;
    expect(limited).toContainEqual(
      expect.objectContaining({ name: "client_id", in: "query", required: true }),
    );
  });

  test("every $ref resolves and operation ids are unique", async () => {
    const doc = await openapiDocument();
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1] ?? "");
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      expect(ref).toStartWith("#/components/schemas/");
      expect(doc.components.schemas[ref.slice("#/components/schemas/".length)]).toBeDefined();
    }
    const ids = Object.values(doc.paths as Record<string, Doc>).flatMap((item) =>
      Object.values(item as Record<string, Doc>).map((operation) => operation.operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect(JSON.stringify(doc)).not.toContain('"$id"');
  });

  test("the documented paths answer (trailing slash or not)", async () => {
    const { api } = await makeApp();
    const doc = (await api.get("/openapi.json")).body;
    for (const path of Object.keys(doc.paths)) {
      const concrete = path.replace("{id}", "1");
      for (const method of Object.keys(doc.paths[path])) {
        const sent = await api.send(method.toUpperCase(), concrete);
        expect([method, concrete, sent.status]).not.toEqual([method, concrete, 404]);
        expect([method, concrete, sent.status]).not.toEqual([method, concrete, 405]);
      }
    }
  });
});
