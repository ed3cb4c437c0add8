// We use `jose` directly rather than `@elysiajs/jwt`: its `verify` returns `false` for every
// failure (an expired token looks exactly like a tampered one, so the API cannot say "Token
// expired") and it pins no algorithm by default, leaving algorithm choice to the token header.
import { errors, jwtVerify, SignJWT } from "jose";
import { InvalidTokenError, TokenExpiredError, TokenTypeError } from "./errors.ts";

export type AccessTokenClaims = { sub: string; iat: number; exp: number; type: "access" };

export type JwtServiceOptions = {
  /** At least 32 bytes (RFC 7518 §3.2: an HS256 key must be at least as long as the hash). */
  secret: string | Uint8Array;
  /** Lifetime of access tokens, in seconds. */
  accessTokenTtl: number;
  /** Clock in epoch seconds; injectable so expiry can be tested without sleeping. */
  now?: () => number;
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
  // Given raw bytes, jose runs importKey on every sign and verify; a CryptoKey is imported once.
  const key = crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);

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
      .sign(await key);
  }

  async function verify(token: string): Promise<AccessTokenClaims> {
    if (typeof token !== "string" || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
      throw new InvalidTokenError();
    }
    // Awaited outside the try so a key problem surfaces as itself, not as a client's bad token.
    const verificationKey = await key;
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, verificationKey, {
        algorithms: ["HS256"],
        requiredClaims: ["exp", "iat", "sub"],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(clock() * 1000),
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new TokenExpiredError();
      throw new InvalidTokenError();
    }
    // jose checks that exp and iat are numbers but only that sub is present; the typeof tests
    // narrow the types and keep this function safe if the options above are ever loosened.
    const { sub, iat, exp, type } = payload;
    if (typeof sub !== "string" || sub.length === 0) throw new InvalidTokenError();
    if (typeof iat !== "number" || typeof exp !== "number") throw new InvalidTokenError();
    // Checked last, and only on an authentic token: a refresh token must not open the API.
    if (type !== "access") throw new TokenTypeError();
    return { sub, iat, exp, type };
  }

  return { sign, verify };
}

export type JwtService = ReturnType<typeof createJwtService>;

function assertTtl(ttl: number, name: string): number {
  if (!Number.isSafeInteger(ttl) || ttl <= 0) {
    throw new Error(`${name} must be a positive integer number of seconds (got ${ttl})`);
  }
  return ttl;
}
