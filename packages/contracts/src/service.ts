import { type Static, Type } from "@sinclair/typebox";

export const RootStatus = Type.Object({ status: Type.Literal("ok") }, { $id: "RootStatus" });
export type RootStatus = Static<typeof RootStatus>;

export const HealthStatus = Type.Object(
  { status: Type.Literal("ok"), database: Type.Literal("up") },
  { $id: "HealthStatus" },
);
export type HealthStatus = Static<typeof HealthStatus>;

export const LimitedQuery = Type.Object({
  client_id: Type.String({
    minLength: 1,
    maxLength: 128,
    description: "Whose quota this request spends",
    examples: ["test123"],
  }),
});
export type LimitedQuery = Static<typeof LimitedQuery>;

export const LimitedResponse = Type.Object(
  {
    message: Type.String({ examples: ["Request allowed"] }),
    client_id: Type.String(),
    remaining: Type.Integer({ description: "Requests left in the current window" }),
  },
  { $id: "LimitedResponse" },
);
export type LimitedResponse = Static<typeof LimitedResponse>;
