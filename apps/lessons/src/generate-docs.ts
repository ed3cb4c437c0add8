/**
 * `bun run --cwd apps/lessons docs`: regenerates docs/lessons/ and docs/status-codes/ from
 * the lesson data. `generateDocs` is pure (path → content) so docs.test.ts can compare it
 * with the committed files without writing anything.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { setupSteps } from "./dependencies.ts";
import { lessonSlug } from "./docs-common.ts";
import { httpFile } from "./docs-http.ts";
import { lessonPage, lessonsIndex } from "./docs-lessons.ts";
import { statusIndex, statusPage } from "./docs-status.ts";
import type { Lesson, StatusCodeDoc } from "./model.ts";

export const REPO_ROOT = join(import.meta.dir, "..", "..", "..");

/** Paths relative to the repository root. */
export function generateDocs(
  lessons: Lesson[],
  statusCodes: StatusCodeDoc[],
): Record<string, string> {
  const setup = setupSteps(lessons);
  const files: Record<string, string> = {
    "docs/lessons/README.md": lessonsIndex(lessons),
    "docs/status-codes/README.md": statusIndex(statusCodes, lessons),
  };
  lessons.forEach((lesson, i) => {
    const slug = lessonSlug(lesson, i);
    files[`docs/lessons/${slug}.md`] = lessonPage(lesson, i, statusCodes, setup);
    files[`docs/lessons/http/${slug}.http`] = httpFile(lesson, i);
  });
  for (const doc of statusCodes)
    files[`docs/status-codes/${doc.code}.md`] = statusPage(doc, lessons);
  return files;
}

/**
 * The files on disk that generation owns: markdown directly in docs/lessons/ and
 * docs/status-codes/, and everything in docs/lessons/http/. (The transcript is not generated
 * from data, so it is not owned.)
 */
export function ownedFiles(root = REPO_ROOT): string[] {
  const list = (dir: string, keep: (name: string) => boolean) => {
    try {
      return readdirSync(join(root, dir), { withFileTypes: true })
        .filter((e) => e.isFile() && keep(e.name))
        .map((e) => `${dir}/${e.name}`);
    } catch {
      return [];
    }
  };
  return [
    ...list("docs/lessons", (n) => n.endsWith(".md")),
    ...list("docs/lessons/http", () => true),
    ...list("docs/status-codes", (n) => n.endsWith(".md")),
  ].sort();
}

if (import.meta.main) {
  const { lessons } = await import("./lessons/index.ts");
  const { statusCodes } = await import("./status-codes.ts");
  const files = generateDocs(lessons, statusCodes);
  for (const stale of ownedFiles().filter((path) => !(path in files))) {
    rmSync(join(REPO_ROOT, stale));
    console.log(`removed ${stale}`);
  }
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(REPO_ROOT, path)), { recursive: true });
    writeFileSync(join(REPO_ROOT, path), content);
  }
  console.log(`wrote ${Object.keys(files).length} files under docs/lessons and docs/status-codes`);
}
