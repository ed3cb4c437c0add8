export type LogFields = Record<string, string | number | boolean | undefined>;
export type LogSink = (line: string) => void;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** One JSON object per line, so a log shipper needs no parser of ours. */
export function createLogger(sink: LogSink = (line) => process.stdout.write(`${line}\n`)): Logger {
  const write = (level: string, msg: string, fields?: LogFields) =>
    sink(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }));
  return {
    info: (msg, fields) => write("info", msg, fields),
    warn: (msg, fields) => write("warn", msg, fields),
    error: (msg, fields) => write("error", msg, fields),
  };
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
  return path
    .split("/")
    .map((segment) =>
      segment.length > 64 || /^[^.]+\.[^.]+\.[^.]*$/.test(segment) ? "[masked]" : segment,
    )
    .join("/");
}
