import { describe, expect, test } from "bun:test";
import { DatabaseUnavailableError, UniqueViolationError } from "../errors.ts";
import { withRetry } from "./retry.ts";
import { tickCounter } from "./test-support.ts";

function sqliteError(code: string, message = "database is locked") {
  return Object.assign(new Error(message), { name: "SQLiteError", code });
}

/** Busy `times` times, then returns `value`. */
function busyThen<T>(times: number, value: T) {
  const counter = {
    calls: 0,
    fn: () => {
      counter.calls++;
      if (counter.calls <= times) throw sqliteError("SQLITE_BUSY");
      return value;
    },
  };
  return counter;
}

describe("withRetry", () => {
  test("returns the value of a call that succeeds", async () => {
    expect(await withRetry(() => 42)).toBe(42);
  });

  test("retries while busy and then succeeds", async () => {
    const busy = busyThen(3, "ok");
    expect(await withRetry(busy.fn)).toBe("ok");
    expect(busy.calls).toBe(4);
  });

  test("gives up with DatabaseUnavailableError(busy) once the budget is spent", async () => {
    const busy = busyThen(Number.POSITIVE_INFINITY, "never");
    const started = performance.now();
    const error = await withRetry(busy.fn, { budgetMs: 120 }).catch((e) => e);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error.reason).toBe("busy");
    expect(elapsed).toBeGreaterThanOrEqual(115);
    expect(elapsed).toBeLessThan(1000);
    // Exponential backoff: a handful of attempts, not a spin.
    expect(busy.calls).toBeGreaterThan(3);
    expect(busy.calls).toBeLessThan(15);
  });

  test("does not retry other unavailability", async () => {
    let calls = 0;
    const error = await withRetry(() => {
      calls++;
      throw sqliteError("SQLITE_FULL", "database or disk is full");
    }).catch((e) => e);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error.reason).toBe("full");
    expect(calls).toBe(1);
  });

  test("turns unique violations into UniqueViolationError", async () => {
    const error = await withRetry(() => {
      throw sqliteError("SQLITE_CONSTRAINT_UNIQUE", "UNIQUE constraint failed: users.email_key");
    }).catch((e) => e);
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect(error.constraint).toBe("users.email_key");
  });

  test("rethrows anything else unchanged", async () => {
    const bug = new TypeError("cannot read properties of undefined");
    const error = await withRetry(() => {
      throw bug;
    }).catch((e) => e);
    expect(error).toBe(bug);
  });

  test("concurrent waiters share one prober instead of each blocking the loop", async () => {
    const waiters = 20;
    let attempts = 0;
    let lockedUntil = performance.now() + 150;
    // Like SQLite with a busy_timeout: a failed attempt holds the thread for 10 ms.
    const fn = () => {
      attempts++;
      if (performance.now() < lockedUntil) {
        Bun.sleepSync(10);
        throw sqliteError("SQLITE_BUSY");
      }
      return attempts;
    };
    const ticks = tickCounter();
    const results = await Promise.all(
      Array.from({ length: waiters }, () => withRetry(fn, { budgetMs: 1000 })),
    );
    ticks.stop();
    expect(results).toHaveLength(waiters);
    // Independent retries would be ~20 waiters x ~6 backoff steps; shared, it is one prober's
    // steps plus one try each once the lock is gone.
    expect(attempts).toBeLessThan(waiters + 12);
    expect(ticks.ticks).toBeGreaterThanOrEqual(1);
    lockedUntil = 0;
  });

  test("reads do not queue behind a write that waits for the lock", async () => {
    const write = busyThen(Number.POSITIVE_INFINITY, "never");
    const pendingWrite = withRetry(write.fn, { budgetMs: 150 }).catch((e) => e);
    const read = withRetry(() => "row", { readOnly: true });
    const first = await Promise.race([read.then(() => "read"), pendingWrite.then(() => "write")]);
    expect(first).toBe("read");
    expect(await read).toBe("row");
    expect(await pendingWrite).toBeInstanceOf(DatabaseUnavailableError);
  });

  test("writes queue behind the prober rather than trying themselves", async () => {
    const first = busyThen(Number.POSITIVE_INFINITY, "never");
    const pendingFirst = withRetry(first.fn, { budgetMs: 100 }).catch((e) => e);
    let secondCalls = 0;
    const second = withRetry(
      () => {
        secondCalls++;
        return "written";
      },
      { budgetMs: 1000 },
    );
    expect(secondCalls).toBe(0);
    expect(await pendingFirst).toBeInstanceOf(DatabaseUnavailableError);
    expect(await second).toBe("written");
    expect(secondCalls).toBe(1);
  });

  test("every waiter still gets its own verdict when the lock outlasts the budgets", async () => {
    const busy = busyThen(Number.POSITIVE_INFINITY, "never");
    const started = performance.now();
    const outcomes = await Promise.allSettled(
      [60, 120, 180].map((budgetMs) => withRetry(busy.fn, { budgetMs })),
    );
    const elapsed = performance.now() - started;
    for (const outcome of outcomes) {
      expect(outcome.status).toBe("rejected");
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(DatabaseUnavailableError);
    }
    expect(elapsed).toBeGreaterThanOrEqual(175);
    expect(elapsed).toBeLessThan(1500);
  });
});
