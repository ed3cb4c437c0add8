import { expect, test } from "bun:test";
import { createJwtService } from "@statuslab/auth";
import { forge, payloadOf, withSubject } from "./forge-token.ts";

const jwt = createJwtService({
  secret: "a-test-secret-of-at-least-32-bytes!!",
  accessTokenTtl: 900,
});

test("changes only sub, keeps header and signature, and the API's verifier refuses it", async () => {
  const token = await jwt.sign("7");
  const forged = withSubject(token, "8");
  expect(payloadOf(forged)).toEqual({ ...payloadOf(token), sub: "8" });
  const [header, , signature] = token.split(".");
  expect(forged.split(".")).toEqual([header, expect.any(String), signature]);
  expect(forged.split(".")[1]).not.toContain("=");
  expect(() => jwt.verifySync(forged)).toThrow();
  expect(jwt.verifySync(token).sub).toBe("7");
});

test("the power writes its variable, and says what is missing", async () => {
  const vars: Record<string, unknown> = { token: await jwt.sign("7"), other: 9 };
  forge({ token: "token", userId: "other", into: "forged" }, vars);
  expect(payloadOf(String(vars.forged)).sub).toBe("9");
  expect(() => forge({ token: "nope", userId: "other", into: "x" }, vars)).toThrow(/nope/);
});
