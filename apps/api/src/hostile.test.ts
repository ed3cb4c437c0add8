/**
 * The hostile-input corpus (test/hostile-corpus.ts) over a real port: every answer is one of
 * the statuses documented for it, never a 500, and, where Bun lets the app answer, a
 * problem+json with its request id; the connection is never dropped without an answer
 * except where Bun itself does so (docs/decisions.md, "What Bun answers by itself").
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Ammunition, ATTACKS } from "../test/hostile-corpus.ts";
import { exchange, type RawAnswer } from "../test/raw-http.ts";
import { makeApp, TEST_SECRET } from "../test/support.ts";
import { listenOptions } from "./worker.ts";

let port = 0;
let ammo: Ammunition;
let stop = () => {};

beforeAll(async () => {
  // A short body deadline, so the stalled-body attack is answered without a long wait.
  const { app, api, config } = await makeApp({ bodyTimeoutMs: 300 });
  // As the real server listens (worker.ts): the app, not Bun, answers oversized bodies.
  app.listen({ ...listenOptions(config, false), port: 0, hostname: "127.0.0.1" });
  if (!app.server?.port) throw new Error("the app did not listen");
  port = app.server.port;
  stop = () => void app.stop(true);
  const user = await api.register("hostile.user@example.com", "Hostile-Pass-1");
  const login = await api.login(user.email, user.password);
  ammo = {
    userToken: user.token,
    userId: user.id,
    refreshToken: login.body.refresh_token,
    adminToken: await api.adminToken(),
    secret: TEST_SECRET,
  };
});

afterAll(() => stop());

function describeAnswer(answer: RawAnswer) {
  return `${answer.status} ${answer.headers.get("content-type")} ${answer.body.slice(0, 200)}`;
}

describe("hostile input", () => {
  for (const attack of ATTACKS) {
    const by = attack.by ?? "app";
    test(`${attack.family}: ${attack.name}`, async () => {
      const outcome = await exchange(port, attack.request(ammo));
      if (by === "closes") {
        expect(outcome).toBe("closed");
        return;
      }
      if (outcome === "closed") throw new Error("the connection closed without an answer");
      const seen = describeAnswer(outcome);
      expect(attack.expect, seen).toContain(outcome.status);
      for (const secret of attack.secrets?.(ammo) ?? []) {
        expect(outcome.body, seen).not.toContain(secret);
      }
      if (by === "runtime" || outcome.status < 400) return;
      expect(outcome.headers.get("content-type"), seen).toBe("application/problem+json");
      const body = JSON.parse(outcome.body);
      expect(body, seen).toMatchObject({ status: outcome.status, type: "about:blank" });
      expect(body.request_id, seen).toBe(outcome.headers.get("x-request-id"));
      expect(outcome.body, seen).not.toMatch(
        /\bat .*\.ts:\d+|node_modules|SQLITE|SELECT |INSERT /i,
      );
    });
  }
});
