import { createHash, randomBytes } from "node:crypto";

/**
 * Refresh tokens are opaque random strings, not JWTs: only the database can say whether one
 * is still good (spent, revoked, expired), so nothing would be gained by signing them. The
 * prefix lets a secret scanner spot a leaked one, and lets the API recognise one sent as a
 * bearer token.
 */
const PREFIX = "slr_";
const RANDOM_BYTES = 32; // 256 bits: far past the 128 a guess would have to beat.
const SHAPE = /^slr_[A-Za-z0-9_-]{43}$/;

export function createRefreshToken(): { token: string; hash: string } {
  const token = PREFIX + randomBytes(RANDOM_BYTES).toString("base64url");
  return { token, hash: hashRefreshToken(token) };
}

/**
 * Stored instead of the token. A fast hash is enough: with 256 random bits there is nothing
 * to brute-force, unlike a password, so argon2id would only cost time on every refresh.
 */
export function hashRefreshToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

export function looksLikeRefreshToken(token: string): boolean {
  return SHAPE.test(token);
}
