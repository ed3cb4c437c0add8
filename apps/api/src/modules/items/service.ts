import type { ItemPublic, ItemsPublic } from "@statuslab/contracts";
import { ForeignKeyViolationError, type ItemRow, type UserRow } from "@statuslab/db";
import type { Deps } from "../../deps.ts";
import { CredentialsRejectedError } from "../../http/problems.ts";

const toItemPublic = (item: ItemRow): ItemPublic => ({
  id: item.id,
  title: item.title,
  owner_id: item.ownerId,
  created_at: new Date(item.createdAt).toISOString(),
});

export async function listItems(deps: Pick<Deps, "repo">, owner: UserRow): Promise<ItemsPublic> {
  const items = await deps.repo.listItems(owner.id);
  return { items: items.map(toItemPublic), owner: owner.email };
}

/** The owner may be deleted between authentication and insert: then they are nobody (401). */
export async function createItem(
  deps: Pick<Deps, "repo">,
  owner: UserRow,
  title: string,
): Promise<ItemPublic> {
  try {
    return toItemPublic(await deps.repo.insertItem(owner.id, title));
  } catch (error) {
    if (error instanceof ForeignKeyViolationError) throw new CredentialsRejectedError();
    throw error;
  }
}
