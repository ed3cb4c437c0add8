/**
 * Each step's "chosen at file:line" must point at the line of apps/api that really picks its
 * status: checked here against the files on disk, independently of the search that found it.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  codeLinkLabel,
  createCodeLinks,
  loadApiSource,
  type SourceFile,
  withCodeLinks,
} from "./code-links.ts";
import { plain } from "./color.ts";
import { lessons } from "./lessons/index.ts";
import { renderExplanation } from "./render.ts";
import { lesson, step } from "./test-support.ts";

const ROOT = join(import.meta.dir, "..", "..", "..");
const problemsSource = readFileSync(join(ROOT, "apps/api/src/http/problems.ts"), "utf8");

/** Problem class → its status, read from problems.ts. */
const statusOfClass = new Map(
  [
    ...problemsSource.matchAll(
      /export class (\w+) extends HttpProblem \{[\s\S]*?super\(\s*(\d{3})/g,
    ),
  ].map((m) => [m[1] as string, Number(m[2])]),
);

/** Whether `line` is a place that answers `status` to a request with `method`. */
function picks(line: string, status: number, method: string): boolean {
  if (new RegExp(`status(\\(\\s*|:\\s*)${status}\\b`).test(line)) return true;
  if (new RegExp(`new HttpProblem\\(\\s*${status}\\b`).test(line)) return true;
  const made = [...line.matchAll(/new (\w+)\(/g)].map((m) => statusOfClass.get(m[1] as string));
  if (made.includes(status)) return true;
  // A handler's plain return is Elysia's 200: the line declaring a route of that method (HEAD
  // is served by the GET route), not just any route.
  const declared = /\.(get|post|put|patch|delete)\(/.exec(line)?.[1];
  return status === 200 && declared === (method === "HEAD" ? "GET" : method).toLowerCase();
}

test("a plain 200 is only picked by a route of the request's method", () => {
  const route = '    .get("/me", ({ user }) => toUserPublic(user), {';
  expect(picks(route, 200, "GET")).toBe(true);
  expect(picks(route, 200, "HEAD")).toBe(true);
  expect(picks(route, 200, "POST")).toBe(false);
  expect(picks(route, 201, "GET")).toBe(false);
});

const allSteps = lessons.flatMap((l) => l.steps.map((s) => ({ lesson: l, step: s })));

describe("every step links to the code that chose its status", () => {
  test.each(allSteps.map(({ lesson: l, step: s }) => [`${l.id}/${s.id}`, s] as const))(
    "%s",
    (_, s) => {
      const at = s.chosenAt;
      expect(at, "no single line found: add or fix `chosenBy`").toBeDefined();
      if (!at) return;
      expect(existsSync(join(ROOT, at.file)), at.file).toBe(true);
      const line = readFileSync(join(ROOT, at.file), "utf8").split("\n")[at.line - 1] ?? "";
      expect(
        picks(line, s.expect.status, s.request.method),
        `${codeLinkLabel(at)}: ${line.trim()}`,
      ).toBe(true);
    },
  );

  test("every chosenBy is needed: without it the search finds more than one line", () => {
    const { resolve } = createCodeLinks(loadApiSource());
    for (const { lesson: l, step: s } of allSteps) {
      if (s.chosenBy === undefined) continue;
      const { chosenBy: _, ...bare } = s;
      expect(resolve(bare, l).candidates.length, `${l.id}/${s.id}`).toBeGreaterThan(1);
    }
  });

  test("the runner's explanation names the line", () => {
    const s = allSteps.find(({ step: x }) => x.chosenAt)?.step;
    if (!s?.chosenAt) throw new Error("no linked step");
    const text = renderExplanation(s, s.expect.status, undefined, { style: plain, width: 200 });
    expect(text.join("\n")).toContain(`chosen at ${codeLinkLabel(s.chosenAt)}`);
  });
});

describe("the search", () => {
  const file = (path: string, text: string): SourceFile => ({ path, lines: text.split("\n") });
  const source = [
    file(
      "apps/api/src/http/problems.ts",
      [
        "export class GoneError extends HttpProblem {",
        "  constructor() {",
        '    super(404, "Gone");',
        "  }",
        "}",
      ].join("\n"),
    ),
    file(
      "apps/api/src/modules/things/index.ts",
      [
        'new Elysia({ name: "things", prefix: "/things" })',
        '  .get("/:id", ({ params }) => read(params.id))',
        '  .get("/mine", () => mine())',
        '  .post("/", () => status(201, made()))',
      ].join("\n"),
    ),
    file(
      "apps/api/src/modules/things/service.ts",
      [
        "export function read(id) {",
        "  if (!id) throw new GoneError();",
        "}",
        "export function other(id) {",
        "  if (!id) throw new GoneError();",
        "}",
      ].join("\n"),
    ),
  ];
  const { resolve } = createCodeLinks(source);
  const one = (s: Parameters<typeof step>[0]) => resolve(step(s), lesson("l", [step(s)]));

  test("a static route beats a parameter, and a plain return is the route's line", () => {
    const found = one({
      id: "a",
      request: { method: "GET", path: "/things/mine" },
      expect: { status: 200 },
    });
    expect(found.link).toEqual({ file: "apps/api/src/modules/things/index.ts", line: 3 });
  });

  test("a status the handler names is that line", () => {
    const found = one({
      id: "a",
      request: { method: "POST", path: "/things/" },
      expect: { status: 201 },
    });
    expect(found.link?.line).toBe(4);
  });

  test("two places throw the same problem: no link until chosenBy names one", () => {
    const request = { method: "GET", path: "/things/7" } as const;
    const expected = { status: 404, body: { "/detail": "Gone" } };
    expect(one({ id: "a", request, expect: expected }).candidates).toHaveLength(2);
    const named = one({
      id: "a",
      request,
      expect: expected,
      chosenBy: { in: "other", line: "throw new GoneError" },
    });
    expect(named.link).toEqual({ file: "apps/api/src/modules/things/service.ts", line: 5 });
  });

  test("a detail no class makes finds nothing", () => {
    const found = one({
      id: "a",
      request: { method: "GET", path: "/things/7" },
      expect: { status: 404, body: { "/detail": "Elsewhere" } },
    });
    expect(found.candidates).toEqual([]);
  });

  test("withCodeLinks leaves a step it cannot place without a link", () => {
    const [linked] = withCodeLinks(
      [
        lesson("l", [
          step({ id: "a", request: { method: "GET", path: "/nowhere" }, expect: { status: 200 } }),
        ]),
      ],
      source,
    );
    expect(linked?.steps[0]?.chosenAt).toBeUndefined();
  });
});
