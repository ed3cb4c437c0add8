import { RedisClient } from "bun";

/** The Redis the benchmarks use: REDIS_URL, or the local default the tests use too. */
export const REDIS_URL = Bun.env.REDIS_URL || "redis://127.0.0.1:6379";

/**
 * The server's version, or `undefined` when it cannot be reached within a second: the Redis rows
 * are then skipped (and said so) instead of the whole benchmark failing.
 */
export async function redisVersion(url = REDIS_URL): Promise<string | undefined> {
  const client = new RedisClient(url, {
    enableOfflineQueue: false,
    autoReconnect: false,
    connectionTimeout: 1_000,
  });
  try {
    await client.connect();
    const info = (await client.send("INFO", ["server"])) as string;
    return info.match(/redis_version:(\S+)/)?.[1] ?? "unknown";
  } catch {
    return undefined;
  } finally {
    client.close();
  }
}
