/**
 * The default SIGNUP_RATE_LIMIT must let `bun run lessons --auto --url <server>` pass twice in a
 * row against a default server: every run comes from the same address, and every sign-up that
 * passes validation counts (a 409 too; a 400, 413, 415 or 422 never reaches the count).
 */
import { expect, test } from "bun:test";
import { loadConfig } from "@statuslab/api";
import { lessons } from "./index.ts";

const NEVER_COUNTED = new Set([400, 413, 415, 422]);

/** Sign-up attempts that one run makes and the API counts; `remote` drops in-process-only steps. */
function countedSignUps(remote: boolean): number {
  return lessons
    .flatMap((lesson) => lesson.steps)
    .filter((step) => step.request.method === "POST" && /^\/users\/?$/.test(step.request.path))
    .filter((step) => !NEVER_COUNTED.has(step.expect.status))
    .filter(
      (step) =>
        !remote ||
        ![...(step.before ?? []), ...(step.after ?? [])].some((p) => p.power === "lock-database"),
    ).length;
}

test("two --auto --url runs fit in the default SIGNUP_RATE_LIMIT, and so does an in-process run", () => {
  const { signupRateLimit } = loadConfig({ NODE_ENV: "test", JWT_SECRET: "s".repeat(32) });
  // 18 when this was written: two runs make 36 of the default 50 in 600 s.
  expect(2 * countedSignUps(true)).toBeLessThanOrEqual(signupRateLimit.max);
  expect(countedSignUps(false)).toBeLessThanOrEqual(signupRateLimit.max);
});
