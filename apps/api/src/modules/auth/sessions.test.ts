import { describe, expect, test } from "bun:test";
import { createRefreshToken } from "@statuslab/auth";
import { expectProblem } from "../../../test/problem-assertions.ts";
import { makeApp, testConfig } from "../../../test/support.ts";

type Api = Awaited<ReturnType<typeof makeApp>>["api"];

const refresh = (api: Api, refresh_token: string) =>
  api.send("POST", "/token", { form: { grant_type: "refresh_token", refresh_token } });

async function loggedIn(email = "alice@example.com") {
  const made = await makeApp();
  const user = await made.api.register(email);
  const login = await made.api.login(email, user.password);
  expect(login.status).toBe(200);
  return {
    ...made,
    user,
    access: login.body.access_token as string,
    refreshToken: login.body.refresh_token as string,
  };
}

describe("POST /token (password grant) starts a session", () => {
  test("returns an opaque refresh token beside the access token, never cacheable", async () => {
    const { api, refreshToken, access } = await loggedIn();
    expect(refreshToken).toMatch(/^slr_[A-Za-z0-9_-]{43}$/);
    const again = await api.login("alice@example.com", "password-123");
    expect(again.headers.get("cache-control")).toBe("no-store");
    expect(again.headers.get("pragma")).toBe("no-cache");
    expect(again.body.refresh_token).not.toBe(refreshToken);
    expect((await api.get("/users/me", access)).status).toBe(200);
  });

  test("stores only a hash of the refresh token", async () => {
    const { testDatabase, refreshToken } = await loggedIn();
    const rows = await testDatabase.rows("refresh_tokens");
    expect(rows).toHaveLength(1);
    expect(rows[0]?.token_hash).not.toContain(refreshToken.slice(4, 20));
  });
});

describe("grant_type=refresh_token rotates", () => {
  test("a new pair comes back; the new access token works; the old refresh token is spent", async () => {
    const { api, refreshToken } = await loggedIn();
    const next = await refresh(api, refreshToken);
    expect(next.status).toBe(200);
    expect(next.headers.get("cache-control")).toBe("no-store");
    expect(next.body).toMatchObject({ token_type: "bearer", expires_in: 900 });
    expect(next.body.refresh_token).not.toBe(refreshToken);
    expect((await api.get("/users/me", next.body.access_token)).body.email).toBe(
      "alice@example.com",
    );
    expect((await refresh(api, next.body.refresh_token)).status).toBe(200);
  });

  test("rotation never extends the absolute lifetime of the login", async () => {
    const { api, testDatabase, refreshToken } = await loggedIn();
    await refresh(api, refreshToken);
    const rows = await testDatabase.rows("refresh_tokens");
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((row) => row.expires_at)).size).toBe(1);
  });

  test("replaying a spent token: 401, and the whole family dies (the newest token too)", async () => {
    const { api, refreshToken, logs } = await loggedIn();
    const next = await refresh(api, refreshToken);
    const replay = await refresh(api, refreshToken);
    expectProblem(
      replay,
      401,
      "Refresh token already used: every session of that login has been ended",
    );
    expect(replay.headers.get("www-authenticate")).toBe("Bearer");
    expect(replay.headers.get("cache-control")).toBe("no-store");
    expectProblem(await refresh(api, next.body.refresh_token), 401, "Refresh token revoked");
    expect(logs.some((line) => line.includes("refresh token replayed"))).toBe(true);
    expect(logs.join("\n")).not.toContain(refreshToken);
  });

  test("another login's family survives a replay in one family", async () => {
    const { api, refreshToken } = await loggedIn();
    const other = (await api.login("alice@example.com", "password-123")).body.refresh_token;
    await refresh(api, refreshToken);
    await refresh(api, refreshToken);
    expect((await refresh(api, other)).status).toBe(200);
  });

  test("two refreshes racing with one token: exactly one gets a pair, and no grace saves the family", async () => {
    const { api, refreshToken } = await loggedIn();
    const results = await Promise.all([refresh(api, refreshToken), refresh(api, refreshToken)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    const winner = results.find((r) => r.status === 200)?.body;
    // The second presentation cannot be told from a thief's: the family is revoked, and the
    // winner keeps only its access token until it expires.
    expect((await api.get("/users/me", winner.access_token)).status).toBe(200);
    expectProblem(await refresh(api, winner.refresh_token), 401, "Refresh token revoked");
  });

  test("ten refreshes racing with one token: exactly one 200, the other nine 401, and the family ends", async () => {
    // A pool of several connections on PostgreSQL, so that the ten really run at once there.
    const made = await makeApp({ database: { ...testConfig().database, poolMax: 10 } });
    const { password } = await made.api.register("racer@example.com");
    const login = await made.api.login("racer@example.com", password);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => refresh(made.api, login.body.refresh_token)),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 401)).toHaveLength(9);
    const winner = results.find((r) => r.status === 200)?.body;
    expectProblem(await refresh(made.api, winner.refresh_token), 401, "Refresh token revoked");
  });

  test("unknown and expired refresh tokens: 401", async () => {
    const { api, deps, user } = await loggedIn();
    expectProblem(await refresh(api, createRefreshToken().token), 401, "Invalid refresh token");
    expectProblem(await refresh(api, "not-even-the-shape"), 401, "Invalid refresh token");
    const old = createRefreshToken();
    await deps.repo.insertRefreshToken({
      tokenHash: old.hash,
      familyId: "f",
      userId: user.id,
      expiresAt: Date.now() - 1,
    });
    expectProblem(await refresh(api, old.token), 401, "Refresh token expired");
  });

  test("422 when the grant's field is missing; the body never echoes a token", async () => {
    const { api, refreshToken } = await loggedIn();
    const missing = await api.send("POST", "/token", { form: { grant_type: "refresh_token" } });
    expectProblem(missing, 422, "Invalid request body", [
      { path: "/refresh_token", message: "is required" },
    ]);
    const unknownGrant = await api.send("POST", "/token", {
      form: { grant_type: "client_credentials", refresh_token: refreshToken },
    });
    expect(unknownGrant.status).toBe(422);
    expect(unknownGrant.text).not.toContain(refreshToken);
  });

  test("a refresh token sent as a bearer token is refused", async () => {
    const { api, refreshToken } = await loggedIn();
    const sent = await api.get("/users/me", refreshToken);
    expectProblem(sent, 401, "Could not validate credentials");
    expect(sent.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
  });
});

describe("POST /token/revoke (RFC 7009)", () => {
  test("ends the session: 200 with no body, then the token and its successors are dead", async () => {
    const { api, refreshToken } = await loggedIn();
    const next = (await refresh(api, refreshToken)).body.refresh_token;
    const revoked = await api.send("POST", "/token/revoke", { form: { token: next } });
    expect(revoked.status).toBe(200);
    expect(revoked.text).toBe("");
    expect(revoked.headers.get("cache-control")).toBe("no-store");
    expectProblem(await refresh(api, next), 401, "Refresh token revoked");
  });

  test("200 also for unknown tokens and access tokens: the answer reveals nothing", async () => {
    const { api, access } = await loggedIn();
    for (const token of [createRefreshToken().token, access, "whatever"]) {
      const sent = await api.send("POST", "/token/revoke", { form: { token } });
      expect(sent.status).toBe(200);
    }
  });

  test("422 without a token", async () => {
    const { api } = await loggedIn();
    const sent = await api.send("POST", "/token/revoke", {
      form: { token_type_hint: "refresh_token" },
    });
    expectProblem(sent, 422, "Invalid request body", [{ path: "/token", message: "is required" }]);
  });
});

describe("sessions end with the account or its role", () => {
  test("deleting the user ends their refresh tokens", async () => {
    const { api, user, refreshToken } = await loggedIn();
    expect((await api.send("DELETE", `/users/${user.id}`, { token: user.token })).status).toBe(204);
    expectProblem(await refresh(api, refreshToken), 401, "Invalid refresh token");
  });

  test("changing the role ends the user's refresh families", async () => {
    const { api, user, refreshToken } = await loggedIn();
    const admin = await api.adminToken();
    const patched = await api.send("PATCH", `/admin/users/${user.id}`, {
      token: admin,
      json: { role: "admin" },
    });
    expect(patched.status).toBe(200);
    expectProblem(await refresh(api, refreshToken), 401, "Refresh token revoked");
  });
});

test("an account deleted while its password is checked is refused, not a 500", async () => {
  const made = await makeApp();
  const user = await made.api.register("fleeting@example.com");
  const { verify } = made.deps.hasher;
  made.deps.hasher.verify = async (password, hash) => {
    const valid = await verify(password, hash);
    await made.deps.repo.deleteUser(user.id);
    return valid;
  };
  expectProblem(
    await made.api.login(user.email, user.password),
    401,
    "Incorrect email or password",
  );
});
