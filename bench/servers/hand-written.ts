import { writeSync } from "node:fs";

/**
 * A reference, not a target: `GET /` written by hand on `Bun.serve`, doing the work our
 * middleware must do on every request and nothing else: read the client's X-Request-Id (or
 * make a UUID), answer JSON with that header, and write one access-log line (batched and
 * written as the API does). The gap between this and the bare hello world is what those
 * duties cost on their own; the gap between this and the API's `GET /` is what Elysia adds.
 */
const CLIENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;
let pending = "";
let scheduled = false;
const flush = () => {
  scheduled = false;
  writeSync(1, Buffer.from(pending));
  pending = "";
};

// The timestamp formatted at most once per millisecond, as the API's logger does.
let isoMs = Number.NaN;
let isoText = "";
const isoNow = () => {
  const ms = Date.now();
  if (ms !== isoMs) {
    isoMs = ms;
    isoText = new Date(ms).toISOString();
  }
  return isoText;
};

const server = Bun.serve({
  port: Number(Bun.env.PORT ?? 0),
  routes: {
    "/": (request) => {
      const started = performance.now();
      const sent = request.headers.get("x-request-id");
      const id = sent && CLIENT_ID.test(sent) ? sent : crypto.randomUUID();
      const response = Response.json({ status: "ok" }, { headers: { "x-request-id": id } });
      pending += `{"time":"${isoNow()}","level":"info","msg":"request","method":"${request.method}","path":"/","status":200,"duration_ms":${Math.round((performance.now() - started) * 100) / 100},"request_id":"${id}"}\n`;
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
      return response;
    },
  },
  fetch: () => new Response("Not Found", { status: 404 }),
});
console.error(`listening on ${server.port}`);
