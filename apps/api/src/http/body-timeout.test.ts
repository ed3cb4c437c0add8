/**
 * BODY_TIMEOUT: a request body that takes longer than that to arrive is answered 408
 * problem+json and its connection closed, instead of holding the connection for as long as
 * the client trickles bytes (issue 16: 50 connections, a byte every 2 s, all open after 16 s).
 */
import { afterAll, describe, expect, test } from "bun:test";
import type { Socket } from "bun";
import { expectProblem } from "../../test/http-support.ts";
import { parseAnswer, type RawAnswer } from "../../test/raw-http.ts";
import { makeApp, type Sent } from "../../test/support.ts";
import { loadConfig, MAX_BODY_TIMEOUT_SECONDS } from "../config.ts";
import { listenOptions } from "../worker.ts";

/** A body that sends `head`, then one byte now and then, and never ends on its own. */
function tricklingBody(head: string) {
  const state = { cancelled: false, sent: 0 };
  let timer: ReturnType<typeof setInterval> | undefined;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(head));
      state.sent = head.length;
      timer = setInterval(() => {
        controller.enqueue(new TextEncoder().encode(" "));
        state.sent++;
      }, 5);
    },
    cancel() {
      state.cancelled = true;
      clearInterval(timer);
    },
  });
  return { stream, state, stop: () => clearInterval(timer) };
}

describe("through app.handle", () => {
  const cases = [
    { route: "POST /users/", path: "/users/", type: "application/json", head: '{"email":' },
    {
      route: "POST /token",
      path: "/token",
      type: "application/x-www-form-urlencoded",
      head: "username=a",
    },
  ];
  for (const { route, path, type, head } of cases) {
    test(`${route}: a body still arriving after BODY_TIMEOUT is a 408 that closes`, async () => {
      const { app } = await makeApp({ bodyTimeoutMs: 50 });
      const body = tricklingBody(head);
      try {
        const response = await app.handle(
          new Request(`http://localhost${path}`, {
            method: "POST",
            headers: { "content-type": type },
            body: body.stream,
          }),
        );
        const text = await response.text();
        const sent: Sent = {
          status: response.status,
          headers: response.headers,
          text,
          body: JSON.parse(text),
        };
        expectProblem(sent, 408);
        expect(sent.body.detail).toBe("Request body not received within 0.05 s");
        expect(response.headers.get("connection")).toBe("close");
        // The read was abandoned, not left running.
        expect(body.state.cancelled).toBe(true);
      } finally {
        body.stop();
      }
    });
  }

  test("a body that arrives in time is read as before", async () => {
    const { app } = await makeApp({ bodyTimeoutMs: 5000 });
    const chunks = ['{"email":"in.time@example.com",', '"password":"password-123"}'];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = chunks.shift();
        if (chunk === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(chunk));
      },
    });
    const response = await app.handle(
      new Request("http://localhost/users/", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: stream,
      }),
    );
    expect(response.status).toBe(201);
  });
});

describe("over a real port", () => {
  const stops: (() => void)[] = [];
  afterAll(() => {
    for (const stop of stops) stop();
  });

  test("a body trickled a byte at a time gets a 408 before it is complete, and the connection closes", async () => {
    const { app, config } = await makeApp({ bodyTimeoutMs: 300 });
    app.listen({ ...listenOptions({ ...config, port: 0 }, false), hostname: "127.0.0.1" });
    const port = app.server?.port;
    if (!port) throw new Error("the app did not listen");
    stops.push(() => void app.server?.stop(true));

    const declared = 60_000;
    let sent = 0;
    let received = "";
    let trickle: ReturnType<typeof setInterval> | undefined;
    // Resolves with the answer once the server has closed the connection.
    const outcome = await new Promise<{ answer: RawAnswer | undefined; sentWhenAnswered: number }>(
      (resolve, reject) => {
        let sentWhenAnswered = -1;
        void Bun.connect({
          hostname: "127.0.0.1",
          port,
          socket: {
            open(socket: Socket) {
              socket.write(
                `POST /users/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n{"email":`,
              );
              sent = '{"email":'.length;
              trickle = setInterval(() => {
                if (sent < declared) sent += socket.write(" ");
              }, 20);
            },
            data(_socket, chunk) {
              received += new TextDecoder("latin1").decode(chunk);
              if (sentWhenAnswered === -1 && parseAnswer(received)) sentWhenAnswered = sent;
            },
            close() {
              clearInterval(trickle);
              resolve({ answer: parseAnswer(received), sentWhenAnswered });
            },
            error(_socket, error) {
              clearInterval(trickle);
              reject(error);
            },
          },
        }).catch(reject);
      },
    );
    const { answer } = outcome;
    if (!answer) throw new Error(`closed without an answer: ${JSON.stringify(received)}`);
    expect(answer.status).toBe(408);
    expect(answer.headers.get("content-type")).toBe("application/problem+json");
    expect(answer.headers.get("connection")).toBe("close");
    const body = JSON.parse(answer.body);
    expect(body).toMatchObject({ status: 408, type: "about:blank" });
    expect(body.request_id).toBe(answer.headers.get("x-request-id"));
    // Answered while most of the declared body had yet to come.
    expect(outcome.sentWhenAnswered).toBeGreaterThan(0);
    expect(outcome.sentWhenAnswered).toBeLessThan(declared);
  }, 20_000);
});

describe("BODY_TIMEOUT", () => {
  const SECRET = "a-test-secret-of-at-least-32-bytes-long!";
  test("is whole seconds, from 1 to the maximum, 10 by default", () => {
    const read = (value?: string) =>
      loadConfig({ NODE_ENV: "test", JWT_SECRET: SECRET, BODY_TIMEOUT: value }).bodyTimeoutMs;
    expect(read()).toBe(10_000);
    expect(read("1")).toBe(1000);
    expect(read(String(MAX_BODY_TIMEOUT_SECONDS))).toBe(MAX_BODY_TIMEOUT_SECONDS * 1000);
  });

  test("always leaves Bun's idle timeout, which cuts without an answer, room to let the 408 out", () => {
    const config = loadConfig({ NODE_ENV: "test", JWT_SECRET: SECRET });
    for (const seconds of [1, 10, 25, MAX_BODY_TIMEOUT_SECONDS]) {
      const { idleTimeout } = listenOptions({ ...config, bodyTimeoutMs: seconds * 1000 }, false);
      // Bun checks idle connections every few seconds, so a margin, not just "greater".
      expect(idleTimeout).toBeGreaterThanOrEqual(seconds + 5);
      expect(idleTimeout).toBeLessThanOrEqual(255); // Bun's maximum
    }
  });
});
