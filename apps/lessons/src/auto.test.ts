import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Engine } from "@statuslab/db";
import { createTestDatabase, dropSpareTestDatabases } from "@statuslab/db/testing";
import { requirePostgres } from "@statuslab/db/testing/require-postgres";
import { CHALLENGES_NEED_LOG, type Report, runAuto, stepLine } from "./auto.ts";
import { challenges, challengesOf } from "./challenges/all.ts";
import type { Challenge } from "./challenges/model.ts";
import { plain } from "./color.ts";
import { REPLAYED_STATUS_CODES } from "./coverage.ts";
import { REPO_ROOT } from "./generate-docs.ts";
import { lessons } from "./lessons/index.ts";
import type { StepResult } from "./run-state.ts";
import { startInProcess } from "./target.ts";
import { fakeTarget, lesson, step, stubApi } from "./test-support.ts";

const MAIN = join(import.meta.dir, "main.ts");

describe("the lines --auto prints", () => {
  const base: StepResult = {
    lessonId: "l",
    stepId: "s",
    title: "duplicate email",
    outcome: "passed",
    expected: 409,
    status: 409,
    failures: [],
    responses: [],
  };
  test("passed, failed, skipped", () => {
    expect(stepLine(base, plain)).toBe("✓ 409 Conflict — duplicate email");
    expect(
      stepLine(
        {
          ...base,
          outcome: "failed",
          status: 500,
          reason: "status 500 Internal Server Error, expected 409 Conflict",
        },
        plain,
      ),
    ).toBe(
      "✗ 500 Internal Server Error — duplicate email (expected 409 Conflict: status 500 Internal Server Error, expected 409 Conflict)",
    );
    expect(
      stepLine(
        { ...base, outcome: "failed", status: undefined, reason: "cannot reach the API" },
        plain,
      ),
    ).toBe("✗ no answer — duplicate email (expected 409 Conflict: cannot reach the API)");
    expect(
      stepLine(
        {
          ...base,
          title: "database outage",
          outcome: "skipped",
          status: undefined,
          reason: "needs the in-process API",
        },
        plain,
      ),
    ).toBe("- skipped — database outage (needs the in-process API)");
  });
});

describe("runAuto on fixture lessons", () => {
  const api = stubApi();
  afterAll(() => api.stop());
  const fixtures = [
    lesson("one", [
      step({
        id: "root",
        title: "a good step",
        request: { method: "GET", path: "/echo" },
        expect: { status: 200 },
      }),
      step({
        id: "bad",
        title: "a wrong step",
        request: { method: "GET", path: "/status/500" },
        expect: { status: 201 },
      }),
      step({
        id: "locked",
        title: "database outage",
        request: { method: "GET", path: "/" },
        expect: { status: 503 },
        before: [{ power: "lock-database" }],
      }),
    ]),
  ];

  test("one line per step, a summary, exit 1 on a failure", async () => {
    let out = "";
    const { exitCode, report } = await runAuto({
      lessons: fixtures,
      statusCodes: [],
      target: fakeTarget(api.baseUrl),
      json: false,
      style: plain,
      write: (text) => {
        out += text;
      },
      checkCoverage: false,
    });
    expect(exitCode).toBe(1);
    expect(out.trimEnd().split("\n")).toEqual([
      "01 Lesson one",
      "  ✓ 200 OK — a good step",
      '  ✗ 500 Internal Server Error — a wrong step (expected 201 Created: status 500 Internal Server Error, expected 201 Created (detail: "stub 500"))',
      "  - skipped — database outage (no lock-database here)",
      "1 step passed, 1 failed, 1 skipped",
    ]);
    expect(report.summary).toEqual({ passed: 1, failed: 1, skipped: 1 });
  });

  test("--json prints only the report: lessons → steps", async () => {
    let out = "";
    await runAuto({
      lessons: fixtures,
      statusCodes: [],
      target: fakeTarget(api.baseUrl),
      json: true,
      style: plain,
      write: (text) => {
        out += text;
      },
      checkCoverage: false,
    });
    const report = JSON.parse(out) as Report;
    expect(report.ok).toBe(false);
    expect(report.lessons[0]?.steps).toEqual([
      {
        id: "root",
        title: "a good step",
        status: 200,
        expected: 200,
        passed: true,
        skipped: false,
      },
      {
        id: "bad",
        title: "a wrong step",
        status: 500,
        expected: 201,
        passed: false,
        skipped: false,
        reason: 'status 500 Internal Server Error, expected 201 Created (detail: "stub 500")',
      },
      {
        id: "locked",
        title: "database outage",
        status: null,
        expected: 503,
        passed: false,
        skipped: true,
        reason: "no lock-database here",
      },
    ]);
  });

  test("coverage: a contract code no passing step shows fails the run, by name", async () => {
    let out = "";
    const { exitCode, report } = await runAuto({
      lessons: fixtures.map((l) => ({ ...l, steps: l.steps.slice(0, 1) })),
      statusCodes: [],
      target: fakeTarget(api.baseUrl),
      json: false,
      style: plain,
      write: (text) => {
        out += text;
      },
      checkCoverage: true,
    });
    expect(exitCode).toBe(1);
    expect(report.coverage?.covered).toEqual([200]);
    expect(report.coverage?.missing).toEqual(REPLAYED_STATUS_CODES.filter((c) => c !== 200));
    expect(out).toContain(
      "Not shown by any passing step: 201 Created, 204 No Content, 400 Bad Request",
    );
    expect(out).toContain("No page in status-codes.ts for: 200, 201");
  });
});

/** Spawns the runner as a user would; bounded so a hang fails instead of stalling CI. */
async function runner(args: string[], env: Record<string, string | undefined> = {}) {
  const child = Bun.spawn([process.execPath, MAIN, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => child.kill(), 100_000);
  try {
    const [stdout, stderr, exitCode] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.exited,
    ]);
    return { stdout, stderr, exitCode };
  } finally {
    clearTimeout(timer);
    child.kill();
  }
}

function parseReport(stdout: string, stderr: string): Report {
  try {
    return JSON.parse(stdout) as Report;
  } catch {
    throw new Error(`--json did not print JSON.\nstdout:\n${stdout}\nstderr:\n${stderr}`);
  }
}

const allSteps = (report: Report) =>
  report.lessons.flatMap((l) => l.steps.map((s) => ({ lesson: l.id, ...s })));

/** Steps that --auto may skip in-process: the optional ones only. */
const optionalSteps = new Set(
  lessons.flatMap((l) => l.steps.filter((s) => s.optional).map((s) => `${l.id}/${s.id}`)),
);

test("the real lessons, in-process: every step as documented, every contract status code shown", async () => {
  const { stdout, stderr, exitCode } = await runner(["--auto", "--json"]);
  const report = parseReport(stdout, stderr);
  const failed = allSteps(report).filter((s) => !s.passed && !s.skipped);
  expect(failed, "these steps differ from their documentation").toEqual([]);
  for (const s of allSteps(report).filter((x) => x.skipped)) {
    expect(
      optionalSteps.has(`${s.lesson}/${s.id}`),
      `${s.lesson}/${s.id} was skipped: ${s.reason}`,
    ).toBe(true);
  }
  expect(report.coverage?.missing).toEqual([]);
  expect(report.coverage?.undocumented).toEqual([]);
  for (const code of REPLAYED_STATUS_CODES) expect(report.coverage?.covered).toContain(code);
  expect(report.lessons.map((l) => l.id)).toEqual(lessons.map((l) => l.id));
  // Every challenge's reference solution, played for real and recognised from the API's log.
  expect(report.challenges.map(({ id, lesson, passed }) => ({ id, lesson, passed }))).toEqual(
    lessons.flatMap((l) =>
      challenges
        .filter((c) => c.lessonId === l.id)
        .map((c) => ({ id: c.id, lesson: l.id, passed: true })),
    ),
  );
  expect(report.ok).toBe(true);
  expect(exitCode).toBe(0);
}, 120_000);

test("--auto fails a challenge whose solution the log does not show, saying what it saw", async () => {
  const target = await startInProcess({ passwordHashing: { memoryCost: 1024, timeCost: 1 } });
  try {
    const real = challenges.find((c) => c.id === "make-it-415");
    if (!real) throw new Error("no make-it-415 challenge");
    // A wrong attempt: valid JSON with a bad email is a 422, not the 415 asked for.
    const wrong: Challenge = {
      ...real,
      solution: [
        {
          request: {
            method: "POST",
            path: "/users/",
            json: { email: "no-at-sign", password: "long-enough-1" },
          },
        },
      ],
    };
    let out = "";
    const { exitCode, report } = await runAuto({
      lessons: [lesson("bad-input", [])],
      statusCodes: [],
      target,
      json: false,
      style: plain,
      write: (text) => {
        out += text;
      },
      checkCoverage: false,
      challengesOf: () => [wrong, real],
    });
    expect(exitCode).toBe(1);
    expect(report.challenges).toEqual([
      {
        id: "make-it-415",
        lesson: "bad-input",
        passed: false,
        reason: "POST /users/ answered 422 Unprocessable Content, not 415",
      },
      { id: "make-it-415", lesson: "bad-input", passed: true },
    ]);
    expect(out).toContain(
      "  ✗ challenge — make the API answer 415 (POST /users/ answered 422 Unprocessable Content, not 415)",
    );
    expect(out).toContain("1 challenge solved by its reference solution, 1 not, 0 skipped");
  } finally {
    await target.close();
  }
}, 60_000);

/** The API as `bun run start` runs it, on a free port; resolves once it prints its URL. */
async function startServer(env: Record<string, string>) {
  const server = Bun.spawn([process.execPath, join(REPO_ROOT, "apps/api/src/index.ts")], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const reader = server.stdout.getReader();
  const decoder = new TextDecoder();
  let seen = "";
  const deadline = Date.now() + 60_000;
  let url: string | undefined;
  while (!url) {
    const chunk = await Promise.race([
      reader.read(),
      Bun.sleep(Math.max(0, deadline - Date.now())).then(() => null),
    ]);
    if (!chunk || chunk.done) {
      server.kill();
      throw new Error(
        `the API did not start:\n${seen}\n${await new Response(server.stderr).text()}`,
      );
    }
    seen += decoder.decode(chunk.value);
    url = seen.match(/listening on (http:\/\/\S+)/)?.[1];
  }
  // Keep reading its access log, or a full pipe would block the server.
  void (async () => {
    while (!(await reader.read()).done) {}
  })().catch(() => {});
  return { url, server };
}

// Against an API on each engine: a learner may point the runner at either.
const engines: Engine[] = ["sqlite"];
if (await requirePostgres()) engines.push("postgres");
afterAll(dropSpareTestDatabases);

for (const engine of engines)
  test(`the real lessons against a real server on ${engine} (--url): in-process-only steps skipped, the rest as documented`, async () => {
    const database = await createTestDatabase({ engine });
    const admin = { ADMIN_EMAIL: "admin@example.com", ADMIN_PASSWORD: "remote-admin-password" };
    const { url, server } = await startServer({
      NODE_ENV: "production",
      PORT: "0",
      DATABASE_URL: database.url,
      JWT_SECRET: "a-secret-for-the-lessons-remote-test-0123456789",
      ...admin,
    });
    try {
      // No JWT_SECRET for the runner: minting an expired token is impossible, so skipped too.
      const { stdout, stderr, exitCode } = await runner(["--auto", "--json", "--url", url], admin);
      const report = parseReport(stdout, stderr);
      expect(report.target).toEqual({ kind: "remote", url });
      const steps = allSteps(report);
      expect(
        steps.filter((s) => !s.passed && !s.skipped),
        "these steps failed against the real server",
      ).toEqual([]);

      const byId = new Map(
        lessons.flatMap((l) => l.steps.map((s) => [`${l.id}/${s.id}`, s] as const)),
      );
      const skipped = steps.filter((s) => s.skipped);
      for (const s of skipped) {
        const def = byId.get(`${s.lesson}/${s.id}`);
        const powers = [...(def?.before ?? []), ...(def?.after ?? [])].map((p) => p.power);
        if (powers.includes("lock-database")) expect(s.reason).toContain("in-process");
        else if (powers.includes("mint-expired-token")) expect(s.reason).toContain("JWT_SECRET");
        else if (!def?.optional) expect(s.reason).toMatch(/^depends on ".*", which was skipped$/);
      }
      // Every step that needs a power the server lacks is skipped, never reported as passed;
      // forging a token needs no key, so that one runs against any server.
      const needPowers = steps.filter((s) => {
        const def = byId.get(`${s.lesson}/${s.id}`);
        const powers = [...(def?.before ?? []), ...(def?.after ?? [])];
        return powers.some((p) => p.power !== "forge-token");
      });
      const forged = steps.find((s) => s.id === "tampered-token");
      expect(forged?.passed).toBe(true);
      expect(needPowers.length).toBeGreaterThan(0);
      for (const s of needPowers) expect(s.skipped, `${s.lesson}/${s.id}`).toBe(true);
      expect(report.coverage).toBeUndefined();
      // A remote API's log is out of reach: every challenge is skipped, none reported passed.
      expect(report.challenges.length).toBe(challenges.length);
      for (const c of report.challenges)
        expect(c).toMatchObject({ passed: false, skipped: true, reason: CHALLENGES_NEED_LOG });
      expect(exitCode).toBe(0);
    } finally {
      server.kill();
      await server.exited;
      await database.drop();
    }
  }, 120_000);

test("--lesson 12 --auto plays that lesson and its challenge, numbered as in the menu", async () => {
  const twelfth = lessons[11];
  if (!twelfth) throw new Error("there is no lesson 12");
  const { stdout, exitCode } = await runner(["--lesson", "12", "--auto"]);
  expect(exitCode).toBe(0);
  const lines = stdout.trimEnd().split("\n");
  expect(lines[0]).toBe(`12 ${twelfth.title}`);
  expect(lines.filter((line) => /^\d\d /.test(line))).toHaveLength(1);
  expect(lines.filter((line) => line.startsWith("  ✓ challenge — "))).toHaveLength(
    challengesOf(twelfth.id).length,
  );
  const required = twelfth.steps.filter((s) => !s.optional).length;
  expect(stdout).toContain(`${required} steps passed, 0 failed`);
}, 60_000);

test("usage errors exit 2; --help exits 0", async () => {
  expect((await runner(["--bogus"])).exitCode).toBe(2);
  const unknown = await runner(["--lesson", "no-such-lesson"]);
  expect(unknown.exitCode).toBe(2);
  expect(unknown.stderr).toContain("signing-up");
  const help = await runner(["--help"]);
  expect(help.exitCode).toBe(0);
  expect(help.stdout).toContain("--auto");
});

test("--reset forgets progress and exits 0", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lessons-reset-"));
  try {
    const state = join(dir, "progress.json");
    writeFileSync(state, '{"version":1,"completed":{"signing-up":"2026-01-01T00:00:00.000Z"}}');
    const { exitCode, stdout } = await runner(["--reset"], { LESSONS_STATE: state });
    expect(exitCode).toBe(0);
    expect(stdout).toContain("Progress cleared");
    expect(existsSync(state)).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an unreachable --url is a clear one-line failure", async () => {
  const { exitCode, stderr } = await runner(["--auto", "--url", "http://127.0.0.1:9"]);
  expect(exitCode).toBe(1);
  expect(stderr.trim()).toBe(
    "bun run lessons: cannot reach the API at http://127.0.0.1:9 (is it running?)",
  );
});
