import { readdirSync, readFileSync } from "node:fs";
import { getPriority, setPriority } from "node:os";

/** Bun runs `Bun.password.hash`/`verify` on its thread pool, whose threads it names so (Linux). */
const POOL_THREAD = /^Bun Pool\b/;

/**
 * Lowers the scheduling priority (raises the nice value) of Bun's thread-pool threads, where
 * argon2id runs, leaving the event-loop thread as it is.
 *
 * Hashing never runs on the event loop, but on one core the kernel shares that core between
 * them, and at equal priority a request waits up to a time slice for a hash to be switched out,
 * so a burst of sign-ups slows every request. At nice +10 the event loop preempts hashing as
 * soon as it has work, while hashing still gets every cycle the event loop leaves idle and ~10%
 * of a core the event loop saturates; at +19 sign-ups starved (docs/decisions.md, "Performance").
 * The pool is shared by all of Bun's background work, so this is process-wide.
 *
 * Linux only (nice is a per-thread attribute there, and /proc names the threads); elsewhere, or
 * if anything fails (no /proc, no permission, a thread that just exited), it does nothing.
 * Cheap enough to call before every hash: threads already lowered are remembered.
 */
export function createPoolThreadDeprioritiser(niceIncrement: number) {
  const lowered = new Set<number>();
  let target: number | undefined;
  return function deprioritise(): void {
    if (process.platform !== "linux" || niceIncrement <= 0) return;
    try {
      // Relative to the process's own nice value (the main thread's), capped at the maximum.
      target ??= Math.min(19, getPriority(process.pid) + niceIncrement);
      for (const entry of readdirSync("/proc/self/task")) {
        const tid = Number(entry);
        if (lowered.has(tid) || tid === process.pid) continue;
        try {
          if (!POOL_THREAD.test(readFileSync(`/proc/self/task/${entry}/comm`, "utf8"))) continue;
          setPriority(tid, target);
          lowered.add(tid);
        } catch {
          // The thread exited meanwhile, or may not be changed: leave it.
        }
      }
    } catch {
      // No /proc: nothing to do.
    }
  };
}

/**
 * The /proc stat fields after the name of each of a process's threads named like Bun's pool
 * threads (Linux): `fields[0]` is proc(5)'s field 3, so field N is `fields[N - 3]`. Throws when
 * there is no /proc entry for the process.
 */
function poolThreadStats(pid: number | "self"): string[][] {
  const stats: string[][] = [];
  for (const entry of readdirSync(`/proc/${pid}/task`)) {
    try {
      if (!POOL_THREAD.test(readFileSync(`/proc/${pid}/task/${entry}/comm`, "utf8"))) continue;
      const stat = readFileSync(`/proc/${pid}/task/${entry}/stat`, "utf8");
      stats.push(stat.slice(stat.lastIndexOf(")") + 2).split(" "));
    } catch {
      // Exited meanwhile.
    }
  }
  return stats;
}

/** The nice value of each of this process's threads named like Bun's pool threads (Linux). */
export function poolThreadNiceValues(): number[] {
  // proc(5) field 19: nice.
  return poolThreadStats("self").map((fields) => Number(fields[16]));
}

/**
 * CPU time, in ms, that a process's threads named like Bun's pool threads have used so far
 * (Linux /proc, 10 ms resolution; 0 where there is no /proc). Hashing is the only work an idle
 * API gives that pool, so a rise shows that a hash is running: tests use it to know a sign-up
 * is in flight, where the process's total CPU time also counts its collector and compilers.
 */
export function poolThreadCpuMillis(pid: number = process.pid): number {
  try {
    // proc(5) fields 14 and 15: utime and stime, in ticks of 10 ms.
    return poolThreadStats(pid).reduce(
      (sum, fields) => sum + (Number(fields[11]) + Number(fields[12])) * 10,
      0,
    );
  } catch {
    // No /proc, or the process is gone.
    return 0;
  }
}
