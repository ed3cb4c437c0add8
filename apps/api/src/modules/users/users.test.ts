import { describe, expect, test } from "bun:test";
import { CHEAP_HASHING, makeApp, testConfig } from "../../../test/support.ts";
import { expectOk, withToken } from "../../../test/typed-client.ts";

describe("POST /users/", () => {
  test("201 with a token, the user and a Location header", async () => {
    const { typed } = await makeApp();
    const answer = await typed.users.post({
      email: "alice@example.com",
      password: "password-123",
      name: "Alice",
    });
    const registered = expectOk(answer, 201);
    expect(answer.response.headers.get("location")).toBe(`/users/${registered.user.id}`);
    expect(registered).toMatchObject({
      token_type: "bearer",
      expires_in: 900,
      user: { email: "alice@example.com", role: "user", name: "Alice" },
    });
    expect(registered.token.split(".")).toHaveLength(3);
    expect(JSON.stringify(registered)).not.toContain("password-123");
    const me = expectOk(await typed.users.me.get(withToken(registered.token)));
    expect(me).toEqual(registered.user);
  });

  // The typed client above sends `/users` (Eden drops the trailing slash); the contract's
  // spelling is `/users/`, and both must work.
  test("also with the trailing slash", async () => {
    const { api } = await makeApp();
    const sent = await api.send("POST", "/users/", {
      json: { email: "b@example.com", password: "password-123" },
    });
    expect(sent.status).toBe(201);
    expect(sent.body.user.name).toBeNull();
  });

  test("409 for a taken email in any letter case", async () => {
    const { api } = await makeApp();
    await api.register("carol@example.com");
    const again = await api.send("POST", "/users/", {
      json: { email: "CAROL@Example.COM", password: "other-pass-1" },
    });
    expect(again.status).toBe(409);
    expect(again.headers.get("content-type")).toBe("application/problem+json");
    expect(again.body).toMatchObject({
      type: "about:blank",
      title: "Conflict",
      status: 409,
      detail: "Email already registered",
    });
  });

  test("20 concurrent sign-ups of one email: exactly one 201, nineteen 409", async () => {
    // A pool of several connections on PostgreSQL, so that the inserts really race there, and
    // room for all 20 in the sign-up hashing queue (they may all pass the 409 check at once).
    const { api } = await makeApp(
      { database: { ...testConfig().database, poolMax: 10 } },
      { passwordHashing: { ...CHEAP_HASHING, maxQueuedHashes: 32 } },
    );
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.send("POST", "/users/", {
          json: {
            email: i % 2 ? "race@example.com" : "RACE@example.com",
            password: "password-123",
          },
        }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
  });

  test("422 names the bad fields and never echoes the password", async () => {
    const { api } = await makeApp();
    const sent = await api.send("POST", "/users/", {
      json: { email: "not-an-email", password: "short7!" },
    });
    expect(sent.status).toBe(422);
    expect(sent.body.detail).toBe("Invalid request body");
    expect(sent.body.errors).toEqual([
      { path: "/email", message: "must be a valid email address" },
      { path: "/password", message: expect.stringContaining("8") },
    ]);
    expect(sent.text).not.toContain("short7!");
    expect(sent.text).not.toContain("not-an-email");
  });

  test("422 for a name holding U+0000 (no engine stores it); a login with one is just 401", async () => {
    const { api } = await makeApp();
    const sent = await api.send("POST", "/users/", {
      json: { email: "nul@example.com", password: "password-123", name: "A\u0000B" },
    });
    expect(sent.status).toBe(422);
    expect(sent.body.errors).toEqual([
      { path: "/name", message: expect.stringContaining("U+0000") },
    ]);
    expect((await api.login("nul\u0000@example.com", "password-123")).status).toBe(401);
  });

  test("422 for a password over 128 characters", async () => {
    const { api } = await makeApp();
    const long = "p".repeat(129);
    const sent = await api.send("POST", "/users/", {
      json: { email: "d@example.com", password: long },
    });
    expect(sent.status).toBe(422);
    expect(sent.text).not.toContain(long);
  });

  test("400 for malformed JSON", async () => {
    const { api } = await makeApp();
    const sent = await api.send("POST", "/users/", {
      raw: '{"email": "e@example.com", "password": "secret-pass',
      headers: { "content-type": "application/json" },
    });
    expect(sent.status).toBe(400);
    expect(sent.body.detail).toBe("Malformed JSON body");
    expect(sent.text).not.toContain("secret-pass");
  });

  test("413 over 64 KiB, 415 for a form", async () => {
    const { api } = await makeApp();
    const big = await api.send("POST", "/users/", {
      json: { email: "f@example.com", password: "x".repeat(70_000) },
    });
    expect(big.status).toBe(413);
    const form = await api.send("POST", "/users/", {
      form: { email: "f@example.com", password: "password-123" },
    });
    expect(form.status).toBe(415);
  });
});
