import { describe, expect, test } from "bun:test";
import { startInProcess } from "./target.ts";
import { notThisApi } from "./url-check.ts";

describe("--url aimed at something else is recognised before any step", () => {
  const serve = (fetch: (request: Request) => Response) =>
    Bun.serve({ port: 0, hostname: "127.0.0.1", fetch });
  test("this API recognises itself", async () => {
    const target = await startInProcess({ passwordHashing: { memoryCost: 1024, timeCost: 1 } });
    try {
      expect(await notThisApi(target.baseUrl)).toBeUndefined();
    } finally {
      await target.close();
    }
  });

  test("another API's OpenAPI document, a plain web server, nothing listening", async () => {
    const other = serve(() => Response.json({ openapi: "3.1.0", info: { title: "Pet Store" } }));
    const plainSite = serve(() => new Response("<h1>hello</h1>", { status: 404 }));
    try {
      expect(await notThisApi(`http://127.0.0.1:${other.port}`)).toEqual({
        message: `http://127.0.0.1:${other.port} is not the Status Code Lab API: its /openapi.json describes "Pet Store"`,
        reachable: true,
      });
      expect((await notThisApi(`http://127.0.0.1:${plainSite.port}`))?.message).toContain(
        "GET /openapi.json answered 404 without an OpenAPI document",
      );
    } finally {
      other.stop(true);
      plainSite.stop(true);
    }
    const closed = serve(() => new Response());
    const url = `http://127.0.0.1:${closed.port}`;
    closed.stop(true);
    expect(await notThisApi(url)).toEqual({
      message: `cannot reach the API at ${url} (is it running?)`,
      reachable: false,
    });
  });
});
