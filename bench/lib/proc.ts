/** Processes the benchmark starts, pins and watches (Linux: taskset and /proc). */
import { closeSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import type { Subprocess } from "bun";

/** A port nobody listens on right now (the kernel picks it; we release it at once). */
export function freePort(): number {
  const probe = Bun.serve({ port: 0, fetch: () => new Response() });
  const port = probe.port;
  probe.stop(true);
  if (port === undefined) throw new Error("could not find a free port");
  return port;
}

export interface Server {
  name: string;
  pid: number;
  port: number;
  url: string;
  /** Where its stdout (the access log, for the API) and stderr go. */
  logFile: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  name: string;
  /** The command, without the pinning: `taskset -c <cpu>` is put in front. */
  command: string[];
  cpu: number;
  env?: Record<string, string>;
  logFile: string;
  cwd?: string;
  /** A path that answers once the server is up (any status below 500). */
  readyPath?: string;
  /** How long it may take to answer (30 s; a server under valgrind needs more). */
  readyTimeoutMs?: number;
}

export async function startServer(options: StartOptions): Promise<Server> {
  const port = freePort();
  const out = openSync(options.logFile, "w");
  const child: Subprocess = Bun.spawn(["taskset", "-c", String(options.cpu), ...options.command], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, PORT: String(port) },
    stdout: out,
    stderr: out,
    stdin: "ignore",
  });
  closeSync(out);
  const url = `http://127.0.0.1:${port}`;
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const deadline = performance.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(
        `${options.name} exited with ${child.exitCode} before listening:\n${readFileSync(options.logFile, "utf8").slice(-2000)}`,
      );
    }
    try {
      const response = await fetch(url + (options.readyPath ?? "/"));
      await response.arrayBuffer();
      if (response.status < 500) break;
    } catch {
      // Not listening yet.
    }
    if (performance.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${options.name} did not answer on ${url} within ${readyTimeoutMs / 1000} s`);
    }
    await Bun.sleep(50);
  }
  return {
    name: options.name,
    pid: child.pid,
    port,
    url,
    logFile: options.logFile,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await child.exited;
      clearTimeout(timer);
    },
  };
}

/** Busy and total jiffies per CPU, from /proc/stat. */
export function cpuTimes(): { busy: number; total: number }[] {
  const lines = readFileSync("/proc/stat", "utf8").split("\n");
  const cpus: { busy: number; total: number }[] = [];
  for (const line of lines) {
    const match = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const fields = (match[2] ?? "").trim().split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal ...
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    cpus[Number(match[1])] = { busy: total - idle, total };
  }
  return cpus;
}

/** Share of each CPU that was busy between two `cpuTimes()` readings (0..1). */
export function busyShare(
  before: ReturnType<typeof cpuTimes>,
  after: ReturnType<typeof cpuTimes>,
): number[] {
  return after.map((a, i) => {
    const b = before[i] ?? { busy: 0, total: 0 };
    const total = a.total - b.total;
    return total > 0 ? (a.busy - b.busy) / total : 0;
  });
}

/** VmRSS and VmHWM (peak) of a process, in bytes. */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
  return { rss: kib("VmRSS"), peak: kib("VmHWM") };
}

/** CPU time (user + system jiffies) a process has used so far. */
function cpuTicksOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * Waits until the process has used (almost) no CPU for `quietMs`: work left over from a
 * round (queued password hashes) must not run during the next one.
 */
export async function waitUntilQuiet(pid: number, quietMs = 300, timeoutMs = 60_000) {
  const deadline = performance.now() + timeoutMs;
  let last = cpuTicksOf(pid);
  while (performance.now() < deadline) {
    await Bun.sleep(quietMs);
    const now = cpuTicksOf(pid);
    // One jiffy is 10 ms: at most ~3% of the window busy.
    if (now - last <= 1) return;
    last = now;
  }
}

/** Runs a short command pinned to `cpu` and returns its stdout (the micro-benchmarks). */
export async function runPinned(
  cpu: number,
  command: string[],
  cwd?: string,
  env?: Record<string, string>,
): Promise<string> {
  const child = Bun.spawn(["taskset", "-c", String(cpu), ...command], {
    cwd,
    env: { ...process.env, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  if (code !== 0) throw new Error(`${command.join(" ")} exited with ${code}:\n${stderr}`);
  return stdout;
}

/** The `BENCH_JSON {...}` line a script printed, parsed. */
export function benchJson<T>(stdout: string): T {
  const line = stdout.split("\n").find((l) => l.startsWith("BENCH_JSON "));
  if (!line) throw new Error(`no BENCH_JSON line in:\n${stdout.slice(-2000)}`);
  return JSON.parse(line.slice("BENCH_JSON ".length)) as T;
}

/** Lines in a server's log file (the API's access log: one per request), and its size. */
export function countLogLines(file: string): { lines: number; bytes: number } {
  const fd = openSync(file, "r");
  const buffer = Buffer.alloc(1 << 20);
  let lines = 0;
  for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) {
    for (let i = 0; i < n; i++) if (buffer[i] === 10) lines++;
  }
  closeSync(fd);
  return { lines, bytes: statSync(file).size };
}
