/**
 * Hostile input as data: the attack families of issue 16's attack run, each a raw request and
 * the statuses this API documents for it. `hostile.test.ts` sends every one over a real port.
 */
import { createHmac } from "node:crypto";
import { rawRequest } from "./raw-http.ts";

export interface Ammunition {
  /** A user's access token and refresh token, an admin's access token, the signing secret. */
  userToken: string;
  userId: number;
  refreshToken: string;
  adminToken: string;
  secret: string;
}

/**
 * Who answers:
 * - "app": the API, with problem+json for every error;
 * - "runtime": Bun answers on its own before the app sees the request (malformed framing, an
 *   oversized header block), with a bare 4xx: documented in docs/decisions.md, not fought;
 * - "closes": Bun closes the connection without an answer (lower-case or unknown methods).
 */
export type Answerer = "app" | "runtime" | "closes";

export interface Attack {
  family: string;
  name: string;
  request: (ammo: Ammunition) => string;
  /** The documented statuses an answer may have. */
  expect: number[];
  by?: Answerer;
  /** Strings that must never appear in the answer (a password sent, a token). */
  secrets?: (ammo: Ammunition) => string[];
}

const CLOSE = "Connection: close";

function get(path: string, headers: string[] = [], method = "GET"): string {
  return rawRequest(`${method} ${path} HTTP/1.1`, ["Host: localhost", CLOSE, ...headers]);
}

function send(method: string, path: string, type: string, body: string, headers: string[] = []) {
  return rawRequest(
    `${method} ${path} HTTP/1.1`,
    [
      "Host: localhost",
      CLOSE,
      `Content-Type: ${type}`,
      `Content-Length: ${Buffer.byteLength(body, "latin1")}`,
      ...headers,
    ],
    body,
  );
}

const json = (path: string, value: unknown, headers: string[] = [], method = "POST") =>
  send(method, path, "application/json", JSON.stringify(value), headers);
const form = (path: string, fields: string) =>
  send("POST", path, "application/x-www-form-urlencoded", fields);
const bearer = (token: string) => `Authorization: Bearer ${token}`;

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** A JWT signed with `secret` under HS256 (or claiming another algorithm). */
function jwt(
  secret: string,
  payload: Record<string, unknown>,
  header = { alg: "HS256", typ: "JWT" },
) {
  const signed = `${b64(header)}.${b64(payload)}`;
  const algorithm = header.alg === "HS512" ? "sha512" : "sha256";
  return `${signed}.${createHmac(algorithm, secret).update(signed).digest("base64url")}`;
}

const now = () => Math.floor(Date.now() / 1000);
const claims = (sub: string, extra: Record<string, unknown> = {}) => ({
  sub,
  iat: now(),
  exp: now() + 600,
  type: "access",
  ...extra,
});

const PASSWORD = "Hostile-Pass-1";
const AUTH = [401];

export const ATTACKS: Attack[] = [
  // Path traversal: Elysia decodes %2F inside a parameter; asset names are allow-listed.
  ...["..%2F..%2Fpackage.json", "%2e%2e%2f%2e%2e%2fpackage.json", "..%5C..%5Cpackage.json"].map(
    (file): Attack => ({
      family: "path traversal",
      name: `/docs/assets/${file}`,
      request: () => get(`/docs/assets/${file}`),
      expect: [404],
    }),
  ),
  {
    family: "path traversal",
    name: "dot segments in the request target",
    request: () => get("/docs/assets/../../../package.json"),
    expect: [404],
  },
  // SQL injection, where a value reaches a query.
  {
    family: "sql injection",
    name: "in the user id",
    request: (a) => get("/users/1%20OR%201=1", [bearer(a.adminToken)]),
    expect: [422],
  },
  {
    family: "sql injection",
    name: "in the login username",
    request: () => form("/token", `username=${encodeURIComponent("' OR '1'='1")}&password=x`),
    expect: [401],
  },
  {
    family: "sql injection",
    name: "in the sign-up email",
    request: () =>
      json("/users/", { email: "a'--@example.com'; DROP TABLE users;--", password: PASSWORD }),
    expect: [201, 422],
    secrets: () => [PASSWORD],
  },
  {
    family: "sql injection",
    name: "in a list query",
    request: (a) => get("/admin/users?limit=1;DELETE%20FROM%20users", [bearer(a.adminToken)]),
    expect: [422],
  },
  // Forged, altered and misused tokens.
  {
    family: "jwt forgery",
    name: "alg none",
    request: (a) =>
      get("/users/me", [
        bearer(`${b64({ alg: "none", typ: "JWT" })}.${b64(claims(String(a.userId)))}.`),
      ]),
    expect: AUTH,
  },
  {
    family: "jwt forgery",
    name: "HS512 with the real secret (algorithm pinned to HS256)",
    request: (a) =>
      get("/users/me", [
        bearer(jwt(a.secret, claims(String(a.userId)), { alg: "HS512", typ: "JWT" })),
      ]),
    expect: AUTH,
  },
  {
    family: "jwt forgery",
    name: "sub changed to the admin's id, signature kept",
    request: (a) => {
      const [header, , signature] = a.userToken.split(".");
      return get("/users/me", [bearer(`${header}.${b64(claims("1"))}.${signature}`)]);
    },
    expect: AUTH,
  },
  {
    family: "jwt forgery",
    name: "signed with another secret",
    request: (a) =>
      get("/users/me", [
        bearer(jwt("not-the-secret-but-32-bytes-long!!", claims(String(a.userId)))),
      ]),
    expect: AUTH,
  },
  {
    family: "jwt misuse",
    name: "expired",
    request: (a) =>
      get("/users/me", [
        bearer(jwt(a.secret, claims(String(a.userId), { iat: now() - 7200, exp: now() - 3600 }))),
      ]),
    expect: AUTH,
  },
  {
    family: "jwt misuse",
    name: "a refresh token as an access token",
    request: (a) => get("/users/me", [bearer(a.refreshToken)]),
    expect: AUTH,
    secrets: (a) => [a.refreshToken],
  },
  {
    family: "jwt misuse",
    name: "a sub that is not an id",
    request: (a) => get("/users/me", [bearer(jwt(a.secret, claims("1 OR 1=1")))]),
    expect: AUTH,
  },
  {
    family: "jwt misuse",
    name: "a huge token",
    request: () => get("/users/me", [bearer(`${"a".repeat(6000)}.${"b".repeat(1000)}.c`)]),
    expect: AUTH,
  },
  {
    family: "jwt misuse",
    name: "Basic instead of Bearer",
    request: () => get("/users/me", [`Authorization: Basic ${btoa("admin:admin")}`]),
    expect: AUTH,
  },
  // Privilege escalation.
  {
    family: "privilege escalation",
    name: "a user lists every user",
    request: (a) => get("/admin/users", [bearer(a.userToken)]),
    expect: [403],
  },
  {
    family: "privilege escalation",
    name: "a user makes themselves admin",
    request: (a) =>
      json(`/admin/users/${a.userId}`, { role: "admin" }, [bearer(a.userToken)], "PATCH"),
    expect: [403],
  },
  {
    family: "mass assignment",
    name: "a role in the sign-up body",
    request: () =>
      json("/users/", { email: "mass@example.com", password: PASSWORD, role: "admin" }),
    expect: [201, 422],
    secrets: () => [PASSWORD, '"role":"admin"'],
  },
  {
    family: "prototype pollution",
    name: "__proto__ in the sign-up body",
    request: () =>
      send(
        "POST",
        "/users/",
        "application/json",
        `{"email":"proto@example.com","password":"${PASSWORD}","__proto__":{"role":"admin"}}`,
      ),
    expect: [201, 422],
    secrets: () => [PASSWORD, '"role":"admin"'],
  },
  {
    family: "prototype pollution",
    name: "constructor.prototype in an item",
    request: (a) =>
      json("/users/me/items", { title: "x", constructor: { prototype: { admin: true } } }, [
        bearer(a.userToken),
      ]),
    expect: [201, 422],
  },
  // Bodies: size, type, encoding, shape.
  {
    family: "oversized body",
    name: "Content-Length says 100 MB",
    request: () =>
      rawRequest(
        "POST /users/ HTTP/1.1",
        ["Host: localhost", CLOSE, "Content-Type: application/json", "Content-Length: 104857600"],
        "{}",
      ),
    expect: [413],
  },
  {
    family: "oversized body",
    name: "chunked past the limit",
    request: () => {
      const chunk = "x".repeat(16_384);
      const chunks = Array.from({ length: 6 }, () => `4000\r\n${chunk}\r\n`).join("");
      return rawRequest(
        "POST /users/ HTTP/1.1",
        ["Host: localhost", CLOSE, "Content-Type: application/json", "Transfer-Encoding: chunked"],
        `${chunks}0\r\n\r\n`,
      );
    },
    expect: [413],
  },
  {
    family: "slow body",
    name: "a body that never arrives (BODY_TIMEOUT)",
    request: () =>
      rawRequest(
        "POST /users/ HTTP/1.1",
        ["Host: localhost", CLOSE, "Content-Type: application/json", "Content-Length: 60000"],
        '{"email":"slow@example.com","password":"',
      ),
    expect: [408],
  },
  {
    family: "content type",
    name: "XML to a JSON route",
    request: () => send("POST", "/users/", "application/xml", "<user><email>a@b.c</email></user>"),
    expect: [415],
  },
  {
    family: "content type",
    name: "JSON to the form route",
    request: () => json("/token", { username: "a@example.com", password: PASSWORD }),
    expect: [415],
    secrets: () => [PASSWORD],
  },
  {
    family: "malformed body",
    name: "truncated JSON",
    request: () =>
      send(
        "POST",
        "/users/",
        "application/json",
        `{"email":"a@example.com","password":"${PASSWORD}"`,
      ),
    expect: [400],
    secrets: () => [PASSWORD],
  },
  {
    family: "malformed body",
    name: "invalid UTF-8",
    request: () => send("POST", "/users/", "application/json", '{"email":"\xff\xfe@example.com"}'),
    expect: [400],
  },
  {
    family: "malformed body",
    name: "JSON nested 5,000 deep",
    request: () =>
      send("POST", "/users/", "application/json", `${"[".repeat(5000)}${"]".repeat(5000)}`),
    expect: [400, 422],
  },
  {
    family: "malformed body",
    name: "a number too big for any id",
    request: (a) =>
      json(`/admin/users/${a.userId}`, { role: 1e308 }, [bearer(a.adminToken)], "PATCH"),
    expect: [422],
  },
  {
    family: "malformed body",
    name: "NUL in an item title",
    request: (a) => json("/users/me/items", { title: "a\u0000b" }, [bearer(a.userToken)]),
    expect: [422],
  },
  {
    family: "malformed body",
    name: "a 100 kB password",
    request: () => json("/users/", { email: "long@example.com", password: "p".repeat(60_000) }),
    expect: [413, 422],
  },
  {
    family: "form smuggling",
    name: "two passwords in one form",
    request: () =>
      form("/token", `username=a%40example.com&password=${PASSWORD}&password=other-pass-1`),
    expect: [422],
    secrets: () => [PASSWORD],
  },
  {
    family: "form smuggling",
    name: "an unknown grant type",
    request: () => form("/token", "grant_type=client_credentials&client_id=x&client_secret=y"),
    expect: [400, 422],
  },
  // Paths and parameters.
  ...[
    "/users/-1",
    "/users/0",
    "/users/99999999999999999999",
    "/users/1e3",
    "/users/%00",
    "/users/%zz",
  ].map(
    (path): Attack => ({
      family: "bad identifier",
      name: path,
      request: (a) => get(path, [bearer(a.adminToken)]),
      expect: [400, 404, 422],
    }),
  ),
  ...[
    "/admin/users?limit=-1",
    "/admin/users?limit=1&limit=2",
    "/admin/users?offset=1e9",
    "/admin/users?limit=%00",
  ].map(
    (path): Attack => ({
      family: "query tampering",
      name: path,
      request: (a) => get(path, [bearer(a.adminToken)]),
      // A repeated parameter is read as FastAPI reads it (one value), not refused.
      expect: path.includes("&") ? [200, 422] : [422],
    }),
  ),
  {
    family: "path confusion",
    name: "double slash",
    request: (a) => get("//users/me", [bearer(a.userToken)]),
    expect: [200, 404],
  },
  {
    family: "path confusion",
    name: "an encoded slash at the end",
    request: (a) => get("/users/me%2F", [bearer(a.userToken)]),
    expect: [404, 422],
  },
  {
    family: "path confusion",
    name: "absolute-form target naming another host",
    request: (a) =>
      rawRequest("GET http://evil.example/admin/users HTTP/1.1", [
        "Host: localhost",
        CLOSE,
        bearer(a.userToken),
      ]),
    expect: [400, 403, 404],
  },
  // Hosts: Elysia 1.4.30 routed by the wrong path when the Host was three characters or fewer.
  ...["api", "x", "api:80", "[::1]"].map(
    (host): Attack => ({
      family: "short host",
      name: `Host: ${host} cannot reach an admin route by a longer path`,
      request: (a) =>
        rawRequest("GET /zzzz/admin/users HTTP/1.1", [
          `Host: ${host}`,
          CLOSE,
          bearer(a.adminToken),
        ]),
      expect: [404],
    }),
  ),
  ...["api", "x", "[::1]"].map(
    (host): Attack => ({
      family: "short host",
      name: `Host: ${host} signs up at POST /users/`,
      request: () =>
        rawRequest(
          "POST /users/ HTTP/1.1",
          [`Host: ${host}`, CLOSE, "Content-Type: application/json", "Content-Length: 2"],
          "{}",
        ),
      expect: [422],
    }),
  ),
  {
    family: "short host",
    name: "a Host that makes no URL",
    request: () => rawRequest("GET / HTTP/1.1", ["Host: a b", CLOSE]),
    expect: [400],
  },
  // Methods.
  {
    family: "method tampering",
    name: "TRACE",
    request: () => get("/users/me", [], "TRACE"),
    expect: [405],
  },
  {
    family: "method tampering",
    name: "PUT on a read-only route",
    request: (a) => json("/users/me", { role: "admin" }, [bearer(a.userToken)], "PUT"),
    expect: [405],
  },
  {
    family: "method tampering",
    name: "X-HTTP-Method-Override is not obeyed",
    request: (a) =>
      get(`/users/${a.userId}`, [bearer(a.userToken), "X-HTTP-Method-Override: DELETE"]),
    expect: [200],
  },
  {
    family: "method tampering",
    name: "a lower-case method (Bun closes the connection)",
    request: () => get("/", [], "get"),
    expect: [],
    by: "closes",
  },
  {
    family: "method tampering",
    name: "an unknown method (Bun closes the connection)",
    request: () => get("/", [], "FOO"),
    expect: [],
    by: "closes",
  },
  // Framing the runtime judges before the app sees anything.
  {
    family: "request smuggling",
    name: "Content-Length and Transfer-Encoding together",
    request: () =>
      rawRequest(
        "POST /users/ HTTP/1.1",
        [
          "Host: localhost",
          CLOSE,
          "Content-Type: application/json",
          "Content-Length: 4",
          "Transfer-Encoding: chunked",
        ],
        "0\r\n\r\nGET /admin/users HTTP/1.1\r\nHost: localhost\r\n\r\n",
      ),
    expect: [400],
    by: "runtime",
  },
  {
    family: "request smuggling",
    name: "two different Content-Lengths",
    request: () =>
      rawRequest(
        "POST /users/ HTTP/1.1",
        [
          "Host: localhost",
          CLOSE,
          "Content-Type: application/json",
          "Content-Length: 2",
          "Content-Length: 30",
        ],
        "{}",
      ),
    expect: [400],
    by: "runtime",
  },
  {
    family: "request smuggling",
    name: "HTTP/1.1 without a Host",
    request: () => rawRequest("GET /users/me HTTP/1.1", [CLOSE]),
    expect: [400],
    by: "runtime",
  },
  {
    family: "header flood",
    name: "a 200 kB header block",
    request: () =>
      get(
        "/",
        Array.from({ length: 200 }, (_, i) => `X-Pad-${i}: ${"p".repeat(1000)}`),
      ),
    expect: [431],
    by: "runtime",
  },
  // Headers the app reads.
  {
    family: "header injection",
    name: "a request id carrying markup",
    request: () => get("/", ["X-Request-Id: <script>alert(1)</script>"]),
    expect: [200],
    secrets: () => ["<script>"],
  },
  {
    family: "header injection",
    name: "a CORS preflight from a foreign origin",
    request: () =>
      get(
        "/users/me",
        ["Origin: https://evil.example", "Access-Control-Request-Method: DELETE"],
        "OPTIONS",
      ),
    expect: [404, 405],
    secrets: () => ["evil.example"],
  },
  {
    family: "account enumeration",
    name: "a duplicate sign-up in other case",
    request: () => json("/users/", { email: "Hostile.User@Example.com", password: PASSWORD }),
    expect: [409],
    secrets: () => [PASSWORD],
  },
  {
    family: "refresh abuse",
    name: "a refresh token that was never issued",
    request: () => form("/token", `grant_type=refresh_token&refresh_token=slr_${"A".repeat(43)}`),
    expect: [401],
  },
];
