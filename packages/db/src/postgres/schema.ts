import { sql } from "drizzle-orm";
import { check, customType, index, integer, pgTable, text } from "drizzle-orm/pg-core";
import {
  type ItemRow,
  type RefreshTokenRow,
  ROLES,
  type SameShape,
  type UserRow,
} from "../contract.ts";

/**
 * A `timestamptz` kept to the millisecond and read as Unix ms, the contract's form on every
 * engine. Bun's SQL client hands a timestamptz over as a `Date` (and `'infinity'` as the number
 * `Infinity`); a string is accepted too, in case a text-format result ever reaches us.
 */
export const timestampMs = customType<{ data: number; driverData: Date | string | number }>({
  dataType: () => "timestamp(3) with time zone",
  toDriver: (ms) => new Date(ms),
  fromDriver: (value) => {
    if (value instanceof Date) return value.getTime();
    if (typeof value === "number") return value;
    return new Date(value).getTime();
  },
});

// Identity ALWAYS, backed by a sequence that never hands a number out twice: a token minted for a
// deleted user must not start resolving to whoever is inserted next.
const id = () => integer("id").primaryKey().generatedAlwaysAsIdentity();
const createdAt = () => timestampMs("created_at").notNull().default(sql`now()`);

export const users = pgTable(
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
    createdAt: createdAt(),
  },
  (t) => [check("users_role_check", sql`${t.role} IN ('user', 'admin')`)],
);

export const items = pgTable(
  "items",
  {
    id: id(),
    ownerId: integer("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("items_owner_id_idx").on(t.ownerId)],
);

export const refreshTokens = pgTable(
  "refresh_tokens",
  {
    id: id(),
    tokenHash: text("token_hash").notNull().unique(),
    familyId: text("family_id").notNull(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    expiresAt: timestampMs("expires_at").notNull(),
    spentAt: timestampMs("spent_at"),
    revokedAt: timestampMs("revoked_at"),
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
