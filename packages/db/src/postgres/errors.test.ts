import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SQL } from "bun";
import { DrizzleQueryError } from "drizzle-orm/errors";
import {
  DatabaseUnavailableError,
  ForeignKeyViolationError,
  type UnavailableReason,
  UniqueViolationError,
} from "../errors.ts";
import { POSTGRES_TEST_URL } from "../testing/postgres.ts";
import { requirePostgres } from "../testing/require-postgres.ts";
import { closedPort } from "../testing/tcp-proxy.ts";
import { classifyPostgresError } from "./errors.ts";

const serverError = (errno: string, extra: { constraint?: string } = {}) =>
  new SQL.PostgresError("driver text with SELECT secret", {
    code: "ERR_POSTGRES_SERVER_ERROR",
    errno,
    ...extra,
  });
const bunError = (code: string) => new SQL.PostgresError("Connection closed", { code });

describe("classifyPostgresError", () => {
  test.each([
    ["55P03", "busy"],
    ["40001", "busy"],
    ["40P01", "busy"],
    ["53300", "busy"],
    ["57014", "timeout"],
    ["53100", "full"],
    ["53400", "full"],
    ["53200", "nomem"],
    ["08006", "unreachable"],
    ["08P01", "unreachable"],
    ["57P01", "unreachable"],
    ["57P02", "unreachable"],
    ["57P03", "unreachable"],
  ] satisfies [string, UnavailableReason][])("SQLSTATE %s is unavailable (%s)", (errno, reason) => {
    const mapped = classifyPostgresError(serverError(errno));
    expect(mapped).toBeInstanceOf(DatabaseUnavailableError);
    expect((mapped as DatabaseUnavailableError).reason).toBe(reason);
    expect(mapped?.message).not.toContain("secret");
  });

  test.each([
    ["ERR_POSTGRES_CONNECTION_CLOSED", "unreachable"],
    ["ERR_POSTGRES_CONNECTION_REFUSED", "unreachable"],
    ["ERR_POSTGRES_CONNECTION_FAILED", "unreachable"],
    ["ERR_POSTGRES_CONNECTION_TIMEOUT", "unreachable"],
    ["ERR_POSTGRES_TLS_UPGRADE_FAILED", "unreachable"],
    ["ERR_POSTGRES_QUERY_CANCELLED", "timeout"],
  ] satisfies [string, UnavailableReason][])("Bun's %s is unavailable (%s)", (code, reason) => {
    const mapped = classifyPostgresError(bunError(code));
    expect((mapped as DatabaseUnavailableError).reason).toBe(reason);
  });

  test("23505 is a unique violation naming the constraint; 23503 a foreign key violation", () => {
    const unique = classifyPostgresError(
      serverError("23505", { constraint: "users_email_key_unique" }),
    );
    expect(unique).toBeInstanceOf(UniqueViolationError);
    expect((unique as UniqueViolationError).constraint).toBe("users_email_key_unique");
    expect(classifyPostgresError(serverError("23503"))).toBeInstanceOf(ForeignKeyViolationError);
  });

  test("looks through drizzle's DrizzleQueryError, and keeps the original as cause", () => {
    const wrapped = new DrizzleQueryError("select 1", [], serverError("55P03"));
    const mapped = classifyPostgresError(wrapped);
    expect((mapped as DatabaseUnavailableError).reason).toBe("busy");
    expect(mapped?.cause).toBe(wrapped);
  });

  test("bugs and misconfigurations are left alone: undefined table, syntax, login, other codes", () => {
    for (const errno of ["42P01", "42601", "23514", "22P02", "28P01", "3D000"]) {
      expect(classifyPostgresError(serverError(errno))).toBeUndefined();
    }
    expect(
      classifyPostgresError(bunError("ERR_POSTGRES_INVALID_TRANSACTION_STATE")),
    ).toBeUndefined();
    expect(classifyPostgresError(new Error("boom"))).toBeUndefined();
    expect(classifyPostgresError("not an error")).toBeUndefined();
  });

  test("a cyclic cause chain ends", () => {
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    a.cause = b;
    expect(classifyPostgresError(a)).toBeUndefined();
  });

  test("an error already mapped is returned as it is", () => {
    const busy = new DatabaseUnavailableError("busy");
    expect(classifyPostgresError(busy)).toBe(busy);
  });
});

describe.skipIf(!(await requirePostgres()))("real server errors", () => {
  let sql: SQL;
  beforeAll(() => {
    sql = new SQL(POSTGRES_TEST_URL, { max: 2, connection: { statement_timeout: 200 } });
  });
  afterAll(() => sql.close());
  const errorOf = (run: () => Promise<unknown>) =>
    run().then(
      () => {
        throw new Error("expected a failure");
      },
      (e: unknown) => e,
    );

  test("a unique violation, a statement timeout and an undefined table, as Bun raises them", async () => {
    const unique = await errorOf(() =>
      sql.begin(async (tx) => {
        await tx`CREATE TEMP TABLE u (k text CONSTRAINT u_k_key UNIQUE)`;
        await tx`INSERT INTO u VALUES ('a'), ('a')`;
      }),
    );
    expect((classifyPostgresError(unique) as UniqueViolationError).constraint).toBe("u_k_key");
    const timeout = classifyPostgresError(await errorOf(() => sql`SELECT pg_sleep(2)`));
    expect((timeout as DatabaseUnavailableError).reason).toBe("timeout");
    expect(classifyPostgresError(await errorOf(() => sql`SELECT * FROM nowhere`))).toBeUndefined();
  });

  test("a closed port is unreachable", async () => {
    const port = closedPort();
    const client = new SQL(`postgres://postgres@127.0.0.1:${port}/test`, { connectionTimeout: 2 });
    const mapped = classifyPostgresError(await errorOf(() => client`SELECT 1`));
    expect((mapped as DatabaseUnavailableError).reason).toBe("unreachable");
    await client.close();
  });
});
