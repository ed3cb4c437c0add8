import { DatabaseUnavailableError } from "../errors.ts";
import { classifySqliteError } from "./errors.ts";

export interface RetryOptions {
  /** How long to keep retrying a locked database before giving up, in ms. */
  budgetMs?: number;
  /**
   * `fn` only reads. In WAL mode a writer's lock does not block readers, so reads try at once
   * instead of queueing behind a write that is waiting for the lock.
   */
  readOnly?: boolean;
}

const DEFAULT_BUDGET_MS = 1000;
const FIRST_DELAY_MS = 5;
const MAX_DELAY_MS = 100;

type Attempt<T> = { ok: true; value: T } | { ok: false; busy: DatabaseUnavailableError };

/**
 * Set while one caller is waiting out a lock; resolves with whether it got through. Every attempt
 * against a locked database blocks the event loop for the whole (short) busy_timeout, so if each
 * queued request probed on its own, N waiters would freeze the server N times per backoff step;
 * instead one probes and the rest wait for its verdict. Process-wide, as there is normally one
 * database per process.
 */
let probing: Promise<boolean> | undefined;

/**
 * Runs a synchronous database call, waiting out SQLITE_BUSY/LOCKED asynchronously (bun:sqlite
 * would otherwise sleep inside the call and stall every request). Gives up with
 * DatabaseUnavailableError("busy") once the budget is spent; other unavailability is reported at
 * once, constraint violations become UniqueViolationError or ForeignKeyViolationError, and anything else is rethrown unchanged.
 * `fn` must be synchronous and safe to repeat: it may run several times.
 */
export async function withRetry<T>(fn: () => T, options: RetryOptions = {}): Promise<T> {
  const deadline = performance.now() + (options.budgetMs ?? DEFAULT_BUDGET_MS);
  let busy: DatabaseUnavailableError | undefined;
  if (options.readOnly || !probing) {
    const first = attempt(fn);
    if (first.ok) return first.value;
    busy = first.busy;
  }
  for (let current = probing; current; current = probing) {
    const gotThrough = await settlesBefore(current, deadline);
    if (gotThrough === undefined) throw busy ?? new DatabaseUnavailableError("busy");
    // A prober that gave up saw the lock still held a moment ago: no point in trying at once,
    // and once past our own deadline, no point in trying at all.
    busy = gotThrough ? undefined : (busy ?? new DatabaseUnavailableError("busy"));
    if (busy && performance.now() >= deadline) throw busy;
  }
  return await probe(fn, deadline, busy);
}

/** Holds the probe slot while retrying `fn` with backoff; tries at once unless already busy. */
async function probe<T>(fn: () => T, deadline: number, busy?: DatabaseUnavailableError) {
  let release: (gotThrough: boolean) => void = () => {};
  probing = new Promise<boolean>((resolve) => {
    release = resolve;
  });
  let gaveUp = false;
  try {
    let delay = FIRST_DELAY_MS;
    let last: Attempt<T> = busy ? { ok: false, busy } : attempt(fn);
    while (!last.ok) {
      const remaining = deadline - performance.now();
      // Timers have millisecond granularity: a sub-millisecond sleep returns at once, so the
      // tail of the budget would otherwise be spent spinning.
      if (remaining < 1) {
        gaveUp = true;
        throw last.busy;
      }
      await Bun.sleep(Math.min(delay, remaining));
      delay = Math.min(delay * 2, MAX_DELAY_MS);
      last = attempt(fn);
    }
    return last.value;
  } finally {
    probing = undefined;
    release(!gaveUp);
  }
}

function attempt<T>(fn: () => T): Attempt<T> {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    const mapped = classifySqliteError(err);
    if (mapped instanceof DatabaseUnavailableError && mapped.reason === "busy") {
      return { ok: false, busy: mapped };
    }
    throw mapped ?? err;
  }
}

/** The promise's value, or undefined if the deadline comes first. */
function settlesBefore<V>(promise: Promise<V>, deadline: number): Promise<V | undefined> {
  const remaining = deadline - performance.now();
  if (remaining <= 0) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), remaining);
    promise.then((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}
