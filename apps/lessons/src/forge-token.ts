/**
 * What anyone holding a JWT can do without the key: the payload is only base64url, so decode
 * it, change `sub`, encode it again. The signature still covers the old payload, which is how
 * the API tells the forgery.
 */

const decode = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** The payload (the middle part) of a JWT, decoded. */
export function payloadOf(token: string): Record<string, unknown> {
  const part = token.split(".")[1];
  if (part === undefined) throw new Error("not a JWT: no payload part");
  return decode(part);
}

/** What the challenges compare of two tokens: the parts a forger keeps, and the claim changed. */
export interface JwtParts {
  header: string;
  sub: string | undefined;
  signature: string;
}

/** `token`'s header, `sub` and signature, or undefined when it is not a JWT with a JSON payload. */
export function jwtParts(token: string): JwtParts | undefined {
  const [header, , signature, extra] = token.split(".");
  if (!header || !signature || extra !== undefined) return undefined;
  try {
    const { sub } = payloadOf(token);
    return { header, sub: typeof sub === "string" ? sub : undefined, signature };
  } catch {
    return undefined;
  }
}

/** The same token with `sub` changed and the original header and signature kept. */
export function withSubject(token: string, sub: string): string {
  const [header, , signature] = token.split(".");
  if (header === undefined || signature === undefined) throw new Error("not a JWT");
  return [header, encode({ ...payloadOf(token), sub }), signature].join(".");
}

/**
 * What the learner sees before the forged token is sent: the real token's payload and the
 * edited one, decoded. Nothing when the inputs are missing or not a JWT (the step says why).
 */
export function forgeryShown(
  power: { token: string; userId: string },
  vars: Record<string, unknown>,
): string[] {
  const token = vars[power.token];
  const id = vars[power.userId];
  if (typeof token !== "string" || id === undefined) return [];
  try {
    const payload = payloadOf(token);
    return [
      "The token's payload, decoded (base64url, no key needed):",
      `  ${JSON.stringify(payload)}`,
      `Edited to claim user ${id}; header and signature kept:`,
      `  ${JSON.stringify({ ...payload, sub: String(id) })}`,
    ];
  } catch {
    return [];
  }
}

/** The `forge-token` power: sets `into` to the token of variable `token`, claiming `userId`. */
export function forge(
  power: { token: string; userId: string; into: string },
  vars: Record<string, unknown>,
): void {
  const token = vars[power.token];
  const id = vars[power.userId];
  if (typeof token !== "string" || id === undefined) {
    throw new Error(`forge-token: no value for {{${power.token}}} or {{${power.userId}}}`);
  }
  vars[power.into] = withSubject(token, String(id));
}
