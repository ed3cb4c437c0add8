import { dirname, join } from "node:path";

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

/** The file behind an asset name, or undefined for any name not on the allow-list. */
export const assetPath = (name: string): string | undefined => ASSETS.get(name);

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

/** The Swagger UI page, every script and stylesheet served from /docs/assets. */
export const swaggerPage = (info: { title: string; description: string }) => `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>${escapeHtml(info.title)} — Swagger UI</title>
  <meta name="description" content="${escapeHtml(info.description)}" />
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
