import { expect, test } from "bun:test";
import { createJwtService } from "@statuslab/auth";
import { forge, forgeryShown, jwtParts, payloadOf, withSubject } from "./forge-token.ts";

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

test("the learner is shown the real payload and the edited one, or nothing when there is none", async () => {
  const token = await jwt.sign("7");
  const shown = forgeryShown({ token: "token", userId: "other" }, { token, other: 9 });
  const payload = payloadOf(token);
  expect(shown).toEqual([
    "The token's payload, decoded (base64url, no key needed):",
    `  ${JSON.stringify(payload)}`,
    "Edited to claim user 9; header and signature kept:",
    `  ${JSON.stringify({ ...payload, sub: "9" })}`,
  ]);
  expect(
    forgeryShown({ token: "token", userId: "other" }, { token: "not-a-jwt", other: 9 }),
  ).toEqual([]);
  expect(forgeryShown({ token: "token", userId: "other" }, { other: 9 })).toEqual([]);
});

test("a token's parts, for telling a forgery of it from any other bad token", async () => {
  const token = await jwt.sign("7");
  const [header = "", , signature = ""] = token.split(".");
  expect(jwtParts(token)).toEqual({ header, sub: "7", signature });
  expect(jwtParts(withSubject(token, "8"))).toEqual({ header, sub: "8", signature });
  for (const notOne of ["x", "<token>", "a.b", `${token}.x`, "e30.bm90IGpzb24.c2ln"]) {
    expect(jwtParts(notOne), notOne).toBeUndefined();
  }
});
