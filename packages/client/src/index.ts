/**
 * The typed client of the API: Eden Treaty 2 over the API's own `App` type, so a call with a
 * wrong path, a wrong body field or a wrong query is a compile error, and the answer is typed
 * by the route's response schemas. A fetcher wrapper speaks the contract where Eden's defaults
 * differ from it (see `contractFetcher`).
 */
import { type Treaty, treaty } from "@elysiajs/eden";
import type { App } from "@statuslab/api";

export type { App } from "@statuslab/api";

/** What `createClient` returns: every route of the API as a typed call. */
export type Client = Treaty.Create<App>;

/** How a request leaves the client: `fetch`, an app's `handle`, or a recorder. */
export type Fetcher = (url: string, init: RequestInit) => Promise<Response>;

export interface ClientOptions {
  /** Sends each request; by default `fetch` (a URL target) or the app's `handle` (an app). */
  fetcher?: Fetcher;
  /** Sent with every request, e.g. `{ authorization: "Bearer …" }`. */
  headers?: Record<string, string>;
}

/** Routes whose body the contract takes as `application/x-www-form-urlencoded` (OAuth2). */
export const FORM_ROUTES: ReadonlySet<string> = new Set(["POST /token", "POST /token/revoke"]);

/**
 * Routes the contract spells with a trailing slash. Elysia's route type drops it and Eden joins
 * path segments with "/", so `api.users.post` would go to `/users`; the fetcher puts it back.
 */
export const TRAILING_SLASH_ROUTES: ReadonlySet<string> = new Set(["POST /users"]);

const BODYLESS = new Set(["GET", "HEAD"]);

/** `http://host:8000/users/me?x=1` → [`http://host:8000`, `/users/me`, `?x=1`], no re-encoding. */
function splitUrl(url: string): [origin: string, path: string, query: string] {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  const origin = start === -1 ? url : url.slice(0, start);
  const rest = start === -1 ? "/" : url.slice(start);
  const q = rest.indexOf("?");
  return q === -1 ? [origin, rest, ""] : [origin, rest.slice(0, q), rest.slice(q)];
}

function headerRecord(headers: RequestInit["headers"]): Record<string, string> {
  const record: Record<string, string> = {};
  new Headers(headers).forEach((value, name) => {
    record[name] = value;
  });
  return record;
}

/** A JSON object body as form fields, in order; `undefined` fields are left out. */
function formBody(json: string): string {
  const fields = JSON.parse(json) as Record<string, unknown>;
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined && value !== null) form.append(name, String(value));
  }
  return form.toString();
}

/**
 * Wraps `send` so what Eden hands it goes on the wire as the contract says: OAuth2 bodies as a
 * form (callers still write `api.token.post({ username, password })`), the sign-up path with
 * its trailing slash, and no `Content-Type` on a GET or HEAD (Eden sets one whenever a call
 * passes options, though the body is dropped).
 */
export function contractFetcher(send: Fetcher): Fetcher {
  return (url, init) => {
    const method = (init.method ?? "GET").toUpperCase();
    const [origin, path, query] = splitUrl(url);
    const route = `${method} ${path}`;
    const headers = headerRecord(init.headers);
    let body = init.body;
    if (BODYLESS.has(method)) {
      delete headers["content-type"];
      body = undefined;
    } else if (FORM_ROUTES.has(route) && typeof body === "string") {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = formBody(body);
    }
    const target = TRAILING_SLASH_ROUTES.has(route) ? `${origin}${path}/${query}` : url;
    return send(target, { ...init, method, headers, body });
  };
}

/**
 * A typed client of the API at `target`: a base URL (`http://localhost:8000`), or an app
 * (`createApp(…).app`), which is then called in-process through its `handle`. A `fetcher`
 * replaces how requests are sent in either case (it sees them after `contractFetcher`).
 */
export function createClient(target: string | App, options: ClientOptions = {}): Client {
  const send: Fetcher =
    options.fetcher ??
    (typeof target === "string"
      ? (url, init) => fetch(url, init)
      : async (url, init) => target.handle(new Request(url, init)));
  const base = typeof target === "string" ? target : "http://localhost";
  return treaty<App>(base, {
    // Eden types its fetcher as the global `fetch`, which in Bun also has `preconnect`.
    fetcher: contractFetcher(send) as typeof fetch,
    // Eden would turn date-like strings into Dates; the contract's types say strings.
    parseDate: false,
    ...(options.headers ? { headers: options.headers } : {}),
  });
}

/** `{ headers: { authorization: "Bearer <token>" } }`, the options of a call that needs a token. */
export function withToken(token: string) {
  return { headers: { authorization: `Bearer ${token}` } };
}
