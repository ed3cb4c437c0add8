import { beforeEach, describe, expect, test } from "bun:test";
import { openDatabase } from "./client.ts";
import { createRepository } from "./repository.ts";
import { refreshTokens } from "./schema.ts";
import { freshDatabase } from "./test-support.ts";

const db = freshDatabase();
let userId: number;
const NOW = 1_700_000_000_000;
const DAY = 86_400_000;

beforeEach(async () => {
  userId = (await db.repo.insertUser({ email: "a@x.io", passwordHash: "h" })).id;
});

const family = async (familyId = "fam-1", tokenHash = "h0", expiresAt = NOW + DAY) =>
  db.repo.insertRefreshToken({ tokenHash, familyId, userId, expiresAt });

const rowsOf = (familyId: string) =>
  db.handle.db
    .select()
    .from(refreshTokens)
    .all()
    .filter((row) => row.familyId === familyId);

describe("rotateRefreshToken", () => {
  test("spends the token and stores its successor in the same family, with the same absolute end", async () => {
    await family();
    expect(await db.repo.rotateRefreshToken("h0", "h1", NOW)).toEqual({
      outcome: "rotated",
      userId,
      expiresAt: NOW + DAY,
    });
    const [first, second] = rowsOf("fam-1");
    expect(first).toMatchObject({ tokenHash: "h0", spentAt: NOW, revokedAt: null });
    expect(second).toMatchObject({ tokenHash: "h1", spentAt: null, expiresAt: NOW + DAY });
    expect(await db.repo.rotateRefreshToken("h1", "h2", NOW + 1)).toMatchObject({
      outcome: "rotated",
    });
  });

  test("a spent token presented again revokes the whole family, the newest token included", async () => {
    await family();
    await db.repo.rotateRefreshToken("h0", "h1", NOW);
    expect(await db.repo.rotateRefreshToken("h0", "hX", NOW + 5)).toEqual({
      outcome: "reused",
      userId,
    });
    expect(rowsOf("fam-1").every((row) => row.revokedAt !== null)).toBe(true);
    expect(await db.repo.rotateRefreshToken("h1", "h2", NOW + 6)).toEqual({ outcome: "revoked" });
  });

  test("other families of the same user survive a replay in one of them", async () => {
    await family("fam-1", "a0");
    await family("fam-2", "b0");
    await db.repo.rotateRefreshToken("a0", "a1", NOW);
    await db.repo.rotateRefreshToken("a0", "aX", NOW);
    expect(await db.repo.rotateRefreshToken("b0", "b1", NOW)).toMatchObject({ outcome: "rotated" });
  });

  test("unknown and expired tokens are refused and change nothing", async () => {
    await family("fam-1", "h0", NOW);
    expect(await db.repo.rotateRefreshToken("nope", "h1", NOW)).toEqual({ outcome: "unknown" });
    expect(await db.repo.rotateRefreshToken("h0", "h1", NOW)).toEqual({ outcome: "expired" });
    expect(rowsOf("fam-1")).toHaveLength(1);
  });

  test("two connections racing with one token: exactly one rotates it", async () => {
    await family();
    const other = openDatabase(db.tmp.path("app.db"));
    try {
      const outcomes = await Promise.all([
        db.repo.rotateRefreshToken("h0", "left", NOW),
        createRepository(other).rotateRefreshToken("h0", "right", NOW),
      ]);
      expect(outcomes.filter((o) => o.outcome === "rotated")).toHaveLength(1);
      expect(outcomes.filter((o) => o.outcome === "reused")).toHaveLength(1);
    } finally {
      other.close();
    }
  });
});

describe("revoking", () => {
  test("revokeRefreshFamily ends the family of any of its tokens; false for an unknown one", async () => {
    await family();
    await db.repo.rotateRefreshToken("h0", "h1", NOW);
    expect(await db.repo.revokeRefreshFamily("h0", NOW)).toBe(true);
    expect(await db.repo.rotateRefreshToken("h1", "h2", NOW)).toEqual({ outcome: "revoked" });
    expect(await db.repo.revokeRefreshFamily("unknown", NOW)).toBe(false);
  });

  test("revokeUserRefreshTokens ends every family of that user only", async () => {
    await family("fam-1", "a0");
    const other = (await db.repo.insertUser({ email: "b@x.io", passwordHash: "h" })).id;
    await db.repo.insertRefreshToken({
      tokenHash: "b0",
      familyId: "fam-2",
      userId: other,
      expiresAt: NOW + DAY,
    });
    await db.repo.revokeUserRefreshTokens(userId, NOW);
    expect(await db.repo.rotateRefreshToken("a0", "a1", NOW)).toEqual({ outcome: "revoked" });
    expect(await db.repo.rotateRefreshToken("b0", "b1", NOW)).toMatchObject({ outcome: "rotated" });
  });

  test("deleting the user deletes their refresh tokens", async () => {
    await family();
    await db.repo.deleteUser(userId);
    expect(await db.repo.rotateRefreshToken("h0", "h1", NOW)).toEqual({ outcome: "unknown" });
  });
});
