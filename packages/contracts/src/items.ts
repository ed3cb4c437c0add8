import { type Static, Type } from "@sinclair/typebox";

export const ItemCreate = Type.Object(
  {
    title: Type.String({
      minLength: 1,
      maxLength: 200,
      // U+0000 is refused: PostgreSQL cannot store it, and it is never part of real text.
      pattern: "^[^\\u0000]*$",
      errorMessage: "must be a string of 1 to 200 characters, without U+0000",
      examples: ["Buy milk"],
    }),
  },
  { $id: "ItemCreate" },
);
export type ItemCreate = Static<typeof ItemCreate>;

export const ItemPublic = Type.Object(
  {
    id: Type.Integer(),
    title: Type.String(),
    owner_id: Type.Integer(),
    created_at: Type.String({ format: "date-time" }),
  },
  { $id: "ItemPublic" },
);
export type ItemPublic = Static<typeof ItemPublic>;

export const ItemsPublic = Type.Object(
  {
    items: Type.Array(ItemPublic),
    owner: Type.String({ description: "The owner's e-mail address" }),
  },
  { $id: "ItemsPublic" },
);
export type ItemsPublic = Static<typeof ItemsPublic>;
