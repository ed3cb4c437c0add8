/**
 * What the client refuses at compile time. Each `@ts-expect-error` below must meet an error:
 * if the line ever compiled, `tsc` (`bun run typecheck`) would fail on the unused directive.
 * The calls are never made; the test only proves this file is one that `tsc` checks.
 */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Client, withToken } from "./index.ts";

export async function callsThatDoNotCompile(api: Client) {
  // @ts-expect-error `mail` is not a field of UserCreate
  await api.users.post({ mail: "a@example.com", password: "password-1" });
  // @ts-expect-error UserCreate requires `password`
  await api.users.post({ email: "a@example.com" });
  // @ts-expect-error there is no `/user` route, only `/users`
  await api.user.post({ email: "a@example.com", password: "password-1" });
  // @ts-expect-error `/users/me` has no PUT
  await api.users.me.put({ name: "x" }, withToken("t"));
  // @ts-expect-error `role` is "user" or "admin"
  await api.admin.users({ id: 1 }).patch({ role: "root" }, withToken("t"));
  // @ts-expect-error `/users/limited` takes `client_id`, not `client`
  await api.users.limited.get({ query: { client: "x" } });
  // @ts-expect-error `title` is a string
  await api.users.me.items.post({ title: 42 }, withToken("t"));
}

export async function callsThatCompile(api: Client) {
  await api.users.post({ email: "a@example.com", password: "password-1", name: "A" });
  await api.token.post({ username: "a@example.com", password: "password-1" });
  await api.users.me.items.post({ title: "milk" }, withToken("t"));
  const { data } = await api.users.me.get(withToken("t"));
  // The answer is typed by the route's response schema.
  const role: "user" | "admin" | undefined = data?.role;
  return role;
}

test("this file is one the package's typecheck covers", () => {
  const root = join(import.meta.dir, "..");
  const { include } = JSON.parse(readFileSync(join(root, "tsconfig.json"), "utf8")) as {
    include: string[];
  };
  const file = "src/client-call.test.ts";
  expect(include.some((pattern) => new Bun.Glob(pattern).match(file))).toBe(true);
  expect(typeof callsThatDoNotCompile).toBe("function");
});
