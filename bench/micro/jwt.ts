/**
 * JWT verification per second, the ways the API could check a bearer token:
 *
 *   bun bench/micro/jwt.ts            # a table
 *   bun bench/micro/jwt.ts --json     # one BENCH_JSON line, for bench/run.ts
 *
 * Every row verifies the same HS256 access token with the same key, one at a time.
 */
import { createJwtService, InvalidTokenError } from "@statuslab/auth";
import { jwtVerify } from "jose";
import { emit, type Measured, measureAsync, measureSync } from "../lib/measure.ts";
import { int } from "../lib/stats.ts";

const secret = new TextEncoder().encode("bench-secret-that-is-at-least-32-bytes-long!!");
const uncached = createJwtService({ secret, accessTokenTtl: 900, verifiedTokenCacheSize: 0 });
const cached = createJwtService({ secret, accessTokenTtl: 900 });
const token = await cached.sign("12345");
const [header, payload] = token.split(".");
const forged = `${header}.${payload}.${"A".repeat(43)}`;
const cryptoKey = await crypto.subtle.importKey(
  "raw",
  secret,
  { name: "HMAC", hash: "SHA-256" },
  false,
  ["verify"],
);
const joseOptions = { algorithms: ["HS256"], requiredClaims: ["exp", "iat", "sub"] };

// Each row must actually verify: a benchmark of a failing call would flatter it.
if ((await jwtVerify(token, secret, joseOptions)).payload.sub !== "12345") throw new Error("jose");
if (uncached.verifySync(token).sub !== "12345") throw new Error("uncached");

const rows: { id: string; label: string; result: Measured }[] = [];
const row = (id: string, label: string, result: Measured) => rows.push({ id, label, result });

row(
  "jose-raw",
  "jose jwtVerify, secret as bytes (key imported on every call; how @elysiajs/jwt calls it)",
  await measureAsync(() => jwtVerify(token, secret, joseOptions), { batch: 16 }),
);
row(
  "jose-key",
  "jose jwtVerify, CryptoKey imported once (the API before this change)",
  await measureAsync(() => jwtVerify(token, cryptoKey, joseOptions), { batch: 16 }),
);
row(
  "hmac",
  "node:crypto HMAC-SHA256 + timingSafeEqual, key imported once, cache off",
  measureSync(() => uncached.verifySync(token)),
);
row(
  "cached",
  "the same, token found in the verified-token cache (the API now)",
  measureSync(() => cached.verifySync(token)),
);
row(
  "forged",
  "forged token (right shape, wrong signature): the 401 path",
  measureSync(() => {
    try {
      cached.verifySync(forged);
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw error;
    }
  }),
);

if (process.argv.includes("--json")) {
  emit(rows.map(({ id, label, result }) => ({ id, label, opsPerSecond: result.median })));
} else {
  for (const { label, result } of rows) {
    console.log(
      `${int(result.median).padStart(12)} verifications/s  ${(1e9 / result.median).toFixed(0).padStart(6)} ns  ${label}`,
    );
  }
}
