/** One line saying where the numbers were taken. */
import { readFileSync } from "node:fs";
import { availableParallelism, release, totalmem } from "node:os";

export interface Machine {
  cpu: string;
  cpus: number;
  memoryGiB: number;
  kernel: string;
  bun: string;
  wrk: string;
  date: string;
}

export function machine(wrk: string): Machine {
  let cpu = "unknown CPU";
  try {
    cpu =
      /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ?? cpu;
  } catch {
    // Not Linux: keep "unknown CPU".
  }
  return {
    cpu,
    cpus: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    kernel: `Linux ${release()}`,
    bun: Bun.version,
    wrk,
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
  };
}

export const machineLine = (m: Machine) =>
  `${m.cpu}, ${m.cpus} logical CPUs, ${m.memoryGiB} GiB; ${m.kernel}; Bun ${m.bun}; wrk ${m.wrk}; ${m.date}`;
