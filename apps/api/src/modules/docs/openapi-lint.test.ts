import { describe, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { makeApp } from "../../../test/support.ts";

const API_DIR = join(import.meta.dir, "../../..");
const CLI = join(dirname(require.resolve("@redocly/cli/package.json")), "bin/cli.js");
const IGNORE_FILE = ".redocly.lint-ignore.yaml";

/** How many problems the ignore file names, each on purpose. */
function ignoredCount(): number {
  const ignored = Bun.YAML.parse(readFileSync(join(API_DIR, IGNORE_FILE), "utf8")) as Record<
    string,
    Record<string, string[]>
  >;
  return Object.values(ignored).flatMap((rules) => Object.values(rules).flat()).length;
}

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: { ruleId: string; message: string }[];
}

/** `redocly lint` of `document`, with apps/api's config and ignore file, offline. */
async function lint(document: unknown): Promise<LintReport> {
  const dir = mkdtempSync(join(tmpdir(), "openapi-lint-"));
  try {
    writeFileSync(join(dir, "openapi.json"), JSON.stringify(document, null, 2));
    for (const file of ["redocly.yaml", IGNORE_FILE])
      copyFileSync(join(API_DIR, file), join(dir, file));
    const run = Bun.spawn([process.execPath, CLI, "lint", "openapi.json", "--format=json"], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: dir,
        REDOCLY_TELEMETRY: "off",
        REDOCLY_SUPPRESS_UPDATE_NOTICE: "true",
        // Any request the CLI tried would go to a closed port and fail: the lint is offline.
        HTTP_PROXY: "http://127.0.0.1:9",
        HTTPS_PROXY: "http://127.0.0.1:9",
        NO_PROXY: "",
      },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr] = await Promise.all([
      new Response(run.stdout).text(),
      new Response(run.stderr).text(),
    ]);
    await run.exited;
    const json = stdout.slice(stdout.indexOf("{"), stdout.lastIndexOf("}") + 1);
    if (!json) throw new Error(`redocly printed no report:\n${stdout}\n${stderr}`);
    return JSON.parse(json) as LintReport;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function servedDocument() {
  const { api } = await makeApp();
  const sent = await api.get("/openapi.json");
  expect(sent.status).toBe(200);
  return sent.body;
}

describe("redocly lint of GET /openapi.json", () => {
  test(
    "reports no error and no warning, except exactly the ignored ones",
    async () => {
      const report = await lint(await servedDocument());
      expect(report.problems).toEqual([]);
      expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: ignoredCount() });
    },
    { timeout: 60_000 },
  );

  test(
    "would catch a validation option leaking into the published schemas",
    async () => {
      const document = await servedDocument();
      document.components.schemas.Problem.properties.detail.errorMessage = "leaked";
      const report = await lint(document);
      expect(report.totals.errors).toBe(1);
      expect(report.problems[0]?.message).toContain("errorMessage");
    },
    { timeout: 60_000 },
  );
});
