/**
 * The status catalog (packages/contracts/src/status-codes.ts) against the running app: every
 * code the app can answer is in the catalog and every sent code of the catalog is answered
 * somewhere, each one really carries the headers the catalog promises, and the OpenAPI
 * examples are the catalog's. Adding a status code means a catalog entry and a route;
 * anything else left behind fails here (or in the typecheck of the table below).
 */
import { beforeAll, describe, expect, test } from "bun:test";
import {
  SENT_STATUS_CODES,
  type SentStatusCode,
  STATUS_CATALOG,
  type StatusCatalogEntry,
  statusEntry,
} from "@statuslab/contracts";
import { RedisStore } from "@statuslab/rate-limiter";
import { expectProblem } from "../test/http-support.ts";
import { makeApp, type Sent } from "../test/support.ts";

type Json = Record<string, unknown>;
type Api = Awaited<ReturnType<typeof makeApp>>["api"];

/**
 * Codes no route's OpenAPI responses list, because the router answers them on any path: a
 * method the path lacks. (404 is also a route's answer; 204 also DELETE's.)
 */
const ROUTER_ONLY: readonly SentStatusCode[] = [405];

let api: Api;
let user: { id: number; token: string };
let document: { paths: Record<string, Record<string, { responses: Record<string, Json> }>> };

beforeAll(async () => {
  ({ api } = await makeApp({ rateLimit: { max: 1, windowSeconds: 60 } }));
  user = await api.register("catalog@example.com");
  document = (await api.get("/openapi.json")).body;
});

const operations = () =>
  Object.values(document.paths).flatMap((item) => Object.values(item).map((op) => op.responses));

/** A body that never finishes arriving (BODY_TIMEOUT's 408). */
function stalledBody() {
  let timer: ReturnType<typeof setInterval> | undefined;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"email":'));
      timer = setInterval(() => controller.enqueue(new TextEncoder().encode(" ")), 5);
    },
    cancel: () => clearInterval(timer),
  });
  return { stream, stop: () => clearInterval(timer) };
}

async function asSent(response: Response): Promise<Sent> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) };
}

/** One real request per sent code: a code added to the catalog needs a line here. */
const PRODUCE: Record<SentStatusCode, () => Promise<Sent>> = {
  200: () => api.get("/"),
  201: () =>
    api.send("POST", "/users/", { json: { email: "new@example.com", password: "p".repeat(8) } }),
  204: async () => {
    const doomed = await api.register("doomed@example.com");
    return api.send("DELETE", `/users/${doomed.id}`, { token: doomed.token });
  },
  400: () =>
    api.send("POST", "/users/", { raw: "{", headers: { "content-type": "application/json" } }),
  401: () => api.get("/users/me"),
  403: () => api.get("/admin/users", user.token),
  404: () => api.get("/no/such/path"),
  405: () => api.send("PUT", "/users/me", { token: user.token }),
  408: async () => {
    const { app } = await makeApp({ bodyTimeoutMs: 50 });
    const body = stalledBody();
    try {
      return await asSent(
        await app.handle(
          new Request("http://localhost/users/", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: body.stream,
          }),
        ),
      );
    } finally {
      body.stop();
    }
  },
  409: () =>
    api.send("POST", "/users/", {
      json: { email: "catalog@example.com", password: "password-123" },
    }),
  413: () =>
    api.send("POST", "/users/", {
      raw: " ".repeat(70_000),
      headers: { "content-type": "application/json" },
    }),
  415: () => api.send("POST", "/users/", { form: { email: "a@example.com" } }),
  422: () => api.send("POST", "/users/", { json: { email: "not an email", password: "x" } }),
  429: async () => {
    await api.get("/users/limited?client_id=catalog");
    return api.get("/users/limited?client_id=catalog");
  },
  503: async () => {
    const store = new RedisStore({
      url: "redis://127.0.0.1:1",
      timeoutMs: 200,
      connectTimeoutMs: 200,
    });
    const down = await makeApp({}, { rateLimitStore: store });
    try {
      return await down.api.get("/users/limited?client_id=catalog");
    } finally {
      await down.close();
    }
  },
};

describe("every code the app answers is in the catalog, and every sent code is answered", () => {
  test("the OpenAPI responses plus the router's own codes are exactly the catalog's sent codes", () => {
    const documented = new Set(
      operations().flatMap((responses) => Object.keys(responses).map(Number)),
    );
    for (const code of documented)
      expect(statusEntry(code)?.sent, `OpenAPI lists ${code}`).toBe(true);
    const answered = [...new Set([...documented, ...ROUTER_ONLY])].sort((a, b) => a - b);
    expect(answered).toEqual([...SENT_STATUS_CODES]);
  });

  test("the OpenAPI error examples are the catalog's problem", () => {
    for (const responses of operations())
      for (const [status, response] of Object.entries(responses)) {
        const problem = statusEntry(Number(status))?.problem;
        if (!problem) continue;
        const content = response.content as Record<string, { example?: Json }>;
        const example = content["application/problem+json"]?.example;
        expect(example, status).toMatchObject({
          type: problem.type,
          title: problem.title,
          status: Number(status),
          detail: problem.detail,
        });
      }
  });
});

describe("each sent code, really answered, carries what the catalog says", () => {
  for (const code of SENT_STATUS_CODES) {
    const entry: StatusCatalogEntry = STATUS_CATALOG[code];
    const headers = entry.headers.map((h) => h.name).join(", ") || "no special header";
    test(`${code} ${entry.phrase}: ${headers}`, async () => {
      const sent = await PRODUCE[code]();
      if (entry.problem) expectProblem(sent, code);
      else expect(sent.status).toBe(code);
      for (const header of entry.headers.filter((h) => h.always))
        expect(sent.headers.get(header.name), header.name).toBeTruthy();
      // Of the route-dependent ones, the answer chosen above carries its own (a sign-up's
      // Location, a POST's Accept-Post).
      const some = entry.headers.filter((h) => !h.always).map((h) => h.name);
      if (some.length)
        expect(
          some.filter((name) => sent.headers.get(name)),
          some.join(" or "),
        ).not.toEqual([]);
    });
  }
});
