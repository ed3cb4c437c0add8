import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { DrizzleQueryError } from "drizzle-orm/errors";
import {
  DatabaseUnavailableError,
  ForeignKeyViolationError,
  type UnavailableReason,
  UniqueViolationError,
} from "../errors.ts";
import { classifySqliteError } from "./errors.ts";

function sqliteError(code: string, message = "database is locked") {
  return Object.assign(new Error(message), { name: "SQLiteError", code });
}

function realUniqueError() {
  const db = new Database(":memory:");
  db.exec("CREATE TABLE t (k TEXT UNIQUE); INSERT INTO t VALUES ('a')");
  try {
    db.exec("INSERT INTO t VALUES ('a')");
  } catch (err) {
    return err;
  } finally {
    db.close();
  }
  throw new Error("expected a unique violation");
}

describe("classifySqliteError", () => {
  test("a real bun:sqlite unique violation names the column", () => {
    const mapped = classifySqliteError(realUniqueError());
    expect(mapped).toBeInstanceOf(UniqueViolationError);
    expect((mapped as UniqueViolationError).constraint).toBe("t.k");
  });

  test("looks through drizzle's DrizzleQueryError wrapper", () => {
    const original = realUniqueError();
    const wrapped = new DrizzleQueryError("insert into t values (?)", ["a"], original as Error);
    const mapped = classifySqliteError(wrapped);
    expect(mapped).toBeInstanceOf(UniqueViolationError);
    expect(mapped?.cause).toBe(wrapped);
  });

  test.each([
    ["SQLITE_BUSY", "busy"],
    ["SQLITE_BUSY_SNAPSHOT", "busy"],
    ["SQLITE_BUSY_RECOVERY", "busy"],
    ["SQLITE_LOCKED", "busy"],
    ["SQLITE_FULL", "full"],
    ["SQLITE_IOERR_FSYNC", "io"],
    ["SQLITE_IOERR", "io"],
    ["SQLITE_READONLY_DBMOVED", "readonly"],
    ["SQLITE_CANTOPEN", "cantopen"],
    ["SQLITE_CORRUPT", "corrupt"],
    ["SQLITE_PROTOCOL", "protocol"],
  ] satisfies [string, UnavailableReason][])("%s is unavailable (%s)", (code, reason) => {
    const mapped = classifySqliteError(sqliteError(code));
    expect(mapped).toBeInstanceOf(DatabaseUnavailableError);
    expect((mapped as DatabaseUnavailableError).reason).toBe(reason);
  });

  test.each(["Cannot use a closed database", "Database has closed", "Statement has finalized"])(
    "use after close (%s) is unavailable",
    (message) => {
      const mapped = classifySqliteError(new Error(message));
      expect((mapped as DatabaseUnavailableError).reason).toBe("closed");
    },
  );

  test("the client-facing message carries neither SQL nor paths; the cause keeps them", () => {
    const original = sqliteError("SQLITE_CANTOPEN", "unable to open /srv/secret/app.db");
    const wrapped = new DrizzleQueryError("select * from users", [], original);
    const mapped = classifySqliteError(wrapped) as DatabaseUnavailableError;
    expect(mapped.message).not.toContain("/srv");
    expect(mapped.message).not.toContain("select");
    expect(mapped.cause).toBe(wrapped);
    expect(mapped.retryAfterSeconds).toBe(1);
  });

  test("bugs are not classified", () => {
    expect(classifySqliteError(new TypeError("x is undefined"))).toBeUndefined();
    expect(classifySqliteError(sqliteError("SQLITE_ERROR", "no such table: t"))).toBeUndefined();
    expect(
      classifySqliteError(sqliteError("SQLITE_CONSTRAINT_CHECK", "CHECK constraint failed")),
    ).toBeUndefined();
    expect(classifySqliteError("not an error")).toBeUndefined();
  });

  test("a foreign key failure is a ForeignKeyViolationError", () => {
    const mapped = classifySqliteError(
      sqliteError("SQLITE_CONSTRAINT_FOREIGNKEY", "FOREIGN KEY failed"),
    );
    expect(mapped).toBeInstanceOf(ForeignKeyViolationError);
  });

  test("a cyclic cause chain terminates", () => {
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    a.cause = b;
    expect(classifySqliteError(a)).toBeUndefined();
  });
});
