/** The API as the benchmarks start it, and the one call they all make to it: sign-up. */
import type { Server } from "./proc.ts";

/** Every benchmark user's password. */
export const PASSWORD = "correct horse battery staple";

/** The API's environment: production settings, a database file of the benchmark's own. */
export const apiEnv = (jwtSecret: string, databaseUrl: string) => ({
  NODE_ENV: "production",
  JWT_SECRET: jwtSecret,
  DATABASE_URL: databaseUrl,
  // The longest allowed, so a slow run never sees its token expire mid-round.
  ACCESS_TOKEN_TTL: "3600",
  // Every benchmark sign-up comes from one address: measure hashing, not the per-address limit.
  SIGNUP_RATE_LIMIT: "1000000/1",
});

/** Signs a user up (`POST /users/`) and returns their access token and id. */
export async function register(
  server: Server,
  email: string,
): Promise<{ token: string; id: number }> {
  const response = await fetch(`${server.url}/users/`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  const body = (await response.json()) as { token: string; user: { id: number } };
  if (response.status !== 201) throw new Error(`register on ${server.name}: ${response.status}`);
  return { token: body.token, id: body.user.id };
}
