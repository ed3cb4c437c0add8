import type {
  Pagination,
  Role,
  UserCreate,
  UserPublic,
  UserRegistered,
  UsersPublic,
} from "@statuslab/contracts";
import { UniqueViolationError, type UserRow } from "@statuslab/db";
import type { Deps } from "../../deps.ts";
import { EmailTakenError, ForbiddenError, UserNotFoundError } from "../../http/problems.ts";
import { issueAccessToken } from "../auth/service.ts";

export const toUserPublic = (user: UserRow): UserPublic => ({
  id: user.id,
  email: user.email,
  role: user.role,
  name: user.name ?? null,
});

/**
 * A taken email is answered 409 before any hashing, so duplicates cost a lookup, not an
 * argon2id hash (the 409 already says the email exists, so answering sooner reveals nothing
 * new). Then hash, then insert: the unique index on the normalised email still decides a race
 * between two sign-ups of one address, so exactly one of them wins and the rest get 409.
 */
export async function registerUser(
  deps: Pick<Deps, "config" | "hasher" | "jwt" | "repo">,
  input: UserCreate,
): Promise<UserRegistered> {
  if (await deps.repo.findUserByEmail(input.email)) throw new EmailTakenError();
  const passwordHash = await deps.hasher.hash(input.password);
  let user: UserRow;
  try {
    user = await deps.repo.insertUser({
      email: input.email,
      passwordHash,
      name: input.name ?? null,
    });
  } catch (error) {
    if (error instanceof UniqueViolationError) throw new EmailTakenError();
    throw error;
  }
  const { token, expiresIn } = await issueAccessToken(deps, user);
  return { token, token_type: "bearer", expires_in: expiresIn, user: toUserPublic(user) };
}

/** A non-admin asking about someone else learns nothing, not even that the id exists. */
export async function getUser(
  deps: Pick<Deps, "repo">,
  actor: UserRow,
  id: number,
): Promise<UserPublic> {
  if (actor.role !== "admin" && actor.id !== id) throw new UserNotFoundError();
  const user = actor.id === id ? actor : await deps.repo.findUserById(id);
  if (!user) throw new UserNotFoundError();
  return toUserPublic(user);
}

/** Deleting someone else is refused before any lookup, so 403 reveals no existence either. */
export async function deleteUser(
  deps: Pick<Deps, "repo">,
  actor: UserRow,
  id: number,
): Promise<void> {
  if (actor.role !== "admin" && actor.id !== id) throw new ForbiddenError();
  if (!(await deps.repo.deleteUser(id))) throw new UserNotFoundError();
}

/** Already gone (a delete racing this one) is still the end the caller asked for. */
export async function deleteSelf(deps: Pick<Deps, "repo">, actor: UserRow): Promise<void> {
  await deps.repo.deleteUser(actor.id);
}

export async function listUsers(deps: Pick<Deps, "repo">, page: Pagination): Promise<UsersPublic> {
  const { rows, count } = await deps.repo.listUsers({
    limit: page.limit ?? 20,
    offset: page.offset ?? 0,
  });
  return { data: rows.map(toUserPublic), count };
}

/**
 * Takes effect on the user's next request (roles are read each time); their refresh-token
 * families end too, so a session opened under the old role cannot be renewed.
 */
export async function setRole(
  deps: Pick<Deps, "repo">,
  id: number,
  role: Role,
): Promise<UserPublic> {
  const user = await deps.repo.updateUserRole(id, role);
  if (!user) throw new UserNotFoundError();
  await deps.repo.revokeUserRefreshTokens(id, Date.now());
  return toUserPublic(user);
}

/**
 * ADMIN_EMAIL/ADMIN_PASSWORD: after start that account exists, is an admin, and the
 * configured password works.
 *
 * An existing account is promoted in place only when the configured password already opens
 * it (it is the operator's own). Otherwise someone holds the admin email without the admin
 * password (a squatter, or the password was rotated): the account is re-created, because ids
 * are never reused and so every token issued to the old account stops working at once.
 * Promoting it in place would hand admin rights to tokens its holder already has.
 */
export async function ensureAdmin(
  deps: Pick<Deps, "hasher" | "repo">,
  email: string,
  password: string,
): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await deps.repo.findUserByEmail(email);
    if (existing && (await deps.hasher.verify(password, existing.passwordHash))) {
      if (existing.role !== "admin") await deps.repo.updateUserRole(existing.id, "admin");
      return;
    }
    if (existing) await deps.repo.deleteUser(existing.id);
    try {
      await deps.repo.insertUser({
        email,
        passwordHash: await deps.hasher.hash(password),
        role: "admin",
      });
      return;
    } catch (error) {
      // Another instance bootstrapped the same admin a moment ago: check what it made.
      if (!(error instanceof UniqueViolationError)) throw error;
    }
  }
  throw new Error("could not bootstrap the admin account: it keeps changing under us");
}
