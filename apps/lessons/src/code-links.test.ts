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

/** Problem class → its status, and its detail when that is a literal, read from problems.ts. */
const problemClasses = new Map(
  [
    ...problemsSource.matchAll(
      /export class (\w+) extends HttpProblem \{[\s\S]*?super\(\s*(\d{3}),\s*(?:"([^"]*)")?/g,
    ),
  ].map((m) => [m[1] as string, { status: Number(m[2]), detail: m[3] }]),
);

interface Answer {
  status: number;
  /** The `detail` the step expects, if any. */
  detail?: string;
  method: string;
}

/** Whether `line` is a place that gives `answer` (status, and detail where both are known). */
function picks(line: string, answer: Answer): boolean {
  const { status, detail, method } = answer;
  const fits = (s: number, d: string | undefined) =>
    s === status && (d === undefined || detail === undefined || d === detail);
  if (new RegExp(`status(\\(\\s*|:\\s*)${status}\\b`).test(line)) return true;
  const direct = /new HttpProblem\(\s*(\d{3})(?:,\s*"([^"]*)")?/.exec(line);
  if (direct && fits(Number(direct[1]), direct[2])) return true;
  const made = [...line.matchAll(/new (\w+)\(/g)].map((m) => problemClasses.get(m[1] as string));
  if (made.some((c) => c !== undefined && fits(c.status, c.detail))) return true;
  // A handler's plain return is Elysia's 200: the line declaring a route of that method (HEAD
  // is served by the GET route), not just any route.
  const declared = /\.(get|post|put|patch|delete)\(/.exec(line)?.[1];
  return status === 200 && declared === (method === "HEAD" ? "GET" : method).toLowerCase();
}

test("a plain 200 is only picked by a route of the request's method", () => {
  const route = '    .get("/me", ({ user }) => toUserPublic(user), {';
  expect(picks(route, { status: 200, method: "GET" })).toBe(true);
  expect(picks(route, { status: 200, method: "HEAD" })).toBe(true);
  expect(picks(route, { status: 200, method: "POST" })).toBe(false);
  expect(picks(route, { status: 201, method: "GET" })).toBe(false);
});

test("an error is only picked by a problem of that status and literal detail", () => {
  const line = "  if (error instanceof TokenExpiredError) return new TokenExpiredProblem();";
  const expired = { status: 401, detail: "Token expired", method: "GET" };
  expect(picks(line, expired)).toBe(true);
  expect(picks(line, { ...expired, detail: "Invalid token" })).toBe(false);
  expect(picks(line, { ...expired, status: 403 })).toBe(false);
  // A detail computed at run time (a validation's) is not compared.
  expect(picks("return new ValidationProblem(", { ...expired, status: 422 })).toBe(true);
  expect(picks('new HttpProblem(404, "Not Found")', { ...expired, status: 404 })).toBe(false);
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
      const detail = s.expect.body?.["/detail"];
      const answer = {
        status: s.expect.status,
        method: s.request.method,
        ...(typeof detail === "string" && { detail }),
      };
      expect(picks(line, answer), `${codeLinkLabel(at)}: ${line.trim()}`).toBe(true);
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
