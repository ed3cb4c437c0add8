import type { Config } from "./config.ts";
import { printBanner, READY_MARKER, stop } from "./worker.ts";

export const WORKER_ENV = "STATUSLAB_WORKER";

/** Port 0 means "any free port"; every worker must get the same one, so pick it here. */
function freePort(): number {
  const probe = Bun.serve({ port: 0, fetch: () => new Response() });
  const { port } = probe;
  probe.stop(true);
  if (port === undefined) stop("Could not find a free port");
  return port;
}

/**
 * `WORKERS=N`: N API processes on one port. The supervisor only starts, watches and stops
 * them; it serves nothing. A worker that dies takes the others down (exit 1), so a process
 * manager restarts the whole set instead of running short-handed unnoticed.
 */
export async function runSupervisor(config: Config, entry: string) {
  const port = config.port === 0 ? freePort() : config.port;
  const env = { ...process.env, PORT: String(port), WORKERS: String(config.workers) };
  let stopping = false;
  let ready = 0;

  const workers = Array.from({ length: config.workers }, (_, index) => {
    const child = Bun.spawn([process.execPath, entry], {
      env: { ...env, [WORKER_ENV]: String(index + 1) },
      stdout: "pipe",
      stderr: "inherit",
    });
    void forward(child.stdout, (line) => {
      if (!line.startsWith(READY_MARKER)) return console.log(line);
      ready++;
      if (ready === config.workers)
        printBanner(config, line.split(" ").at(-1) ?? "", config.workers);
    });
    void child.exited.then((code) => {
      if (stopping) return;
      console.error(
        `Worker ${index + 1} (pid ${child.pid}) exited with ${code}: stopping the others`,
      );
      void shutdown("SIGTERM", 1);
    });
    return child;
  });

  async function shutdown(signal: "SIGINT" | "SIGTERM", exitCode = 0) {
    if (stopping) return;
    stopping = true;
    for (const child of workers) child.kill(signal);
    const codes = await Promise.all(workers.map((child) => child.exited));
    process.exit(exitCode || Math.max(0, ...codes.map((code) => code ?? 1)));
  }
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

async function forward(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void) {
  const decoder = new TextDecoder();
  let pending = "";
  const reader = stream.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    pending += decoder.decode(read.value, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) onLine(line);
  }
  if (pending) onLine(pending);
}
