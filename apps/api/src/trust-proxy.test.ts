/**
 * TRUST_PROXY end to end: the API listening on a real socket (a real peer address), requests
 * written byte for byte (so X-Forwarded-For can be sent twice), and the per-address login
 * throttle as the witness of which address the API took for the client.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { makeApp } from "../test/support.ts";
import type { Config } from "./config.ts";
import { parseTrustProxy, type TrustProxy } from "./http/client-address.ts";

/** TRUST_PROXY as `loadConfig` reads it. */
function trustedOrFail(raw: string): TrustProxy {
  const parsed = parseTrustProxy(raw);
  if (!parsed.ok || !parsed.value) throw new Error(`TRUST_PROXY=${raw} is not on`);
  return parsed.value;
}

const EMAIL = "victim@example.com";
const servers: { stop: (force: boolean) => unknown }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.stop(true);
});

/** The app on 127.0.0.1: every request's peer is 127.0.0.1, the "proxy". */
async function listening(overrides: Partial<Config>) {
  const made = await makeApp(overrides);
  made.app.listen({ port: 0, hostname: "127.0.0.1" });
  const server = made.app.server;
  if (!server?.port) throw new Error("the app did not listen");
  servers.push(server);
  const port = server.port;

  /** A failed login sent with these X-Forwarded-For header lines; resolves to the status. */
  const failLogin = (...forwardedFor: string[]) =>
    new Promise<number>((resolve, reject) => {
      const body = new URLSearchParams({ username: EMAIL, password: "wrong-password" }).toString();
      const request = [
        "POST /token HTTP/1.1",
        `Host: 127.0.0.1:${port}`,
        "Content-Type: application/x-www-form-urlencoded",
        `Content-Length: ${body.length}`,
        "Connection: close",
        ...forwardedFor.map((value) => `X-Forwarded-For: ${value}`),
        "",
        body,
      ].join("\r\n");
      let answer = "";
      const timer = setTimeout(() => reject(new Error("no answer within 10 s")), 10_000);
      void Bun.connect({
        hostname: "127.0.0.1",
        port,
        socket: {
          open: (socket) => void socket.write(request),
          data: (_socket, chunk) => {
            answer += new TextDecoder().decode(chunk);
          },
          close: () => {
            clearTimeout(timer);
            const status = /^HTTP\/1\.1 (\d{3}) /.exec(answer)?.[1];
            if (status) resolve(Number(status));
            else reject(new Error(`not an HTTP answer: ${JSON.stringify(answer.slice(0, 200))}`));
          },
          error: (_socket, error) => reject(error),
        },
      }).catch(reject);
    });

  /** Ten failures from one client: its pair count (account, address) is then at its limit. */
  const exhaust = async (...forwardedFor: string[]) => {
    for (let i = 0; i < 10; i++) expect(await failLogin(...forwardedFor)).toBe(401);
  };
  return { failLogin, exhaust };
}

describe("TRUST_PROXY unset: X-Forwarded-For is ignored", () => {
  test("every request is the peer, whatever the header claims", async () => {
    const { failLogin, exhaust } = await listening({});
    await exhaust("203.0.113.7");
    expect(await failLogin("198.51.100.9")).toBe(429);
    expect(await failLogin()).toBe(429);
  });
});

describe("TRUST_PROXY listing the proxy (127.0.0.1)", () => {
  const config = { trustProxy: trustedOrFail("127.0.0.1, ::1") };

  test("each forwarded client is counted on its own", async () => {
    const { failLogin, exhaust } = await listening(config);
    await exhaust("203.0.113.7");
    expect(await failLogin("203.0.113.7")).toBe(429);
    expect(await failLogin("198.51.100.9")).toBe(401);
    // The same client written as IPv4-mapped IPv6 is the same client.
    expect(await failLogin("::ffff:203.0.113.7")).toBe(429);
    // No header: the peer itself, a client of its own.
    expect(await failLogin()).toBe(401);
  });

  test("a client cannot pick its address: entries left of the proxy's are never read", async () => {
    const { failLogin, exhaust } = await listening(config);
    await exhaust("203.0.113.7");
    // The client sent "X-Forwarded-For: 198.51.100.9"; the proxy appended what it saw.
    expect(await failLogin("198.51.100.9, 203.0.113.7")).toBe(429);
    expect(await failLogin("127.0.0.1, 203.0.113.7")).toBe(429);
    // The same as two header lines, which arrive joined.
    expect(await failLogin("198.51.100.9", "203.0.113.7")).toBe(429);
    // Garbage in place of the client: the last trusted hop (the proxy), never the garbage.
    await exhaust("not-an-address");
    expect(await failLogin("another-garbage")).toBe(429);
    expect(await failLogin()).toBe(429);
  });
});

describe("TRUST_PROXY as a hop count", () => {
  test("1: the rightmost entry is the client, whatever is left of it", async () => {
    const { failLogin, exhaust } = await listening({ trustProxy: trustedOrFail("1") });
    await exhaust("6.6.6.6, 203.0.113.7");
    expect(await failLogin("7.7.7.7, 203.0.113.7")).toBe(429);
    expect(await failLogin("203.0.113.7")).toBe(429);
    expect(await failLogin("203.0.113.7, 198.51.100.9")).toBe(401);
  });
});
