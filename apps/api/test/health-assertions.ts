import { expect } from "bun:test";
import { Value } from "@sinclair/typebox/value";
import { HealthProblem, HealthStatus } from "@statuslab/contracts";
import { expectJson, expectProblem } from "./problem-assertions.ts";
import type { Sent } from "./support.ts";

/** `/health` said ready: 200 and the contract's body, every part up. */
export function expectReady(sent: Sent, parts: { redis?: "up" } = {}) {
  expectJson(sent, 200);
  expect(sent.body).toEqual({ status: "ok", database: "up", ...parts });
  expect(Value.Check(HealthStatus, sent.body)).toBe(true);
}

/**
 * `/health` said not ready: 503 problem+json with `Retry-After`, whose extension members name
 * what is down and why. The detail is the failing part's, as on every other route.
 */
export function expectNotReady(
  sent: Sent,
  parts: { database: "up" | "down"; redis?: "up" | "down"; reason?: string },
) {
  expectProblem(
    sent,
    503,
    parts.database === "down" ? "Database unavailable" : "Rate limiter unavailable",
  );
  expect(sent.body).toMatchObject({ instance: "/health", ...parts });
  if (!parts.redis) expect(sent.body.redis).toBeUndefined();
  expect(sent.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
  expect(Value.Check(HealthProblem, sent.body)).toBe(true);
}
