import { expect } from "bun:test";
import { statusEntry } from "@statuslab/contracts";
import type { Sent } from "./support.ts";

export interface LogEntry {
  time: string;
  level: string;
  msg: string;
  [field: string]: unknown;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const isUuid = (value: string | null) => value !== null && UUID.test(value);

/**
 * The access-log lines of one request. The line is written after the response has gone,
 * so this waits (bounded) for it, then a little longer so that a duplicate would show.
 */
export async function accessLines(logs: string[], requestId: string, timeoutMs = 2000) {
  const matching = () =>
    logs
      .map((line) => JSON.parse(line) as LogEntry)
      .filter((entry) => entry.msg === "request" && entry.request_id === requestId);
  const deadline = performance.now() + timeoutMs;
  while (matching().length === 0 && performance.now() < deadline) await Bun.sleep(2);
  await Bun.sleep(15);
  return matching();
}

/** The one access-log line of a request; fails if there is none or more than one. */
export async function accessLine(logs: string[], requestId: string) {
  const lines = await accessLines(logs, requestId);
  expect(lines).toHaveLength(1);
  return lines[0] as LogEntry;
}

/** What every error response must be: problem+json, with status, catalog title and request id agreeing. */
export function expectProblem(sent: Sent, status: number) {
  expect(sent.status).toBe(status);
  expect(sent.headers.get("content-type")).toBe("application/problem+json");
  const problem = statusEntry(status)?.problem;
  if (!problem) throw new Error(`${status} is not an error code of the status catalog`);
  expect(sent.body).toMatchObject({ type: problem.type, title: problem.title, status });
  expect(typeof sent.body.detail).toBe("string");
  const id = sent.headers.get("x-request-id");
  expect(id).toBeTruthy();
  expect(sent.body.request_id).toBe(id);
  expect(sent.text).not.toMatch(/\bat .*\.ts:\d+|node_modules|\/work\/|SQLITE|SELECT |INSERT /i);
}

/** A stream that yields `total` bytes of `byte` in `chunk`-sized pieces: no Content-Length. */
export function byteStream(total: number, chunk = 8192, byte = 0x20) {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) {
        controller.close();
        return;
      }
      const size = Math.min(chunk, total - sent);
      sent += size;
      controller.enqueue(new Uint8Array(size).fill(byte));
    },
  });
}
