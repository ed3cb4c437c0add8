/**
 * The baseline every ratio is measured against: a bare `Bun.serve` hello world, on the same
 * pinned core, in the same run. No routing, no headers read, nothing logged.
 */
const server = Bun.serve({
  port: Number(Bun.env.PORT ?? 0),
  fetch: () => new Response("Hello, world!"),
});
console.log(`listening on ${server.port}`);
