import { expect, test } from "bun:test";
import { createRefreshToken, hashRefreshToken, looksLikeRefreshToken } from "./refresh-token.ts";

test("a refresh token is 256 random bits behind a recognisable prefix", () => {
  const { token } = createRefreshToken();
  expect(token).toMatch(/^slr_[A-Za-z0-9_-]{43}$/);
  expect(Buffer.from(token.slice(4), "base64url")).toHaveLength(32);
  expect(looksLikeRefreshToken(token)).toBe(true);
});

test("tokens never repeat and are stored only as their SHA-256", () => {
  const made = Array.from({ length: 1000 }, () => createRefreshToken());
  expect(new Set(made.map((m) => m.token)).size).toBe(1000);
  const { token, hash } = made[0] ?? createRefreshToken();
  expect(hash).toBe(hashRefreshToken(token));
  expect(hash).not.toContain(token.slice(4));
  expect(Buffer.from(hash, "base64url")).toHaveLength(32);
});

test("JWTs and other strings are not taken for refresh tokens", () => {
  expect(looksLikeRefreshToken("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig")).toBe(false);
  expect(looksLikeRefreshToken("slr_short")).toBe(false);
  expect(looksLikeRefreshToken(`slr_${"a".repeat(43)}x`)).toBe(false);
});
