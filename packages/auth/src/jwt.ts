// Tokens are signed with `jose` (HS256 pinned). They are verified here, synchronously, with
// node:crypto: HMAC-SHA256 under a key imported once, compared in constant time, then the claims
// checked exactly as `jose.jwtVerify` checked them: every authenticated request verifies one,
// and jose's asynchronous verify cost far more (docs/decisions.md, "Performance").
//
// `@elysiajs/jwt` is not used: its `verify` returns `false` for every failure (an expired token
// looks exactly like a tampered one, so the API could not say "Token expired") and it pins no
// algorithm by default, leaving algorithm choice to the token header.
import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from "node:crypto";
import { SignJWT } from "jose";
import { InvalidTokenError, TokenExpiredError, TokenTypeError } from "./errors.ts";
import { createTokenCache } from "./token-cache.ts";

export type AccessTokenClaims = { sub: string; iat: number; exp: number; type: "access" };

export type JwtServiceOptions = {
  /** At least 32 bytes (RFC 7518 §3.2: an HS256 key must be at least as long as the hash). */
  secret: string | Uint8Array;
  /** Lifetime of access tokens, in seconds. */
  accessTokenTtl: number;
  /** Clock in epoch seconds; injectable so expiry can be tested without sleeping. */
  now?: () => number;
  /**
   * How many verified tokens to remember (least recently used first out); 0 turns the cache off.
   * Only fully verified access tokens are cached, keyed by the whole token and served only
   * before their `exp`.
   */
  verifiedTokenCacheSize?: number;
};

export type SignOptions = { ttl?: number; now?: number; type?: string };

const MIN_SECRET_BYTES = 32;
// Our tokens are ~200 chars; the bound stops a multi-megabyte header from costing us base64 and
// JSON decoding work before the signature has been checked.
export const MAX_TOKEN_LENGTH = 4096;
// Zero: the API is both issuer and verifier, so there is no third party's clock to forgive, and
// instances share NTP time to within milliseconds. Any leeway would only lengthen the life of a
// leaked token past the `exp` we ourselves chose.
const CLOCK_TOLERANCE_SECONDS = 0;
/** ~300 bytes each: a 10,000-token cache is a few MB. */
export const DEFAULT_VERIFIED_TOKEN_CACHE_SIZE = 10_000;

/** The protected header `sign` writes, base64url-encoded: the common case needs no decoding. */
const OWN_HEADER = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");
const BASE64URL = /^[A-Za-z0-9_-]*$/;
/** HMAC-SHA256 is 32 bytes: 43 base64url characters, unpadded. */
const SIGNATURE_LENGTH = 43;
const utf8 = new TextDecoder("utf-8", { fatal: true });

export function createJwtService(options: JwtServiceOptions) {
  const secret =
    typeof options.secret === "string"
      ? new TextEncoder().encode(options.secret)
      : new Uint8Array(options.secret);
  if (secret.byteLength < MIN_SECRET_BYTES) {
    throw new Error(
      `JWT secret must be at least ${MIN_SECRET_BYTES} bytes (got ${secret.byteLength}); ` +
        "generate one with `openssl rand -base64 48`",
    );
  }
  const defaultTtl = assertTtl(options.accessTokenTtl, "accessTokenTtl");
  const clock = options.now ?? (() => Math.floor(Date.now() / 1000));
  // Imported once. Given raw bytes, jose runs importKey on every sign; node:crypto would
  // re-import a raw key on every createHmac.
  const signingKey = crypto.subtle.importKey(
    "raw",
    secret,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const verificationKey: KeyObject = createSecretKey(secret);
  const cache = createTokenCache<AccessTokenClaims>(
    options.verifiedTokenCacheSize ?? DEFAULT_VERIFIED_TOKEN_CACHE_SIZE,
  );

  async function sign(subject: string, signOptions: SignOptions = {}): Promise<string> {
    if (typeof subject !== "string" || subject.length === 0) {
      // verify() would reject such a token, so refuse to mint it.
      throw new Error("JWT subject must be a non-empty string");
    }
    const ttl = signOptions.ttl === undefined ? defaultTtl : assertTtl(signOptions.ttl, "ttl");
    const iat = signOptions.now ?? clock();
    return new SignJWT({ type: signOptions.type ?? "access" })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(subject)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttl)
      .sign(await signingKey);
  }

  /**
   * The whole check, synchronously: shape, signature (constant-time), pinned algorithm, then the
   * claims in jose's order: present (`exp`, `iat`, `sub`), numeric dates, `nbf`, `exp`, and last,
   * only on an authentic token, `type`. Throws the named errors the API maps to its 401 table.
   */
  function verifyUncached(token: string, now: number): AccessTokenClaims {
    const firstDot = token.indexOf(".");
    const secondDot = firstDot === -1 ? -1 : token.indexOf(".", firstDot + 1);
    if (secondDot === -1 || token.indexOf(".", secondDot + 1) !== -1) {
      throw new InvalidTokenError();
    }
    const signature = Buffer.from(token.slice(secondDot + 1), "utf8");
    const expected = createHmac("sha256", verificationKey)
      .update(token.slice(0, secondDot))
      .digest("base64url");
    // Comparing the canonical encodings (not decoded bytes) also refuses any other spelling of
    // the same signature, so one signed token has exactly one accepted form. (UTF-8, so a
    // character beyond ASCII can never pass for one that is.)
    if (
      signature.length !== SIGNATURE_LENGTH ||
      expected.length !== SIGNATURE_LENGTH ||
      !timingSafeEqual(signature, Buffer.from(expected, "latin1"))
    ) {
      throw new InvalidTokenError();
    }
    // The header is read only once the signature holds (cheaper for garbage, and the same
    // tokens pass): only a holder of the key could have written it, and it must still say HS256.
    const header = token.slice(0, firstDot);
    if (header !== OWN_HEADER) checkForeignHeader(header);

    const payload = decodeJsonSegment(token.slice(firstDot + 1, secondDot));
    if (!Object.hasOwn(payload, "exp") || !Object.hasOwn(payload, "iat")) {
      throw new InvalidTokenError();
    }
    const { sub, iat, exp, nbf, type } = payload;
    if (!Object.hasOwn(payload, "sub")) throw new InvalidTokenError();
    if (!isNumericDate(iat) || !isNumericDate(exp)) throw new InvalidTokenError();
    if (nbf !== undefined && (!isNumericDate(nbf) || nbf > now + CLOCK_TOLERANCE_SECONDS)) {
      throw new InvalidTokenError();
    }
    if (exp <= now - CLOCK_TOLERANCE_SECONDS) throw new TokenExpiredError();
    if (typeof sub !== "string" || sub.length === 0) throw new InvalidTokenError();
    // Checked last, and only on an authentic token: a refresh token must not open the API.
    if (type !== "access") throw new TokenTypeError();
    return Object.freeze({ sub, iat, exp, type });
  }

  /** `verify` without the promise, for the request hot path. */
  function verifySync(token: string): AccessTokenClaims {
    if (typeof token !== "string" || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
      throw new InvalidTokenError();
    }
    const now = clock();
    const cached = cache.get(token, now);
    if (cached !== undefined) return cached;
    const claims = verifyUncached(token, now);
    cache.set(token, claims);
    return claims;
  }

  async function verify(token: string): Promise<AccessTokenClaims> {
    return verifySync(token);
  }

  return {
    sign,
    verify,
    verifySync,
    /** How many verified tokens are cached now (for tests and the benchmark). */
    cachedTokens: () => cache.size,
  };
}

/** A protected header other than the one `sign` writes: HS256 and nothing we do not understand. */
function checkForeignHeader(segment: string): void {
  const header = decodeJsonSegment(segment);
  // `crit` names extensions the verifier must understand (RFC 7515 §4.1.11); we understand none.
  if (header.alg !== "HS256" || Object.hasOwn(header, "crit")) throw new InvalidTokenError();
}

/** A base64url segment holding a top-level JSON object (as jose requires), or InvalidTokenError. */
function decodeJsonSegment(segment: string): Record<string, unknown> {
  if (!BASE64URL.test(segment)) throw new InvalidTokenError();
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(Buffer.from(segment, "base64url")));
  } catch {
    throw new InvalidTokenError();
  }
  if (!isPlainObject(value)) throw new InvalidTokenError();
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === null || prototype === Object.prototype;
}

/** A JSON number that is a date (JSON can spell Infinity as 1e999; such a token never expires). */
function isNumericDate(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

export type JwtService = ReturnType<typeof createJwtService>;

function assertTtl(ttl: number, name: string): number {
  if (!Number.isSafeInteger(ttl) || ttl <= 0) {
    throw new Error(`${name} must be a positive integer number of seconds (got ${ttl})`);
  }
  return ttl;
}
