import { writeSync } from "node:fs";

export type LogFields = Record<string, string | number | boolean | undefined>;
export type LogSink = (line: string) => void;

/** The fields of an access-log line (`"msg":"request"`), in the order they are written. */
export type AccessFields = {
  method: string;
  path: string;
  status: number;
  duration_ms: number;
  request_id: string;
};

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /**
   * The access-log line, written as `info("request", fields)` would write it but built without
   * an intermediate object. Optional: a logger without it gets `info("request", fields)`.
   */
  access?(fields: AccessFields): void;
}

/**
 * One JSON object per line, so a log shipper needs no parser of ours. By default the lines go
 * to stdout in batches (see `bufferedStdout`).
 */
export function createLogger(sink: LogSink = bufferedStdout()): Logger {
  const write = (level: string, msg: string, fields?: LogFields) =>
    sink(JSON.stringify({ time: isoNow(), level, msg, ...fields }));
  return {
    info: (msg, fields) => write("info", msg, fields),
    warn: (msg, fields) => write("warn", msg, fields),
    error: (msg, fields) => write("error", msg, fields),
    // Byte for byte what `info("request", fields)` writes, without a spread object or an escaping
    // scan of plain strings: this runs for every request (docs/decisions.md, "Performance").
    access: ({ method, path, status, duration_ms, request_id }) =>
      sink(
        `{"time":"${isoNow()}","level":"info","msg":"request","method":${quote(method)},"path":${quote(path)},"status":${number(status)},"duration_ms":${number(duration_ms)},"request_id":${quote(request_id)}}`,
      ),
  };
}

/** Characters that never need escaping in a JSON string: what methods, paths and ids are made of. */
const PLAIN = /^[A-Za-z0-9 !#$%&'()*+,./:;=?@[\]^_`{|}~-]*$/;
/** `JSON.stringify` for a string, skipping the escaping scan when the string is plain. */
const quote = (value: string) => (PLAIN.test(value) ? `"${value}"` : JSON.stringify(value));
const number = (value: number) => (Number.isFinite(value) ? `${value}` : "null");

let isoMs = Number.NaN;
let isoText = "";
/** `new Date().toISOString()`, formatted at most once per millisecond. */
function isoNow(): string {
  const ms = Date.now();
  if (ms !== isoMs) {
    isoMs = ms;
    isoText = new Date(ms).toISOString();
  }
  return isoText;
}

/** Above this many characters pending, a batch is written at once instead of at the next turn. */
const BATCH_CHARS = 64 * 1024;

const sinks = new Map<number, LogSink>();

/**
 * A sink for a file descriptor (stdout by default) that writes lines in batches: one write per
 * turn of the event loop (or per 64 KiB) instead of one per line, because a write per line was a
 * large part of a request's cost (docs/decisions.md, "Performance"). Lines keep their order; whatever is pending is written
 * synchronously when the process exits, so `process.exit` right after a log call loses nothing.
 * One sink per descriptor, shared by every logger that writes there.
 */
export function bufferedStdout(fd = 1): LogSink {
  const existing = sinks.get(fd);
  if (existing) return existing;
  let pending = "";
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending === "") return;
    const out = pending;
    pending = "";
    writeAll(fd, out);
  };
  process.on("exit", flush);
  const sink: LogSink = (line) => {
    pending += `${line}\n`;
    if (pending.length >= BATCH_CHARS) flush();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  sinks.set(fd, sink);
  return sink;
}

/**
 * Writes a whole batch. A full non-blocking pipe (a slow reader) is waited for, so lines are
 * delayed rather than dropped and memory stays bounded; a descriptor that is gone (EPIPE,
 * EBADF) loses the batch instead of taking the server down with an exception no caller sees.
 */
function writeAll(fd: number, text: string) {
  let bytes = Buffer.from(text);
  while (bytes.length > 0) {
    try {
      bytes = bytes.subarray(writeSync(fd, bytes));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") return;
      Bun.sleepSync(1);
    }
  }
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/**
 * The path as it may be logged: the query string is dropped (a client might put a token
 * there, although it is never read) and any long or token-shaped segment is masked.
 */
export function loggablePath(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  const end = url.indexOf("?", start);
  const path = url.slice(start, end === -1 ? undefined : end);
  // Nothing to mask in a short path without a dot: no segment can be long or token-shaped.
  if (path.length <= 65 && !path.includes(".")) return path;
  return path
    .split("/")
    .map((segment) =>
      segment.length > 64 || /^[^.]+\.[^.]+\.[^.]*$/.test(segment) ? "[masked]" : segment,
    )
    .join("/");
}
