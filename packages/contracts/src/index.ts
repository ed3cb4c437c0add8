export * from "./items.ts";
export * from "./params.ts";
export * from "./problem.ts";
export * from "./service.ts";
export * from "./status-codes.ts";
export * from "./tokens.ts";
export * from "./users.ts";
