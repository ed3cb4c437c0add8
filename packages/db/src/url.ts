import { DatabaseUrlError } from "./errors.ts";

/** What a `DATABASE_URL` names: a SQLite file (or memory), or a PostgreSQL server. */
export type DatabaseTarget =
  | { engine: "sqlite"; path: string }
  | { engine: "postgres"; url: string };

export const ACCEPTED_DATABASE_URLS =
  "a file path, file:<path>, :memory:, postgres:// or postgresql://";

// A scheme is two or more characters, so a Windows drive letter (C:\data\app.db) stays a path.
const SCHEME = /^([a-z][a-z0-9+.-]+):/i;

/**
 * Reads a `DATABASE_URL`. Anything it does not recognise is refused, never taken for a file
 * name: `mysql://…` must stop the start, not create a folder called `mysql:`.
 */
export function parseDatabaseUrl(raw: string): DatabaseTarget {
  const value = raw.trim();
  if (value === "")
    throw new DatabaseUrlError(`DATABASE_URL is empty (use ${ACCEPTED_DATABASE_URLS})`);
  if (value === ":memory:") return { engine: "sqlite", path: ":memory:" };
  const scheme = SCHEME.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined) return { engine: "sqlite", path: value };
  if (scheme === "file") return { engine: "sqlite", path: filePath(value) };
  if (scheme === "postgres" || scheme === "postgresql") {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new DatabaseUrlError(
        `DATABASE_URL is not a valid PostgreSQL URL (got ${maskDatabaseUrl(value)}; expected postgres://user:password@host:5432/database)`,
      );
    }
    if (url.hostname === "") {
      throw new DatabaseUrlError(
        `DATABASE_URL names no PostgreSQL host (got ${maskDatabaseUrl(value)}; expected postgres://user:password@host:5432/database)`,
      );
    }
    return { engine: "postgres", url: value };
  }
  throw new DatabaseUrlError(
    `DATABASE_URL must be ${ACCEPTED_DATABASE_URLS} (got ${JSON.stringify(`${scheme}:`)}…)`,
  );
}

/** `file:./data/app.db`, `file:/abs/app.db` or `file:///abs/app.db` → the path. */
function filePath(value: string): string {
  const rest = value.slice("file:".length);
  if (rest.includes("?") || rest.includes("#")) {
    throw new DatabaseUrlError("DATABASE_URL: a file: URL takes no ?query or #fragment");
  }
  if (!rest.startsWith("//")) {
    if (rest === "") throw new DatabaseUrlError("DATABASE_URL: file: names no file");
    return decodeURIComponent(rest);
  }
  const url = new URL(value);
  if (url.host !== "" && url.host !== "localhost") {
    throw new DatabaseUrlError(
      `DATABASE_URL: a file: URL must name a local file (got host ${JSON.stringify(url.host)})`,
    );
  }
  if (url.pathname === "/" || url.pathname === "") {
    throw new DatabaseUrlError("DATABASE_URL: file: names no file");
  }
  return decodeURIComponent(url.pathname);
}

/**
 * The URL as it may be printed: a password (in the user-info part or a `password=` parameter)
 * becomes `***`. Anything that does not parse is shown only by its scheme.
 */
export function maskDatabaseUrl(raw: string): string {
  const scheme = SCHEME.exec(raw.trim())?.[1];
  if (scheme === undefined || scheme.toLowerCase() === "file") return raw;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return `${scheme}://…`;
  }
  if (url.password !== "") url.password = "***";
  for (const key of [...url.searchParams.keys()]) {
    if (/pass/i.test(key)) url.searchParams.set(key, "***");
  }
  return url.toString();
}
