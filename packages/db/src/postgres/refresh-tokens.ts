import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { NewRefreshToken, Repository, RotationOutcome } from "../contract.ts";
import type { Run } from "./calls.ts";
import type { Drizzle } from "./client.ts";
import { refreshTokens, users } from "./schema.ts";

type Tx = Parameters<Parameters<Drizzle["transaction"]>[0]>[0];
type RefreshTokenQueries = Pick<
  Repository,
  "insertRefreshToken" | "rotateRefreshToken" | "revokeRefreshFamily" | "revokeUserRefreshTokens"
>;

/**
 * Refresh-token families (issue: sessions). Every change to a user's tokens happens in a
 * transaction that first locks the user's row (FOR NO KEY UPDATE: inserts referring to the user
 * still go through), so changes to one user's sessions run one after another, from any process,
 * as SQLite's write lock makes them. Each statement after the lock sees every earlier change
 * committed: locking only the token rows would let a revocation miss a successor that a
 * concurrent rotation of another token of the family is inserting.
 *
 * The transactions build their queries per call: a prepared query runs on the pool, not on the
 * transaction's connection, and these calls are rare next to the user lookups.
 */
export function refreshTokenQueries(db: Drizzle, run: Run): RefreshTokenQueries {
  const insert = db
    .insert(refreshTokens)
    .values({
      tokenHash: sql.placeholder("tokenHash"),
      familyId: sql.placeholder("familyId"),
      userId: sql.placeholder("userId"),
      expiresAt: sql.placeholder("expiresAt"),
    })
    .prepare("insert_refresh_token");

  return {
    insertRefreshToken: (token: NewRefreshToken): Promise<void> =>
      run(async () => {
        await insert.execute({ ...token });
      }),

    /**
     * Spends `tokenHash` and stores `nextHash` in its family. A token presented a second time
     * is a replay: either its thief or its owner holds a newer one, and we cannot tell which,
     * so the whole family is revoked and both must log in again.
     */
    rotateRefreshToken: (
      tokenHash: string,
      nextHash: string,
      now: number,
    ): Promise<RotationOutcome> =>
      run(() =>
        db.transaction(async (tx): Promise<RotationOutcome> => {
          const row = await tokenUnderLock(tx, tokenHash);
          if (!row) return { outcome: "unknown" };
          if (row.revokedAt !== null) return { outcome: "revoked" };
          if (row.spentAt !== null) {
            await revokeFamily(tx, row.familyId, now);
            return { outcome: "reused", userId: row.userId };
          }
          if (row.expiresAt <= now) return { outcome: "expired" };
          await tx.update(refreshTokens).set({ spentAt: now }).where(eq(refreshTokens.id, row.id));
          await tx.insert(refreshTokens).values({
            tokenHash: nextHash,
            familyId: row.familyId,
            userId: row.userId,
            expiresAt: row.expiresAt,
          });
          return { outcome: "rotated", userId: row.userId, expiresAt: row.expiresAt };
        }),
      ),

    revokeRefreshFamily: (tokenHash: string, now: number): Promise<boolean> =>
      run(() =>
        db.transaction(async (tx) => {
          const row = await tokenUnderLock(tx, tokenHash);
          if (!row) return false;
          await revokeFamily(tx, row.familyId, now);
          return true;
        }),
      ),

    revokeUserRefreshTokens: (userId: number, now: number): Promise<void> =>
      run(() =>
        db.transaction(async (tx) => {
          await tx
            .select({ id: users.id })
            .from(users)
            .where(eq(users.id, userId))
            .for("no key update");
          await tx
            .update(refreshTokens)
            .set({ revokedAt: now })
            .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
        }),
      ),
  };
}

/** Locks the row of the token's user, then reads the token as it is once that lock is held. */
async function tokenUnderLock(tx: Tx, tokenHash: string) {
  const owner = await tx
    .select({ id: users.id })
    .from(users)
    .where(
      inArray(
        users.id,
        tx
          .select({ userId: refreshTokens.userId })
          .from(refreshTokens)
          .where(eq(refreshTokens.tokenHash, tokenHash)),
      ),
    )
    .for("no key update");
  if (owner.length === 0) return undefined;
  const [row] = await tx.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash));
  return row;
}

function revokeFamily(tx: Tx, familyId: string, now: number) {
  return tx
    .update(refreshTokens)
    .set({ revokedAt: now })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
}
