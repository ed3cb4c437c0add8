import { describe, expect, test } from "bun:test";
import { expectJson, expectProblem, withoutRequestId } from "../../../test/problem-assertions.ts";
import { ADMIN, makeApp } from "../../../test/support.ts";
import { expectOk, withToken } from "../../../test/typed-client.ts";

const ID_ERROR = [{ path: "/id", message: "must be a positive integer" }];
const BAD_IDS = ["abc", "0", "-1", "1.5", "99999999999999999999", "01", "1e3", "%20"];

async function twoUsers() {
  const made = await makeApp();
  const alice = await made.api.register("alice@example.com", "password-123", "Alice");
  const bob = await made.api.register("bob@example.com", "password-123");
  return { ...made, alice, bob, adminToken: await made.api.adminToken() };
}

describe("GET /users/{id}", () => {
  test("200 for yourself", async () => {
    const { typed, alice } = await twoUsers();
    const user = expectOk(await typed.users({ id: alice.id }).get(withToken(alice.token)));
    expect(user).toEqual({
      id: alice.id,
      email: "alice@example.com",
      role: "user",
      name: "Alice",
    });
  });

  test("200 for an admin reading anyone", async () => {
    const { typed, alice, bob, adminToken } = await twoUsers();
    for (const [user, name] of [
      [alice, "Alice"],
      [bob, null],
    ] as const) {
      const read = expectOk(await typed.users({ id: user.id }).get(withToken(adminToken)));
      expect(read).toEqual({ id: user.id, email: user.email, role: "user", name });
    }
  });

  test("404 for a non-admin asking about someone else, the same whether or not they exist", async () => {
    const { api, alice, bob } = await twoUsers();
    const existing = await api.get(`/users/${bob.id}`, alice.token);
    const missing = await api.get("/users/424242", alice.token);
    expectProblem(existing, 404, "User not found");
    expectProblem(missing, 404, "User not found");
    expect(existing.text).not.toContain("bob@example.com");
    // Only the request id (and the path asked about) may differ.
    const { instance: a, ...first } = withoutRequestId(existing.body);
    const { instance: b, ...second } = withoutRequestId(missing.body);
    expect(first).toEqual(second);
    expect([a, b]).toEqual([`/users/${bob.id}`, "/users/424242"]);
    expect(existing.headers.get("x-request-id")).not.toBe(missing.headers.get("x-request-id"));
  });

  test("404 for an admin asking about an id that does not exist", async () => {
    const { api, adminToken } = await twoUsers();
    expectProblem(await api.get("/users/424242", adminToken), 404, "User not found");
  });

  for (const bad of BAD_IDS) {
    test(`422 for /users/${bad}`, async () => {
      const { api, alice } = await twoUsers();
      const sent = await api.get(`/users/${bad}`, alice.token);
      expectProblem(sent, 422, "Invalid path parameter", ID_ERROR);
      // The value sent is never echoed back.
      if (bad.length > 2) expect(JSON.stringify(sent.body.errors)).not.toContain(bad);
    });
  }

  test("the largest id the pattern allows is a 404, not a 422 or a 500", async () => {
    const { api, adminToken } = await twoUsers();
    expectProblem(await api.get("/users/999999999999999", adminToken), 404, "User not found");
    expectProblem(
      await api.get("/users/1000000000000000", adminToken),
      422,
      "Invalid path parameter",
      ID_ERROR,
    );
  });

  test("/users/me is never taken for an id", async () => {
    const { api, alice } = await twoUsers();
    for (const path of ["/users/me", "/users/me/"]) {
      const sent = await api.get(path, alice.token);
      expectJson(sent, 200);
      expect(sent.body.email).toBe("alice@example.com");
    }
    // Without a token it is /users/me's own 401, not an id's 422.
    expectProblem(await api.get("/users/me"), 401, "Not authenticated");
  });

  test("401 without a token, checked before the id is validated", async () => {
    const { api, alice } = await twoUsers();
    for (const path of [`/users/${alice.id}`, "/users/abc", "/users/0"]) {
      const sent = await api.get(path);
      expectProblem(sent, 401, "Not authenticated");
      expect(sent.headers.get("www-authenticate")).toBe("Bearer");
    }
  });
});

describe("DELETE /users/{id}", () => {
  test("204 with an empty body for yourself", async () => {
    const { api, typed, alice, adminToken } = await twoUsers();
    const answer = await typed.users({ id: alice.id }).delete(undefined, withToken(alice.token));
    expect(expectOk(answer, 204)).toBeFalsy();
    expect(answer.response.headers.get("content-type")).toBeNull();
    expect(answer.response.headers.get("x-request-id")).toBeTruthy();
    expectProblem(await api.get(`/users/${alice.id}`, adminToken), 404, "User not found");
  });

  test("204 for an admin deleting anyone", async () => {
    const { api, typed, alice, bob, adminToken } = await twoUsers();
    expectOk(await typed.users({ id: bob.id }).delete(undefined, withToken(adminToken)), 204);
    expectProblem(await api.get(`/users/${bob.id}`, adminToken), 404, "User not found");
    expectJson(await api.get(`/users/${alice.id}`, adminToken), 200);
  });

  test("403 for a non-admin deleting someone else, and nothing is deleted", async () => {
    const { api, alice, bob, adminToken } = await twoUsers();
    const sent = await api.send("DELETE", `/users/${bob.id}`, { token: alice.token });
    expectProblem(sent, 403, "Not enough permissions");
    expect(sent.text).not.toContain("bob@example.com");
    expectJson(await api.get(`/users/${bob.id}`, adminToken), 200);
    expectJson(await api.get("/users/me", bob.token), 200);
  });

  test("403, not 404, for a non-admin deleting an id that does not exist", async () => {
    const { api, alice, bob } = await twoUsers();
    const existing = await api.send("DELETE", `/users/${bob.id}`, { token: alice.token });
    const missing = await api.send("DELETE", "/users/424242", { token: alice.token });
    expectProblem(existing, 403, "Not enough permissions");
    expectProblem(missing, 403, "Not enough permissions");
    const { instance: _a, ...first } = withoutRequestId(existing.body);
    const { instance: _b, ...second } = withoutRequestId(missing.body);
    expect(first).toEqual(second);
  });

  test("404 for an admin deleting an id that does not exist", async () => {
    const { api, adminToken } = await twoUsers();
    const sent = await api.send("DELETE", "/users/424242", { token: adminToken });
    expectProblem(sent, 404, "User not found");
  });

  test("422 for a non-integer id, 401 without a token", async () => {
    const { api, alice } = await twoUsers();
    for (const bad of BAD_IDS) {
      const sent = await api.send("DELETE", `/users/${bad}`, { token: alice.token });
      expectProblem(sent, 422, "Invalid path parameter", ID_ERROR);
    }
    for (const path of [`/users/${alice.id}`, "/users/abc"]) {
      expectProblem(await api.send("DELETE", path), 401, "Not authenticated");
    }
  });

  test("the deleted user's token is refused at once, and their items are gone", async () => {
    const { api, alice, bob, testDatabase } = await twoUsers();
    for (const title of ["one", "two"]) {
      const made = await api.send("POST", "/users/me/items", {
        token: alice.token,
        json: { title },
      });
      expect(made.status).toBe(201);
    }
    await api.send("POST", "/users/me/items", { token: bob.token, json: { title: "bob's" } });
    const itemsOf = async (id: number) =>
      (await testDatabase.rows("items")).filter((item) => item.owner_id === id).length;
    expect(await itemsOf(alice.id)).toBe(2);

    expect((await api.send("DELETE", `/users/${alice.id}`, { token: alice.token })).status).toBe(
      204,
    );
    for (const [method, path] of [
      ["GET", "/users/me"],
      ["GET", "/users/me/items"],
      ["GET", `/users/${alice.id}`],
      ["DELETE", `/users/${alice.id}`],
    ] as const) {
      const sent = await api.send(method, path, { token: alice.token });
      expectProblem(sent, 401, "Could not validate credentials");
      expect(sent.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    }
    expect(await itemsOf(alice.id)).toBe(0);
    // Nobody else's items went with them.
    expect((await api.get("/users/me/items", bob.token)).body.items).toHaveLength(1);
  });

  test("a deleted user can sign up again and gets a new id; the old token stays dead", async () => {
    const { api, alice } = await twoUsers();
    await api.send("DELETE", `/users/${alice.id}`, { token: alice.token });
    const again = await api.register("alice@example.com");
    expect(again.id).toBeGreaterThan(alice.id);
    expectProblem(await api.get("/users/me", alice.token), 401, "Could not validate credentials");
    expect((await api.get("/users/me", again.token)).body.id).toBe(again.id);
  });

  test("DELETE /users/me: 204, the caller's own account and nobody else's, as the 405's Allow promises", async () => {
    const { api, typed, alice, bob, adminToken } = await twoUsers();
    const refused = await api.send("PUT", "/users/me", { token: alice.token, json: {} });
    expect(refused.headers.get("allow")).toContain("DELETE");
    const answer = await typed.users.me.delete(undefined, withToken(alice.token));
    expect(expectOk(answer, 204)).toBeFalsy();
    expect(answer.response.headers.get("content-type")).toBeNull();
    expectProblem(await api.get("/users/me", alice.token), 401, "Could not validate credentials");
    expectProblem(await api.get(`/users/${alice.id}`, adminToken), 404, "User not found");
    expectJson(await api.get("/users/me", bob.token), 200);
    // Once more with the dead token: 401, as for any request it makes.
    const again = await api.send("DELETE", "/users/me", { token: alice.token });
    expectProblem(again, 401, "Could not validate credentials");
    expectProblem(await api.send("DELETE", "/users/me"), 401, "Not authenticated");
  });

  test("an admin deleting themselves: their token stops working too", async () => {
    const { api, adminToken } = await twoUsers();
    const me = await api.get("/users/me", adminToken);
    expect(me.body.email).toBe(ADMIN.email);
    expect((await api.send("DELETE", `/users/${me.body.id}`, { token: adminToken })).status).toBe(
      204,
    );
    expectProblem(await api.get("/admin/users", adminToken), 401, "Could not validate credentials");
  });
});
