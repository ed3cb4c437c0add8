import { type TInteger, Type } from "@sinclair/typebox";

/**
 * An integer read from a path or query string. Path and query values are strings on the
 * wire; a pattern decides validity before decoding, so decoding can never fail and a
 * bad value is always an ordinary 422 field error.
 *
 * Typed as the integer it decodes to (as Elysia types its own `t.Integer`), so handlers
 * and clients see a number; the runtime schema, and so OpenAPI, shows the digit string.
 */
const IntegerString = (pattern: string, description: string, errorMessage: string) =>
  Type.Transform(Type.String({ pattern, description, errorMessage }))
    .Decode((value) => Number(value))
    .Encode((value) => String(value)) as unknown as TInteger;

// 1..999_999_999_999_999: below Number.MAX_SAFE_INTEGER, no leading zeros.
export const PositiveId = IntegerString(
  "^[1-9][0-9]{0,14}$",
  "A positive integer id",
  "must be a positive integer",
);

export const PageLimit = IntegerString(
  "^([1-9]|[1-9][0-9]|100)$",
  "Page size, 1 to 100 (default 20)",
  "must be an integer from 1 to 100",
);

export const PageOffset = IntegerString(
  "^(0|[1-9][0-9]{0,14})$",
  "Rows to skip (default 0)",
  "must be a non-negative integer",
);
