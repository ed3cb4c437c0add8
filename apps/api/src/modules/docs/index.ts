import { dirname, join } from "node:path";
import { openapi } from "@elysiajs/openapi";
import { Elysia } from "elysia";
import { HttpProblem } from "../../http/problems.ts";

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

export const docsModule = () =>
  new Elysia()
    .use(
      openapi({
        path: "/docs",
        specPath: "/openapi.json",
        provider: "swagger-ui",
        exclude: { paths: ["/docs/assets/:file"] },
        swagger: {
          cdn: "/docs/assets/swagger-ui-bundle.js",
          theme: "/docs/assets/swagger-ui.css",
          persistAuthorization: true,
          tryItOutEnabled: true,
        },
        documentation: {
          info: {
            title: "Status Code Lab API",
            version: "1.0.0",
            description:
              "A small, hardened API that teaches HTTP status codes: sign up, log in with the OAuth2 password flow, call protected routes and watch each documented status code happen. Every error is application/problem+json (RFC 9457).",
          },
          tags: [
            { name: "users", description: "Sign up and manage accounts" },
            { name: "auth", description: "Tokens" },
            { name: "items", description: "A protected resource of your own" },
            { name: "admin", description: "Admins only" },
            { name: "rate limiting", description: "429 and the RateLimit headers" },
            { name: "health", description: "Liveness and readiness" },
          ],
          components: {
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
          },
        },
      }),
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
