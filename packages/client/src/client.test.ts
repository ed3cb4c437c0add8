import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type App, createApp, loadConfig } from "@statuslab/api";
import { createClient, FORM_ROUTES, TRAILING_SLASH_ROUTES, withToken } from "./index.ts";

interface Seen {
  method: string;
  url: string;
  headers: Headers;
  body: string | undefined;
}

let app: App;
let close: () => Promise<void>;
const seen: Seen[] = [];

/** An in-process client that also records each request as it goes on the wire. */
const api = () =>
  createClient(app, {
    fetcher: async (url, init) => {
      const request = new Request(url, init);
      seen.push({
        method: request.method,
        url,
        headers: request.headers,
        body: init.body === undefined ? undefined : String(init.body),
      });
      return app.handle(request);
    },
  });
const last = () => seen.at(-1) as Seen;

beforeAll(async () => {
  const config = loadConfig({
    NODE_ENV: "test",
    JWT_SECRET: "client-test-secret-at-least-32-bytes!",
    DATABASE_URL: ":memory:",
  });
  const built = await createApp({
    config,
    passwordHashing: { memoryCost: 1024, timeCost: 1 },
    logger: { info() {}, warn() {}, error() {} },
  });
  app = built.app;
  close = built.close;
});
afterAll(() => close());

describe("against the app in-process", () => {
  const email = `client-${crypto.randomUUID()}@example.com`;
  const password = "client-password-1";
  let token = "";
  let refreshToken = "";

  test("signs up with JSON at the contract's path, POST /users/, and reads the typed answer", async () => {
    const { data, error, status } = await api().users.post({ email, password, name: "Cleo" });
    expect(error).toBeNull();
    expect(status).toBe(201);
    expect(data?.user).toMatchObject({ email, name: "Cleo", role: "user" });
    expect(last().method).toBe("POST");
    expect(last().url).toBe("http://localhost/users/");
    expect(last().headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(last().body ?? "")).toEqual({ email, password, name: "Cleo" });
    token = data?.token ?? "";
  });

  test("logs in with the OAuth2 form although the call is written with an object", async () => {
    const { data, status } = await api().token.post({ username: email, password });
    expect(status).toBe(200);
    expect(data?.token_type).toBe("bearer");
    expect(last().headers.get("content-type")).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(last().body))).toEqual({
      username: email,
      password,
    });
    refreshToken = data?.refresh_token ?? "";
  });

  test("sends a GET with the token and without Content-Type or body", async () => {
    const { data, status } = await api().users.me.get(withToken(token));
    expect(status).toBe(200);
    expect(data?.email).toBe(email);
    expect(last().method).toBe("GET");
    expect(last().headers.get("authorization")).toBe(`Bearer ${token}`);
    expect(last().headers.has("content-type")).toBe(false);
    expect(last().body).toBeUndefined();
  });

  test("keeps dates as the strings the contract's types say", async () => {
    const item = await api().users.me.items.post({ title: "milk" }, withToken(token));
    expect(item.status).toBe(201);
    expect(typeof item.data?.created_at).toBe("string");
  });

  test("puts path parameters and the query where the route has them", async () => {
    const me = await api().users.me.get(withToken(token));
    const id = me.data?.id ?? 0;
    const { data } = await api().users({ id }).get(withToken(token));
    expect(data?.id).toBe(id);
    expect(last().url).toBe(`http://localhost/users/${id}`);
    await api().users.limited.get({ query: { client_id: "a b&c" } });
    expect(last().url).toBe("http://localhost/users/limited?client_id=a%20b%26c");
  });

  test("an error answer is the route's typed problem, not an exception", async () => {
    const { data, error } = await api().users.me.get();
    expect(data).toBeNull();
    expect(error?.status).toBe(401);
    expect(error?.value).toMatchObject({ status: 401, title: "Unauthorized" });
  });

  test("revokes with a form too", async () => {
    const { status } = await api().token.revoke.post({ token: refreshToken });
    expect(status).toBe(200);
    expect(last().headers.get("content-type")).toBe("application/x-www-form-urlencoded");
    expect(last().body).toBe(new URLSearchParams({ token: refreshToken }).toString());
    const again = await api().token.post({
      grant_type: "refresh_token",
      refresh_token: refreshToken,
    });
    expect(again.error?.status).toBe(401);
  });

  test("sends the client-wide headers with every call", async () => {
    const calls: Headers[] = [];
    const client = createClient(app, {
      headers: withToken(token).headers,
      fetcher: async (url, init) => {
        calls.push(new Headers(init.headers));
        return app.handle(new Request(url, init));
      },
    });
    const { data } = await client.users.me.get();
    expect(data?.email).toBe(email);
    expect(calls[0]?.get("authorization")).toBe(`Bearer ${token}`);
  });
});

test("an app target is called in-process when no fetcher is given", async () => {
  const { data, status } = await createClient(app).health.live.get();
  expect(status).toBe(200);
  expect(data).toEqual({ status: "ok" });
});

test("a URL target sends to that base URL", async () => {
  const urls: string[] = [];
  const client = createClient("http://api.example:8000", {
    fetcher: async (url) => {
      urls.push(url);
      return Response.json({ status: "ok" });
    },
  });
  const { data } = await client.health.live.get();
  expect(data).toEqual({ status: "ok" });
  expect(urls).toEqual(["http://api.example:8000/health/live"]);
});

test("the form and trailing-slash routes are exactly the ones the OpenAPI document names", async () => {
  const { data } = await api()["openapi.json"].get();
  const document = data as unknown as {
    paths: Record<string, Record<string, { requestBody?: { content?: Record<string, unknown> } }>>;
  };
  const forms: string[] = [];
  const slashed: string[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const route = `${method.toUpperCase()} ${path}`;
      const types = Object.keys(operation.requestBody?.content ?? {});
      if (types.includes("application/x-www-form-urlencoded")) forms.push(route);
      if (path.length > 1 && path.endsWith("/")) slashed.push(route.slice(0, -1));
    }
  }
  expect(forms.sort()).toEqual([...FORM_ROUTES].sort());
  expect(slashed.sort()).toEqual([...TRAILING_SLASH_ROUTES].sort());
});
