/**
 * A RedisStore call that timed out must never take effect afterwards (issue 16, point 4): with
 * Redis unresponsive, requests refused with 503 were all counted once it came back, and the
 * client's next requests got 429. Each test stages one way a late effect could happen.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { RedisClient } from "bun";
import {
  REDIS_URL,
  redisTestKit,
  requireRedis,
  unavailableReasons,
  warmUp,
} from "./redis-test-support.ts";

const MINUTE = 60_000;
const run = await requireRedis();
const kit = redisTestKit("rate-limiter-deadline");
const { store, proxy, key, full, admin } = kit;
const reasons = unavailableReasons;

const members = async (k: string) => Number(await admin.send("ZCARD", [full(k)]));

/** Polls until check() holds or budgetMs passes; the caller asserts the outcome. */
async function until(check: () => Promise<boolean>, budgetMs: number): Promise<void> {
  const start = performance.now();
  while (!(await check()) && performance.now() - start < budgetMs) await Bun.sleep(10);
}

describe.skipIf(!run)("RedisStore: a call that timed out never takes effect", () => {
  afterAll(() => kit.closeAll());

  // The deadline is real time even when the decisions run on an injected clock (here frozen).
  for (const [clock, options] of [
    ["Redis TIME", {}],
    ["an injected clock", { now: () => 1_700_000_000_000 }],
  ] as const) {
    test(`hits held by a stalled Redis do nothing when it resumes (${clock})`, async () => {
      const p = proxy();
      // No recycling: the held commands stay on the connection, as they do in a stopped Redis.
      const s = store({ ...options, url: p.url, timeoutMs: 100, recycleAfterTimeouts: 0 });
      const k = key("stalled");
      expect((await warmUp(() => s.hit(key("warm-up"), 5, MINUTE))).allowed).toBe(true);
      p.stall(true);
      expect(await reasons(Array.from({ length: 20 }, () => s.hit(k, 5, MINUTE)))).toEqual(
        Array(20).fill("timeout"),
      );
      p.stall(false);
      // The PING goes out behind the 20 held scripts: once it is answered, they have all run.
      await s.ping();
      expect(await admin.send("EXISTS", [full(k)])).toBe(0);
      expect(await s.hit(k, 5, MINUTE)).toMatchObject({ allowed: true, remaining: 4 });
    });
  }

  test("calls that timed out waiting for the connection send nothing once it is up", async () => {
    const p = proxy();
    const k = key("pending");
    await admin.send("ZADD", [full(k), "1", "counted-before"]);
    await admin.send("PEXPIRE", [full(k), String(MINUTE)]);
    p.stall(true); // the handshake gets no answer, so the connection stays pending
    const s = store({ url: p.url, timeoutMs: 100, connectTimeoutMs: 10_000 });
    expect(await reasons([s.hit(k, 5, MINUTE), s.hit(k, 5, MINUTE), s.reset(k)])).toEqual([
      "timeout",
      "timeout",
      "timeout",
    ]);
    p.stall(false);
    await s.ping(); // waits for the same connection attempt the timed-out calls waited for
    // A late hit would load its script first: two more round trips cover its EVALSHA.
    await s.ping();
    await s.ping();
    expect(await admin.send("ZRANGE", [full(k), "0", "-1"])).toEqual(["counted-before"]);
  });

  test("a hit that ran in time but whose answer came back late is taken back", async () => {
    const p = proxy();
    const s = store({ url: p.url, timeoutMs: 300, recycleAfterTimeouts: 0 });
    const k = key("late-answer");
    expect((await warmUp(() => s.hit(key("warm-up"), 5, MINUTE))).allowed).toBe(true);
    p.stall(true, "replies");
    expect(await reasons([s.hit(k, 5, MINUTE)])).toEqual(["timeout"]);
    // The script reached Redis at once and ran: only its answer was held.
    expect(await members(k)).toBe(1);
    p.stall(false);
    await until(async () => (await members(k)) === 0, 1_000);
    expect(await members(k)).toBe(0);
    expect(await s.hit(k, 5, MINUTE)).toMatchObject({ allowed: true, remaining: 4 });
  });

  test("a script past its deadline writes nothing and fails with 'timeout' (Redis clock jumped)", async () => {
    // Redis TIME as first measured is a minute behind what the script will read: as if the
    // Redis clock had jumped forward since. Every deadline then looks long passed to Redis.
    const real = new RedisClient(REDIS_URL, { enableOfflineQueue: false });
    await real.connect();
    let skewMs = -MINUTE;
    const client = new Proxy(real, {
      get(target, prop) {
        if (prop === "send") {
          return async (command: string, args: string[]) => {
            const reply = await target.send(command, args);
            if (command !== "TIME") return reply;
            const [sec, usec] = (reply as [string, string]).map(Number) as [number, number];
            const shifted = sec * 1_000_000 + usec + skewMs * 1000;
            skewMs = 0;
            return [String(Math.floor(shifted / 1_000_000)), String(shifted % 1_000_000)];
          };
        }
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    try {
      const s = store({ client, timeoutMs: 1_000 });
      const k = key("clock-jump");
      expect(await reasons([s.hit(k, 5, MINUTE)])).toEqual(["timeout"]);
      expect(await admin.send("EXISTS", [full(k)])).toBe(0);
      // That answer carried Redis's clock, which the store goes by from then on.
      expect(await s.hit(k, 5, MINUTE)).toMatchObject({ allowed: true, remaining: 4 });
    } finally {
      real.close();
    }
  });
});
