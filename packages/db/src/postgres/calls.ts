import { DrizzleQueryError } from "drizzle-orm/errors";
import { DatabaseUnavailableError } from "../errors.ts";
import { classifyPostgresError } from "./errors.ts";

export type Run = <T>(fn: () => Promise<T>) => Promise<T>;

/**
 * What every repository call goes through: refused once the database is closing, counted while
 * in flight so `close()` can wait for it, and failing only with this package's errors (or
 * unchanged, for a bug).
 */
export function createCallGate() {
  let closing = false;
  let inFlight = 0;
  let idle: (() => void) | undefined;

  const run: Run = async (fn) => {
    if (closing) throw new DatabaseUnavailableError("closed");
    inFlight++;
    try {
      return await fn();
    } catch (err) {
      const mapped = classifyPostgresError(err);
      // A bug, surfaced as the server's own error: drizzle's wrapper puts the SQL and its
      // parameters (a password hash, say) in its message, and the message reaches the log.
      if (!mapped) throw err instanceof DrizzleQueryError && err.cause ? err.cause : err;
      // Bun reports its own pool being closed exactly as it reports a lost connection.
      if (
        closing &&
        mapped instanceof DatabaseUnavailableError &&
        mapped.reason === "unreachable"
      ) {
        throw new DatabaseUnavailableError("closed", { cause: err });
      }
      throw mapped;
    } finally {
      inFlight--;
      if (inFlight === 0) idle?.();
    }
  };

  /** Refuses new calls, then resolves once those in flight are done, or after `timeoutMs`. */
  const close = async (timeoutMs: number): Promise<void> => {
    closing = true;
    if (inFlight === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await new Promise<void>((resolve) => {
      idle = resolve;
      timer = setTimeout(resolve, timeoutMs);
    });
    clearTimeout(timer);
  };

  return { run, close };
}
