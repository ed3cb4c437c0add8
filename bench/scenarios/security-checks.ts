/** Live security checks on the benchmarked API: the fast path must not have dropped any. */
import { createHmac } from "node:crypto";
import { createJwtService } from "@statuslab/auth";
import { openDatabase } from "@statuslab/db";
import { register } from "../lib/api.ts";
import type { Server } from "../lib/proc.ts";

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/**
 * Real requests against `server`, whose tokens are signed with `jwtSecret` and whose users are
 * in the SQLite file `sqliteFile` (another process deletes one there).
 */
export async function securityChecks(
  server: Server,
  jwtSecret: string,
  sqliteFile: string,
): Promise<Check[]> {
  const checks: Check[] = [];
  const me = async (token: string) => {
    const response = await fetch(`${server.url}/users/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await response.json()) as { detail?: string; email?: string };
    return { status: response.status, detail: body.detail ?? body.email ?? "" };
  };
  const expect401 = async (name: string, token: string, detail: string) => {
    const got = await me(token);
    checks.push({
      name,
      ok: got.status === 401 && got.detail === detail,
      detail: `${got.status} ${got.detail}`,
    });
  };
  const jwt = createJwtService({ secret: jwtSecret, accessTokenTtl: 3600 });
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);

  const user = await register(server, `checks-${Date.now()}@example.com`);
  const first = await me(user.token);
  const second = await me(user.token); // served from the verified-token cache
  checks.push({
    name: "a valid token is accepted (twice: the second time from the cache)",
    ok: first.status === 200 && second.status === 200,
    detail: `${first.status}, ${second.status}`,
  });
  await expect401(
    "an expired token (signed with the server's key) → 401 Token expired",
    await jwt.sign(String(user.id), { now: now - 7200, ttl: 60 }),
    "Token expired",
  );
  const [header, payload] = user.token.split(".");
  await expect401(
    "a tampered copy of the cached token → 401",
    `${header}.${b64({ sub: "1", iat: now, exp: now + 600, type: "access" })}.${user.token.split(".")[2]}`,
    "Invalid token",
  );
  await expect401(
    "alg none → 401",
    `${b64({ alg: "none", typ: "JWT" })}.${payload}.`,
    "Invalid token",
  );
  const hs512Input = `${b64({ alg: "HS512", typ: "JWT" })}.${payload}`;
  await expect401(
    "HS512 with the right key → 401 (HS256 pinned)",
    `${hs512Input}.${createHmac("sha512", jwtSecret).update(hs512Input).digest("base64url")}`,
    "Invalid token",
  );
  const noExpInput = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub: String(user.id), iat: now, type: "access" })}`;
  await expect401(
    "a token without exp → 401",
    `${noExpInput}.${createHmac("sha256", jwtSecret).update(noExpInput).digest("base64url")}`,
    "Invalid token",
  );
  const deleted = await fetch(`${server.url}/users/${user.id}`, {
    method: "DELETE",
    headers: { authorization: `Bearer ${user.token}` },
  });
  await deleted.arrayBuffer();
  await expect401(
    "the cached token of a user deleted a moment ago → 401 at once",
    user.token,
    "Could not validate credentials",
  );
  // The server holds a user it has just served; another process deletes them in the file.
  const held = await register(server, `held-${Date.now()}@example.com`);
  await me(held.token);
  await me(held.token);
  const elsewhere = await openDatabase(sqliteFile);
  await elsewhere.repository.deleteUser(held.id);
  await elsewhere.close();
  await expect401(
    "a user just served, then deleted by another process → 401 at once",
    held.token,
    "Could not validate credentials",
  );
  return checks;
}
