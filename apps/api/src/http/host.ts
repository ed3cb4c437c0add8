/**
 * Elysia 1.4.30 finds the path in `request.url` with `url.indexOf("/", 11)`: it assumes at
 * least four characters of host after `http://` (`http://a.bc`). With `Host: api` it reads
 * `http://api/users/` from a later "/" and routes by the rest: `POST /users/` became `POST /`
 * (405), `GET /zzzz/admin/users` became `GET /admin/users` (docs/decisions.md, "Short Host").
 * `routeByTarget` runs before Elysia reads the URL, on every way in (`app.wrap`: `app.handle`,
 * `app.fetch` and Bun's own routes), and costs a well-formed request two string scans.
 */

const SLASH = 47;
/** Where Elysia starts looking for the "/" that begins the path. */
const ELYSIA_PATH_SEARCH_FROM = 11;
const DEFAULT_PORTS: Record<string, string> = { http: "80", https: "443" };
/** Scheme, authority (host, then an optional port) and the rest, from the path on. */
const ABSOLUTE = /^([a-z][a-z0-9+.-]*):\/\/([^/]*?)(?::(\d*))?(\/.*)$/is;

/** True when Elysia finds this URL's path where it is. */
export function elysiaReadsPath(url: string): boolean {
  // From index 8 the first "/" begins the path, after `http://` as after `https://`.
  return url.charCodeAt(0) !== SLASH && url.indexOf("/", 8) >= ELYSIA_PATH_SEARCH_FROM;
}

/**
 * `url` when Elysia reads its path right; otherwise the same URL with its port written out
 * with leading zeros, which moves the path's "/" out of the way and means the same thing
 * (`new URL("http://x:00080/p").href` is `http://x/p`). Undefined when `url` is not absolute:
 * Bun gives only the path (`/p`) when the Host header is absent or cannot be part of a URL.
 */
export function routableUrl(url: string): string | undefined {
  if (elysiaReadsPath(url)) return url;
  const match = ABSOLUTE.exec(url);
  if (!match) return undefined;
  const [, scheme = "", host = "", port, rest = ""] = match;
  const digits = port || DEFAULT_PORTS[scheme.toLowerCase()];
  if (host === "" || digits === undefined) return undefined;
  return `${scheme}://${host}:${digits.padStart(5, "0")}${rest}`;
}

/** The path of an absolute request URL as Elysia routes by it, without parsing the host. */
export function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  const end = url.indexOf("?", start);
  return url.slice(start, end === -1 ? undefined : end);
}

// biome-ignore lint/complexity/noBannedTypes: Elysia's higher-order functions take and give `Function`
type Handler = Function;

/**
 * An Elysia higher-order function (`app.wrap`). A request Elysia would misread gets a `url`
 * property of its own holding the routable spelling: the same Request object, so its body
 * and Bun's `server.requestIP` (the login throttle's key) stay as they were. A Host header
 * that is present but makes no URL (empty, `a b`, `x/admin`) is refused by `refuse`, as RFC
 * 9112 §3.2 requires (400); HTTP/1.0 may leave Host out, and then `localhost` stands for it.
 */
export function routeByTarget(refuse: (request: Request) => Response) {
  return (handler: Handler, request: Request): Handler => {
    const url = request.url;
    if (elysiaReadsPath(url)) return handler;
    const absolute = url.charCodeAt(0) === SLASH ? `http://localhost${url}` : url;
    const routable = routableUrl(absolute);
    Object.defineProperty(request, "url", { value: routable ?? absolute, configurable: true });
    if (routable === undefined || (absolute !== url && request.headers.has("host"))) {
      return () => refuse(request);
    }
    return handler;
  };
}
