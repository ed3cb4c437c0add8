/**
 * Property-based tests: whatever arrives, the API answers below 500, every error is
 * problem+json, and no response repeats a submitted password or token.
 *
 * FUZZ_SEED=<n> replays a run (fast-check prints the seed and path of a failure);
 * FUZZ_RUNS=<n> changes the number of runs per property (default 200).
 */
import { beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { isUuid } from "../test/http-support.ts";
import { makeApp, type Sent } from "../test/support.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const params = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) };
const TIMEOUT = 60_000;

const JSON_TYPE = { "content-type": "application/json" };
const FORM_TYPE = { "content-type": "application/x-www-form-urlencoded" };

/** The invariants of every answer; throws with the response when one is broken. */
function check(sent: Sent, secrets: string[] = [], method = "GET"): true {
  const where = `${sent.status} ${sent.text.slice(0, 300)}`;
  if (sent.status >= 500) throw new Error(`5xx: ${where}`);
  if (!isUuid(sent.headers.get("x-request-id")) && !sent.headers.get("x-request-id"))
    throw new Error(`no X-Request-Id: ${where}`);
  if (sent.status >= 400) {
    if (sent.headers.get("content-type") !== "application/problem+json")
      throw new Error(`not problem+json: ${sent.headers.get("content-type")} ${where}`);
    if (method !== "HEAD") {
      if (sent.body?.status !== sent.status) throw new Error(`status mismatch: ${where}`);
      if (sent.body?.request_id !== sent.headers.get("x-request-id"))
        throw new Error(`request_id mismatch: ${where}`);
      for (const key of ["type", "title", "detail"])
        if (typeof sent.body?.[key] !== "string") throw new Error(`no ${key}: ${where}`);
    }
  }
  for (const secret of secrets)
    if (secret && sent.text.includes(secret)) throw new Error(`echoed a secret: ${where}`);
  return true;
}

/** A recognisable secret: if it shows up in a response, it was echoed. */
const secret = fc
  .string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789"), minLength: 6 })
  .map((tail) => `SeCrEt-${tail}`);

/** Any JSON-ish value, including the awkward ones. */
const anyValue = fc.oneof(
  fc.jsonValue(),
  fc.anything({ withNullPrototype: true, withObjectString: true }),
  fc.string({ unit: "grapheme" }),
  fc.constantFrom(null, true, 0, -1, 1e308, "", " ", "\u0000", "__proto__", [], {}),
  // Keys that change how an object prints or behaves, once parsed from JSON.
  fc.dictionary(
    fc.constantFrom("toString", "valueOf", "__proto__", "constructor", "hasOwnProperty", "then"),
    fc.jsonValue(),
  ),
  fc.array(fc.dictionary(fc.constantFrom("toString", "valueOf"), fc.jsonValue()), { maxLength: 2 }),
);

/** An object with the API's field names, each of a random type; the password is the secret. */
const fieldsWith = (password: fc.Arbitrary<unknown>) =>
  fc.record(
    {
      email: fc.oneof(fc.emailAddress(), anyValue),
      password,
      name: anyValue,
      title: anyValue,
      role: fc.oneof(fc.constantFrom("user", "admin", "ADMIN", "root", ""), anyValue),
      extra: anyValue,
    },
    { requiredKeys: [] },
  );

const passwordLike = fc.oneof(
  secret,
  secret.map((s) => `  ${s}  `),
  secret.map((s) => s.repeat(20)),
  fc.tuple(secret, anyValue).map(([s]) => [s]),
  secret.map((s) => ({ value: s })),
);

/** A JSON body (as text) and the secrets it carries. */
const jsonBody = fc.oneof(
  fc.json().map((text) => ({ text, secrets: [] as string[] })),
  fc
    .anything()
    .map((value) => ({ text: JSON.stringify(value) ?? "null", secrets: [] as string[] })),
  fc.tuple(fieldsWith(passwordLike), secret).map(([fields]) => ({
    text: JSON.stringify(fields),
    secrets: secretsIn(fields.password),
  })),
  fc.string({ unit: "binary" }).map((text) => ({ text, secrets: [] as string[] })),
);

function secretsIn(value: unknown): string[] {
  const text = JSON.stringify(value) ?? "";
  return [...text.matchAll(/SeCrEt-[a-z0-9]+/g)].map((match) => match[0]);
}

describe("fuzzing the body-taking routes", () => {
  let app: Awaited<ReturnType<typeof makeApp>>;
  let userToken: string;
  let adminToken: string;
  let adminId: number;

  beforeAll(async () => {
    app = await makeApp();
    userToken = (await app.api.register("fuzz-user@example.com", "password-123")).token;
    adminToken = await app.api.adminToken();
    adminId = (await app.api.get("/users/me", adminToken)).body.id;
  });

  test(
    "POST /users/ with any JSON → < 500, problem+json, never the password",
    async () => {
      await fc.assert(
        fc.asyncProperty(jsonBody, async ({ text, secrets }) => {
          const sent = await app.api.send("POST", "/users/", { raw: text, headers: JSON_TYPE });
          check(sent, secrets);
          if (sent.status === 201) {
            expect(sent.body.user.role).toBe("user");
            expect(sent.headers.get("location")).toBe(`/users/${sent.body.user.id}`);
          }
        }),
        params,
      );
    },
    TIMEOUT,
  );

  test(
    "POST /users/ with a valid email and a secret password: 201 or 409/422, never echoed",
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.emailAddress(), secret, anyValue, async (email, password, name) => {
          const sent = await app.api.send("POST", "/users/", {
            json: { email, password, ...(typeof name === "string" ? { name } : {}) },
          });
          check(sent, [password]);
          expect([201, 409, 422]).toContain(sent.status);
        }),
        params,
      );
    },
    TIMEOUT,
  );

  test(
    "POST /token with any form → < 500, problem+json, never the password",
    async () => {
      const form = fc.oneof(
        fc
          .tuple(
            fc.dictionary(fc.string(), fc.string(), { maxKeys: 6 }),
            fc.oneof(fc.emailAddress(), fc.string(), fc.constant("fuzz-user@example.com")),
            secret,
            fc.constantFrom("password", "refresh_token", "client_credentials", "", undefined),
          )
          .map(([fields, username, password, grant]) => {
            const params = new URLSearchParams(fields);
            params.append("username", username);
            params.append("password", password);
            if (grant !== undefined) params.append("grant_type", grant);
            return { text: params.toString(), secrets: [password] };
          }),
        fc
          .dictionary(
            fc.oneof(fc.string(), fc.constantFrom("__proto__", "constructor", "prototype")),
            fc.oneof(fc.string(), secret),
          )
          .map((fields) => {
            const params = new URLSearchParams();
            for (const [key, value] of Object.entries(fields)) params.append(key, value);
            return { text: params.toString(), secrets: secretsIn(fields) };
          }),
        fc.string({ unit: "binary" }).map((text) => ({ text, secrets: [] as string[] })),
      );
      await fc.assert(
        fc.asyncProperty(form, async ({ text, secrets }) => {
          const sent = await app.api.send("POST", "/token", { raw: text, headers: FORM_TYPE });
          check(sent, secrets);
          expect(sent.status).not.toBe(200);
        }),
        params,
      );
    },
    TIMEOUT,
  );

  test(
    "POST /token (refresh grant) and /token/revoke with any token → < 500, never echoed",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(secret, fc.string(), fc.string({ unit: "binary" })),
          fc.constantFrom("/token", "/token/revoke"),
          async (token, path) => {
            const params = new URLSearchParams(
              path === "/token" ? { grant_type: "refresh_token", refresh_token: token } : { token },
            );
            const sent = await app.api.send("POST", path, {
              raw: params.toString(),
              headers: FORM_TYPE,
            });
            // Short random strings may occur in any body by chance; a secret of 8+ may not.
            check(sent, token.length >= 8 ? [token] : []);
            if (path === "/token") expect(sent.status).not.toBe(200);
          },
        ),
        params,
      );
    },
    TIMEOUT,
  );

  test(
    "POST /users/me/items with any JSON → < 500, never the token",
    async () => {
      await fc.assert(
        fc.asyncProperty(jsonBody, async ({ text, secrets }) => {
          const sent = await app.api.send("POST", "/users/me/items", {
            raw: text,
            headers: { ...JSON_TYPE, authorization: `Bearer ${userToken}` },
          });
          check(sent, [...secrets, userToken, userToken.split(".")[2] ?? userToken]);
          if (sent.status === 201) expect(typeof sent.body.title).toBe("string");
        }),
        params,
      );
    },
    TIMEOUT,
  );

  test(
    "PATCH /admin/users/{id} with any id and JSON, as admin → < 500, never the token",
    async () => {
      const id = fc
        .oneof(
          fc.integer({ min: -5, max: 50 }).map(String),
          fc.string().map(encodeURIComponent),
          fc.constantFrom("1", "2", "0", "01", "1e3", "999999999999999999999", "%20", "me"),
        )
        .filter((userId) => userId !== String(adminId)); // demoting the admin would end the test
      await fc.assert(
        fc.asyncProperty(id, jsonBody, async (userId, { text, secrets }) => {
          const sent = await app.api.send("PATCH", `/admin/users/${userId}`, {
            raw: text,
            headers: { ...JSON_TYPE, authorization: `Bearer ${adminToken}` },
          });
          check(sent, [...secrets, adminToken, adminToken.split(".")[2] ?? adminToken]);
          if (sent.status === 200) expect(["user", "admin"]).toContain(sent.body.role);
        }),
        params,
      );
      expect((await app.api.get("/users/me", adminToken)).body.role).toBe("admin");
    },
    TIMEOUT,
  );
});

describe("fuzzing paths, methods and headers", () => {
  const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"];
  const segment = fc.oneof(
    fc.constantFrom(
      "",
      "users",
      "me",
      "items",
      "admin",
      "token",
      "health",
      "limited",
      "docs",
      "assets",
      "openapi.json",
      "swagger-ui.css",
      "..",
      ".",
      "%2e%2e",
      "%2F",
      "%00",
      "1",
      "0",
      "-1",
      "99999999999999999999",
    ),
    fc.string().map(encodeURIComponent),
    fc.webSegment(),
  );
  const path = fc
    .tuple(fc.array(segment, { minLength: 0, maxLength: 5 }), fc.boolean(), fc.webQueryParameters())
    .map(
      ([segments, slash, query]) =>
        `/${segments.join("/")}${slash ? "/" : ""}${query ? `?${query}` : ""}`,
    );
  const headerValue = fc.string({
    unit: fc.constantFrom(..." !\"#$%&'()*+,-./0123456789:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~"),
  });

  test(
    "any method on any path → < 500, errors are problem+json",
    async () => {
      const { api } = await makeApp();
      const { token } = await api.register("paths@example.com");
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...METHODS),
          path,
          fc.option(fc.constantFrom(`Bearer ${token}`, "Bearer x.y.z", "Basic Zm9v", "Bearer")),
          fc.option(headerValue),
          fc.option(
            fc.constantFrom("application/json", "application/x-www-form-urlencoded", "text/plain"),
          ),
          async (method, target, authorization, requestId, type) => {
            const headers: Record<string, string> = {};
            if (authorization) headers.authorization = authorization;
            if (requestId !== null) headers["x-request-id"] = requestId;
            if (type) headers["content-type"] = type;
            const withBody = !["GET", "HEAD"].includes(method);
            const sent = await api.send(method, target, {
              headers,
              ...(withBody ? { raw: '{"title":"t"}' } : {}),
            });
            check(sent, [token.split(".")[2] ?? token], method);
            const echoed = sent.headers.get("x-request-id");
            // Header values lose leading and trailing whitespace on the way (RFC 9110 §5.5).
            const sentId = requestId?.trim() ?? null;
            if (sentId !== null && /^[A-Za-z0-9._:-]{1,128}$/.test(sentId))
              expect(echoed).toBe(sentId);
            else expect(isUuid(echoed)).toBe(true);
            if (method === "HEAD") expect(sent.text).toBe("");
            if (sent.status === 405) expect(sent.headers.get("allow")).toBeTruthy();
          },
        ),
        params,
      );
    },
    TIMEOUT,
  );

  test(
    "a secret in the query string never comes back",
    async () => {
      const { api } = await makeApp();
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom("/users/me", "/nope", "/token", "/users/", "/users/1", "/health"),
          fc.constantFrom("token", "access_token", "password", "q"),
          secret,
          async (target, name, value) => {
            const sent = await api.send("GET", `${target}?${name}=${value}`);
            check(sent, [value]);
          },
        ),
        params,
      );
    },
    TIMEOUT,
  );
});
