import { RedisClient } from "bun";
import { RateLimitStoreUnavailableError } from "./errors.ts";
import { RedisClockOffset } from "./redis-clock.ts";
import { HIT_ALL_SCRIPT, hitAllArgs, hitAllDecisions, hitAllMembers } from "./redis-hit-all.ts";
import { HIT_SCRIPT, LATE, PEEK_SCRIPT } from "./redis-scripts.ts";
import { toDecision } from "./sliding-log.ts";
import type { RateLimitDecision, RateLimitStore, StoreHit } from "./types.ts";
import { assertHitArgs, assertHits } from "./validate.ts";

export interface RedisStoreOptions {
  /** Used only when the store creates its own client. */
  url?: string;
  /**
   * A client to share. The store never closes it and does not touch its settings or handlers;
   * create it with `enableOfflineQueue: false`, or a call made while it is disconnected waits
   * in Bun's queue until this store's timeout gives up on it (a hit sent from there later does
   * nothing: it carries its deadline).
   */
  client?: RedisClient;
  /**
   * Upper bound on each call (connect, script load and decision together). A hit's script must
   * run in Redis a little earlier (a fifth of this, at most 25 ms), so its answer can arrive.
   */
  timeoutMs?: number;
  /** Prepended to every key; give each application (or test run) its own. */
  keyPrefix?: string;
  /**
   * Clock in milliseconds, sent with each call instead of reading Redis `TIME`. For tests and
   * simulations only: processes sharing a Redis must share its clock, so production leaves this
   * unset.
   */
  now?: () => number;
  /** Own client only: how long one connection attempt may take. */
  connectTimeoutMs?: number;
  /** Own client only: Bun's automatic reconnect attempts after a drop, before the store's own. */
  maxRetries?: number;
  /** Own client only: `CLIENT SETNAME` sent on every (re)connect, so operators can find it. */
  clientName?: string;
  /**
   * Own client only: after this many timeouts in a row on a connection that still looks open,
   * drop it and connect afresh. A half-open TCP connection (peer gone without a FIN/RST) or a
   * wedged one would otherwise swallow every later call until the OS gives up on it, which
   * can take many minutes. 0 disables.
   */
  recycleAfterTimeouts?: number;
}

/** A script run by SHA; `sha` is its pending or finished SCRIPT LOAD, reset on failure. */
interface CachedScript {
  readonly source: string;
  sha: Promise<string> | undefined;
}

/**
 * One bounded call. `cancelled` is set when it times out: from then on nothing more is sent for
 * it. A script must have run by `deadline` (performance.now() ms) to count, early enough that
 * its answer can still arrive before the timeout.
 */
interface Call {
  cancelled: boolean;
  readonly deadline: number;
}

const TIMED_OUT: unique symbol = Symbol("timed out");
const MAX_BACKOFF_MS = 2_000;
/** How long before the timeout a hit's deadline falls: time for its answer to come back. */
const MAX_ANSWER_ALLOWANCE_MS = 25;

/**
 * Exact sliding-log store on Redis, through Bun's built-in client: the same decisions as
 * MemoryStore, shared by every process pointed at the same Redis and key prefix.
 *
 * Failure is reported, never hidden: every call settles within `timeoutMs`, either with a
 * decision or with `RateLimitStoreUnavailableError` (invalid arguments still throw RangeError).
 * What to do then (fail closed or open) is the caller's policy; see `guardRateLimiter`.
 *
 * A call that timed out never takes effect afterwards, so a timeout means "not counted": it is
 * not sent once it has timed out (e.g. while waiting for the connection), a hit already sent
 * carries a deadline in Redis's clock past which its script writes nothing (a stalled Redis or
 * network that delivers it later), and a hit admitted in time whose answer came back too late is
 * taken back. A `reset` already sent may still run late: it only forgets.
 *
 * Its own client runs with the offline queue off, so a call made while disconnected fails at
 * once instead of piling up. Bun reconnects by itself after a drop; when Bun has given up
 * (server down longer than its retries) or the first connect failed, the next call starts a
 * fresh attempt, with attempts spaced by a backoff of up to 2 s so an outage is not hammered.
 */
export class RedisStore implements RateLimitStore {
  readonly #client: RedisClient;
  readonly #owned: boolean;
  readonly #timeoutMs: number;
  readonly #prefix: string;
  readonly #now: (() => number) | undefined;
  readonly #recycleAfter: number;
  /** Distinguishes this store's members from other processes' admitted in the same ms. */
  readonly #token = Math.random().toString(36).slice(2, 10);
  #seq = 0;
  readonly #hitScript: CachedScript = { source: HIT_SCRIPT, sha: undefined };
  readonly #peekScript: CachedScript = { source: PEEK_SCRIPT, sha: undefined };
  readonly #hitAllScript: CachedScript = { source: HIT_ALL_SCRIPT, sha: undefined };
  #connecting: Promise<void> | undefined;
  #nextAttemptAt = 0;
  #backoffMs = 0;
  #timeoutsInARow = 0;
  #closed = false;
  readonly #redisClock = new RedisClockOffset();
  #readingClock: Promise<number> | undefined;

  constructor(options: RedisStoreOptions = {}) {
    const {
      timeoutMs = 250,
      keyPrefix = "ratelimit:",
      connectTimeoutMs = 2_000,
      maxRetries = 20,
      clientName = "statuslab-ratelimit",
      recycleAfterTimeouts = 3,
    } = options;
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
    this.#timeoutMs = timeoutMs;
    this.#prefix = keyPrefix;
    this.#now = options.now;
    this.#recycleAfter = recycleAfterTimeouts;
    if (options.client) {
      this.#client = options.client;
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
      this.#client = client;
      this.#owned = true;
    }
  }

  async hit(key: string, limit: number, windowMs: number): Promise<RateLimitDecision> {
    assertHitArgs(limit, windowMs);
    const fullKey = this.#prefix + key;
    const suffix = `${this.#token}:${(++this.#seq).toString(36)}`;
    const args = [fullKey, String(limit), String(windowMs), this.#clockArg(), suffix];
    const reply = await this.#bounded(
      "hit",
      async (call) => {
        const script = this.#hitScript;
        const [offset] = await Promise.all([this.#redisOffset(), this.#loadScript(script)]);
        const deadline = (call.deadline + offset).toFixed(3);
        const answer = await this.#eval(call, script, [...args, deadline]);
        // Every answer, "late" included, ends with the Redis clock: a fresh bound.
        if (Array.isArray(answer)) {
          this.#redisClock.sample(Number(answer.at(-1)), performance.now());
        }
        return answer;
      },
      (late) => this.#takeBack(fullKey, suffix, late),
    );
    if (Array.isArray(reply) && reply[0] === LATE) {
      throw new RateLimitStoreUnavailableError(
        "timeout",
        `Redis ran hit after its deadline (timeout ${this.#timeoutMs} ms); nothing was recorded`,
      );
    }
    return this.#decision("hit", reply, 6, limit, windowMs);
  }

  /**
   * Read-only (see `RateLimitStore.peek`): one atomic round trip through a second script that
   * issues no write, so an unknown key stays absent and a live key keeps its members and TTL.
   */
  async peek(key: string, limit: number, windowMs: number): Promise<RateLimitDecision> {
    assertHitArgs(limit, windowMs);
    const args = [this.#prefix + key, String(limit), String(windowMs), this.#clockArg()];
    const reply = await this.#bounded("peek", (call) => this.#eval(call, this.#peekScript, args));
    return this.#decision("peek", reply, 5, limit, windowMs);
  }

  async reset(key: string): Promise<void> {
    await this.#bounded("reset", () => this.#client.send("DEL", [this.#prefix + key]));
  }

  /**
   * All or nothing (see `RateLimitStore.hitAll`), in one script; bounded like `hit`: past its
   * deadline it records nothing, and an admission whose answer came too late is taken back.
   */
  async hitAll(hits: readonly StoreHit[]): Promise<RateLimitDecision[]> {
    assertHits(hits);
    if (hits.length === 0) return [];
    const keys = hits.map(({ key }) => this.#prefix + key);
    const suffix = `${this.#token}:${(++this.#seq).toString(36)}`;
    const reply = await this.#bounded(
      "hitAll",
      async (call) => {
        const script = this.#hitAllScript;
        const [offset] = await Promise.all([this.#redisOffset(), this.#loadScript(script)]);
        const deadline = (call.deadline + offset).toFixed(3);
        const args = [...keys, this.#clockArg(), suffix, deadline, ...hitAllArgs(hits)];
        const answer = await this.#eval(call, script, args, keys.length);
        if (Array.isArray(answer)) {
          this.#redisClock.sample(Number(answer.at(-1)), performance.now());
        }
        return answer;
      },
      (late) => {
        if (this.#closed) return;
        for (const { key, member } of hitAllMembers(late, keys, suffix)) {
          this.#client.send("ZREM", [key, member]).catch(() => {});
        }
      },
    );
    if (Array.isArray(reply) && reply[0] === LATE) {
      throw new RateLimitStoreUnavailableError(
        "timeout",
        `Redis ran hitAll after its deadline (timeout ${this.#timeoutMs} ms); nothing was recorded`,
      );
    }
    return hitAllDecisions(reply, hits);
  }

  /**
   * See `RateLimitStore.release`: one ZPOPMAX (Redis deletes a set it empties). Like `reset`,
   * one sent before a timeout may still run late: it only forgets.
   */
  async release(key: string): Promise<void> {
    await this.#bounded("release", () => this.#client.send("ZPOPMAX", [this.#prefix + key]));
  }

  /** One bounded PING, for readiness checks; throws RateLimitStoreUnavailableError. */
  async ping(): Promise<void> {
    await this.#bounded("ping", () => this.#client.send("PING", []));
  }

  /** Closes the client if this store created it; a shared client is left to its owner. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#owned) this.#client.close();
  }

  /**
   * Runs op within the timeout. `late` receives what op returns if that comes after the timeout
   * (a hit admitted in time whose answer was held up).
   */
  async #bounded<T>(
    what: string,
    op: (call: Call) => Promise<T>,
    late?: (result: T) => void,
  ): Promise<T> {
    if (this.#closed) {
      throw new RateLimitStoreUnavailableError("closed", `rate-limit store is closed (${what})`);
    }
    const allowance = Math.min(this.#timeoutMs / 5, MAX_ANSWER_ALLOWANCE_MS);
    const call: Call = {
      cancelled: false,
      deadline: performance.now() + this.#timeoutMs - allowance,
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => {
        call.cancelled = true;
        resolve(TIMED_OUT);
      }, this.#timeoutMs);
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
          `Redis did not answer ${what} within ${this.#timeoutMs} ms`,
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

  #clockArg(): string {
    return this.#now ? String(this.#now()) : "";
  }

  #decision(
    what: string,
    reply: unknown,
    length: number,
    limit: number,
    windowMs: number,
  ): RateLimitDecision {
    if (!Array.isArray(reply) || reply.length !== length) {
      throw new RateLimitStoreUnavailableError(
        "server",
        `unexpected reply from the rate-limit ${what} script: ${JSON.stringify(reply)}`,
      );
    }
    const [allowed, count, now, oldest, freeing] = reply.slice(0, 5).map(Number) as [
      number,
      number,
      number,
      number,
      number,
    ];
    return toDecision(allowed === 1, limit, windowMs, now, count, oldest, freeing);
  }

  async #eval(call: Call, script: CachedScript, args: string[], keys = 1): Promise<unknown> {
    const loading = this.#loadScript(script);
    const sha = await loading;
    sendable(call);
    try {
      return await this.#client.evalsha(sha, keys, ...args);
    } catch (error) {
      // The script cache is gone (Redis restarted, failed over, SCRIPT FLUSH): load and retry
      // once. Calls that hit this together share one reload (per script).
      if (!String((error as Error)?.message).startsWith("NOSCRIPT")) throw error;
      if (script.sha === loading) script.sha = undefined;
      const reloaded = await this.#loadScript(script);
      sendable(call);
      return await this.#client.evalsha(reloaded, keys, ...args);
    }
  }

  /** A lower bound of (Redis TIME - performance.now()): the last one, or a fresh TIME. */
  #redisOffset(): Promise<number> {
    const known = this.#redisClock.lowerBound();
    if (known !== undefined) return Promise.resolve(known);
    if (this.#readingClock === undefined) {
      const reading = this.#client.send("TIME", []).then((reply) => {
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

  /**
   * A hit Redis admitted in time whose answer arrived after the caller was told "timeout":
   * remove its entry, so that a timeout never counts. One ZREM, best effort.
   */
  #takeBack(key: string, suffix: string, reply: unknown): void {
    if (this.#closed || !Array.isArray(reply) || Number(reply[0]) !== 1) return;
    this.#client.send("ZREM", [key, `${reply[2]}-${suffix}`]).catch(() => {});
  }

  #loadScript(script: CachedScript): Promise<string> {
    if (script.sha === undefined) {
      const loading = this.#client.script("LOAD", script.source).then(String);
      // A failed load must not stick: the next call tries again.
      loading.catch(() => {
        if (script.sha === loading) script.sha = undefined;
      });
      script.sha = loading;
    }
    return script.sha;
  }

  async #connected(): Promise<void> {
    if (this.#client.connected) return;
    if (this.#connecting === undefined) {
      const wait = this.#nextAttemptAt - performance.now();
      if (wait > 0) {
        throw new RateLimitStoreUnavailableError(
          "connection",
          `Redis is unreachable; next connection attempt in ${Math.ceil(wait)} ms`,
        );
      }
      const attempt = this.#client.connect().then(
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
      this.#client.connected
    ) {
      this.#timeoutsInARow = 0;
      // Rejects whatever is still waiting on the wedged connection; the next call reconnects.
      this.#client.close();
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
