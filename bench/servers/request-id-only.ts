/**
 * A reference, not a target: the least any implementation of the contract can do for `GET /`
 * on `Bun.serve`. Every response carries an `X-Request-Id`, so this answers the JSON with a
 * fresh UUID in that header, and nothing else: no routing, no header read, no log line.
 */
const server = Bun.serve({
  port: Number(Bun.env.PORT ?? 0),
  fetch: () =>
    Response.json({ status: "ok" }, { headers: { "x-request-id": crypto.randomUUID() } }),
});
console.error(`listening on ${server.port}`);
