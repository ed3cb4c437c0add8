import { type AnyElysia, Elysia } from "elysia";
import { exampleDetail, HttpProblem } from "../../http/problems.ts";
import { buildOpenApiDocument, INFO } from "./document.ts";
import { assetPath, swaggerPage } from "./swagger-ui.ts";

const PAGE = swaggerPage(INFO);

/**
 * /docs (Swagger UI, offline), its assets and /openapi.json. `routes` are the app's: the
 * document reads the media type of each route's body parser there.
 */
export const docsModule = (routes: () => AnyElysia["routes"]) => {
  const plugin = new Elysia({ name: "docs" });
  let document: Record<string, unknown> | undefined;
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
        const all = routes();
        if (!document || all.length !== documentedRoutes) {
          document = buildOpenApiDocument(plugin, all, exampleDetail);
          documentedRoutes = all.length;
        }
        return document;
      },
      { detail: { hide: true } },
    )
    .get(
      "/docs/assets/:file",
      ({ params }) => {
        const path = assetPath(params.file);
        if (!path) throw new HttpProblem(404, "Not Found");
        return new Response(Bun.file(path), {
          headers: { "cache-control": "public, max-age=86400" },
        });
      },
      { detail: { hide: true } },
    );
};
