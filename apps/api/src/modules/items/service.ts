import type { ItemPublic, ItemsPublic } from "@statuslab/contracts";
import type { ItemRow, UserRow } from "@statuslab/db";
import type { Deps } from "../../deps.ts";

const toItemPublic = (item: ItemRow): ItemPublic => ({
  id: item.id,
  title: item.title,
  owner_id: item.ownerId,
  created_at: new Date(item.createdAt).toISOString(),
});

export async function listItems(deps: Deps, owner: UserRow): Promise<ItemsPublic> {
  const items = await deps.repo.listItems(owner.id);
  return { items: items.map(toItemPublic), owner: owner.email };
}

export async function createItem(deps: Deps, owner: UserRow, title: string): Promise<ItemPublic> {
  return toItemPublic(await deps.repo.insertItem(owner.id, title));
}
