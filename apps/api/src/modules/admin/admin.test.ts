import { describe, expect, test } from "bun:test";
import { expectJson, expectProblem } from "../../../test/problem-assertions.ts";
import { ADMIN, makeApp } from "../../../test/support.ts";
import { expectOk, withToken } from "../../../test/typed-client.ts";

/** An app with the bootstrapped admin plus `extra` users added straight to the database. */
async function populated(extra: number) {
  const made = await makeApp();
  for (let i = 1; i <= extra; i++) {
    await made.deps.repo.insertUser({ email: `user${i}@example.com`, passwordHash: "x" });
  }
  return { ...made, adminToken: await made.api.adminToken() };
}

describe("GET /admin/users", () => {
  test("200 {data, count}: 20 per page by default, count is every user", async () => {
    const { api, typed, adminToken } = await populated(24);
    const list = expectOk(await typed.admin.users.get(withToken(adminToken)));
    expect(Object.keys(list).sort()).toEqual(["count", "data"]);
    expect(list.count).toBe(25);
    expect(list.data).toHaveLength(20);
    expect(list.data[0]).toEqual({ id: 1, email: ADMIN.email, role: "admin", name: null });
    expect(list.data[1]).toEqual({
      id: 2,
      email: "user1@example.com",
      role: "user",
      name: null,
    });
    // Public fields only: no hash, no internal columns.
    const text = JSON.stringify(list);
    expect(text).not.toContain("password");
    expect(text).not.toContain("email_key");
    expect(text).not.toContain("$argon2");
    // Also with the trailing slash (the typed client sends none).
    expect((await api.get("/admin/users/", adminToken)).body).toEqual(list);
  });

  test("limit and offset page through the users in id order", async () => {
    const { typed, adminToken } = await populated(24);
    const page = async (query: { limit?: number; offset?: number }) => {
      const list = expectOk(await typed.admin.users.get({ ...withToken(adminToken), query }));
      expect(list.count).toBe(25);
      return list.data.map((u) => u.id);
    };
    expect(await page({ limit: 5 })).toEqual([1, 2, 3, 4, 5]);
    expect(await page({ limit: 5, offset: 5 })).toEqual([6, 7, 8, 9, 10]);
    expect(await page({ offset: 20 })).toEqual([21, 22, 23, 24, 25]);
    expect(await page({ limit: 100 })).toHaveLength(25);
    expect(await page({ limit: 1, offset: 24 })).toEqual([25]);
    expect(await page({ offset: 25 })).toEqual([]);
    expect(await page({ offset: 999999999999999 })).toEqual([]);
  });

  const badQueries: [string, string, string][] = [
    ["limit=0", "/limit", "must be an integer from 1 to 100"],
    ["limit=101", "/limit", "must be an integer from 1 to 100"],
    ["limit=abc", "/limit", "must be an integer from 1 to 100"],
    ["limit=-5", "/limit", "must be an integer from 1 to 100"],
    ["limit=", "/limit", "must be an integer from 1 to 100"],
    ["limit=1.5", "/limit", "must be an integer from 1 to 100"],
    ["offset=-1", "/offset", "must be a non-negative integer"],
    ["offset=abc", "/offset", "must be a non-negative integer"],
    ["offset=1e3", "/offset", "must be a non-negative integer"],
  ];
  for (const [query, path, message] of badQueries) {
    test(`422 for ?${query}`, async () => {
      const { api, adminToken } = await populated(0);
      const sent = await api.get(`/admin/users?${query}`, adminToken);
      expectProblem(sent, 422, "Invalid query string", [{ path, message }]);
    });
  }

  test("403 Not enough permissions for a non-admin, even with a bad query", async () => {
    const { api } = await populated(0);
    const { token } = await api.register("plain@example.com");
    for (const path of ["/admin/users", "/admin/users?limit=0"]) {
      const sent = await api.get(path, token);
      expectProblem(sent, 403, "Not enough permissions");
      expect(sent.text).not.toContain(ADMIN.email);
    }
  });

  test("401 with no token or a bad one", async () => {
    const { api } = await populated(0);
    for (const path of ["/admin/users", "/admin/users?limit=0"]) {
      const sent = await api.get(path);
      expectProblem(sent, 401, "Not authenticated");
      expect(sent.headers.get("www-authenticate")).toBe("Bearer");
    }
    const forged = await api.get("/admin/users", "not.a.token");
    expectProblem(forged, 401, "Invalid token");
  });
});

describe("PATCH /admin/users/{id}", () => {
  const patch = (
    api: Awaited<ReturnType<typeof makeApp>>["api"],
    id: number | string,
    token: string,
    json: unknown,
  ) => api.send("PATCH", `/admin/users/${id}`, { token, json });

  test("200 with the updated user", async () => {
    const { api, typed, adminToken } = await populated(0);
    const alice = await api.register("alice@example.com", "password-123", "Alice");
    const promote = () =>
      typed.admin.users({ id: alice.id }).patch({ role: "admin" }, withToken(adminToken));
    expect(expectOk(await promote())).toEqual({
      id: alice.id,
      email: "alice@example.com",
      role: "admin",
      name: "Alice",
    });
    // Setting the role it already has is fine too.
    expect(expectOk(await promote()).role).toBe("admin");
  });

  test("a promotion takes effect on the user's next request, with the same token", async () => {
    const { api, typed, adminToken } = await populated(0);
    const alice = await api.register("alice@example.com");
    expectProblem(await api.get("/admin/users", alice.token), 403, "Not enough permissions");
    expectOk(
      await typed.admin.users({ id: alice.id }).patch({ role: "admin" }, withToken(adminToken)),
    );
    expect(expectOk(await typed.admin.users.get(withToken(alice.token))).count).toBe(2);
    expect(expectOk(await typed.users.me.get(withToken(alice.token))).role).toBe("admin");
  });

  test("a demotion takes effect on the user's next request, with the same token", async () => {
    const { api, adminToken } = await populated(0);
    const alice = await api.register("alice@example.com");
    const bob = await api.register("bob@example.com");
    await patch(api, alice.id, adminToken, { role: "admin" });
    expectJson(await api.get("/admin/users", alice.token), 200);
    expectJson(await api.get(`/users/${bob.id}`, alice.token), 200);

    const demoted = await patch(api, alice.id, adminToken, { role: "user" });
    expect(demoted.body.role).toBe("user");
    expectProblem(await api.get("/admin/users", alice.token), 403, "Not enough permissions");
    expectProblem(
      await patch(api, bob.id, alice.token, { role: "admin" }),
      403,
      "Not enough permissions",
    );
    expectProblem(await api.get(`/users/${bob.id}`, alice.token), 404, "User not found");
    expectProblem(
      await api.send("DELETE", `/users/${bob.id}`, { token: alice.token }),
      403,
      "Not enough permissions",
    );
  });

  test("404 for an id that does not exist", async () => {
    const { api, adminToken } = await populated(0);
    expectProblem(await patch(api, 424242, adminToken, { role: "admin" }), 404, "User not found");
  });

  const badBodies: [string, unknown, { path: string; message: unknown }[]][] = [
    ["an unknown role", { role: "superuser" }, [{ path: "/role", message: expect.any(String) }]],
    ["a role in another case", { role: "Admin" }, [{ path: "/role", message: expect.any(String) }]],
    ["a missing role", {}, [{ path: "/role", message: "is required" }]],
    ["a null role", { role: null }, [{ path: "/role", message: expect.any(String) }]],
    // Reported today as a missing /role; "/ must be an object" would be as good.
    [
      "a body that is not an object",
      ["admin"],
      [{ path: expect.stringMatching(/^\/(role)?$/), message: expect.any(String) }],
    ],
    ["a null body", null, [{ path: "/", message: expect.any(String) }]],
  ];
  for (const [name, body, errors] of badBodies) {
    test(`422 for ${name}, and nothing changes`, async () => {
      const { api, adminToken } = await populated(0);
      const alice = await api.register("alice@example.com");
      const sent = await patch(api, alice.id, adminToken, body);
      expectProblem(sent, 422, "Invalid request body", errors);
      expect((await api.get("/users/me", alice.token)).body.role).toBe("user");
    });
  }

  for (const bad of ["abc", "0", "-1", "1.5"]) {
    test(`422 for the id ${bad}`, async () => {
      const { api, adminToken } = await populated(0);
      const sent = await patch(api, bad, adminToken, { role: "admin" });
      expectProblem(sent, 422, "Invalid path parameter", [
        { path: "/id", message: "must be a positive integer" },
      ]);
    });
  }

  test("403 for a non-admin, whatever the body or id", async () => {
    const { api } = await populated(0);
    const alice = await api.register("alice@example.com");
    for (const [id, body] of [
      [alice.id, { role: "admin" }],
      [1, { role: "user" }],
      [alice.id, { role: "superuser" }],
      ["abc", {}],
    ] as const) {
      expectProblem(await patch(api, id, alice.token, body), 403, "Not enough permissions");
    }
    expect((await api.get("/users/me", alice.token)).body.role).toBe("user");
  });

  test("401 without a token", async () => {
    const { api } = await populated(0);
    const sent = await api.send("PATCH", "/admin/users/1", { json: { role: "user" } });
    expectProblem(sent, 401, "Not authenticated");
  });

  test("400 for malformed JSON", async () => {
    const { api, adminToken } = await populated(0);
    const sent = await api.send("PATCH", "/admin/users/1", {
      token: adminToken,
      headers: { "content-type": "application/json" },
      raw: '{"role": "adm',
    });
    expectProblem(sent, 400, "Malformed JSON body");
  });

  test("415 for a body that is not JSON, naming what to send", async () => {
    const { api, adminToken } = await populated(0);
    const form = await api.send("PATCH", "/admin/users/1", {
      token: adminToken,
      form: { role: "admin" },
    });
    expectProblem(form, 415, "Send the body as application/json");
    const none = await api.send("PATCH", "/admin/users/1", { token: adminToken, raw: "x" });
    expect(none.status).toBe(415);
  });
});
