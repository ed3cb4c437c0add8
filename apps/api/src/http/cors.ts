/**
 * CORS (CORS_ORIGINS), through @elysiajs/cors (1.4.2) for the headers of every answer, and our
 * own preflight answer, because the plugin's does not fit this API:
 * - its preflight handler answers every OPTIONS with 204 (no Origin, an unlisted origin, an
 *   unknown path), where this API answers 405 + Allow or 404;
 * - it registers `OPTIONS /` and `OPTIONS /*` routes, which http/allowed-methods.ts would read
 *   as "every path exists", turning every 404 into a 405, and which would show in OpenAPI;
 * - with `origin: "*"` it sends `Vary: *` on every answer, which no cache can ever reuse;
 * - with a list it also accepts an `Origin` such as `toString` (an `in` test on a plain object)
 *   or `https://https://app.example.com` (it compares what follows the first `://`).
 * So the plugin gets a function deciding the origin (an exact match in a Set), no preflight
 * handler and no credentials; `preflight` below answers the preflights (wired in app.ts, where
 * an OPTIONS no route takes ends up). One thing of the plugin's stays: it puts
 * Access-Control-Expose-Headers and -Allow-Headers on every answer, also those to no or an
 * unlisted origin. Harmless: a browser reads them only beside a matching Allow-Origin.
 */
import { cors } from "@elysiajs/cors";
import { Elysia } from "elysia";
import type { CorsOrigins } from "./cors-origins.ts";
import { pathOf } from "./host.ts";

/** Request headers a page may send: the bearer token, JSON or form bodies, its own request id. */
export const CORS_ALLOWED_HEADERS = ["authorization", "content-type", "x-request-id"];

/** Response headers a page may read beyond the CORS-safelisted ones. */
export const CORS_EXPOSED_HEADERS = [
  "X-Request-Id",
  "Location",
  "Retry-After",
  "RateLimit",
  "RateLimit-Policy",
  "Allow",
];

/**
 * How long a browser may reuse a preflight answer, in seconds. Ten minutes: a page does not
 * repeat the preflight on every call, and a changed CORS_ORIGINS reaches browsers soon.
 * (Chromium caps it at 2 hours, Firefox at 24.)
 */
export const CORS_MAX_AGE_SECONDS = 600;

export interface Cors {
  /** Every answer's Access-Control-Allow-Origin and Vary; an empty plugin when CORS is off. */
  plugin: Elysia;
  /**
   * For an OPTIONS no route answered: when it is a preflight (Origin and
   * Access-Control-Request-Method) from an allowed origin for a path that exists, sets the
   * preflight headers and returns true; the caller then answers 204. Otherwise false, and the
   * request is answered as before (405 + Allow, or 404).
   */
  preflight(request: Request, set: { headers: Record<string, unknown> }): boolean;
}

export function createCors(
  origins: CorsOrigins | undefined,
  allowedMethods: (path: string) => string[],
): Cors {
  if (origins === undefined) {
    return { plugin: new Elysia({ name: "statuslab-cors-off" }), preflight: () => false };
  }
  const listed = origins === "*" ? undefined : new Set(origins);
  const allows = (origin: string | null) =>
    origin !== null && origin !== "" && (listed === undefined || listed.has(origin));

  const plugin = new Elysia({ name: "statuslab-cors" }).use(
    cors({
      // `*` is answered by echoing the page's origin, with `Vary: Origin`: the same permission
      // for requests without credentials, without the plugin's `Vary: *`.
      origin: (request) => allows(request.headers.get("origin")),
      methods: false, // Access-Control-Allow-Methods only on preflights, where it means something
      allowedHeaders: CORS_ALLOWED_HEADERS,
      exposeHeaders: CORS_EXPOSED_HEADERS,
      credentials: false, // bearer tokens, no cookies: a page never needs the browser's credentials
      maxAge: CORS_MAX_AGE_SECONDS,
      preflight: false,
    }),
  );

  return {
    plugin: plugin as unknown as Elysia,
    preflight(request, set) {
      if (request.method !== "OPTIONS") return false;
      if (!request.headers.get("access-control-request-method")) return false;
      if (!allows(request.headers.get("origin"))) return false;
      const methods = allowedMethods(pathOf(request.url));
      if (methods.length === 0) return false;
      set.headers["access-control-allow-methods"] = methods.join(", ");
      set.headers["access-control-max-age"] = String(CORS_MAX_AGE_SECONDS);
      return true;
    },
  };
}
