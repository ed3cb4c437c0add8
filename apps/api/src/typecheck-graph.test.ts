/**
 * turbo caches each package's typecheck. The API type-checks against the packages it imports
 * (their sources, not a build), so a change there must re-run it: a cached "pass" after a
 * contract change broke the API would be a lie. Proved on a copy of the repository, by the
 * hashes turbo would run each task under (`--dry=json`): a task whose hash changes re-runs.
 */
import { afterAll, expect, test } from "bun:test";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const root = join(import.meta.dir, "../../..");
const turbo = join(root, "node_modules/.bin/turbo");
const copy = mkdtempSync(join(tmpdir(), "statuslab-turbo-graph-"));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

/** The tracked files turbo reads (not the generated docs or benchmark results). */
async function copyRepository() {
  const listed = Bun.spawnSync(["git", "ls-files", "-z"], { cwd: root });
  if (listed.exitCode !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  const files = listed.stdout
    .toString()
    .split("\0")
    .filter((file) => file && !file.startsWith("docs/") && !file.startsWith("bench/results/"));
  for (const file of files) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    await Bun.write(join(copy, file), Bun.file(join(root, file)));
  }
}

/** Task id → the hash turbo would run it under. */
function typecheckHashes(): Record<string, string> {
  const dry = Bun.spawnSync([turbo, "run", "typecheck", "--dry=json"], { cwd: copy });
  if (dry.exitCode !== 0) throw new Error(`turbo --dry failed: ${dry.stderr}`);
  const { tasks } = JSON.parse(dry.stdout.toString()) as {
    tasks: { taskId: string; hash: string }[];
  };
  return Object.fromEntries(tasks.map((task) => [task.taskId, task.hash]));
}

test("a change in packages/contracts re-runs the typecheck of every package that imports it", async () => {
  await copyRepository();
  const before = typecheckHashes();
  appendFileSync(join(copy, "packages/contracts/src/users.ts"), "\nexport type Probe = string;\n");
  const after = typecheckHashes();

  const rerun = Object.keys(before).filter((task) => before[task] !== after[task]);
  expect(rerun.sort()).toEqual([
    // The contracts themselves, the API (imports them), the typed client and the lessons
    // (import the API) and the benchmarks (import them); auth, db and the limiter import
    // nothing of ours and stay cached.
    "@statuslab/api#typecheck",
    "@statuslab/bench#typecheck",
    "@statuslab/client#typecheck",
    "@statuslab/contracts#typecheck",
    "@statuslab/lessons#typecheck",
  ]);
});
