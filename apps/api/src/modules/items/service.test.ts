import { expect, test } from "bun:test";
import { makeApp } from "../../../test/support.ts";
import { CredentialsRejectedError } from "../../http/problems.ts";
import { createItem } from "./service.ts";

test("an owner deleted between authentication and insert is refused as unknown, not a 500", async () => {
  const { api, deps } = await makeApp();
  const { id } = await api.register("brief@example.com");
  const owner = await deps.repo.findUserById(id);
  if (!owner) throw new Error("the user was just registered");
  await deps.repo.deleteUser(id);
  await expect(createItem(deps, owner, "orphan")).rejects.toBeInstanceOf(CredentialsRejectedError);
});
