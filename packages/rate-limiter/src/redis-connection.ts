import { RedisClient } from "bun";
import { RateLimitStoreUnavailableError } from "./errors.ts";
import { RedisClockOffset } from "./redis-clock.ts";

/** What `RedisConnection` needs of `RedisStoreOptions`, defaults applied. */
export interface ConnectionOptions {
  url: string | undefined;
  client: RedisClient | undefined;
  timeoutMs: number;
  connectTimeoutMs: number;
  maxRetries: number;
  clientName: string;
  recycleAfterTimeouts: number;
}

/** A script run by SHA; `sha` is its pending or finished SCRIPT LOAD, reset on failure. */
export interface CachedScript {
  readonly source: string;
  sha: Promise<string> | undefined;
}

export const cachedScript = (source: string): CachedScript => ({ source, sha: undefined });

/**
 * One bounded call. `cancelled` is set when it times out: from then on nothing more is sent for
 * it. A script must have run by `deadline` (performance.now() ms) to count, early enough that
 * its answer can still arrive before the timeout.
 */
export interface Call {
  cancelled: boolean;
  readonly deadline: number;
}

const TIMED_OUT: unique symbol = Symbol("timed out");
const MAX_BACKOFF_MS = 2_000;
/** How long before the timeout a hit's deadline falls: time for its answer to come back. */
const MAX_ANSWER_ALLOWANCE_MS = 25;

/**
 * `RedisStore`'s line to Redis: every call bounded by the timeout, connecting afresh with a
 * backoff when Bun has given up, a wedged connection recycled, scripts run by SHA and reloaded
 * on `NOSCRIPT`, and a lower bound of Redis's clock for the hits' deadlines.
 */
export class RedisConnection {
  readonly client: RedisClient;
  readonly timeoutMs: number;
  readonly #owned: boolean;
  readonly #recycleAfter: number;
  #connecting: Promise<void> | undefined;
  #nextAttemptAt = 0;
  #backoffMs = 0;
  #timeoutsInARow = 0;
  #closed = false;
  readonly #redisClock = new RedisClockOffset();
  #readingClock: Promise<number> | undefined;

  constructor(options: ConnectionOptions) {
    const { timeoutMs, connectTimeoutMs, maxRetries, clientName, recycleAfterTimeouts } = options;
    positive("timeoutMs", timeoutMs);
    positive("connectTimeoutMs", connectTimeoutMs);
    if (!Number.isSafeInteger(maxRetries) || maxRetries < 0) {
      throw new RangeError(`maxRetries must be an integer >= 0, got ${maxRetries}`);
    }
    if (!Number.isSafeInteger(recycleAfterTimeouts) || recycleAfterTimeouts < 0) {
      throw new RangeError(
        `recycleAfterTimeouts must be an integer >= 0, got ${recycleAfterTimeouts}`,
      );
    }
    // Redis refuses names with spaces or newlines; better to learn it here than on connect.
    if (!/^[!-~]+$/.test(clientName)) {
      throw new RangeError(`clientName must be printable ASCII without spaces: ${clientName}`);
    }
    this.timeoutMs = timeoutMs;
    this.#recycleAfter = recycleAfterTimeouts;
    if (options.client) {
      this.client = options.client;
      this.#owned = false;
    } else {
      const url = options.url ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
      const client = new RedisClient(url, {
        enableOfflineQueue: false,
        autoReconnect: true,
        maxRetries,
        connectionTimeout: connectTimeoutMs,
      });
      client.onconnect = () => {
        client.send("CLIENT", ["SETNAME", clientName]).catch(() => {});
      };
      this.client = client;
      this.#owned = true;
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Closes the client if this connection created it; a shared client is left to its owner. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#owned) this.client.close();
  }

  /**
   * Runs op within the timeout. `late` receives what op returns if that comes after the timeout
   * (a hit admitted in time whose answer was held up).
   */
  async bounded<T>(
    what: string,
    op: (call: Call) => Promise<T>,
    late?: (result: T) => void,
  ): Promise<T> {
    if (this.#closed) {
      throw new RateLimitStoreUnavailableError("closed", `rate-limit store is closed (${what})`);
    }
    const allowance = Math.min(this.timeoutMs / 5, MAX_ANSWER_ALLOWANCE_MS);
    const call: Call = {
      cancelled: false,
      deadline: performance.now() + this.timeoutMs - allowance,
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => {
        call.cancelled = true;
        resolve(TIMED_OUT);
      }, this.timeoutMs);
    });
    try {
      const work = (async () => {
        await this.#connected();
        sendable(call);
        return op(call);
      })();
      const result = await Promise.race([work, timeout]);
      if (result === TIMED_OUT) {
        if (late) work.then(late, () => {});
        this.#timedOut();
        throw new RateLimitStoreUnavailableError(
          "timeout",
          `Redis did not answer ${what} within ${this.timeoutMs} ms`,
        );
      }
      this.#timeoutsInARow = 0;
      return result;
    } catch (error) {
      throw unavailable(error, what);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Runs a script for a call that has not timed out. When the script cache is gone (Redis
   * restarted, failed over, SCRIPT FLUSH) it is loaded again and run once more; calls that
   * meet this together share one reload (per script).
   */
  async eval(call: Call, script: CachedScript, args: string[], keys = 1): Promise<unknown> {
    const loading = this.loadScript(script);
    const sha = await loading;
    sendable(call);
    try {
      return await this.client.evalsha(sha, keys, ...args);
    } catch (error) {
      if (!String((error as Error)?.message).startsWith("NOSCRIPT")) throw error;
      if (script.sha === loading) script.sha = undefined;
      const reloaded = await this.loadScript(script);
      sendable(call);
      return await this.client.evalsha(reloaded, keys, ...args);
    }
  }

  loadScript(script: CachedScript): Promise<string> {
    if (script.sha === undefined) {
      const loading = this.client.script("LOAD", script.source).then(String);
      // A failed load must not stick: the next call tries again.
      loading.catch(() => {
        if (script.sha === loading) script.sha = undefined;
      });
      script.sha = loading;
    }
    return script.sha;
  }

  /** A script's answer ends with the Redis clock ("late" ones too): a fresh bound. */
  sampleClock(answer: unknown): void {
    if (Array.isArray(answer)) this.#redisClock.sample(Number(answer.at(-1)), performance.now());
  }

  /** A lower bound of (Redis TIME - performance.now()): the last one, or a fresh TIME. */
  redisOffset(): Promise<number> {
    const known = this.#redisClock.lowerBound();
    if (known !== undefined) return Promise.resolve(known);
    if (this.#readingClock === undefined) {
      const reading = this.client.send("TIME", []).then((reply) => {
        const [sec, usec] = (Array.isArray(reply) ? reply : []).map(Number);
        this.#redisClock.sample(Number(sec) * 1000 + Number(usec) / 1000, performance.now());
        const low = this.#redisClock.lowerBound();
        if (low === undefined) {
          throw new RateLimitStoreUnavailableError(
            "server",
            `unexpected reply to TIME: ${JSON.stringify(reply)}`,
          );
        }
        return low;
      });
      this.#readingClock = reading;
      reading
        .finally(() => {
          if (this.#readingClock === reading) this.#readingClock = undefined;
        })
        .catch(() => {});
    }
    return this.#readingClock;
  }

  async #connected(): Promise<void> {
    if (this.client.connected) return;
    if (this.#connecting === undefined) {
      const wait = this.#nextAttemptAt - performance.now();
      if (wait > 0) {
        throw new RateLimitStoreUnavailableError(
          "connection",
          `Redis is unreachable; next connection attempt in ${Math.ceil(wait)} ms`,
        );
      }
      const attempt = this.client.connect().then(
        () => {
          this.#backoffMs = 0;
        },
        (error: unknown) => {
          this.#backoffMs = Math.min(Math.max(this.#backoffMs * 2, 100), MAX_BACKOFF_MS);
          this.#nextAttemptAt = performance.now() + this.#backoffMs;
          throw error;
        },
      );
      this.#connecting = attempt;
      // Callers may have timed out and stopped listening; the attempt still settles quietly.
      attempt
        .finally(() => {
          if (this.#connecting === attempt) this.#connecting = undefined;
        })
        .catch(() => {});
    }
    await this.#connecting;
  }

  #timedOut(): void {
    this.#timeoutsInARow++;
    if (
      this.#owned &&
      this.#recycleAfter > 0 &&
      this.#timeoutsInARow >= this.#recycleAfter &&
      this.client.connected
    ) {
      this.#timeoutsInARow = 0;
      // Rejects whatever is still waiting on the wedged connection; the next call reconnects.
      this.client.close();
    }
  }
}

/** Nothing more is sent for a call that has timed out. */
function sendable(call: Call): void {
  if (call.cancelled) {
    throw new RateLimitStoreUnavailableError("timeout", "timed out before it was sent");
  }
}

function positive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a finite number > 0, got ${value}`);
  }
}

function unavailable(error: unknown, what: string): Error {
  if (error instanceof RateLimitStoreUnavailableError || error instanceof RangeError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return new RateLimitStoreUnavailableError(
    code === "ERR_REDIS_SERVER_ERROR" ? "server" : "connection",
    `Redis ${what} failed: ${message}`,
    { cause: error },
  );
}
