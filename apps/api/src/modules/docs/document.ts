import { toOpenAPISchema } from "@elysiajs/openapi";
import { unwrapSchema } from "@elysiajs/openapi/openapi";
import { statusEntry } from "@statuslab/contracts";
import type { AnyElysia } from "elysia";
import { parseFormBody, parseJsonBody } from "../../http/body.ts";
import { PROBLEM_CONTENT_TYPE, reasonPhrase } from "../../http/problems.ts";
import { responseHeaders } from "./headers.ts";

const OPENAPI_VERSION = "3.1.2";

export const INFO = {
  title: "Status Code Lab API",
  version: "1.0.0",
  description:
    "A small, hardened API that teaches HTTP status codes: sign up, log in with the OAuth2 password flow, call protected routes and watch each documented status code happen. Every error is application/problem+json (RFC 9457). Every path answers a method it does not take with 405 and an `Allow` header listing the ones it does.",
};

/** Everything in the document that is not read from the routes. */
const DOCUMENTATION = {
  openapi: OPENAPI_VERSION,
  info: INFO,
  // Relative: the document describes whichever server serves it.
  servers: [{ url: "/", description: "The server this document came from" }],
  tags: [
    { name: "users", description: "Sign up and manage accounts" },
    { name: "auth", description: "Tokens" },
    { name: "items", description: "A protected resource of your own" },
    { name: "admin", description: "Admins only" },
    { name: "rate limiting", description: "429 and the RateLimit headers" },
    { name: "health", description: "Liveness and readiness" },
  ],
  securitySchemes: {
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
  },
};

/**
 * Our body parsers are functions (they enforce the size limit and answer 415/400), from which
 * @elysiajs/openapi cannot read a media type: it documents an empty request body for them.
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
const documentedPath = (path: string) => {
  const templated = path.replace(/:([^/]+)/g, "{$1}");
  return templated.length > 1 && templated.endsWith("/") && !TRAILING_SLASH_KEPT.has(templated)
    ? templated.slice(0, -1)
    : templated;
};

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Keys whose values are maps of names, where a member may be called anything. */
const NAME_MAPS = new Set(["properties", "patternProperties", "$defs", "schemas"]);

/**
 * Moves every schema that names itself (`$id`, as the contracts' TypeBox schemas do) into
 * `components.schemas` and leaves a `$ref` behind, innermost first. Drops `errorMessage`,
 * the TypeBox option behind our 422 messages, which is no OpenAPI keyword.
 */
function publish(node: unknown, schemas: Json, isNameMap = false): unknown {
  if (Array.isArray(node)) return node.map((item) => publish(item, schemas));
  if (!isObject(node)) return node;
  const copy: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "errorMessage" && !isNameMap) continue;
    copy[key] = publish(value, schemas, !isNameMap && NAME_MAPS.has(key));
  }
  const name = copy.$id;
  if (isNameMap || typeof name !== "string" || !/^[A-Za-z0-9_.-]+$/.test(name)) return copy;
  const { $id: _, ...schema } = copy;
  const known = schemas[name];
  if (known !== undefined && JSON.stringify(known) !== JSON.stringify(schema)) return copy;
  schemas[name] = schema;
  return { $ref: `#/components/schemas/${name}` };
}

/**
 * Error responses are problem+json with an example of their own status; bodiless ones (204)
 * have no `content`; every response lists the headers of `headers.ts`.
 */
function fixResponses(operation: string, responses: Json, exampleDetail: (code: number) => string) {
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
      const problem = statusEntry(code)?.problem;
      const example = { type: problem?.type, title: problem?.title, status: code };
      // A problem with extension members (/health's) shows its own schema's example of them.
      const own =
        isObject(json.schema) && Array.isArray(json.schema.examples) ? json.schema.examples[0] : {};
      response.content = {
        [PROBLEM_CONTENT_TYPE]: {
          ...json,
          example: { ...example, detail: exampleDetail(code), ...(isObject(own) ? own : {}) },
        },
      };
      response.description = `${reasonPhrase(code)} (problem+json)`;
    }
    response.headers = { ...responseHeaders(operation, code), ...(response.headers as Json) };
  }
}

/** Request bodies read by our parser functions, with the media type each one takes. */
function requestBody(route: AnyElysia["routes"][number]) {
  const parse = route.hooks?.parse;
  const body = route.hooks?.body;
  const parsers = Array.isArray(parse) ? parse : [parse];
  const type = parsers
    .map((parser) => PARSER_MEDIA_TYPES.get((parser as { fn?: unknown } | undefined)?.fn))
    .find((found) => found !== undefined);
  if (!type || !body) return undefined;
  const schema = unwrapSchema(body, undefined, "input", OPENAPI_VERSION);
  return { required: true, content: { [type]: { schema } } };
}

/**
 * The OpenAPI document of every route `source` can see (all of its app's, except those
 * marked `hide`), built by @elysiajs/openapi and finished here. `routes` are the app's own,
 * read for what @elysiajs/openapi cannot see: the media types of our body parsers.
 */
export function buildOpenApiDocument(
  source: AnyElysia,
  routes: AnyElysia["routes"],
  exampleDetail: (code: number) => string,
): Json {
  const generated = toOpenAPISchema(source, undefined, undefined, undefined, OPENAPI_VERSION);
  const paths: Record<string, Json> = {};
  for (const [path, item] of Object.entries(generated.paths as Json)) {
    if (!isObject(item)) continue;
    const key = documentedPath(path);
    paths[key] = { ...paths[key], ...item };
  }
  for (const route of routes) {
    const operation = paths[documentedPath(route.path)]?.[route.method.toLowerCase()];
    const body = requestBody(route);
    if (isObject(operation) && body)
      operation.requestBody = { ...(operation.requestBody as Json), ...body };
  }
  for (const [path, item] of Object.entries(paths))
    for (const [method, operation] of Object.entries(item)) {
      if (!isObject(operation)) continue;
      // Public operations say so: no security requirement at all, not "the default".
      operation.security ??= [];
      if (isObject(operation.responses))
        fixResponses(`${method} ${path}`, operation.responses, exampleDetail);
    }
  const schemas: Json = { ...generated.components.schemas };
  const { securitySchemes, ...documentation } = DOCUMENTATION;
  return {
    ...documentation,
    paths: publish(paths, schemas),
    components: { securitySchemes, schemas },
  };
}
