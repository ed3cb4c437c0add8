/**
 * For the engine's own tests: a tiny stand-in API (so run/expect tests need no database or
 * argon2) and a target whose powers only record that they ran.
 */
import type { Lesson, Power, Step } from "./model.ts";
import type { PowerName, Target } from "./target.ts";

export function stubApi() {
  /** Addresses signed up: `/login` answers 200 only for one of them, as a real login would. */
  const accounts = new Set<string>();
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const url = new URL(request.url);
      if (url.pathname === "/echo") {
        return Response.json({
          method: request.method,
          path: url.pathname + url.search,
          contentType: request.headers.get("content-type"),
          authorization: request.headers.get("authorization"),
          body: await request.text(),
        });
      }
      if (url.pathname === "/login") {
        const { email } = (await request.json()) as { email?: string };
        if (!email || !accounts.has(email)) {
          return Response.json({ status: 401, detail: "stub 401" }, { status: 401 });
        }
        return Response.json({ token: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI3In0.login-part" });
      }
      if (url.pathname === "/users/") {
        const { email } = (await request.json().catch(() => ({}))) as { email?: unknown };
        if (typeof email === "string") accounts.add(email);
        return Response.json(
          { token: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI3In0.signature-part", user: { id: 7 } },
          { status: 201, headers: { location: "/users/7" } },
        );
      }
      const status = url.pathname.match(/^\/status\/(\d{3})$/);
      if (status) {
        const code = Number(status[1]);
        const headers: Record<string, string> = { "content-type": "application/problem+json" };
        if (code === 429) headers["retry-after"] = "1";
        if (code === 204) return new Response(null, { status: 204 });
        return new Response(JSON.stringify({ status: code, detail: `stub ${code}` }), {
          status: code,
          headers,
        });
      }
      if (url.pathname === "/text") return new Response("plain words");
      return Response.json({ status: 404, detail: "Not Found" }, { status: 404 });
    },
  });
  return { baseUrl: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}

export interface FakeTarget extends Target {
  used: string[];
}

/** A target on `baseUrl` that has the powers in `powers` and records each use. */
export function fakeTarget(baseUrl: string, powers: PowerName[] = [], admin = true): FakeTarget {
  const used: string[] = [];
  return {
    kind: "remote",
    baseUrl,
    ...(admin ? { admin: { email: "admin@example.com", password: "admin-password" } } : {}),
    used,
    lacks: (power) => (powers.includes(power) ? undefined : `no ${power} here`),
    async use(power: Power, vars) {
      used.push(power.power);
      if (power.power === "mint-expired-token")
        vars[power.into] = `expired-for-${vars[power.userId]}`;
      if (power.power === "forge-token") vars[power.into] = `forged-for-${vars[power.userId]}`;
    },
    async close() {},
  };
}

export function step(overrides: Partial<Step> & Pick<Step, "id" | "request" | "expect">): Step {
  return {
    title: overrides.id.replace(/-/g, " "),
    story: `The story of ${overrides.id}.`,
    explain: { why: `Because ${overrides.id}.` },
    hint: `A hint for ${overrides.id}.`,
    ...overrides,
  };
}

export function lesson(id: string, steps: Step[]): Lesson {
  return { id, title: `Lesson ${id}`, intro: `About ${id}.`, steps, takeaway: `Remember ${id}.` };
}
