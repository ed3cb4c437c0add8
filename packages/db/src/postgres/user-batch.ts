import type { UserRow } from "../contract.ts";

interface Pending {
  id: number;
  resolve: (row: UserRow | undefined) => void;
  reject: (error: unknown) => void;
}

const INT4_MAX = 2_147_483_647;

/**
 * Answers the user lookups asked for during one turn of the event loop with one query at the end
 * of that turn (`many`), or `one` when there was a single lookup.
 *
 * Why: every authenticated request looks up its caller, and under load a process receives many
 * requests per turn; one query for all of them costs the client and the server far less than one
 * each (docs/decisions.md, "Performance").
 *
 * Nothing is cached: every lookup is read after it was asked for, so a change committed anywhere
 * before the call is seen, as with a query of its own.
 */
export function createUserBatcher(
  one: (id: number) => Promise<UserRow | undefined>,
  many: (ids: number[]) => Promise<UserRow[]>,
) {
  let queue: Pending[] = [];

  const flush = async () => {
    const batch = queue;
    queue = [];
    try {
      if (batch.length === 1) {
        const [only] = batch as [Pending];
        only.resolve(await one(only.id));
        return;
      }
      const rows = await many([...new Set(batch.map((pending) => pending.id))]);
      const byId = new Map(rows.map((row) => [row.id, row]));
      const handedOut = new Set<number>();
      for (const { id, resolve } of batch) {
        const row = byId.get(id);
        // Each caller gets a row of its own, as with a query of its own.
        resolve(row && handedOut.has(id) ? { ...row } : row);
        handedOut.add(id);
      }
    } catch (error) {
      for (const { reject } of batch) reject(error);
    }
  };

  return (id: number): Promise<UserRow | undefined> => {
    // No row has such an id, and the server would refuse it, failing the whole batch.
    if (!Number.isInteger(id) || Math.abs(id) > INT4_MAX) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({ id, resolve, reject });
    });
  };
}
