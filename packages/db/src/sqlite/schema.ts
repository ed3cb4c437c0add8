import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import {
  type ItemRow,
  type RefreshTokenRow,
  ROLES,
  type SameShape,
  type UserRow,
} from "../contract.ts";

// Evaluated by SQLite so rows written outside this package get a timestamp too. julianday keeps
// millisecond precision on older system SQLite builds (macOS) that lack unixepoch('subsec').
const nowMs = sql`(cast((julianday('now') - 2440587.5) * 86400000 as integer))`;

// AUTOINCREMENT so ids are never reused: a token minted for a deleted user must not start
// resolving to whoever is inserted next.
const id = () => integer("id").primaryKey({ autoIncrement: true });

export const users = sqliteTable(
  "users",
  {
    id: id(),
    email: text("email").notNull(),
    // The unique index, not a check-then-insert, decides whether an address is taken, so two
    // concurrent sign-ups differing only in case cannot both win.
    emailKey: text("email_key").notNull().unique(),
    passwordHash: text("password_hash").notNull(),
    role: text("role", { enum: ROLES }).notNull().default("user"),
    name: text("name"),
    createdAt: integer("created_at").notNull().default(nowMs),
  },
  (t) => [check("users_role_check", sql`${t.role} IN ('user', 'admin')`)],
);

export const items = sqliteTable(
  "items",
  {
    id: id(),
    ownerId: integer("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    createdAt: integer("created_at").notNull().default(nowMs),
  },
  (t) => [index("items_owner_id_idx").on(t.ownerId)],
);

export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    id: id(),
    tokenHash: text("token_hash").notNull().unique(),
    familyId: text("family_id").notNull(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull().default(nowMs),
    expiresAt: integer("expires_at").notNull(),
    spentAt: integer("spent_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [
    index("refresh_tokens_family_id_idx").on(t.familyId),
    index("refresh_tokens_user_id_idx").on(t.userId),
  ],
);

// Compile-time: the rows these tables hold are exactly the contract's.
export const rowsMatchContract: [
  SameShape<typeof users.$inferSelect, UserRow>,
  SameShape<typeof items.$inferSelect, ItemRow>,
  SameShape<typeof refreshTokens.$inferSelect, RefreshTokenRow>,
] = [true, true, true];
