import type { RedisClient } from "bun";
import { RateLimitStoreUnavailableError } from "./errors.ts";
import { cachedScript, RedisConnection } from "./redis-connection.ts";
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
 * fresh attempt, with attempts spaced by a backoff of up to 2 s so an outage is not hammered
 * (all of it in `RedisConnection`).
 */
export class RedisStore implements RateLimitStore {
  readonly #redis: RedisConnection;
  readonly #prefix: string;
  readonly #now: (() => number) | undefined;
  /** Distinguishes this store's members from other processes' admitted in the same ms. */
  readonly #token = Math.random().toString(36).slice(2, 10);
  #seq = 0;
  readonly #hitScript = cachedScript(HIT_SCRIPT);
  readonly #peekScript = cachedScript(PEEK_SCRIPT);
  readonly #hitAllScript = cachedScript(HIT_ALL_SCRIPT);

  constructor(options: RedisStoreOptions = {}) {
    const {
      timeoutMs = 250,
      keyPrefix = "ratelimit:",
      connectTimeoutMs = 2_000,
      maxRetries = 20,
      clientName = "statuslab-ratelimit",
      recycleAfterTimeouts = 3,
    } = options;
    this.#redis = new RedisConnection({
      url: options.url,
      client: options.client,
      timeoutMs,
      connectTimeoutMs,
      maxRetries,
      clientName,
      recycleAfterTimeouts,
    });
    this.#prefix = keyPrefix;
    this.#now = options.now;
  }

  async hit(key: string, limit: number, windowMs: number): Promise<RateLimitDecision> {
    assertHitArgs(limit, windowMs);
    const redis = this.#redis;
    const fullKey = this.#prefix + key;
    const suffix = `${this.#token}:${(++this.#seq).toString(36)}`;
    const args = [fullKey, String(limit), String(windowMs), this.#clockArg(), suffix];
    const reply = await redis.bounded(
      "hit",
      async (call) => {
        const script = this.#hitScript;
        const [offset] = await Promise.all([redis.redisOffset(), redis.loadScript(script)]);
        const deadline = (call.deadline + offset).toFixed(3);
        const answer = await redis.eval(call, script, [...args, deadline]);
        redis.sampleClock(answer);
        return answer;
      },
      (late) => this.#takeBack(fullKey, suffix, late),
    );
    if (Array.isArray(reply) && reply[0] === LATE) {
      throw new RateLimitStoreUnavailableError(
        "timeout",
        `Redis ran hit after its deadline (timeout ${redis.timeoutMs} ms); nothing was recorded`,
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
    const reply = await this.#redis.bounded("peek", (call) =>
      this.#redis.eval(call, this.#peekScript, args),
    );
    return this.#decision("peek", reply, 5, limit, windowMs);
  }

  async reset(key: string): Promise<void> {
    await this.#redis.bounded("reset", () => this.#redis.client.send("DEL", [this.#prefix + key]));
  }

  /**
   * All or nothing (see `RateLimitStore.hitAll`), in one script; bounded like `hit`: past its
   * deadline it records nothing, and an admission whose answer came too late is taken back.
   */
  async hitAll(hits: readonly StoreHit[]): Promise<RateLimitDecision[]> {
    assertHits(hits);
    if (hits.length === 0) return [];
    const redis = this.#redis;
    const keys = hits.map(({ key }) => this.#prefix + key);
    const suffix = `${this.#token}:${(++this.#seq).toString(36)}`;
    const reply = await redis.bounded(
      "hitAll",
      async (call) => {
        const script = this.#hitAllScript;
        const [offset] = await Promise.all([redis.redisOffset(), redis.loadScript(script)]);
        const deadline = (call.deadline + offset).toFixed(3);
        const args = [...keys, this.#clockArg(), suffix, deadline, ...hitAllArgs(hits)];
        const answer = await redis.eval(call, script, args, keys.length);
        redis.sampleClock(answer);
        return answer;
      },
      (late) => {
        if (redis.closed) return;
        for (const { key, member } of hitAllMembers(late, keys, suffix)) {
          redis.client.send("ZREM", [key, member]).catch(() => {});
        }
      },
    );
    if (Array.isArray(reply) && reply[0] === LATE) {
      throw new RateLimitStoreUnavailableError(
        "timeout",
        `Redis ran hitAll after its deadline (timeout ${redis.timeoutMs} ms); nothing was recorded`,
      );
    }
    return hitAllDecisions(reply, hits);
  }

  /**
   * See `RateLimitStore.release`: one ZPOPMAX (Redis deletes a set it empties). Like `reset`,
   * one sent before a timeout may still run late: it only forgets.
   */
  async release(key: string): Promise<void> {
    await this.#redis.bounded("release", () =>
      this.#redis.client.send("ZPOPMAX", [this.#prefix + key]),
    );
  }

  /** One bounded PING, for readiness checks; throws RateLimitStoreUnavailableError. */
  async ping(): Promise<void> {
    await this.#redis.bounded("ping", () => this.#redis.client.send("PING", []));
  }

  /** Closes the client if this store created it; a shared client is left to its owner. */
  close(): void {
    this.#redis.close();
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

  /**
   * A hit Redis admitted in time whose answer arrived after the caller was told "timeout":
   * remove its entry, so that a timeout never counts. One ZREM, best effort.
   */
  #takeBack(key: string, suffix: string, reply: unknown): void {
    if (this.#redis.closed || !Array.isArray(reply) || Number(reply[0]) !== 1) return;
    this.#redis.client.send("ZREM", [key, `${reply[2]}-${suffix}`]).catch(() => {});
  }
}
