import type { Database } from "bun:sqlite";
import { withRetry } from "./retry.ts";

/**
 * Runs the reads asked for during one turn of the event loop together, in one read transaction,
 * at the end of that turn.
 *
 * Why: on a WAL database every transaction (each standalone SELECT is one) takes and releases a
 * shared-memory read lock and checks the file size: three system calls, more than the lookup
 * itself. Under load an API process answers many requests per turn; their user lookups then
 * share one transaction, which pays for those calls once per turn instead of once per lookup
 * (docs/decisions.md, "Performance").
 *
 * Consistency is unchanged in practice: every read still happens after its request arrived and
 * before its answer is made, all against one snapshot taken at the end of the turn, so a user
 * deleted before the turn ended (by this process or another) is not found. The transaction opens
 * and closes inside one synchronous block: no other code ever runs inside it.
 *
 * A batch of one, or a batch that fails for any reason (a busy or closed database), is read one
 * by one with `withRetry`, exactly as an unbatched read would be.
 */
export function createReadBatcher(
  sqlite: Pick<Database, "exec" | "inTransaction">,
  budgetMs?: number,
) {
  interface Pending {
    run: () => unknown;
    resolve: (value: unknown) => void;
    reject: (error: unknown) => void;
  }
  let queue: Pending[] = [];
  let scheduled = false;
  let batches = 0;
  let batchedReads = 0;

  const together = (batch: Pending[]): unknown[] | undefined => {
    try {
      // Someone else's transaction (never ours: it ends with this block) is left alone.
      if (sqlite.inTransaction) return undefined;
      sqlite.exec("BEGIN");
      try {
        return batch.map((pending) => pending.run());
      } finally {
        sqlite.exec("COMMIT");
      }
    } catch {
      // Busy, closed, or a read that threw: each read is tried again on its own below, where
      // its error (if any) reaches its caller. Nothing here may throw: this runs in setImmediate.
      try {
        if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
      } catch {
        // A connection that cannot even roll back fails each read below on its own.
      }
      return undefined;
    }
  };

  const flush = () => {
    scheduled = false;
    const batch = queue;
    queue = [];
    const values = batch.length > 1 ? together(batch) : undefined;
    if (values) {
      batches++;
      batchedReads += batch.length;
      for (const [i, pending] of batch.entries()) pending.resolve(values[i]);
      return;
    }
    for (const pending of batch) {
      withRetry(pending.run, { budgetMs, readOnly: true }).then(pending.resolve, pending.reject);
    }
  };

  /** `fn` must be a synchronous, repeatable read; it runs at the end of this turn. */
  function read<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      queue.push({ run: fn, resolve: resolve as (value: unknown) => void, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
  }

  /** How many batches of two or more ran together, and how many reads they held. */
  const stats = () => ({ batches, batchedReads });
  return { read, stats };
}
