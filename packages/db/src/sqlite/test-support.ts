import { afterEach, beforeEach } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openConnection, type SqliteConnection } from "./client.ts";
import { createRepository, type SqliteRepository } from "./repository.ts";

/** A fresh directory under the OS temp dir; `remove()` it in afterEach. */
export function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), "statuslab-db-"));
  return {
    dir,
    path: (...parts: string[]) => join(dir, ...parts),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Counts event-loop turns, to show that a wait did not block the loop. */
export function tickCounter(intervalMs = 5) {
  let ticks = 0;
  const timer = setInterval(() => {
    ticks++;
  }, intervalMs);
  return {
    get ticks() {
      return ticks;
    },
    stop: () => clearInterval(timer),
  };
}

/**
 * For every test of the calling file: a new database file in a new temp directory, its handle
 * and a repository over it; closed and removed after the test.
 */
export function freshDatabase() {
  let current:
    | { tmp: ReturnType<typeof tempDir>; handle: SqliteConnection; repo: SqliteRepository }
    | undefined;
  beforeEach(() => {
    const tmp = tempDir();
    const handle = openConnection(tmp.path("app.db"));
    current = { tmp, handle, repo: createRepository(handle) };
  });
  afterEach(() => {
    current?.handle.close();
    current?.tmp.remove();
    current = undefined;
  });
  const now = () => {
    if (!current) throw new Error("freshDatabase() is only usable inside a test");
    return current;
  };
  return {
    get tmp() {
      return now().tmp;
    },
    get handle() {
      return now().handle;
    },
    get repo() {
      return now().repo;
    },
  };
}
