/**
 * Test helpers for the Redis store: find out once whether Redis is there, and stand up the
 * broken servers (a blackhole, a proxy that can go down or stall) the failure tests need.
 * Not exported from the package.
 */
import { expect, test } from "bun:test";
import { RedisClient, type Socket, type TCPSocketListener } from "bun";
import { RateLimitStoreUnavailableError } from "./errors.ts";
import { RedisStore, type RedisStoreOptions } from "./redis-store.ts";

export const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";
export const IN_CI = process.env.CI === "true" || process.env.CI === "1";

export type RedisGate = "run" | "skip" | "fail";

/** Redis there: run. Absent: fail under CI (where it is required), skip loudly elsewhere. */
export function redisGate(reachable: boolean, ci: boolean): RedisGate {
  if (reachable) return "run";
  return ci ? "fail" : "skip";
}

/** One PING, bounded; resolves to the reason it failed, or undefined when Redis answered. */
export async function probeRedis(url = REDIS_URL, timeoutMs = 1_000): Promise<string | undefined> {
  const client = new RedisClient(url, {
    enableOfflineQueue: false,
    autoReconnect: false,
    maxRetries: 0,
    connectionTimeout: timeoutMs,
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const reply = await Promise.race([
      client.connect().then(() => client.send("PING", [])),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return reply === "PONG" ? undefined : `unexpected PING reply ${JSON.stringify(reply)}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
    client.close();
  }
}

/**
 * Probes REDIS_URL and registers a test that says what was found, so a missing Redis is never
 * silent: under CI=true that test fails; elsewhere it is skipped and a warning is printed.
 * Returns whether the Redis tests should run.
 */
export async function requireRedis(url = REDIS_URL): Promise<boolean> {
  const problem = await probeRedis(url);
  const gate = redisGate(problem === undefined, IN_CI);
  const title = `Redis is reachable at ${url} (required when CI=true)`;
  if (gate === "skip") {
    console.warn(
      [
        "",
        "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
        `!! SKIPPING the RedisStore tests: Redis at ${url} is unreachable`,
        `!! (${problem}).`,
        "!! Start one (redis-server) or set REDIS_URL; with CI=true this is a failure.",
        "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
        "",
      ].join("\n"),
    );
    test.skip(title, () => {});
  } else {
    test(title, () => {
      expect(problem, `Redis at ${url} is unreachable under CI: ${problem}`).toBeUndefined();
    });
  }
  return gate === "run";
}

/** A key prefix no other run (or other process using this Redis) will share. */
export function uniquePrefix(label: string): string {
  return `statuslab-test:${label}:${process.pid}:${Date.now().toString(36)}:${Math.random().toString(36).slice(2, 8)}:`;
}

/** Deletes every key under the prefix (SCAN, never KEYS or FLUSH*); returns how many. */
export async function deleteKeys(client: RedisClient, prefix: string): Promise<number> {
  // The prefix is ours and glob-free apart from the separators, so it needs no escaping.
  let cursor = "0";
  let deleted = 0;
  do {
    const [next, keys] = (await client.send("SCAN", [
      cursor,
      "MATCH",
      `${prefix}*`,
      "COUNT",
      "1000",
    ])) as [string, string[]];
    cursor = next;
    if (keys.length > 0) deleted += Number(await client.send("UNLINK", keys));
  } while (cursor !== "0");
  return deleted;
}

/** A TCP server that accepts connections and never says a word: Redis hung, or a firewall. */
export function blackhole(): { url: string; stop(): void } {
  const sockets = new Set<Socket<undefined>>();
  const server = Bun.listen<undefined>({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      open: (s) => void sockets.add(s),
      data: () => {},
      close: (s) => void sockets.delete(s),
    },
  });
  return {
    url: `redis://127.0.0.1:${server.port}`,
    stop() {
      for (const s of sockets) s.terminate();
      server.stop(true);
    },
  };
}

interface ProxyConn {
  upstream?: Socket<undefined>;
  /** Bytes from the client not yet forwarded to Redis, and from Redis to the client. */
  up: Uint8Array[];
  down: Uint8Array[];
}

/**
 * A TCP proxy in front of Redis that can be taken down (connections dropped, port refused),
 * brought back on the same port, or stalled (bytes held in both directions: a Redis that
 * stopped answering, or a half-open connection).
 */
export function redisProxy(target = REDIS_URL) {
  const { hostname, port: targetPort } = new URL(target);
  const clients = new Set<Socket<ProxyConn>>();
  let holdRequests = false;
  let holdReplies = false;
  let server: TCPSocketListener<ProxyConn> | undefined;
  let port = 0;
  const flush = (s: Socket<ProxyConn>) => {
    if (!holdReplies) for (const chunk of s.data.down.splice(0)) s.write(chunk);
    const upstream = s.data.upstream;
    if (upstream && !holdRequests) for (const chunk of s.data.up.splice(0)) upstream.write(chunk);
  };
  const listen = () => {
    server = Bun.listen<ProxyConn>({
      hostname: "127.0.0.1",
      port,
      socket: {
        open(s) {
          s.data = { up: [], down: [] };
          clients.add(s);
          void Bun.connect<undefined>({
            hostname,
            port: Number(targetPort || 6379),
            socket: {
              open(u) {
                s.data.upstream = u;
                flush(s);
              },
              data(_u, chunk) {
                s.data.down.push(new Uint8Array(chunk));
                flush(s);
              },
              close: () => void s.end(),
              error: () => void s.end(),
            },
          }).catch(() => s.end());
        },
        data(s, chunk) {
          s.data.up.push(new Uint8Array(chunk));
          flush(s);
        },
        close(s) {
          clients.delete(s);
          s.data.upstream?.end();
        },
      },
    });
    port = server.port;
  };
  listen();
  const dropAll = () => {
    for (const s of clients) {
      s.data.upstream?.terminate();
      s.terminate();
    }
    clients.clear();
  };
  return {
    get url() {
      return `redis://127.0.0.1:${port}`;
    },
    /** Drops every connection and refuses new ones. */
    down() {
      dropAll();
      server?.stop(true);
      server = undefined;
    },
    /** Listens again on the same port. */
    up() {
      if (!server) listen();
    },
    /**
     * Holds all bytes (both ways) while on; requests sent meanwhile are forwarded when off.
     * With "replies", requests still reach Redis and only its answers are held.
     */
    stall(on: boolean, what: "both" | "replies" = "both") {
      holdReplies = on;
      holdRequests = on && what === "both";
      if (!on) for (const s of clients) flush(s);
    },
    stop() {
      this.down();
    },
  };
}

/**
 * One test file's stores and proxies, under a key prefix of its own: `store()` and `proxy()`
 * make them, `key()` a fresh key, `full()` the key as Redis holds it, `admin` a client for
 * looking at what Redis holds (it connects on first use); `closeAll` closes them all and deletes
 * the prefix's keys.
 */
/**
 * The store's 250 ms default suits production, but a healthy call on a busy test machine can
 * take longer; tests about timeouts set their own `timeoutMs`, the others get this much.
 */
export const HEALTHY_CALL_BUDGET_MS = 5_000;

export function redisTestKit(label: string) {
  const prefix = uniquePrefix(label);
  const admin = new RedisClient(REDIS_URL);
  const stores: RedisStore[] = [];
  const proxies: ReturnType<typeof redisProxy>[] = [];
  let seq = 0;
  return {
    prefix,
    admin,
    store(options: RedisStoreOptions = {}) {
      const store = new RedisStore({
        url: REDIS_URL,
        keyPrefix: prefix,
        timeoutMs: HEALTHY_CALL_BUDGET_MS,
        ...options,
      });
      stores.push(store);
      return store;
    },
    proxy() {
      const proxy = redisProxy();
      proxies.push(proxy);
      return proxy;
    },
    key: (name: string) => `${++seq}:${name}`,
    full: (key: string) => prefix + key,
    async closeAll() {
      for (const store of stores) store.close();
      for (const proxy of proxies) proxy.stop();
      await deleteKeys(admin, prefix);
      admin.close();
    },
  };
}

/** How each call ended: "fulfilled", or the reason of its RateLimitStoreUnavailableError. */
export async function unavailableReasons(calls: Promise<unknown>[]): Promise<string[]> {
  return (await Promise.allSettled(calls)).map((result) => {
    if (result.status === "fulfilled") return "fulfilled";
    expect(result.reason).toBeInstanceOf(RateLimitStoreUnavailableError);
    return (result.reason as RateLimitStoreUnavailableError).reason;
  });
}

/**
 * A store's first call connects and loads its scripts: under a short `timeoutMs` on a busy
 * machine it may miss its deadline (and be taken back). Tests that need one call to have gone
 * through before they stall Redis retry it here, for up to 5 s.
 */
export async function warmUp<T>(call: () => Promise<T>): Promise<T> {
  const deadline = performance.now() + HEALTHY_CALL_BUDGET_MS;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof RateLimitStoreUnavailableError) || performance.now() > deadline)
        throw error;
    }
  }
}
