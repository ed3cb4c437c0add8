import { type Static, Type } from "@sinclair/typebox";
import { Problem } from "./problem.ts";
import { STATUS_CATALOG } from "./status-codes.ts";

export const RootStatus = Type.Object({ status: Type.Literal("ok") }, { $id: "RootStatus" });
export type RootStatus = Static<typeof RootStatus>;

/** `/health` when ready: every part up. */
export const HealthStatus = Type.Object(
  {
    status: Type.Literal("ok"),
    database: Type.Literal("up", { description: "Answers a read and would accept a write now" }),
    redis: Type.Optional(
      Type.Literal("up", {
        description: "Answers a PING; present only when rate limits are kept in Redis",
      }),
    ),
  },
  { $id: "HealthStatus" },
);
export type HealthStatus = Static<typeof HealthStatus>;

const upOrDown = (description: string) =>
  Type.Union([Type.Literal("up"), Type.Literal("down")], { description });

/**
 * `/health` when not ready (503): problem+json like every error, whose extension members
 * (RFC 9457 §3.2) say which part is down and why.
 */
export const HealthProblem = Type.Composite(
  [
    Problem,
    Type.Object({
      database: upOrDown("Answers a read and would accept a write now"),
      redis: Type.Optional(
        upOrDown("Answers a PING; present only when rate limits are kept in Redis"),
      ),
      reason: Type.String({
        description: "What is down and why",
        examples: ["database: busy", "database: file-missing", "redis: connection"],
      }),
    }),
  ],
  {
    $id: "HealthProblem",
    description: "application/problem+json (RFC 9457) from /health",
    examples: [
      { ...STATUS_CATALOG[503].problem, status: 503, database: "down", reason: "database: busy" },
    ],
  },
);
export type HealthProblem = Static<typeof HealthProblem>;

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
