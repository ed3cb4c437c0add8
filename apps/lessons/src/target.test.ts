import { describe, expect, test } from "bun:test";
import {
  IN_PROCESS_ADMIN_EMAIL,
  NEEDS_IN_PROCESS,
  remoteTarget,
  startInProcess,
} from "./target.ts";
import type { Vars } from "./template.ts";

const signUp = (baseUrl: string, email: string) =>
  fetch(`${baseUrl}/users/`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: "password-123" }),
  });

describe("the in-process target", () => {
  test("boots the API with a known admin, has every power, and leaves nothing running", async () => {
    const target = await startInProcess({ passwordHashing: { memoryCost: 1024, timeCost: 1 } });
    try {
      expect(target.kind).toBe("in-process");
      expect(target.admin?.email).toBe(IN_PROCESS_ADMIN_EMAIL);
      const login = await fetch(`${target.baseUrl}/token`, {
        method: "POST",
        body: new URLSearchParams({
          username: IN_PROCESS_ADMIN_EMAIL,
          password: target.admin?.password ?? "",
        }),
      });
      expect(login.status).toBe(200);
      for (const power of ["lock-database", "unlock-database", "mint-expired-token"] as const) {
        expect(target.lacks(power)).toBeUndefined();
      }

      // The real fault: a second connection holds the write lock, writes get 503.
      const vars: Vars = {};
      await target.use({ power: "lock-database" }, vars);
      const locked = await signUp(target.baseUrl, "locked@example.com");
      expect(locked.status).toBe(503);
      expect(locked.headers.get("retry-after")).toMatch(/^\d+$/);
      await target.use({ power: "unlock-database" }, vars);
      const created = await signUp(target.baseUrl, "locked@example.com");
      expect(created.status).toBe(201);

      vars.uid = (await created.json()).user.id;
      await target.use({ power: "mint-expired-token", userId: "uid", into: "expired" }, vars);
      const me = await fetch(`${target.baseUrl}/users/me`, {
        headers: { authorization: `Bearer ${vars.expired}` },
      });
      expect(me.status).toBe(401);
      expect((await me.json()).detail).toBe("Token expired");
    } finally {
      await target.close();
    }
    expect(fetch(`${target.baseUrl}/`)).rejects.toThrow();
    await target.close(); // twice is fine
  }, 30_000);
});

describe("the --url target", () => {
  test("no database powers; minting only with JWT_SECRET; admin from the environment", async () => {
    const bare = remoteTarget("http://localhost:8000/", {});
    expect(bare.baseUrl).toBe("http://localhost:8000");
    expect(bare.admin).toBeUndefined();
    expect(bare.lacks("lock-database")).toBe(NEEDS_IN_PROCESS);
    expect(bare.lacks("mint-expired-token")).toContain("JWT_SECRET");
    await expect(bare.use({ power: "lock-database" }, {})).rejects.toThrow("in-process");

    const full = remoteTarget("http://localhost:8000", {
      ADMIN_EMAIL: "a@example.com",
      ADMIN_PASSWORD: "pw-12345678",
      JWT_SECRET: "x".repeat(32),
    });
    expect(full.admin).toEqual({ email: "a@example.com", password: "pw-12345678" });
    expect(full.lacks("mint-expired-token")).toBeUndefined();
    const vars: Vars = { uid: 3 };
    await full.use({ power: "mint-expired-token", userId: "uid", into: "t" }, vars);
    const payload = JSON.parse(
      Buffer.from(String(vars.t).split(".")[1] ?? "", "base64url").toString(),
    );
    expect(payload.sub).toBe("3");
    expect(payload.exp).toBeLessThan(Date.now() / 1000);
  });
});
