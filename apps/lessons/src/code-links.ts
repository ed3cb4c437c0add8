/**
 * Each step's link to the line of apps/api that picks its status, found in the source when the
 * lessons load (never a hand-written line number), for the docs and the runner to show.
 *
 * - The route's own handler decides when it names the code: `status(201, …)`, `status: 200`.
 * - Any other success is the handler's plain return, which Elysia sends as 200: the route line.
 * - An error is where a problem class of that status and detail (http/problems.ts) is made.
 * When several lines qualify, the step's `chosenBy` fragment names the one: guessing by module
 * or layer picked plausible wrong lines (a deleted user's 401 is not the token-type check).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { exampleVars } from "./examples.ts";
import type { CodeLink, Lesson, Step } from "./model.ts";

const REPO_ROOT = join(import.meta.dir, "..", "..", "..");
const API_SRC = "apps/api/src";
const PROBLEMS = `${API_SRC}/http/problems.ts`;

export interface SourceFile {
  /** From the repository root. */
  path: string;
  lines: string[];
}

/** Every non-test TypeScript file of apps/api/src. */
export function loadApiSource(root = REPO_ROOT): SourceFile[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) return walk(path);
      return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
    });
  return walk(API_SRC)
    .sort()
    .map((path) => ({ path, lines: readFileSync(join(root, path), "utf8").split("\n") }));
}

interface Route {
  method: string;
  pattern: RegExp;
  /** Static segments count: `/users/me` beats `/users/:id`, as in Elysia's router. */
  statics: number;
  file: SourceFile;
  /** 0-based index of the line declaring the route, and of the line after its handler. */
  start: number;
  end: number;
}

const PREFIX = /new Elysia\(\{[^}]*prefix:\s*"([^"]*)"/;
const ROUTE = /\.(get|post|put|patch|delete)\(\s*"(\/[^"]*)"/g;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const lineAt = (text: string, index: number) => text.slice(0, index).split("\n").length - 1;

function routesOf(file: SourceFile): Route[] {
  const text = file.lines.join("\n");
  const prefix = PREFIX.exec(text)?.[1] ?? "";
  const found = [...text.matchAll(ROUTE)].map((match) => {
    const full = `${prefix}${match[2]}`.replace(/(.)\/$/, "$1") || "/";
    const segments = full.split("/").filter(Boolean);
    return {
      method: (match[1] as string).toUpperCase(),
      pattern: new RegExp(
        `^/${segments.map((s) => (s.startsWith(":") ? "[^/]+" : escapeRegExp(s))).join("/")}$`,
      ),
      statics: segments.filter((s) => !s.startsWith(":")).length,
      file,
      start: lineAt(text, match.index),
      end: file.lines.length,
    };
  });
  found.forEach((route, i) => {
    route.end = found[i + 1]?.start ?? file.lines.length;
  });
  return found;
}

interface ProblemClass {
  name: string;
  status: number;
  /** Whether its detail can be the one expected (a computed detail can be anything). */
  matches(detail: string | undefined): boolean;
}

/** How a class builds its detail: a literal, a template, a lookup in a table, or a parameter. */
function detailMatcher(expression: string, problems: string): ProblemClass["matches"] {
  const table = /^(\w+)\[/.exec(expression)?.[1];
  const entries = table && new RegExp(`const ${table} = \\{([\\s\\S]*?)\\}`).exec(problems)?.[1];
  if (entries) {
    const details = new Set([...entries.matchAll(/"([^"]*)"/g)].map((m) => m[1]));
    return (detail) => detail !== undefined && details.has(detail);
  }
  const literal = /^"([^"]*)"$/.exec(expression);
  if (literal) return (detail) => detail === literal[1];
  const template = /^`([^`]*)`$/.exec(expression);
  if (template) {
    const source = (template[1] as string)
      .split(/\$\{[^}]*\}/)
      .map(escapeRegExp)
      .join(".*");
    const pattern = new RegExp(`^${source}$`);
    return (detail) => detail !== undefined && pattern.test(detail);
  }
  return () => true;
}

const CLASS = /export class (\w+) extends HttpProblem \{[\s\S]*?super\(\s*(\d{3}),\s*([^,)]+)/g;

function problemClasses(source: SourceFile[]): ProblemClass[] {
  const text = source.find((f) => f.path === PROBLEMS)?.lines.join("\n") ?? "";
  return [...text.matchAll(CLASS)].map((m) => ({
    name: m[1] as string,
    status: Number(m[2]),
    matches: detailMatcher((m[3] as string).trim(), text),
  }));
}

export interface Resolved {
  link?: CodeLink;
  /** Every line that could be it; `link` is set when there is exactly one. */
  candidates: CodeLink[];
}

/** The path a step's request goes to, with example values for its placeholders. */
function pathOf(step: Step, lesson: Lesson): string {
  const vars = exampleVars(lesson);
  const filled = step.request.path.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) =>
    String(vars[name] ?? "1"),
  );
  return (filled.split("?")[0] ?? "/").replace(/(.)\/$/, "$1");
}

export function createCodeLinks(source: SourceFile[]) {
  const routes = source.flatMap(routesOf);
  const classes = problemClasses(source);
  const link = (file: SourceFile, index: number): CodeLink => ({
    file: file.path,
    line: index + 1,
  });

  function routeOf(method: string, path: string): Route | undefined {
    const wanted = method === "HEAD" ? "GET" : method;
    return routes
      .filter((r) => r.method === wanted && r.pattern.test(path))
      .sort((a, b) => b.statics - a.statics)[0];
  }

  function problemSites(status: number, detail: string | undefined): CodeLink[] {
    const names = classes
      .filter((c) => c.status === status && c.matches(detail))
      .map((c) => c.name);
    const named = names.length ? new RegExp(`new (${names.join("|")})\\(`) : undefined;
    // `new HttpProblem(404, "Not Found")`: the status and detail are right there.
    const direct = (line: string) => {
      const m = /new HttpProblem\(\s*(\d{3}),\s*"([^"]*)"/.exec(line);
      return m !== null && Number(m[1]) === status && m[2] === detail;
    };
    return source
      .filter((file) => file.path !== PROBLEMS)
      .flatMap((file) =>
        file.lines.flatMap((line, i) => (named?.test(line) || direct(line) ? [link(file, i)] : [])),
      );
  }

  /** Where apps/api picks the status `step` expects. */
  function resolve(step: Step, lesson: Lesson): Resolved {
    const { status } = step.expect;
    const route = routeOf(step.request.method, pathOf(step, lesson));
    let candidates: CodeLink[] = [];
    if (route) {
      const named = new RegExp(`status(\\(\\s*|:\\s*)${status}\\b`);
      for (let i = route.start; i < route.end; i++) {
        if (named.test(route.file.lines[i] ?? "")) candidates.push(link(route.file, i));
      }
      if (!candidates.length && status < 400) candidates = [link(route.file, route.start)];
    }
    if (!candidates.length && status >= 400) {
      const detail = step.expect.body?.["/detail"];
      candidates = problemSites(status, typeof detail === "string" ? detail : undefined);
    }
    if (step.chosenBy !== undefined) {
      const { chosenBy } = step;
      const { line, in: within } =
        typeof chosenBy === "string" ? { line: chosenBy, in: undefined } : chosenBy;
      candidates = candidates.filter(
        (c) =>
          textAt(source, c)?.includes(line) &&
          (within === undefined || functionAt(source, c) === within),
      );
    }
    return candidates.length === 1 ? { link: candidates[0], candidates } : { candidates };
  }

  return { resolve };
}

/** The line a link points at, or undefined when there is no such file or line. */
export function textAt(source: SourceFile[], at: CodeLink): string | undefined {
  return source.find((f) => f.path === at.file)?.lines[at.line - 1];
}

/** The name of the nearest function declared above a line (the one it is in, for our files). */
export function functionAt(source: SourceFile[], at: CodeLink): string | undefined {
  const lines = source.find((f) => f.path === at.file)?.lines ?? [];
  for (let i = at.line - 1; i >= 0; i--) {
    const name = /^(?:export )?(?:async )?function (\w+)/.exec(lines[i] ?? "")?.[1];
    if (name) return name;
  }
  return undefined;
}

/** `apps/api/src/modules/users/service.ts:66` */
export const codeLinkLabel = (at: CodeLink) => `${at.file}:${at.line}`;

/** The lessons with `chosenAt` filled in wherever the search finds exactly one line. */
export function withCodeLinks(lessons: Lesson[], source = loadApiSource()): Lesson[] {
  const { resolve } = createCodeLinks(source);
  return lessons.map((lesson) => ({
    ...lesson,
    steps: lesson.steps.map((step) => {
      const { link } = resolve(step, lesson);
      return link ? { ...step, chosenAt: link } : step;
    }),
  }));
}
