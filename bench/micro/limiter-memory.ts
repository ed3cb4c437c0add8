/**
 * Resident size of a process whose in-memory rate-limit store holds 1,000,000 distinct keys:
 *
 *   bun bench/micro/limiter-memory.ts [--json] [--keys N]
 *
 * Keys look like the API's (`limited:` + a client id), each hit once under the API's default
 * policy (5 per 60 s), exactly as a flood of distinct clients would leave them. The resident
 * size is read after a full garbage collection, before and after, in this fresh process.
 */
import { readFileSync } from "node:fs";
import { MemoryStore } from "@statuslab/rate-limiter";
import { emit } from "../lib/measure.ts";
import { int, mib } from "../lib/stats.ts";

const flag = process.argv.indexOf("--keys");
const KEYS = flag === -1 ? 1_000_000 : Number(process.argv[flag + 1]);

/** VmRSS in bytes, from /proc (process.memoryUsage().rss reads the same on Linux). */
function rss(): number {
  const line = readFileSync("/proc/self/status", "utf8").match(/^VmRSS:\s+(\d+) kB/m);
  return line ? Number(line[1]) * 1024 : process.memoryUsage().rss;
}

Bun.gc(true);
const before = rss();
const store = new MemoryStore({ sweepIntervalMs: 0 });
const started = performance.now();
for (let i = 0; i < KEYS; i++) store.hit(`limited:client-${i}`, 5, 60_000);
const fillMs = performance.now() - started;
Bun.gc(true);
const after = rss();
if (store.size !== Math.min(KEYS, 1_000_000))
  throw new Error(`expected ${KEYS} keys, have ${store.size}`);
// Still answering: the last key is known and its one hit counted.
if (store.peek(`limited:client-${KEYS - 1}`, 5, 60_000).remaining !== 4)
  throw new Error("lost a key");

const result = {
  keys: store.size,
  rssBeforeBytes: before,
  rssAfterBytes: after,
  bytesPerKey: (after - before) / store.size,
  fillMs,
};
if (process.argv.includes("--json")) emit(result);
else {
  console.log(
    `${int(store.size)} keys: resident ${mib(after).toFixed(0)} MiB (was ${mib(before).toFixed(0)} MiB before: ${int(result.bytesPerKey)} bytes per key); filled in ${int(fillMs)} ms`,
  );
}
