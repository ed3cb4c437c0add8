/**
 * docs/contract.md's route table against the app: the same routes, each with exactly the
 * status codes its OpenAPI description lists, all of them sent codes of the status catalog.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SENT_STATUS_CODES, statusEntry } from "@statuslab/contracts";
import { makeApp } from "../test/support.ts";

const CONTRACT = readFileSync(join(import.meta.dir, "../../../docs/contract.md"), "utf8");

interface Row {
  route: string;
  codes: number[];
}

/** The rows of the table under "## Routes": the first cell and the "codes" column. */
function routeTable(markdown: string): Row[] {
  const section = markdown.split(/^## Routes$/m)[1]?.split(/^#{2,3} /m)[0] ?? "";
  const lines = section.split("\n").filter((line) => line.startsWith("|"));
  const cells = (line: string) =>
    line
      .split("|")
      .slice(1, -1)
      .map((cell) => cell.trim());
  const header = cells(lines[0] ?? "");
  const codesAt = header.indexOf("codes");
  if (codesAt < 0) throw new Error("docs/contract.md: the route table has no `codes` column");
  return lines.slice(2).map((line) => {
    const row = cells(line);
    return {
      route: row[0] ?? "",
      codes: (row[codesAt] ?? "").split(",").map((code) => Number(code.trim())),
    };
  });
}

/** `GET /users/:id/` and `GET /users/{id}` alike: `GET /users/{id}`. */
const routeKey = (method: string, path: string) =>
  `${method.toUpperCase()} ${path.replace(/:(\w+)/g, "{$1}").replace(/(.)\/$/, "$1")}`;

const ROUTE_CELL = /^`([A-Z]+) (\/[^`]*)`$/;
const rows = routeTable(CONTRACT);
const routeRows = new Map(
  rows.flatMap((row) => {
    const match = ROUTE_CELL.exec(row.route);
    return match ? [[routeKey(match[1] as string, match[2] as string), row.codes] as const] : [];
  }),
);

let appRoutes: string[];
let documented: Map<string, number[]>;

beforeAll(async () => {
  const { app, api } = await makeApp();
  appRoutes = app.routes.map((route) => routeKey(route.method, route.path)).sort();
  const document = (await api.get("/openapi.json")).body as {
    paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  };
  documented = new Map(
    Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => [
        routeKey(method, path),
        Object.keys(operation.responses).map(Number),
      ]),
    ),
  );
});

describe("docs/contract.md", () => {
  test("lists every route of the app, and no route the app lacks", () => {
    expect([...routeRows.keys()].sort()).toEqual(appRoutes);
  });

  test("each documented route's codes are exactly its OpenAPI responses", () => {
    for (const [route, codes] of documented)
      expect(routeRows.get(route), route).toEqual([...codes].sort((a, b) => a - b));
  });

  test("every code in the table is a sent code of the status catalog, and every sent code is in it", () => {
    const all = new Set(rows.flatMap((row) => row.codes));
    for (const code of all) expect(statusEntry(code)?.sent, `contract lists ${code}`).toBe(true);
    expect([...all].sort((a, b) => a - b)).toEqual([...SENT_STATUS_CODES]);
  });
});
