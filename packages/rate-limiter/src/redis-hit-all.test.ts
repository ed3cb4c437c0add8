/**
 * RedisStore's `hitAll` and `release` beyond the shared conformance suite: atomic under
 * concurrency, the same answers as MemoryStore on random histories, and, like `hit`, no effect
 * from a call that timed out.
 */
import { afterAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { fakeClock } from "./conformance.ts";
import { MemoryStore } from "./memory-store.ts";
import { redisTestKit, requireRedis, unavailableReasons, warmUp } from "./redis-test-support.ts";

const MINUTE = 60_000;
const run = await requireRedis();
const kit = redisTestKit("rate-limiter-hit-all");
const { prefix, store, key, full, admin } = kit;
const reasons = unavailableReasons;

describe.skipIf(!run)("RedisStore hitAll and release", () => {
  afterAll(() => kit.closeAll());

  test("200 concurrent hitAll from two stores on a shared key with limit 5: exactly 5 admitted, and only they count elsewhere", async () => {
    const [one, two] = [store(), store()];
    const shared = key("shared");
    const own = Array.from({ length: 200 }, (_, i) => key(`own-${i}`));
    const decisions = await Promise.all(
      own.map((k, i) =>
        (i % 2 ? one : two).hitAll([
          { key: k, limit: 1, windowMs: MINUTE },
          { key: shared, limit: 5, windowMs: MINUTE },
        ]),
      ),
    );
    const admitted = decisions.map((ds) => ds.every((d) => d.allowed));
    expect(admitted.filter(Boolean)).toHaveLength(5);
    expect(Number(await admin.send("ZCARD", [full(shared)]))).toBe(5);
    const exists = await Promise.all(own.map((k) => admin.send("EXISTS", [full(k)])));
    expect(exists.map(Number)).toEqual(admitted.map((a) => (a ? 1 : 0)));
  });

  test("decides, releases and hits all-or-nothing exactly as MemoryStore on random histories", async () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant("hitAll" as const),
        hits: fc.uniqueArray(
          fc.record({ key: fc.constantFrom("a", "b", "c"), limit: fc.integer({ min: 1, max: 7 }) }),
          { selector: (h) => h.key, maxLength: 3 },
        ),
        advance: fc.integer({ min: 0, max: 2_000 }),
      }),
      fc.record({
        kind: fc.constant("hit" as const),
        key: fc.constantFrom("a", "b", "c"),
        limit: fc.integer({ min: 1, max: 7 }),
        advance: fc.integer({ min: 0, max: 2_000 }),
      }),
      fc.record({ kind: fc.constant("release" as const), key: fc.constantFrom("a", "b", "d") }),
      fc.record({ kind: fc.constant("reset" as const), key: fc.constantFrom("a", "b") }),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5_000 }),
        fc.array(op, { maxLength: 30 }),
        async (windowMs, ops) => {
          const clock = fakeClock(1_700_000_000_000);
          const memory = new MemoryStore({ now: clock.now, sweepIntervalMs: 0 });
          const redis = store({ now: clock.now, keyPrefix: `${prefix}prop:${++run}:` });
          for (const o of ops) {
            if (o.kind === "hitAll") {
              clock.advance(o.advance);
              const hits = o.hits.map((h) => ({ ...h, windowMs }));
              expect(await redis.hitAll(hits)).toEqual(memory.hitAll(hits));
            } else if (o.kind === "hit") {
              clock.advance(o.advance);
              expect(await redis.hit(o.key, o.limit, windowMs)).toEqual(
                memory.hit(o.key, o.limit, windowMs),
              );
            } else {
              await redis[o.kind](o.key);
              memory[o.kind](o.key);
            }
          }
          for (const k of ["a", "b", "c", "d"]) {
            expect(await redis.peek(k, 7, windowMs)).toEqual(memory.peek(k, 7, windowMs));
          }
          memory.close();
        },
      ),
      { numRuns: 60 },
    );
  });

  test("hitAll held by a stalled Redis does nothing when it resumes", async () => {
    const p = kit.proxy();
    const s = store({ url: p.url, timeoutMs: 100, recycleAfterTimeouts: 0 });
    const [a, b] = [key("stalled-a"), key("stalled-b")];
    const hits = [
      { key: a, limit: 5, windowMs: MINUTE },
      { key: b, limit: 5, windowMs: MINUTE },
    ];
    expect(
      (await warmUp(() => s.hitAll([{ key: key("warm-up"), limit: 5, windowMs: MINUTE }])))[0],
    ).toMatchObject({
      allowed: true,
    });
    p.stall(true);
    expect(await reasons(Array.from({ length: 10 }, () => s.hitAll(hits)))).toEqual(
      Array(10).fill("timeout"),
    );
    p.stall(false);
    await s.ping(); // answered after the held scripts have run
    expect(await admin.send("EXISTS", [full(a), full(b)])).toBe(0);
    expect((await s.hitAll(hits)).map((d) => d.remaining)).toEqual([4, 4]);
  });

  test("hitAll admitted in time but answered late is taken back on every key", async () => {
    const p = kit.proxy();
    const s = store({ url: p.url, timeoutMs: 300, recycleAfterTimeouts: 0 });
    const [a, b] = [key("late-a"), key("late-b")];
    const hits = [
      { key: a, limit: 5, windowMs: MINUTE },
      { key: b, limit: 5, windowMs: MINUTE },
    ];
    await warmUp(() => s.hitAll([{ key: key("warm-up"), limit: 5, windowMs: MINUTE }]));
    p.stall(true, "replies");
    expect(await reasons([s.hitAll(hits)])).toEqual(["timeout"]);
    // The script ran at once; only its answer was held.
    expect(Number(await admin.send("EXISTS", [full(a), full(b)]))).toBe(2);
    p.stall(false);
    const start = performance.now();
    while (Number(await admin.send("EXISTS", [full(a), full(b)])) > 0) {
      if (performance.now() - start > 2_000) break;
      await Bun.sleep(10);
    }
    expect(Number(await admin.send("EXISTS", [full(a), full(b)]))).toBe(0);
  });

  test("release is one ZPOPMAX: the newest member goes, an emptied key is gone", async () => {
    const clock = fakeClock(1_700_000_000_000);
    const s = store({ now: clock.now });
    const k = key("pop");
    await s.hit(k, 3, MINUTE);
    clock.advance(1_000);
    await s.hit(k, 3, MINUTE);
    await s.release(k);
    // The hit at +0 s stays; the one at +1 s went.
    expect(await admin.send("ZRANGE", [full(k), "0", "-1"])).toEqual([
      expect.stringMatching(/^1700000000000-/),
    ]);
    await s.release(k);
    expect(await admin.send("EXISTS", [full(k)])).toBe(0);
  });
});
