/** `GET /users/me` on one connection, idle and then during a burst of concurrent sign-ups. */
import { PASSWORD, register } from "../lib/api.ts";
import type { BenchContext } from "../lib/context.ts";
import { memoryOf, runPinned, waitUntilQuiet } from "../lib/proc.ts";
import { IDLE_SECONDS } from "../lib/settings.ts";
import { int, mib, micros } from "../lib/stats.ts";
import { runWrk, startWrk, type WrkOptions, type WrkResult } from "../lib/wrk.ts";

export interface BurstResult {
  idle: WrkResult;
  busy: WrkResult;
  /** Each sign-up's final status (0: no answer). */
  statuses: number[];
  created: number;
  /** 503s with Retry-After on the way, each retried then. */
  refusals: number;
  burstSeconds: number;
  rssIdle: number;
  rssPeak: number;
  /** The API's hashing slots (`navigator.hardwareConcurrency` on the server's core). */
  slots: number;
}

/** A fresh API (clean memory figures), stopped at the end. */
export async function measureBurst(bench: BenchContext): Promise<BurstResult> {
  const { settings, log } = bench;
  const api = await bench.fleet.startApi("api-burst");
  const { token } = await register(api, "bench@example.com");
  const slotsText = await runPinned(settings.serverCpu, [
    "bun",
    "-e",
    "console.log(navigator.hardwareConcurrency)",
  ]);
  const slots = Number(slotsText.trim());
  const meOptions = (seconds: number): WrkOptions => ({
    url: api.url,
    path: "/users/me",
    headers: { Authorization: `Bearer ${token}` },
    connections: 1,
    seconds,
    cpu: settings.clientCpu,
    serverCpu: settings.serverCpu,
    workDir: bench.work,
  });
  await runWrk(meOptions(settings.warmup));
  await waitUntilQuiet(api.pid);
  const idle = await runWrk(meOptions(IDLE_SECONDS));
  log(
    `  idle:   p50 ${micros(idle.latencyUs.p50)}  p90 ${micros(idle.latencyUs.p90)}  p99 ${micros(idle.latencyUs.p99)}  ${int(idle.rps)} req/s`,
  );
  await waitUntilQuiet(api.pid);
  const rssIdle = memoryOf(api.pid).rss;
  const during = startWrk(meOptions(3600));
  await Bun.sleep(500);
  let rssPeak = rssIdle;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, memoryOf(api.pid).rss);
  }, 10);
  const burstStarted = performance.now();
  // Each sign-up behaves as a client should: a 503 from the full hashing queue carries
  // Retry-After, and the client comes back then. So every one should end 201.
  let refusals = 0;
  const signUp = async (i: number): Promise<number> => {
    for (let attempt = 0; attempt < 60; attempt++) {
      const response = await fetch(`${api.url}/users/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: `burst-${i}@example.com`, password: PASSWORD }),
      }).catch(() => undefined);
      if (!response) return 0;
      await response.arrayBuffer();
      const retryAfter = Number(response.headers.get("retry-after"));
      if (response.status !== 503 || !(retryAfter >= 1)) return response.status;
      refusals++;
      await Bun.sleep(retryAfter * 1000);
    }
    return 503;
  };
  const statuses = await Promise.all(Array.from({ length: settings.burst }, (_, i) => signUp(i)));
  const burstSeconds = (performance.now() - burstStarted) / 1000;
  const busy = await during.stop();
  clearInterval(sampler);
  rssPeak = Math.max(rssPeak, memoryOf(api.pid).rss);
  const created = statuses.filter((s) => s === 201).length;
  log(
    `  burst:  p50 ${micros(busy.latencyUs.p50)}  p90 ${micros(busy.latencyUs.p90)}  p99 ${micros(busy.latencyUs.p99)}  ${int(busy.rps)} req/s; ` +
      `${created}/${settings.burst} sign-ups 201 in ${burstSeconds.toFixed(1)} s (${refusals} × 503 + Retry-After on the way); RSS ${mib(rssIdle).toFixed(0)} → peak ${mib(rssPeak).toFixed(0)} MiB (${slots} hashing slot${slots === 1 ? "" : "s"})`,
  );
  await bench.fleet.stop(api);
  return { idle, busy, statuses, created, refusals, burstSeconds, rssIdle, rssPeak, slots };
}
