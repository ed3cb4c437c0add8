import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

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
