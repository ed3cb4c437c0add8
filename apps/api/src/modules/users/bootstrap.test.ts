import { beforeEach, describe, expect, test } from "bun:test";
import type { TestDatabase } from "@statuslab/db/testing";
import { expectProblem } from "../../../test/problem-assertions.ts";
import { freshTestDatabase, makeApp } from "../../../test/support.ts";

let shared: TestDatabase;

beforeEach(async () => {
  shared = await freshTestDatabase();
});

/** Starts the API on the test's database, as `bun run start` would with these admin settings. */
async function start(admin?: { email: string; password: string }) {
  const database = await shared.open();
  const made = await makeApp({ admin }, { database, testDatabase: shared });
  /** Stops it: the app and its connection, so the next start is a real restart. */
  const stop = async () => {
    await made.close();
    await database.close();
  };
  return { ...made, stop };
}

const usersStored = () => shared.rows("users");

const hashOf = async (email: string) =>
  (await usersStored()).find((user) => user.email_key === email.toLowerCase())?.password_hash;

describe("ADMIN_EMAIL / ADMIN_PASSWORD", () => {
  test("createApp with config.admin creates that admin, who can log in and act as one", async () => {
    const { api, stop } = await start({ email: "root@example.com", password: "root-password" });
    const login = await api.login("root@example.com", "root-password");
    expect(login.status).toBe(200);
    const me = await api.get("/users/me", login.body.access_token);
    expect(me.body).toEqual({ id: 1, email: "root@example.com", role: "admin", name: null });
    expect((await api.get("/admin/users", login.body.access_token)).status).toBe(200);
    await stop();
  });

  test("without it nobody is created", async () => {
    const { api, stop } = await start(undefined);
    expect(await usersStored()).toEqual([]);
    expect((await api.login("admin@example.com", "admin-password-1")).status).toBe(401);
    await stop();
  });

  test("the operator's own account (the configured password opens it) is promoted in place", async () => {
    const first = await start(undefined);
    const boss = await first.api.register("Boss@Example.COM", "configured-pass", "Boss");
    await first.api.send("POST", "/users/me/items", { token: boss.token, json: { title: "mine" } });
    await first.stop();

    const second = await start({ email: "boss@example.com", password: "configured-pass" });
    const login = await second.api.login("boss@example.com", "configured-pass");
    expect(login.status).toBe(200);
    const token = login.body.access_token;
    // The same account, promoted, with what it owned: no second row.
    expect((await second.api.get("/users/me", token)).body).toEqual({
      id: boss.id,
      email: "Boss@Example.COM",
      role: "admin",
      name: "Boss",
    });
    expect((await second.api.get("/users/me/items", token)).body.items).toHaveLength(1);
    expect((await second.api.get("/admin/users", token)).body.count).toBe(1);
    await second.stop();
  });

  test("an account squatting the admin email is replaced, and its tokens never become admin tokens", async () => {
    const first = await start(undefined);
    const squatter = await first.api.register("Boss@Example.COM", "squatter-pass", "Mallory");
    await first.stop();

    const second = await start({ email: "boss@example.com", password: "configured-pass" });
    const stale = await second.api.get("/admin/users", squatter.token);
    expectProblem(stale, 401, "Could not validate credentials");
    expectProblem(
      await second.api.login("boss@example.com", "squatter-pass"),
      401,
      "Incorrect email or password",
    );
    const token = await second.api
      .login("boss@example.com", "configured-pass")
      .then((s) => s.body.access_token);
    const me = await second.api.get("/users/me", token);
    expect(me.body).toMatchObject({ email: "boss@example.com", role: "admin", name: null });
    expect(me.body.id).not.toBe(squatter.id);
    expect((await second.api.get("/admin/users", token)).body.count).toBe(1);
    await second.stop();
  });

  test("a changed ADMIN_PASSWORD works after a restart on the same database; the old one and its tokens do not", async () => {
    const first = await start({ email: "root@example.com", password: "old-password" });
    const oldToken = await token(first.api, "old-password");
    await first.stop();

    const second = await start({ email: "root@example.com", password: "new-password" });
    expect((await second.api.login("root@example.com", "new-password")).status).toBe(200);
    const old = await second.api.login("root@example.com", "old-password");
    expectProblem(old, 401, "Incorrect email or password");
    const { count } = (
      await second.api.get("/admin/users", await token(second.api, "new-password"))
    ).body;
    expect(count).toBe(1);
    expectProblem(
      await second.api.get("/users/me", oldToken),
      401,
      "Could not validate credentials",
    );
    await second.stop();
  });

  test("a restart with the same password keeps the stored hash (no re-hash)", async () => {
    const first = await start({ email: "root@example.com", password: "same-password" });
    const before = await hashOf("root@example.com");
    expect(before).toStartWith("$argon2id$");
    await first.stop();
    const second = await start({ email: "ROOT@example.com", password: "same-password" });
    expect(await hashOf("root@example.com")).toBe(before);
    await second.stop();
  });

  test("an admin who was demoted is an admin again after a restart", async () => {
    const first = await start({ email: "root@example.com", password: "root-password" });
    const rootToken = await token(first.api, "root-password");
    const alice = await first.api.register("alice@example.com");
    await first.api.send("PATCH", `/admin/users/${alice.id}`, {
      token: rootToken,
      json: { role: "admin" },
    });
    await first.api.send("PATCH", "/admin/users/1", {
      token: await first.api
        .login("alice@example.com", "password-123")
        .then((s) => s.body.access_token),
      json: { role: "user" },
    });
    expect((await first.api.get("/users/me", rootToken)).body.role).toBe("user");
    await first.stop();

    const second = await start({ email: "root@example.com", password: "root-password" });
    expect((await second.api.get("/users/me", rootToken)).body.role).toBe("admin");
    await second.stop();
  });

  test("two instances starting at once on one database make exactly one admin", async () => {
    // The test database is migrated already, so both race only on the admin row.
    const admin = { email: "root@example.com", password: "root-password" };
    const [a, b] = await Promise.all([start(admin), start(admin)]);
    expect(await usersStored()).toHaveLength(1);
    expect((await b.api.login(admin.email, admin.password)).status).toBe(200);
    expect((await a.api.login(admin.email, admin.password)).status).toBe(200);
    await a.stop();
    await b.stop();
  });
});

async function token(api: Awaited<ReturnType<typeof makeApp>>["api"], password: string) {
  const sent = await api.login("root@example.com", password);
  expect(sent.status).toBe(200);
  return sent.body.access_token as string;
}
