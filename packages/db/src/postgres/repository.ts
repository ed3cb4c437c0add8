import { asc, count, eq, sql } from "drizzle-orm";
import {
  emailKey,
  type ItemRow,
  isStorableText,
  type NewUser,
  type Repository,
  type Role,
  type UserRow,
  unservablePage,
  unstorable,
} from "../contract.ts";
import type { Run } from "./calls.ts";
import type { Drizzle } from "./client.ts";
import { refreshTokenQueries } from "./refresh-tokens.ts";
import { items, users } from "./schema.ts";
import { createUserBatcher } from "./user-batch.ts";

const param = sql.placeholder;

/**
 * The contract over a pool. Every call reads or writes the database itself (no cache of users:
 * a change committed by any process is seen by the next call), through `run`.
 */
export function createRepository(db: Drizzle, run: Run): Repository {
  // Prepared once: otherwise drizzle rebuilds the SQL string on every call. (Bun keeps a
  // server-side prepared statement per connection for each SQL string it has seen.)
  const userById = db
    .select()
    .from(users)
    .where(eq(users.id, param("id")))
    .prepare("user_by_id");
  const usersByIds = db
    .select()
    .from(users)
    .where(sql`${users.id} = ANY(${param("ids")}::int[])`)
    .prepare("users_by_ids");
  const lookUpUser = createUserBatcher(
    async (id) => (await userById.execute({ id }))[0],
    (ids) => usersByIds.execute({ ids }),
  );
  const userByEmailKey = db
    .select()
    .from(users)
    .where(eq(users.emailKey, param("emailKey")))
    .prepare("user_by_email_key");
  const insertUser = db
    .insert(users)
    .values({
      email: param("email"),
      emailKey: param("emailKey"),
      passwordHash: param("passwordHash"),
      name: param("name"),
      role: param("role"),
    })
    .returning()
    .prepare("insert_user");
  const deleteUser = db
    .delete(users)
    .where(eq(users.id, param("id")))
    .returning({ id: users.id })
    .prepare("delete_user");
  const updateUserRole = db
    .update(users)
    .set({ role: sql`${param("role")}` })
    .where(eq(users.id, param("id")))
    .returning()
    .prepare("update_user_role");
  const insertItem = db
    .insert(items)
    .values({ ownerId: param("ownerId"), title: param("title") })
    .returning()
    .prepare("insert_item");
  const itemsByOwner = db
    .select()
    .from(items)
    .where(eq(items.ownerId, param("ownerId")))
    .orderBy(asc(items.id))
    .prepare("items_by_owner");
  // Reads the users table rather than `SELECT 1`, so that a lock held on it shows as "busy".
  const ping = db.select({ one: sql`1` }).from(users).limit(1).prepare("ping");
  // Changes no row, yet is a write to the server: refused on a read-only session (25006) and
  // queued behind any lock that shuts writes out of users (lock_timeout, 55P03).
  const checkWritable = db
    .update(users)
    .set({ role: sql`${users.role}` })
    .where(sql`false`)
    .prepare("check_writable");

  return {
    ...refreshTokenQueries(db, run),

    findUserById: (id: number): Promise<UserRow | undefined> => run(() => lookUpUser(id)),

    findUserByEmail: (email: string): Promise<UserRow | undefined> =>
      isStorableText(email)
        ? run(async () => (await userByEmailKey.execute({ emailKey: emailKey(email) }))[0])
        : Promise.resolve(undefined),

    insertUser: ({
      email,
      passwordHash,
      name = null,
      role = "user",
    }: NewUser): Promise<UserRow> => {
      const refused = unstorable({ email, passwordHash, name });
      if (refused) return Promise.reject(refused);
      return run(async () => {
        const [row] = await insertUser.execute({
          email,
          emailKey: emailKey(email),
          passwordHash,
          name,
          role,
        });
        return row as UserRow;
      });
    },

    deleteUser: (id: number): Promise<boolean> =>
      run(async () => (await deleteUser.execute({ id })).length > 0),

    updateUserRole: (id: number, role: Role): Promise<UserRow | undefined> =>
      run(async () => (await updateUserRole.execute({ id, role }))[0]),

    // Typed by the contract, as every method here.
    listUsers: ({ limit, offset }) => {
      const refused = unservablePage({ limit, offset });
      if (refused) return Promise.reject(refused);
      // The page and the total from one snapshot. Built per call: a prepared query runs on the
      // pool, not on the transaction's connection, and listing users is not on a hot path.
      return run(() =>
        db.transaction(
          async (tx) => {
            const rows = await tx
              .select()
              .from(users)
              .orderBy(asc(users.id))
              .limit(limit)
              .offset(offset);
            const [total] = await tx.select({ n: count() }).from(users);
            return { rows, count: total?.n ?? 0 };
          },
          { isolationLevel: "repeatable read", accessMode: "read only" },
        ),
      );
    },

    insertItem: (ownerId: number, title: string): Promise<ItemRow> => {
      const refused = unstorable({ title });
      if (refused) return Promise.reject(refused);
      return run(async () => (await insertItem.execute({ ownerId, title }))[0] as ItemRow);
    },

    listItems: (ownerId: number): Promise<ItemRow[]> =>
      run(() => itemsByOwner.execute({ ownerId })),

    ping: (): Promise<void> =>
      run(async () => {
        await ping.execute();
      }),

    checkWritable: (): Promise<void> =>
      run(async () => {
        await checkWritable.execute();
      }),
  };
}
