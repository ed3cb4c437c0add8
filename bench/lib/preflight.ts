/** What `bun run bench` needs before it starts anything: Linux, wrk, taskset, two cores. */
import { type Machine, machine } from "./machine.ts";
import type { Settings } from "./settings.ts";
import { wrkVersion } from "./wrk.ts";

export function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

/** The machine the run is on; exits with a line saying what is missing otherwise. */
export function preflight({ serverCpu, clientCpu }: Settings): Machine {
  if (process.platform !== "linux") fail("bun run bench needs Linux (taskset and /proc).");
  const wrk = wrkVersion();
  if (!wrk) {
    fail(
      "wrk is not installed. On Debian or Ubuntu: sudo apt-get update && sudo apt-get install -y wrk\n" +
        "(then run `bun run bench` again; everything else the suite needs comes with `bun install`).",
    );
  }
  if (Bun.spawnSync(["taskset", "-V"], { stdout: "ignore", stderr: "ignore" }).exitCode !== 0) {
    fail("taskset is missing (Debian: apt-get install -y util-linux).");
  }
  const host = machine(wrk);
  if (host.cpus < 2 || serverCpu === clientCpu || Math.max(serverCpu, clientCpu) >= host.cpus) {
    fail(
      `Need two distinct cores for the server and wrk (have ${host.cpus}; BENCH_SERVER_CPU=${serverCpu}, BENCH_CLIENT_CPU=${clientCpu}).`,
    );
  }
  return host;
}
