import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bearer, recordRequest } from "./api-call.ts";
import { prepareRequest } from "./http.ts";
import type { StepSource } from "./model.ts";

describe("a typed call is recorded as the request it sends", () => {
  test("a JSON body at the contract's sign-up path, placeholders kept", async () => {
    const spec = await recordRequest((api) =>
      api.users.post({ email: "a-{{run}}@example.com", password: "password-1", name: "A" }),
    );
    expect(spec).toEqual({
      method: "POST",
      path: "/users/",
      json: { email: "a-{{run}}@example.com", password: "password-1", name: "A" },
    });
  });

  test("the OAuth2 bodies as forms, fields in the order written", async () => {
    expect(
      await recordRequest((api) =>
        api.token.post({ grant_type: "refresh_token", refresh_token: "{{refreshToken}}" }),
      ),
    ).toEqual({
      method: "POST",
      path: "/token",
      form: { grant_type: "refresh_token", refresh_token: "{{refreshToken}}" },
    });
  });

  test("a token variable as `bearer`, path parameters and query placeholders as written", async () => {
    expect(
      await recordRequest((api) => api.users({ id: "{{aliceId}}" }).delete(undefined, bearer("t"))),
    ).toEqual({ method: "DELETE", path: "/users/{{aliceId}}", bearer: "t" });
    expect(
      await recordRequest((api) => api.users.limited.get({ query: { client_id: "x-{{run}}" } })),
    ).toEqual({ method: "GET", path: "/users/limited?client_id=x-{{run}}" });
  });

  test("an Authorization that is not `Bearer {{variable}}` stays a header; a GET has no Content-Type", async () => {
    const spec = await recordRequest((api) =>
      api.users.me.get({ headers: { authorization: "bearer {{token}}" } }),
    );
    expect(spec).toEqual({
      method: "GET",
      path: "/users/me",
      headers: { authorization: "bearer {{token}}" },
    });
    const request = prepareRequest(spec, { token: "abc" }, "http://localhost:8000");
    expect(request.headers).toEqual([["authorization", "bearer abc"]]);
    expect(request.body).toBeUndefined();
  });

  test("a call that sends nothing, or twice, is refused", async () => {
    await expect(recordRequest(async () => undefined)).rejects.toThrow("sent 0");
    await expect(
      recordRequest(async (api) => {
        await api.health.get();
        await api.health.get();
      }),
    ).rejects.toThrow("sent 2");
  });
});

/** Never called: each `@ts-expect-error` must meet a compile error, or the typecheck fails. */
export const stepsThatDoNotCompile: StepSource["request"][] = [
  // @ts-expect-error `mail` is not a field of the sign-up body
  (api) => api.users.post({ mail: "a-{{run}}@example.com", password: "password-1" }),
  // @ts-expect-error there is no `/user` route
  (api) => api.user.post({ email: "a-{{run}}@example.com", password: "password-1" }),
  // @ts-expect-error `role` is "user" or "admin"
  (api) => api.admin.users({ id: "{{id}}" }).patch({ role: "root" }, bearer("adminToken")),
];

test("every raw request in a lesson says why it is raw", () => {
  const dir = join(import.meta.dir, "lessons");
  for (const name of readdirSync(dir).filter((n) => n.endsWith(".ts") && !n.endsWith(".test.ts"))) {
    const lines = readFileSync(join(dir, name), "utf8").split("\n");
    lines.forEach((line, i) => {
      if (!/^\s*request: \{/.test(line)) return;
      expect(lines[i - 1] ?? "", `${name}:${i + 1}`).toMatch(/^\s*\/\/ Raw: \S/);
    });
  }
  expect(stepsThatDoNotCompile).toHaveLength(3);
});
