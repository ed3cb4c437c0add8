import { describe, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { createJwtService } from "@statuslab/auth";
import { makeApp, TEST_SECRET } from "../../../test/support.ts";
import { expectOk, withToken } from "../../../test/typed-client.ts";

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const now = () => Math.floor(Date.now() / 1000);
function handMade(header: object, payload: object, key = TEST_SECRET, alg = "sha256") {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac(alg, key).update(input).digest("base64url")}`;
}

describe("POST /token", () => {
  test("200 with a bearer token and Cache-Control: no-store", async () => {
    const { typed } = await makeApp();
    expectOk(await typed.users.post({ email: "alice@example.com", password: "password-123" }), 201);
    const answer = await typed.token.post({
      username: "ALICE@example.com",
      password: "password-123",
    });
    const tokens = expectOk(answer);
    expect(answer.response.headers.get("cache-control")).toBe("no-store");
    expect(tokens).toMatchObject({ token_type: "bearer", expires_in: 900 });
    const me = expectOk(await typed.users.me.get(withToken(tokens.access_token)));
    expect(me.email).toBe("alice@example.com");
  });

  test("the refresh grant trades the refresh token for a new pair; revoking ends it", async () => {
    const { typed } = await makeApp();
    expectOk(await typed.users.post({ email: "rita@example.com", password: "password-123" }), 201);
    const first = expectOk(
      await typed.token.post({ username: "rita@example.com", password: "password-123" }),
    );
    const second = expectOk(
      await typed.token.post({ grant_type: "refresh_token", refresh_token: first.refresh_token }),
    );
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expectOk(await typed.users.me.get(withToken(second.access_token)));
    expectOk(await typed.token.revoke.post({ token: second.refresh_token }));
    const after = await typed.token.post({
      grant_type: "refresh_token",
      refresh_token: second.refresh_token,
    });
    expect(after.error?.status).toBe(401);
  });

  test("unknown email and wrong password get the same 401", async () => {
    const { api } = await makeApp();
    await api.register("bob@example.com", "password-123");
    const wrong = await api.login("bob@example.com", "password-124");
    const unknown = await api.login("nobody@example.com", "password-123");
    for (const sent of [wrong, unknown]) {
      expect(sent.status).toBe(401);
      expect(sent.headers.get("www-authenticate")).toBe("Bearer");
      expect(sent.body.detail).toBe("Incorrect email or password");
      expect(sent.text).not.toContain("password-12");
    }
    const { request_id: _a, ...a } = wrong.body;
    const { request_id: _b, ...b } = unknown.body;
    expect(a).toEqual(b);
  });

  test("the password is compared exactly: no trimming", async () => {
    const { api, typed } = await makeApp();
    await api.register("carol@example.com", " password-123 ");
    expect((await api.login("carol@example.com", "password-123")).status).toBe(401);
    expectOk(await typed.token.post({ username: "carol@example.com", password: " password-123 " }));
  });

  test("422 for a missing field, 415 for JSON", async () => {
    const { api } = await makeApp();
    const missing = await api.send("POST", "/token", { form: { username: "x@example.com" } });
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toEqual([{ path: "/password", message: "is required" }]);
    const json = await api.send("POST", "/token", {
      json: { username: "x@example.com", password: "p" },
    });
    expect(json.status).toBe(415);
  });
});

describe("the 401 table on GET /users/me", () => {
  const cases: [string, (token: string, id: number) => Record<string, string>, string, string][] = [
    ["no Authorization header", () => ({}), "Not authenticated", "Bearer"],
    [
      "another scheme",
      () => ({ authorization: "Basic dXNlcjpwYXNz" }),
      "Not authenticated",
      "Bearer",
    ],
    [
      "garbage token",
      () => ({ authorization: "Bearer not.a.jwt" }),
      "Invalid token",
      'Bearer error="invalid_token"',
    ],
    [
      "wrong key",
      (_t, id) => ({
        authorization: `Bearer ${handMade({ alg: "HS256", typ: "JWT" }, { sub: String(id), iat: now(), exp: now() + 60, type: "access" }, "another-secret-of-at-least-32-bytes!!")}`,
      }),
      "Invalid token",
      'Bearer error="invalid_token"',
    ],
    [
      "HS512 with the right key",
      (_t, id) => ({
        authorization: `Bearer ${handMade({ alg: "HS512", typ: "JWT" }, { sub: String(id), iat: now(), exp: now() + 60, type: "access" }, TEST_SECRET, "sha512")}`,
      }),
      "Invalid token",
      'Bearer error="invalid_token"',
    ],
    [
      "alg none",
      (_t, id) => ({
        authorization: `Bearer ${b64({ alg: "none", typ: "JWT" })}.${b64({ sub: String(id), iat: now(), exp: now() + 60, type: "access" })}.`,
      }),
      "Invalid token",
      'Bearer error="invalid_token"',
    ],
    [
      "no exp",
      (_t, id) => ({
        authorization: `Bearer ${handMade({ alg: "HS256", typ: "JWT" }, { sub: String(id), iat: now(), type: "access" })}`,
      }),
      "Invalid token",
      'Bearer error="invalid_token"',
    ],
    [
      "tampered payload",
      (token) => {
        const [h, , s] = token.split(".");
        return {
          authorization: `Bearer ${h}.${b64({ sub: "1", iat: now(), exp: now() + 9999, type: "access" })}.${s}`,
        };
      },
      "Invalid token",
      'Bearer error="invalid_token"',
    ],
    [
      "expired",
      (_t, id) => ({
        authorization: `Bearer ${handMade({ alg: "HS256", typ: "JWT" }, { sub: String(id), iat: now() - 120, exp: now() - 60, type: "access" })}`,
      }),
      "Token expired",
      'Bearer error="invalid_token", error_description="The access token expired"',
    ],
    [
      "a token of another type",
      (_t, id) => ({
        authorization: `Bearer ${handMade({ alg: "HS256", typ: "JWT" }, { sub: String(id), iat: now(), exp: now() + 60, type: "refresh" })}`,
      }),
      "Could not validate credentials",
      'Bearer error="invalid_token"',
    ],
  ];

  for (const [name, headers, detail, challenge] of cases) {
    test(`${name} → 401 ${detail}`, async () => {
      const { api } = await makeApp();
      const { token, id } = await api.register("victim@example.com");
      const sent = await api.send("GET", "/users/me", { headers: headers(token, id) });
      expect(sent.status).toBe(401);
      expect(sent.body).toMatchObject({ status: 401, title: "Unauthorized", detail });
      expect(sent.headers.get("www-authenticate")).toBe(challenge);
      expect(sent.headers.get("content-type")).toBe("application/problem+json");
      const sentToken = headers(token, id).authorization?.split(" ")[1];
      if (sentToken) expect(sent.text).not.toContain(sentToken);
    });
  }

  test("a deleted user's token → 401 Could not validate credentials", async () => {
    const { api } = await makeApp();
    const { token, id } = await api.register("gone@example.com");
    expect((await api.send("DELETE", `/users/${id}`, { token })).status).toBe(204);
    const sent = await api.get("/users/me", token);
    expect(sent.status).toBe(401);
    expect(sent.body.detail).toBe("Could not validate credentials");
    expect(sent.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
  });

  test("the scheme is case-insensitive", async () => {
    const { api, typed } = await makeApp();
    const { token } = await api.register("case@example.com");
    for (const scheme of ["bearer", "BEARER", "Bearer"]) {
      const me = await typed.users.me.get({ headers: { authorization: `${scheme} ${token}` } });
      expect(expectOk(me).email).toBe("case@example.com");
    }
  });

  test("a token in the query string is not read", async () => {
    const { api } = await makeApp();
    const { token } = await api.register("query@example.com");
    for (const name of ["token", "access_token"]) {
      const sent = await api.get(`/users/me?${name}=${token}`);
      expect(sent.status).toBe(401);
      expect(sent.body.detail).toBe("Not authenticated");
    }
  });

  test("a token signed by the API's own service but with sub of a missing user", async () => {
    const { api } = await makeApp();
    const jwt = createJwtService({ secret: TEST_SECRET, accessTokenTtl: 60 });
    const sent = await api.get("/users/me", await jwt.sign("424242"));
    expect(sent.status).toBe(401);
    expect(sent.body.detail).toBe("Could not validate credentials");
  });
});

describe("login cost does not reveal who has an account", () => {
  test("an unknown email pays one argon2id verification, exactly as a wrong password does", async () => {
    const { api, deps } = await makeApp();
    await api.register("known@example.com", "password-123");
    const calls: string[] = [];
    const { verify, verifyAgainstDummy } = deps.hasher;
    deps.hasher.verify = (password, hash) => {
      calls.push("verify");
      return verify(password, hash);
    };
    deps.hasher.verifyAgainstDummy = (password) => {
      calls.push("dummy");
      return verifyAgainstDummy(password);
    };
    await api.login("known@example.com", "wrong-password");
    expect(calls).toEqual(["verify"]);
    calls.length = 0;
    await api.login("unknown@example.com", "wrong-password");
    expect(calls).toEqual(["dummy"]);
  });

  test("passwords are stored as argon2id hashes with the configured cost, never as sent", async () => {
    const { api, testDatabase } = await makeApp();
    await api.register("params@example.com", "password-123");
    const row = (await testDatabase.rows("users")).find(
      (user) => user.email_key === "params@example.com",
    );
    // $argon2id$v=19$m=…,t=…,p=…$salt$hash, with the test suite's cheap cost.
    expect(row?.password_hash).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    expect(row?.password_hash).not.toContain("password-123");
  });
});
