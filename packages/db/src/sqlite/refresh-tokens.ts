import { and, eq, isNull, sql } from "drizzle-orm";
import type { NewRefreshToken, Repository, RotationOutcome } from "../contract.ts";
import type { SqliteConnection } from "./client.ts";
import { refreshTokens } from "./schema.ts";

type Db = SqliteConnection["db"];
type Run = <T>(fn: () => T) => Promise<T>;
type RefreshTokenQueries = Pick<
  Repository,
  "insertRefreshToken" | "rotateRefreshToken" | "revokeRefreshFamily" | "revokeUserRefreshTokens"
>;

/**
 * Refresh-token families (issue: sessions). Every read-decide-write happens inside one
 * IMMEDIATE transaction, so two processes presenting the same token are serialized by
 * SQLite's write lock: exactly one rotates it, the other finds it spent.
 */
export function refreshTokenQueries(db: Db, write: Run): RefreshTokenQueries {
  const byHash = db
    .select()
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, sql.placeholder("tokenHash")))
    .prepare();

  const revokeFamily = (tx: Pick<Db, "update">, familyId: string, now: number) =>
    tx
      .update(refreshTokens)
      .set({ revokedAt: now })
      .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)))
      .run();

  return {
    insertRefreshToken: async (token: NewRefreshToken): Promise<void> => {
      await write(() => db.insert(refreshTokens).values(token).run());
    },

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
      write(() =>
        db.transaction(
          (tx): RotationOutcome => {
            const row = tx
              .select()
              .from(refreshTokens)
              .where(eq(refreshTokens.tokenHash, tokenHash))
              .get();
            if (!row) return { outcome: "unknown" };
            if (row.revokedAt !== null) return { outcome: "revoked" };
            if (row.spentAt !== null) {
              revokeFamily(tx, row.familyId, now);
              return { outcome: "reused", userId: row.userId };
            }
            if (row.expiresAt <= now) return { outcome: "expired" };
            tx.update(refreshTokens)
              .set({ spentAt: now })
              .where(eq(refreshTokens.id, row.id))
              .run();
            tx.insert(refreshTokens)
              .values({
                tokenHash: nextHash,
                familyId: row.familyId,
                userId: row.userId,
                expiresAt: row.expiresAt,
              })
              .run();
            return { outcome: "rotated", userId: row.userId, expiresAt: row.expiresAt };
          },
          { behavior: "immediate" },
        ),
      ),

    /** Ends the family of `tokenHash`; false when no such token exists. */
    revokeRefreshFamily: (tokenHash: string, now: number): Promise<boolean> =>
      write(() => {
        const row = byHash.get({ tokenHash });
        if (!row) return false;
        revokeFamily(db, row.familyId, now);
        return true;
      }),

    /** Ends every session of a user (their role changed, or they asked to log out everywhere). */
    revokeUserRefreshTokens: async (userId: number, now: number): Promise<void> => {
      await write(() =>
        db
          .update(refreshTokens)
          .set({ revokedAt: now })
          .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)))
          .run(),
      );
    },
  };
}
