import { describe, expect, test } from "bun:test";
import { DatabaseUrlError } from "./errors.ts";
import { maskDatabaseUrl, parseDatabaseUrl } from "./url.ts";

describe("parseDatabaseUrl", () => {
  test.each([
    ["./data/app.db", "./data/app.db"],
    ["/var/lib/statuslab/app.db", "/var/lib/statuslab/app.db"],
    ["app.db", "app.db"],
    [":memory:", ":memory:"],
    ["file:./data/app.db", "./data/app.db"],
    ["file:app.db", "app.db"],
    ["file:/var/lib/app.db", "/var/lib/app.db"],
    ["file:///var/lib/app.db", "/var/lib/app.db"],
    ["file://localhost/var/lib/app.db", "/var/lib/app.db"],
    ["file:./my%20data/app.db", "./my data/app.db"],
    ["C:\\data\\app.db", "C:\\data\\app.db"],
    ["  ./padded.db  ", "./padded.db"],
  ])("%j is the SQLite file %j", (url, path) => {
    expect(parseDatabaseUrl(url)).toEqual({ engine: "sqlite", path });
  });

  test.each([
    "postgres://postgres@127.0.0.1:5432/test",
    "postgresql://app:secret@db.internal/app?sslmode=require",
    "POSTGRES://app@db/app",
  ])("%j is PostgreSQL, passed on unchanged", (url) => {
    expect(parseDatabaseUrl(url)).toEqual({ engine: "postgres", url });
  });

  test.each([
    [
      "mysql://root:hunter2@127.0.0.1/test",
      /must be a file path, file:<path>, :memory:, postgres:\/\/ or postgresql:\/\//,
    ],
    ["mariadb://root@127.0.0.1/test", /"mariadb:"/],
    ["sqlite:///tmp/app.db", /"sqlite:"/],
    ["http://example.com/app.db", /"http:"/],
    ["", /empty/],
    ["   ", /empty/],
    ["file:", /names no file/],
    ["file:///", /names no file/],
    ["file://fileserver/share/app.db", /local file/],
    ["file:./app.db?mode=ro", /no \?query/],
    ["postgres://", /no PostgreSQL host|not a valid/],
    ["postgres:///app", /no PostgreSQL host/],
  ])("%j is refused: %s", (url, message) => {
    let error: unknown;
    try {
      parseDatabaseUrl(url);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DatabaseUrlError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toStartWith("DATABASE_URL");
    expect((error as Error).message).not.toContain("hunter2");
    expect((error as Error).message).not.toMatch(/[\r\n]/);
  });
});

describe("maskDatabaseUrl", () => {
  test.each([
    ["postgres://app:hunter2@db:5432/app", "postgres://app:***@db:5432/app"],
    ["postgresql://app@db/app", "postgresql://app@db/app"],
    [
      "postgres://app@db/app?password=hunter2&sslmode=require",
      "postgres://app@db/app?password=***&sslmode=require",
    ],
    ["postgres://app:p%40ss@db/app", "postgres://app:***@db/app"],
    ["./data/app.db", "./data/app.db"],
    [":memory:", ":memory:"],
    ["file:./data/app.db", "file:./data/app.db"],
    ["postgres://app:hunter2@[bad", "postgres://…"],
  ])("%j → %j", (url, shown) => {
    expect(maskDatabaseUrl(url)).toBe(shown);
    expect(maskDatabaseUrl(url)).not.toContain("hunter2");
  });
});
