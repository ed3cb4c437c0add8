import type { HealthProblem, HealthStatus } from "@statuslab/contracts";
import { DatabaseUnavailableError, type Repository } from "@statuslab/db";
import { type RateLimitStore, RateLimitStoreUnavailableError } from "@statuslab/rate-limiter";

/** What `/health` found: ready, or which part is down and why. */
export type Readiness =
  | { ready: true; body: HealthStatus }
  | {
      ready: false;
      /** The problem's extension members. */
      parts: Pick<HealthProblem, "database" | "redis" | "reason">;
      /** The problem's detail: the one the failing part gives on every other route. */
      detail: string;
      retryAfterSeconds: number;
    };

type Part = { up: true } | { up: false; reason: string; retryAfterSeconds: number };

// As long as the rate limiter asks a client to wait when its store is down (http/problems.ts).
const REDIS_RETRY_AFTER_SECONDS = 5;

/**
 * Ready means able to serve every route: the database answers a read and would take a write
 * (a locked, full, read-only or deleted database serves reads but fails sign-ups), and the
 * rate-limit store answers when it is a networked one. The parts are checked at once, so the
 * answer takes as long as the slowest: at worst the database's lock timeout.
 */
export async function checkReadiness(repo: Repository, store: RateLimitStore): Promise<Readiness> {
  const pingable = pingableStore(store);
  const [database, redis] = await Promise.all([
    part(async () => {
      await repo.ping();
      await repo.checkWritable();
    }),
    pingable ? part(() => pingable.ping()) : undefined,
  ]);
  const down = [
    database.up ? undefined : `database: ${database.reason}`,
    !redis || redis.up ? undefined : `redis: ${redis.reason}`,
  ].filter((reason) => reason !== undefined);
  if (down.length === 0) {
    return {
      ready: true,
      body: { status: "ok", database: "up", ...(redis && { redis: "up" as const }) },
    };
  }
  const waits = [database, redis].map((p) => (p && !p.up ? p.retryAfterSeconds : 0));
  return {
    ready: false,
    parts: {
      database: database.up ? "up" : "down",
      ...(redis && { redis: redis.up ? "up" : "down" }),
      reason: down.join("; "),
    },
    detail: database.up ? "Rate limiter unavailable" : "Database unavailable",
    retryAfterSeconds: Math.max(...waits),
  };
}

/** RedisStore can say whether Redis answers; MemoryStore has nothing that could be down. */
function pingableStore(store: RateLimitStore): { ping(): Promise<void> } | undefined {
  const { ping } = store as { ping?: unknown };
  return typeof ping === "function" ? { ping: () => ping.call(store) } : undefined;
}

/** Down for the failures the stores name; anything else is a bug, left to the error handler. */
async function part(check: () => Promise<void>): Promise<Part> {
  try {
    await check();
    return { up: true };
  } catch (error) {
    if (error instanceof DatabaseUnavailableError) {
      return { up: false, reason: error.reason, retryAfterSeconds: error.retryAfterSeconds };
    }
    if (error instanceof RateLimitStoreUnavailableError) {
      return { up: false, reason: error.reason, retryAfterSeconds: REDIS_RETRY_AFTER_SECONDS };
    }
    throw error;
  }
}
