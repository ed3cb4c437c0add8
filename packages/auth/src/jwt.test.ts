import { describe, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import fc from "fast-check";
import { generateKeyPair, SignJWT, UnsecuredJWT } from "jose";
import {
  AuthError,
  InvalidTokenError,
  MissingCredentialsError,
  TokenExpiredError,
  TokenTypeError,
} from "./errors.ts";
import { createJwtService, MAX_TOKEN_LENGTH } from "./jwt.ts";

const SECRET = "s".repeat(32);
const KEY = new TextEncoder().encode(SECRET);
const TTL = 1800;
const NOW = 1_700_000_000;

const service = (secret: string | Uint8Array = SECRET) =>
  createJwtService({ secret, accessTokenTtl: TTL, now: () => NOW });

const b64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");
const json = (segment: string) => JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));

/** Signs with the service's key but lets a test choose exactly which claims are present. */
function forge(claims: Record<string, unknown>, alg = "HS256", key: Uint8Array = KEY) {
  return new SignJWT(claims).setProtectedHeader({ alg, typ: "JWT" }).sign(key);
}

const valid = { sub: "alice@example.com", iat: NOW, exp: NOW + TTL, type: "access" as const };
const without = (claim: keyof typeof valid) => {
  const { [claim]: _, ...rest } = valid;
  return rest;
};

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("sign / verify", () => {
  test("round trip returns the claims with exp - iat === ttl", async () => {
    const jwt = service();
    const claims = await jwt.verify(await jwt.sign("alice@example.com"));
    expect(claims).toEqual({ sub: "alice@example.com", iat: NOW, exp: NOW + TTL, type: "access" });
    expect(claims.exp - claims.iat).toBe(TTL);
  });

  test("per-token ttl and issue time override the defaults", async () => {
    const jwt = service();
    const claims = await jwt.verify(await jwt.sign("bob", { ttl: 60, now: NOW - 10 }));
    expect(claims.iat).toBe(NOW - 10);
    expect(claims.exp - claims.iat).toBe(60);
  });

  test("header is exactly HS256/JWT and the payload carries type access", async () => {
    const [header, payload] = (await service().sign("alice")).split(".");
    expect(json(header ?? "")).toEqual({ alg: "HS256", typ: "JWT" });
    expect(json(payload ?? "")).toEqual({ type: "access", sub: "alice", iat: NOW, exp: NOW + TTL });
  });

  test("the default clock is wall-clock epoch seconds", async () => {
    const jwt = createJwtService({ secret: SECRET, accessTokenTtl: TTL });
    const before = Math.floor(Date.now() / 1000);
    const { iat } = await jwt.verify(await jwt.sign("alice"));
    expect(iat).toBeGreaterThanOrEqual(before);
    expect(iat).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  test("accepts a standard HS256 JWT built by hand, so the forgeries below are well-formed", async () => {
    const input = `${b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${b64url(JSON.stringify(valid))}`;
    const mac = createHmac("sha256", SECRET).update(input).digest("base64url");
    expect(await service().verify(`${input}.${mac}`)).toEqual(valid);
  });

  test("a token from one instance verifies on another with the same secret", async () => {
    const token = await service(SECRET).sign("alice");
    expect((await service(new TextEncoder().encode(SECRET)).verify(token)).sub).toBe("alice");
  });

  test("expiry is exact: valid one second before exp, expired at exp", async () => {
    let now = NOW;
    const jwt = createJwtService({ secret: SECRET, accessTokenTtl: TTL, now: () => now });
    const token = await jwt.sign("alice");
    now = NOW + TTL - 1;
    expect((await jwt.verify(token)).sub).toBe("alice");
    now = NOW + TTL;
    expect(await rejection(jwt.verify(token))).toBeInstanceOf(TokenExpiredError);
  });

  test("refuses to mint a token it would later reject", async () => {
    const jwt = service();
    await expect(jwt.sign("")).rejects.toThrow(/subject must be a non-empty string/);
    await expect(jwt.sign("a", { ttl: 0 })).rejects.toThrow(/ttl must be a positive integer/);
    await expect(jwt.sign("a", { ttl: 1.5 })).rejects.toThrow(/ttl must be a positive integer/);
  });
});

describe("secret length", () => {
  test("31 bytes is refused at creation with a clear message", () => {
    expect(() => service("s".repeat(31))).toThrow(/at least 32 bytes/);
    expect(() => service(new Uint8Array(31))).toThrow(/at least 32 bytes/);
  });

  test("32 bytes is accepted", () => {
    expect(() => service("s".repeat(32))).not.toThrow();
    expect(() => service(new Uint8Array(32))).not.toThrow();
  });

  test("a multibyte string is measured in UTF-8 bytes, not characters", () => {
    // "é" is 2 bytes: 16 chars = 32 bytes passes, 15 chars = 30 bytes fails.
    expect(() => service("é".repeat(16))).not.toThrow();
    expect(() => service("é".repeat(15))).toThrow(/at least 32 bytes/);
    // 8 emoji = 16 UTF-16 code units but 32 bytes.
    expect(() => service("🔑".repeat(8))).not.toThrow();
  });

  test("a non-positive or fractional ttl is refused at creation", () => {
    for (const accessTokenTtl of [0, -1, 1.5, Number.NaN]) {
      expect(() => createJwtService({ secret: SECRET, accessTokenTtl })).toThrow(/accessTokenTtl/);
    }
  });
});

describe("forged and malformed tokens", () => {
  const cases: Array<[string, () => Promise<string>, new () => AuthError]> = [
    ["signed with a different key", () => service("x".repeat(32)).sign("alice"), InvalidTokenError],
    ["HS512 with the same key", () => forge(valid, "HS512"), InvalidTokenError],
    ["HS384 with the same key", () => forge(valid, "HS384"), InvalidTokenError],
    [
      "RS256",
      async () => {
        const { privateKey } = await generateKeyPair("RS256");
        return new SignJWT(valid).setProtectedHeader({ alg: "RS256" }).sign(privateKey);
      },
      InvalidTokenError,
    ],
    ["alg none via UnsecuredJWT", async () => new UnsecuredJWT(valid).encode(), InvalidTokenError],
    [
      "alg none hand-built as header.payload.",
      async () =>
        `${b64url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${b64url(JSON.stringify(valid))}.`,
      InvalidTokenError,
    ],
    [
      "alg none carrying the real HS256 signature",
      async () => {
        const [, payload, signature] = (await service().sign("alice")).split(".");
        return `${b64url(JSON.stringify({ alg: "none" }))}.${payload}.${signature}`;
      },
      InvalidTokenError,
    ],
    ["no exp", () => forge(without("exp")), InvalidTokenError],
    ["no iat", () => forge(without("iat")), InvalidTokenError],
    ["no sub", () => forge(without("sub")), InvalidTokenError],
    ["numeric sub", () => forge({ ...valid, sub: 42 }), InvalidTokenError],
    ["empty sub", () => forge({ ...valid, sub: "" }), InvalidTokenError],
    ["string exp", () => forge({ ...valid, exp: String(NOW + TTL) }), InvalidTokenError],
    ["expired", () => service().sign("alice", { now: NOW - TTL - 1 }), TokenExpiredError],
    ["expired long ago", () => service().sign("alice", { now: 0 }), TokenExpiredError],
    [
      "tampered payload (sub flipped, signature kept)",
      async () => {
        const [header, payload, signature] = (await service().sign("alice")).split(".");
        const claims = { ...json(payload ?? ""), sub: "admin" };
        return `${header}.${b64url(JSON.stringify(claims))}.${signature}`;
      },
      InvalidTokenError,
    ],
    [
      "hand-rolled HMAC-SHA256 with the wrong key",
      async () => {
        const input = `${b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${b64url(JSON.stringify(valid))}`;
        const mac = createHmac("sha256", "y".repeat(32)).update(input).digest("base64url");
        return `${input}.${mac}`;
      },
      InvalidTokenError,
    ],
    [
      "signature truncated",
      async () => (await service().sign("alice")).slice(0, -5),
      InvalidTokenError,
    ],
    [
      "signature segment dropped",
      async () => (await service().sign("alice")).split(".").slice(0, 2).join("."),
      InvalidTokenError,
    ],
    [
      "cut in the payload",
      async () => (await service().sign("alice")).slice(0, 50),
      InvalidTokenError,
    ],
    ["extra segment", async () => `${await service().sign("alice")}.x`, InvalidTokenError],
    ["empty string", async () => "", InvalidTokenError],
    ["garbage", async () => "not a jwt", InvalidTokenError],
    ["three dots", async () => "...", InvalidTokenError],
    [
      "base64 of garbage",
      async () => `${b64url("{")}.${b64url("[]")}.${b64url("x")}`,
      InvalidTokenError,
    ],
    [
      "authentic but longer than the bound",
      () => forge({ ...valid, pad: "p".repeat(MAX_TOKEN_LENGTH) }),
      InvalidTokenError,
    ],
    ["type refresh", () => service().sign("alice", { type: "refresh" }), TokenTypeError],
    ["type claim absent", () => forge(without("type")), TokenTypeError],
    [
      "type refresh under a wrong key (signature is checked before type)",
      () => service("x".repeat(32)).sign("alice", { type: "refresh" }),
      InvalidTokenError,
    ],
  ];

  test.each(cases)("%s", async (_, makeToken, expected) => {
    const token = await makeToken();
    const error = await rejection(service().verify(token));
    expect(error).toBeInstanceOf(expected);
    expect(error.name).toBe(expected.name);
    if (token.length > 0) expect(error.message).not.toContain(token);
  });

  test("a non-string from untyped callers is an invalid token, not a crash", async () => {
    for (const input of [undefined, null, 42, {}]) {
      expect(await rejection(service().verify(input as unknown as string))).toBeInstanceOf(
        InvalidTokenError,
      );
    }
  });
});

describe("properties", () => {
  const messages = new Set(
    [MissingCredentialsError, InvalidTokenError, TokenExpiredError, TokenTypeError].map(
      (E) => new E().message,
    ),
  );
  const segment = fc.string({ unit: fc.constantFrom(..."AZaz09-_"), maxLength: 80 });
  const jwtShaped = fc.tuple(segment, segment, segment).map((parts) => parts.join("."));
  const anyString = fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), jwtShaped);

  test("random strings only ever produce an InvalidTokenError with a fixed message", async () => {
    const jwt = service();
    await fc.assert(
      fc.asyncProperty(anyString, async (token) => {
        const error = await rejection(jwt.verify(token));
        expect(error).toBeInstanceOf(InvalidTokenError);
        expect(messages.has(error.message)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  test("error messages never contain the token, even for authentic-looking ones", async () => {
    const jwt = service();
    const token = fc.oneof(
      fc.string({ minLength: 16 }),
      fc
        .tuple(fc.string({ minLength: 1 }), fc.constantFrom("refresh", "access"))
        .map(([sub, type]) => ({ sub, type })),
    );
    await fc.assert(
      fc.asyncProperty(token, async (input) => {
        const jws =
          typeof input === "string"
            ? input
            : await jwt.sign(input.sub, { type: input.type, now: NOW - 2 * TTL });
        const error = await rejection(jwt.verify(jws));
        expect(error).toBeInstanceOf(AuthError);
        expect(error.message).not.toContain(jws);
        expect(String(error)).not.toContain(jws);
      }),
      { numRuns: 200 },
    );
  });

  test("any non-empty subject round-trips unchanged", async () => {
    const jwt = service();
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 200, unit: "grapheme" }),
        async (sub) => {
          expect((await jwt.verify(await jwt.sign(sub))).sub).toBe(sub);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("the synchronous verifier matches jose on edge cases", () => {
  const handBuilt = (header: string, payload: string, key = SECRET) => {
    const input = `${b64url(header)}.${b64url(payload)}`;
    return `${input}.${createHmac("sha256", key).update(input).digest("base64url")}`;
  };

  test("another HS256 header (a kid, no typ) is accepted", async () => {
    const token = await new SignJWT(valid)
      .setProtectedHeader({ alg: "HS256", kid: "k1" })
      .sign(KEY);
    expect(await service().verify(token)).toEqual(valid);
  });

  const refused: Array<[string, () => string | Promise<string>, new () => AuthError]> = [
    [
      "a crit header (an extension we do not understand)",
      () => handBuilt('{"alg":"HS256","crit":["x-ours"],"x-ours":1}', JSON.stringify(valid)),
      InvalidTokenError,
    ],
    [
      "a header that is an array",
      () => handBuilt('["HS256"]', JSON.stringify(valid)),
      InvalidTokenError,
    ],
    ["a payload that is an array", () => handBuilt('{"alg":"HS256"}', "[1]"), InvalidTokenError],
    ["a payload that is not JSON", () => handBuilt('{"alg":"HS256"}', "{"), InvalidTokenError],
    [
      "a payload that is not UTF-8",
      () => {
        const input = `${b64url('{"alg":"HS256"}')}.${Buffer.from([0x7b, 0xff, 0x7d]).toString("base64url")}`;
        return `${input}.${createHmac("sha256", SECRET).update(input).digest("base64url")}`;
      },
      InvalidTokenError,
    ],
    [
      "exp written as 1e999 (Infinity: a token that would never expire)",
      () =>
        handBuilt('{"alg":"HS256"}', `{"sub":"alice","iat":${NOW},"exp":1e999,"type":"access"}`),
      InvalidTokenError,
    ],
    ["nbf in the future", () => forge({ ...valid, nbf: NOW + 1 }), InvalidTokenError],
    ["nbf not a number", () => forge({ ...valid, nbf: "now" }), InvalidTokenError],
    ["iat not a number", () => forge({ ...valid, iat: "yesterday" }), InvalidTokenError],
    [
      "the same signature spelled differently (spare bits of the last character set)",
      async () => {
        const token = await service().sign("alice");
        const last = token.at(-1) ?? "A";
        const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        // 32 bytes are 43 characters; the last one carries 4 data bits and 2 unused ones.
        const sibling = alphabet[alphabet.indexOf(last) ^ 1] ?? last;
        expect(Buffer.from(token.slice(-43), "base64url")).toEqual(
          Buffer.from(token.slice(-43, -1) + sibling, "base64url"),
        );
        return token.slice(0, -1) + sibling;
      },
      InvalidTokenError,
    ],
    ["a padded signature", async () => `${await service().sign("alice")}=`, InvalidTokenError],
    [
      "a signature character swapped for one with the same low byte (U+0141 for A)",
      async () => {
        const token = await service().sign("alice");
        const i = token.length - 10;
        return `${token.slice(0, i)}${String.fromCharCode(token.charCodeAt(i) + 256)}${token.slice(i + 1)}`;
      },
      InvalidTokenError,
    ],
  ];

  test.each(refused)("%s is refused", async (_, makeToken, expected) => {
    const error = await rejection(service().verify(await makeToken()));
    expect(error).toBeInstanceOf(expected);
    expect(error.name).toBe(expected.name);
  });

  test("nbf in the past is fine", async () => {
    const token = await forge({ ...valid, nbf: NOW });
    expect((await service().verify(token)).sub).toBe("alice@example.com");
  });

  test("verifySync answers as verify does, without a promise", async () => {
    const jwt = service();
    const token = await jwt.sign("alice");
    expect(jwt.verifySync(token)).toEqual(await jwt.verify(token));
    expect(() => jwt.verifySync("not.a.jwt")).toThrow(InvalidTokenError);
  });
});

describe("the verified-token cache", () => {
  test("a token verified once is served from the cache, with the same frozen claims", async () => {
    const jwt = service();
    const token = await jwt.sign("alice");
    const first = await jwt.verify(token);
    expect(jwt.cachedTokens()).toBe(1);
    const second = await jwt.verify(token);
    expect(second).toBe(first);
    expect(Object.isFrozen(second)).toBe(true);
    expect(jwt.cachedTokens()).toBe(1);
  });

  test("expiry is honoured for a cached token: expired exactly at exp", async () => {
    let now = NOW;
    const jwt = createJwtService({ secret: SECRET, accessTokenTtl: TTL, now: () => now });
    const token = await jwt.sign("alice");
    expect((await jwt.verify(token)).sub).toBe("alice");
    now = NOW + TTL - 1;
    expect((await jwt.verify(token)).sub).toBe("alice");
    now = NOW + TTL;
    expect(await rejection(jwt.verify(token))).toBeInstanceOf(TokenExpiredError);
    expect(jwt.cachedTokens()).toBe(0);
  });

  test("a tampered copy of a cached token is not served from the cache", async () => {
    const jwt = service();
    const token = await jwt.sign("alice");
    await jwt.verify(token);
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const tampered = [
      `${header}.${b64url(JSON.stringify({ ...json(payload), sub: "admin" }))}.${signature}`,
      `${header}.${payload}.${signature.slice(0, -2)}${signature.at(-2) === "A" ? "B" : "A"}${signature.at(-1)}`,
      `${header}.${payload}.${signature}x`,
      ` ${token}`,
      `${token.slice(0, -1)}`,
    ];
    for (const copy of tampered) {
      expect(await rejection(jwt.verify(copy))).toBeInstanceOf(InvalidTokenError);
    }
    expect(jwt.cachedTokens()).toBe(1);
  });

  test("only successes are cached: forged, expired and refresh tokens never are", async () => {
    const jwt = service();
    const tokens = [
      "not.a.jwt",
      await service("x".repeat(32)).sign("alice"),
      await jwt.sign("alice", { now: NOW - TTL - 1 }),
      await jwt.sign("alice", { type: "refresh" }),
    ];
    for (const token of tokens) {
      for (let i = 0; i < 2; i++) await rejection(jwt.verify(token));
    }
    expect(jwt.cachedTokens()).toBe(0);
  });

  test("bounded: past its size the least recently used token is dropped and simply re-verified", async () => {
    const jwt = createJwtService({
      secret: SECRET,
      accessTokenTtl: TTL,
      now: () => NOW,
      verifiedTokenCacheSize: 3,
    });
    const tokens = await Promise.all(["a", "b", "c", "d", "e"].map((sub) => jwt.sign(sub)));
    for (const token of tokens) await jwt.verify(token);
    expect(jwt.cachedTokens()).toBe(3);
    expect((await jwt.verify(tokens[0] as string)).sub).toBe("a");
    expect(jwt.cachedTokens()).toBe(3);
  });

  test("size 0 turns the cache off; verification is unchanged", async () => {
    const jwt = createJwtService({
      secret: SECRET,
      accessTokenTtl: TTL,
      now: () => NOW,
      verifiedTokenCacheSize: 0,
    });
    const token = await jwt.sign("alice");
    expect((await jwt.verify(token)).sub).toBe("alice");
    expect((await jwt.verify(token)).sub).toBe("alice");
    expect(jwt.cachedTokens()).toBe(0);
  });

  test("another service (another secret) has its own cache", async () => {
    const jwt = service();
    const token = await jwt.sign("alice");
    await jwt.verify(token);
    expect(await rejection(service("y".repeat(32)).verify(token))).toBeInstanceOf(
      InvalidTokenError,
    );
  });
});
