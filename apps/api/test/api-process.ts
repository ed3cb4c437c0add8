/**
 * The API as a child process (`bun src/index.ts`), for suites that need the real thing.
 * Every wait is bounded; `cleanupProcesses()` (in afterAll) kills what is left and removes
 * the temporary folders.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";

export const INDEX = join(import.meta.dir, "../src/index.ts");
export const SECRET = "a-real-server-secret-of-at-least-32-bytes!";
export const ADMIN = { email: "root@example.com", password: "root-password-1" };
/**
 * The waits below end when the child is ready (or has exited), however long a busy machine takes
 * to get it there; these bounds only catch a real hang. A cold start on a busy 2-core machine
 * (a fresh clone's first transpile, argon2id at full cost, other suites beside) once took over
 * 10 s to print its banner.
 */
export const READY_TIMEOUT = 60_000;
export const EXIT_TIMEOUT = 30_000;
export const TEST_TIMEOUT = 120_000;

const children = new Set<Subprocess>();
const folders: string[] = [];

export function cleanupProcesses() {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
}

export function tempDir() {
  const folder = mkdtempSync(join(tmpdir(), "statuslab-server-"));
  folders.push(folder);
  return folder;
}

/** Only what the process is told: nothing leaks in from the test runner's environment. */
export function baseEnv(extra: Record<string, string> = {}) {
  return { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? tmpdir(), ...extra };
}

export interface Child {
  process: Subprocess<"ignore", "pipe", "pipe">;
  stdout: () => string;
  stderr: () => string;
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
  exited: (timeoutMs?: number) => Promise<number>;
}

async function collect(stream: ReadableStream<Uint8Array>, into: { text: string }) {
  const decoder = new TextDecoder();
  const reader = stream.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read())
    into.text += decoder.decode(read.value, { stream: true });
}

export function spawn(env: Record<string, string>, cwd: string): Child {
  const child = Bun.spawn([process.execPath, INDEX], {
    cwd,
    env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  children.add(child);
  const out = { text: "" };
  const err = { text: "" };
  // Both end when the child (and whatever shares its pipes) has exited and the pipes are empty.
  const drained = Promise.all([collect(child.stdout, out), collect(child.stderr, err)]).catch(
    () => undefined,
  );
  /** Waits for what the child wrote before exiting, bounded in case a grandchild keeps a pipe. */
  const drain = () => Promise.race([drained, Bun.sleep(EXIT_TIMEOUT)]);
  return {
    process: child,
    stdout: () => out.text,
    stderr: () => err.text,
    async waitFor(pattern, timeoutMs = READY_TIMEOUT) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const match = out.text.match(pattern);
        if (match) return match;
        if (child.exitCode !== null || performance.now() > deadline) {
          if (child.exitCode !== null) await drain();
          const late = out.text.match(pattern);
          if (late) return late;
          throw new Error(
            `never printed ${pattern} (exit ${child.exitCode})\nstdout: ${out.text}\nstderr: ${err.text}`,
          );
        }
        await Bun.sleep(10);
      }
    },
    async exited(timeoutMs = EXIT_TIMEOUT) {
      const timer = Bun.sleep(timeoutMs).then(() => "timeout" as const);
      const result = await Promise.race([child.exited, timer]);
      if (result === "timeout") {
        child.kill("SIGKILL");
        throw new Error(
          `did not exit within ${timeoutMs} ms\nstdout: ${out.text}\nstderr: ${err.text}`,
        );
      }
      await drain();
      return result;
    },
  };
}

/** Starts the API and returns it with the URL it printed. */
export async function start(extra: Record<string, string> = {}, cwd = tempDir()) {
  const child = spawn(baseEnv({ PORT: "0", ...extra }), cwd);
  const [, url] = await child.waitFor(/listening on (http:\/\/\S+)/);
  return { ...child, url: url ?? "", cwd };
}
