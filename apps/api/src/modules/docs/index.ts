import { dirname, join } from "node:path";
import { toOpenAPISchema } from "@elysiajs/openapi";
import { type AnyElysia, Elysia } from "elysia";
import { parseFormBody, parseJsonBody } from "../../http/body.ts";
import {
  exampleDetail,
  HttpProblem,
  PROBLEM_CONTENT_TYPE,
  reasonPhrase,
} from "../../http/problems.ts";

const SWAGGER_DIR = dirname(require.resolve("swagger-ui-dist/package.json"));

/**
 * The only files /docs/assets serves. A name from the URL is looked up here and never
 * joined into a path: Elysia decodes `%2F` inside a parameter, so `..%2F..%2Fpackage.json`
 * would otherwise walk out of the folder.
 */
const ASSETS: ReadonlyMap<string, string> = new Map(
  ["swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png", "favicon-16x16.png"].map(
    (name) => [name, join(SWAGGER_DIR, name)],
  ),
);

const INFO = {
  title: "Status Code Lab API",
  version: "1.0.0",
  description:
    "A small, hardened API that teaches HTTP status codes: sign up, log in with the OAuth2 password flow, call protected routes and watch each documented status code happen. Every error is application/problem+json (RFC 9457).",
};

const DOCUMENT_BASE = {
  openapi: "3.1.2",
  info: INFO,
  tags: [
    { name: "users", description: "Sign up and manage accounts" },
    { name: "auth", description: "Tokens" },
    { name: "items", description: "A protected resource of your own" },
    { name: "admin", description: "Admins only" },
    { name: "rate limiting", description: "429 and the RateLimit headers" },
    { name: "health", description: "Liveness and readiness" },
  ],
};

const SECURITY_SCHEMES = {
  bearer: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "Paste an access token (without the word Bearer).",
  },
  oauth2: {
    type: "oauth2",
    description: "Log in with your email as username and your password.",
    flows: { password: { tokenUrl: "/token", scopes: {} } },
  },
};

/**
 * Our body parsers are functions (they enforce the size limit and answer 415/400), which
 * @elysiajs/openapi cannot read a media type from: it would document an empty request body.
 */
const PARSER_MEDIA_TYPES = new Map<unknown, string>([
  [parseJsonBody, "application/json"],
  [parseFormBody, "application/x-www-form-urlencoded"],
]);

/**
 * Elysia registers `prefix + "/"` with a trailing slash and answers both spellings. The
 * document uses the contract's spelling: no trailing slash, except the sign-up route,
 * which the contract (after the FastAPI seed) writes `/users/`.
 */
const TRAILING_SLASH_KEPT = new Set(["/users/"]);
const documentedPath = (path: string) =>
  path.length > 1 && path.endsWith("/") && !TRAILING_SLASH_KEPT.has(path)
    ? path.slice(0, -1)
    : path;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Moves every schema that names itself (`$id`, as the contracts' TypeBox schemas do) into
 * `components.schemas` and leaves a `$ref` behind, innermost first.
 */
function hoistNamedSchemas(node: unknown, schemas: Json): unknown {
  if (Array.isArray(node)) return node.map((item) => hoistNamedSchemas(item, schemas));
  if (!isObject(node)) return node;
  const copy: Json = {};
  for (const [key, value] of Object.entries(node)) copy[key] = hoistNamedSchemas(value, schemas);
  const name = copy.$id;
  if (typeof name !== "string" || !/^[A-Za-z0-9_.-]+$/.test(name)) return copy;
  const { $id: _, ...schema } = copy;
  const known = schemas[name];
  if (known !== undefined && JSON.stringify(known) !== JSON.stringify(schema)) return copy;
  schemas[name] = schema;
  return { $ref: `#/components/schemas/${name}` };
}

const RESPONSE_HEADERS: Record<string, Json> = {
  "401": {
    "WWW-Authenticate": {
      description: "The Bearer challenge (RFC 6750)",
      schema: { type: "string" },
    },
  },
  "429": {
    "Retry-After": { description: "Seconds to wait", schema: { type: "integer", minimum: 1 } },
  },
  "503": {
    "Retry-After": { description: "Seconds to wait", schema: { type: "integer", minimum: 1 } },
  },
};

/** Error responses are problem+json; bodiless ones (204) have no `content` at all. */
function fixResponses(responses: Json) {
  for (const [status, response] of Object.entries(responses)) {
    if (!isObject(response)) continue;
    const code = Number(status);
    if (typeof response.description !== "string" || response.description.startsWith("Response for"))
      response.description = reasonPhrase(code);
    const content = isObject(response.content) ? response.content : undefined;
    if (content && Object.keys(content).some((type) => !type.includes("/")))
      delete response.content;
    const json = content?.["application/json"];
    if (code >= 400 && isObject(json)) {
      // The shared schema's examples would show one status everywhere: give each its own.
      response.content = {
        [PROBLEM_CONTENT_TYPE]: {
          ...json,
          example: {
            type: "about:blank",
            title: reasonPhrase(code),
            status: code,
            detail: exampleDetail(code),
          },
        },
      };
      response.description = `${reasonPhrase(code)} (problem+json)`;
      const headers = RESPONSE_HEADERS[status];
      if (headers)
        response.headers = { ...headers, ...(isObject(response.headers) ? response.headers : {}) };
    }
  }
}

/** What @elysiajs/openapi reads from an app: the root's routes and models (protected API). */
interface RouteSource {
  getGlobalRoutes(): { method: string; path: string; hooks?: Json & { parse?: unknown } }[];
  getGlobalDefinitions(): unknown;
}

/** The OpenAPI document of every route of `app` except those marked `hide`. */
export function buildOpenApiDocument(app: AnyElysia): Json {
  const source = app as unknown as RouteSource;
  const routes = source.getGlobalRoutes().map((route) => {
    const parse = route.hooks?.parse;
    if (!Array.isArray(parse)) return route;
    return {
      ...route,
      hooks: {
        ...route.hooks,
        parse: parse.map((parser: { fn?: unknown }) => {
          const type = PARSER_MEDIA_TYPES.get(parser.fn);
          return type ? { ...parser, fn: type } : parser;
        }),
      },
    };
  });
  const view = {
    getGlobalRoutes: () => routes,
    getGlobalDefinitions: () => source.getGlobalDefinitions(),
  } as unknown as AnyElysia;
  const generated = toOpenAPISchema(view, undefined, undefined, undefined, "3.1.2");

  const paths: Json = {};
  for (const [path, item] of Object.entries(generated.paths as Json)) {
    if (!isObject(item)) continue;
    const key = documentedPath(path);
    paths[key] = { ...(isObject(paths[key]) ? paths[key] : {}), ...item };
    for (const operation of Object.values(item))
      if (isObject(operation) && isObject(operation.responses)) fixResponses(operation.responses);
  }
  const schemas: Json = { ...generated.components.schemas };
  return {
    ...DOCUMENT_BASE,
    paths: hoistNamedSchemas(paths, schemas),
    components: { securitySchemes: SECURITY_SCHEMES, schemas },
  };
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (char) =>
      ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char] ?? char,
  );

// Every URL is same-origin and absolute, so the page works offline and also at `/docs/`.
// `validatorUrl: null` stops Swagger UI from fetching a badge from validator.swagger.io.
const SWAGGER_CONFIG = {
  dom_id: "#swagger-ui",
  url: "/openapi.json",
  validatorUrl: null,
  persistAuthorization: true,
  tryItOutEnabled: true,
  deepLinking: true,
};

const PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>${escapeHtml(INFO.title)} — Swagger UI</title>
  <meta name="description" content="${escapeHtml(INFO.description)}" />
  <link rel="icon" type="image/png" sizes="32x32" href="/docs/assets/favicon-32x32.png" />
  <link rel="icon" type="image/png" sizes="16x16" href="/docs/assets/favicon-16x16.png" />
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css" />
  <style>
    @media (prefers-color-scheme: dark) {
      body { background-color: #222; }
      .swagger-ui { filter: invert(92%) hue-rotate(180deg); }
      .swagger-ui .microlight { filter: invert(100%) hue-rotate(180deg); }
    }
  </style>
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script>
    window.onload = () => {
      window.ui = SwaggerUIBundle(${JSON.stringify(SWAGGER_CONFIG).replaceAll("<", "\\u003c")});
    };
  </script>
</body>
</html>
`;

export const docsModule = () => {
  const plugin = new Elysia();
  let document: Json | undefined;
  let documentedRoutes = -1;
  return plugin
    .get(
      "/docs",
      () => new Response(PAGE, { headers: { "content-type": "text/html; charset=utf-8" } }),
      { detail: { hide: true } },
    )
    .get(
      "/openapi.json",
      () => {
        // Built on first use, when every module has been registered; rebuilt if routes change.
        const count = (plugin as unknown as RouteSource).getGlobalRoutes().length;
        if (!document || count !== documentedRoutes) {
          document = buildOpenApiDocument(plugin);
          documentedRoutes = count;
        }
        return document;
      },
      { detail: { hide: true } },
    )
    .get(
      "/docs/assets/:file",
      ({ params }) => {
        const path = ASSETS.get(params.file);
        if (!path) throw new HttpProblem(404, "Not Found");
        return new Response(Bun.file(path), {
          headers: { "cache-control": "public, max-age=86400" },
        });
      },
      { detail: { hide: true } },
    );
};
