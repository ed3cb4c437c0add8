/** bench/results/latest.svg: the results at a glance, with the targets drawn in. */
import { type Bar, renderChart } from "../lib/chart.ts";
import { machineLine } from "../lib/machine.ts";
import { ARGON2_MIB } from "../lib/settings.ts";
import { int, mib, micros, rate, ratio } from "../lib/stats.ts";
import { burstFigures, type Report, rowOf } from "./summary.ts";

const tone = (met: boolean): "good" | "bad" => (met ? "good" : "bad");

export function renderSvg(report: Report): string {
  const { settings, burst, bareRps } = report;
  const { jwt, limiter, keys } = report.micro;
  const row = (id: string) => rowOf(report, id);
  const mePostgres = report.http.find((r) => r.id === "me-postgres");
  const signupPostgres = report.http.find((r) => r.id === "signup-postgres");
  const {
    bound: burstBound,
    growth: burstGrowth,
    p99Ratio: burstP99Ratio,
    failures: burstFailures,
  } = burstFigures(report);
  return renderChart("Status Code Lab — bun run bench", machineLine(report.machine), [
    {
      title: "Throughput against a bare Bun.serve hello world (same run, same core)",
      subtitle: `Median of ${settings.rounds} rounds; dashed lines: the targets. Bare: ${int(bareRps)} req/s.`,
      bars: [
        {
          label: "bare Bun.serve (baseline)",
          value: 1,
          text: `1.00× · ${rate(bareRps)} req/s`,
          tone: "neutral",
        },
        {
          label: "Bun.serve, X-Request-Id only (reference)",
          value: row("request-id-only").ratio,
          text: `${ratio(row("request-id-only").ratio)} · ${rate(row("request-id-only").rps)}`,
          tone: "muted",
        },
        {
          label: "Elysia without our hooks (reference)",
          value: row("elysia-alone").ratio,
          text: `${ratio(row("elysia-alone").ratio)} · ${rate(row("elysia-alone").rps)}`,
          tone: "muted",
        },
        {
          label: "GET / by hand on Bun.serve (reference)",
          value: row("hand-written").ratio,
          text: `${ratio(row("hand-written").ratio)} · ${rate(row("hand-written").rps)}`,
          tone: "muted",
        },
        {
          label: "GET /",
          value: row("root").ratio,
          text: `${ratio(row("root").ratio)} · ${rate(row("root").rps)}`,
          tone: tone(row("root").ratio >= 0.85),
        },
        {
          label: "GET /users/me (authenticated)",
          value: row("me").ratio,
          text: `${ratio(row("me").ratio)} · ${rate(row("me").rps)}`,
          tone: tone(row("me").ratio >= 0.5),
        },
        ...(mePostgres
          ? [
              {
                label: "GET /users/me on PostgreSQL",
                value: mePostgres.ratio,
                text: `${ratio(mePostgres.ratio)} · ${rate(mePostgres.rps)} (pool ${settings.poolMax})`,
                tone: tone(mePostgres.ratio >= 0.3),
              },
            ]
          : []),
        {
          label: "GET /users/me, garbage token (401)",
          value: row("401").ratio,
          text: `${ratio(row("401").ratio)} · ${rate(row("401").rps)}`,
          tone: "neutral",
        },
        {
          label: "GET /users/limited, new client ids",
          value: row("limited").ratio,
          text: `${ratio(row("limited").ratio)} · ${rate(row("limited").rps)}`,
          tone: "neutral",
        },
        {
          label: "POST /token (argon2id)",
          value: row("token").ratio,
          text: `${rate(row("token").rps)} req/s (hash-bound)`,
          tone: "neutral",
        },
        {
          label: "POST /users/ (argon2id)",
          value: row("signup").ratio,
          text: `${rate(row("signup").rps)} req/s (hash-bound)`,
          tone: "neutral",
        },
        ...(signupPostgres
          ? [
              {
                label: "POST /users/ on PostgreSQL (argon2id)",
                value: signupPostgres.ratio,
                text: `${rate(signupPostgres.rps)} req/s (hash-bound)`,
                tone: "neutral" as const,
              },
            ]
          : []),
      ],
      min: 0,
      max: 1,
      marks: [
        { value: 0.3, label: "0.30 (PostgreSQL)" },
        { value: 0.5, label: "0.50 (/users/me)" },
        { value: 0.85, label: "0.85 (GET /)" },
      ],
      tick: (v) => `${v.toFixed(1)}×`,
    },
    {
      title: `GET /users/me latency, one connection: idle vs. during ${settings.burst} concurrent sign-ups`,
      subtitle: `Log scale. Target: burst p99 < 5 × idle p99 (${micros(5 * burst.idle.latencyUs.p99)}), no failures (${burstFailures} failed).`,
      bars: (["p50", "p90", "p99"] as const).flatMap((p): Bar[] => [
        {
          label: `${p} idle`,
          value: burst.idle.latencyUs[p],
          text: micros(burst.idle.latencyUs[p]),
          tone: "neutral" as const,
        },
        {
          label: `${p} during the burst`,
          value: burst.busy.latencyUs[p],
          text: micros(burst.busy.latencyUs[p]),
          tone: p === "p99" ? tone(burstP99Ratio < 5) : ("muted" as const),
        },
      ]),
      scale: "log",
      marks: [{ value: 5 * burst.idle.latencyUs.p99, label: "5 × idle p99" }],
      tick: (v) => micros(v),
    },
    {
      title: "Memory: 1,000,000 rate-limit keys in the in-memory store",
      subtitle: "Resident size of a process holding them (dashed: the 150 MB target).",
      bars: [
        {
          label: "empty process",
          value: keys.rssBeforeBytes / 1e6,
          text: `${(keys.rssBeforeBytes / 1e6).toFixed(0)} MB`,
          tone: "neutral",
        },
        {
          label: "with 1,000,000 keys",
          value: keys.rssAfterBytes / 1e6,
          text: `${(keys.rssAfterBytes / 1e6).toFixed(0)} MB (${int(keys.bytesPerKey)} bytes per key)`,
          tone: tone(keys.rssAfterBytes <= 150e6),
        },
      ],
      min: 0,
      max: 200,
      marks: [{ value: 150, label: "150 MB" }],
      tick: (v) => `${v.toFixed(0)} MB`,
    },
    {
      title: `Memory: the API during ${settings.burst} concurrent sign-ups (argon2id, ${ARGON2_MIB} MiB each)`,
      subtitle: `Resident size, sampled every 10 ms (dashed: idle + ${burst.slots + 1} × ${ARGON2_MIB} MiB). All at once would need ${((settings.burst * ARGON2_MIB) / 1024).toFixed(1)} GiB.`,
      bars: [
        {
          label: "idle, before the burst",
          value: mib(burst.rssIdle),
          text: `${mib(burst.rssIdle).toFixed(0)} MiB`,
          tone: "neutral",
        },
        {
          label: "peak during the burst",
          value: mib(burst.rssPeak),
          text: `${mib(burst.rssPeak).toFixed(0)} MiB`,
          tone: tone(burstGrowth <= burstBound),
        },
      ],
      min: 0,
      marks: [{ value: mib(burst.rssIdle + burstBound), label: "bound" }],
      tick: (v) => `${v.toFixed(0)} MiB`,
    },
    {
      title: "Micro-benchmarks, per second (log scale)",
      subtitle:
        "JWT verification and rate-limit decisions, one thread; dashed line: the limiter's 5 M/s target.",
      bars: [
        ...jwt
          .filter((r) => r.id !== "forged")
          .map((r) => ({
            label:
              {
                "jose-raw": "verify: jose, key per call",
                "jose-key": "verify: jose, key imported once",
                hmac: "verify: node:crypto HMAC",
                cached: "verify: HMAC + token cache (hit)",
              }[r.id] ?? r.id,
            value: r.opsPerSecond,
            text: rate(r.opsPerSecond),
            tone: r.id.startsWith("jose") ? ("muted" as const) : ("good" as const),
          })),
        ...limiter.rows
          .filter((r) => r.id !== "memory-spread")
          .map((r) => ({
            label:
              {
                "memory-hot-api": "limiter: MemoryStore, hot, denials",
                "memory-hot-admit": "limiter: MemoryStore, hot, admissions",
                "limiter-check-hot": "limiter: limiter.check() awaited",
                "redis-sequential": "limiter: Redis, one at a time",
                "redis-64": "limiter: Redis, 64 in flight",
              }[r.id] ?? r.id,
            value: r.opsPerSecond,
            text: rate(r.opsPerSecond),
            tone: r.id.startsWith("memory-hot")
              ? tone(r.opsPerSecond >= 5e6)
              : ("neutral" as const),
          })),
      ],
      scale: "log",
      marks: [{ value: 5e6, label: "5 M/s" }],
      tick: (v) => rate(v),
    },
  ]);
}
