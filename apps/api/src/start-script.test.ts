/**
 * `bun run start` from the repository root reads the root `.env` and keeps `./data/` at the
 * root, as the README says. Bun loads `.env` from the directory the script runs in, so a start
 * script that changes directory (`bun run --cwd apps/api start`) would read `apps/api/.env`
 * and put `./data/app.db` under apps/api/. The real scripts of the root package.json run in a
 * copy of the repository's shape (the API's source linked in), with a `.env` at its root.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanupProcesses, SECRET, TEST_TIMEOUT, tempDir } from "../test/api-process.ts";

const runs = new Set<ReturnType<typeof runScript>>();
afterAll(async () => {
  for (const run of runs) await stop(run);
  cleanupProcesses();
});

const REPO = join(import.meta.dir, "../../..");
const API = join(REPO, "apps/api");
const rootScripts = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).scripts as Record<
  string,
  string
>;

const ORIGIN = "https://from-dotenv.example";

/** A folder shaped like the repository: the root scripts, the API, a root `.env`. */
function fixture(dotenv: Record<string, string>) {
  const root = tempDir();
  writeFileSync(
    join(root, "package.json"),
    JSON.stringify({ name: "start-script-fixture", private: true, scripts: rootScripts }),
  );
  mkdirSync(join(root, "apps/api"), { recursive: true });
  // Its own package.json (so a `--cwd apps/api start` would run too, and be caught), the real
  // source and dependencies linked.
  writeFileSync(
    join(root, "apps/api/package.json"),
    readFileSync(join(API, "package.json"), "utf8"),
  );
  symlinkSync(join(API, "src"), join(root, "apps/api/src"));
  symlinkSync(join(API, "node_modules"), join(root, "apps/api/node_modules"));
  const lines = Object.entries(dotenv).map(([name, value]) => `${name}=${value}`);
  writeFileSync(join(root, ".env"), `${lines.join("\n")}\n`);
  return root;
}

/** `bun run <script> …args` in `cwd`, with nothing from this process's environment. */
function runScript(cwd: string, args: string[]) {
  const child = Bun.spawn([process.execPath, "run", ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? cwd },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const out = { text: "" };
  const err = { text: "" };
  const collect = async (stream: ReadableStream<Uint8Array>, into: { text: string }) => {
    const decoder = new TextDecoder();
    const reader = stream.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read())
      into.text += decoder.decode(read.value, { stream: true });
  };
  void collect(child.stdout, out);
  void collect(child.stderr, err);
  const run = { child, stdout: () => out.text, stderr: () => err.text };
  runs.add(run);
  return run;
}

/**
 * SIGTERM, which `bun run` passes on to the script's process; SIGKILL would end only `bun run`
 * and leave the API it started running.
 */
async function stop(run: ReturnType<typeof runScript>) {
  run.child.kill("SIGTERM");
  await Promise.race([run.child.exited, Bun.sleep(5000)]);
  run.child.kill("SIGKILL");
}

async function waitFor(read: () => string, pattern: RegExp, timeoutMs = 20_000) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const match = read().match(pattern);
    if (match) return match;
    if (performance.now() > deadline) throw new Error(`never printed ${pattern}:\n${read()}`);
    await Bun.sleep(20);
  }
}

describe("the root scripts", () => {
  test("run from the root, as `bun <path>`: nothing changes directory first", () => {
    expect(rootScripts.start).toBe("bun apps/api/src/index.ts");
    expect(rootScripts.lessons).toStartWith("bun apps/lessons/");
    for (const script of [rootScripts.start, rootScripts.lessons])
      expect(script).not.toContain("--cwd");
  });

  test(
    "`bun run start` reads the root .env and keeps ./data/app.db at the root",
    async () => {
      const root = fixture({
        PORT: "0",
        JWT_SECRET: SECRET,
        CORS_ORIGINS: ORIGIN,
        // DATABASE_URL left to its default, ./data/app.db
      });
      const run = runScript(root, ["start"]);
      try {
        // PORT=0 and CORS_ORIGINS came from the .env: any free port (not 8000), and the grant.
        const [, url] = await waitFor(run.stdout, /listening on (http:\/\/\S+)/);
        expect(url).not.toEndWith(":8000");
        await waitFor(run.stdout, /CORS: pages from https:\/\/from-dotenv\.example/);
        const answer = await fetch(`${url}/health`, {
          headers: { origin: ORIGIN },
          signal: AbortSignal.timeout(10_000),
        });
        expect(answer.status).toBe(200);
        expect(answer.headers.get("access-control-allow-origin")).toBe(ORIGIN);
        expect(existsSync(join(root, "data", "app.db"))).toBe(true);
        expect(existsSync(join(root, "apps", "api", "data"))).toBe(false);
      } finally {
        await stop(run);
      }
    },
    TEST_TIMEOUT,
  );

  test(
    "`bun run start --workers 2` hands the flag to the API",
    async () => {
      // Without REDIS_URL two workers are refused, in one line that shows the flag arrived.
      const root = fixture({ PORT: "0", JWT_SECRET: SECRET, DATABASE_URL: ":memory:" });
      const run = runScript(root, ["start", "--workers", "2"]);
      const code = await Promise.race([run.child.exited, Bun.sleep(20_000).then(() => "timeout")]);
      await stop(run);
      await Bun.sleep(20);
      expect(code).toBe(1);
      expect(run.stderr()).toContain("WORKERS=2 needs REDIS_URL");
      expect(run.stdout()).not.toContain("listening");
    },
    TEST_TIMEOUT,
  );
});
