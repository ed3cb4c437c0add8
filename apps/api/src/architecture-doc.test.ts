/**
 * docs/architecture.md is only useful while it is true: every file or folder it names exists,
 * and its list of workspace dependencies is the one the package.json files declare.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "../../..");
const doc = readFileSync(join(root, "docs/architecture.md"), "utf8");

const repositoryFiles = [...new Bun.Glob("**/*").scanSync({ cwd: root, dot: true })]
  .filter((path) => !/(^|\/)(node_modules|\.git|\.turbo|\.reports|data)\//.test(path))
  .map((path) => `/${path}`);

/** Backticked names that look like a path: a folder with a slash or a file with an extension. */
function namedPaths(markdown: string): string[] {
  const names = [...markdown.matchAll(/`([^`\s]+)`/g)].map((match) => match[1] ?? "");
  return names.filter(
    (name) => /^[\w.<>-]+(\/[\w.<>-]*)+$/.test(name) || /^[\w-]+\.(ts|md|json)$/.test(name),
  );
}

/**
 * A name may be relative to any folder (`http/body.ts` inside apps/api/src), and `<feature>`
 * stands for one path segment: it must end some file's path, or be a folder of one.
 */
function exists(name: string): boolean {
  const pattern = name
    .replace(/\/$/, "")
    .split(/<[^>]+>/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[^/]+");
  const matcher = new RegExp(`/${pattern}(/|$)`);
  return repositoryFiles.some((file) => matcher.test(file));
}

function declaredGraph(): Record<string, string[]> {
  const graph: Record<string, string[]> = {};
  for (const manifest of new Bun.Glob("{apps,packages}/*/package.json").scanSync({ cwd: root })) {
    graph[readJson(manifest).name] = workspaceDeps(readJson(manifest));
  }
  graph[readJson("bench/package.json").name] = workspaceDeps(readJson("bench/package.json"));
  return graph;
}

type Manifest = { name: string; dependencies?: object; devDependencies?: object };
const readJson = (path: string) => JSON.parse(readFileSync(join(root, path), "utf8")) as Manifest;
const workspaceDeps = (manifest: Manifest) =>
  Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })
    .filter((name) => name.startsWith("@statuslab/"))
    .sort();

/** The list under the `graph` comment: "- `@statuslab/a`, `@statuslab/b`: `@statuslab/c`, …". */
function documentedGraph(): Record<string, string[]> {
  const list = doc.slice(doc.indexOf("<!-- graph:")).split("\n\n")[1] ?? "";
  const graph: Record<string, string[]> = {};
  for (const line of list.split("\n").filter((l) => l.startsWith("- "))) {
    const [packages = "", deps = ""] = line.slice(2).split(": ");
    const names = (text: string) => [...text.matchAll(/`(@statuslab\/[\w-]+)`/g)].map((m) => m[1]);
    for (const name of names(packages)) graph[name as string] = (names(deps) as string[]).sort();
  }
  return graph;
}

describe("docs/architecture.md", () => {
  test("every file and folder it names exists", () => {
    const names = namedPaths(doc);
    expect(names.length).toBeGreaterThan(30);
    expect(names.filter((name) => !exists(name))).toEqual([]);
  });

  test("a renamed file is caught", () => {
    expect(exists("http/problems.ts")).toBe(true);
    expect(exists("http/no-such-file.ts")).toBe(false);
    expect(exists("src/modules/<feature>/index.ts")).toBe(true);
  });

  test("its dependency list is the workspace's", () => {
    expect(documentedGraph()).toEqual(declaredGraph());
  });
});
