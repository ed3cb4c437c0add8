/**
 * Which lessons a learner has finished, in a small JSON file so the menu can show ✓ across
 * runs. A missing or unreadable file is simply no progress: it is a convenience, not data.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";

export interface Progress {
  version: 1;
  /** Lesson id → when it was finished (ISO 8601). */
  completed: Record<string, string>;
}

export function progressPath(env: Record<string, string | undefined> = process.env): string {
  return resolve(env.LESSONS_STATE || "./data/lessons-progress.json");
}

/** As the menu shows it: relative to where the learner is, when it is below there. */
export function displayPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? `./${rel}` : path;
}

export function loadProgress(path: string): Progress {
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<Progress>;
    if (parsed && typeof parsed.completed === "object" && parsed.completed !== null) {
      return { version: 1, completed: { ...parsed.completed } };
    }
  } catch {
    // No file yet, or not ours to understand: start afresh.
  }
  return { version: 1, completed: {} };
}

export function markCompleted(path: string, lessonId: string, now = new Date()): Progress {
  const progress = loadProgress(path);
  progress.completed[lessonId] = now.toISOString();
  mkdirSync(dirname(path), { recursive: true });
  // Write then rename: an interrupted write never leaves half a file behind.
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(progress, null, 2)}\n`);
  renameSync(temporary, path);
  return progress;
}

export function resetProgress(path: string): void {
  rmSync(path, { force: true });
}
