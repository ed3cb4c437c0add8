/**
 * The in-process API's request log, kept in memory for the challenges. Each entry starts as
 * the API's own access line (the `logger` the runner passes to `createApp`); an `app.wrap`
 * the runner adds then reads the answer the client got for the few things that line leaves
 * out (the query, the problem `detail`, headers such as `Allow`), joined by the request id.
 * An entry is published only once it is whole, so a check never sees half of it.
 */
import type { AppOptions } from "@statuslab/api";
import type { LogEntry } from "./model.ts";

type Logger = NonNullable<AppOptions["logger"]>;
/** The fields of the API's access line (method, path, status, duration_ms, request_id). */
export type AccessFields = Parameters<NonNullable<Logger["access"]>>[0];

/** Headers a challenge may ask about; nothing else of the answer is kept. */
const KEPT_HEADERS = ["allow", "retry-after", "www-authenticate", "location", "ratelimit"];
/** Form fields a challenge may ask about (which grant `POST /token` got); never a secret. */
const KEPT_FORM_FIELDS = ["grant_type"];
/** Larger forms are not read twice (the API's 413 is for them); a login is far smaller. */
const MAX_FORM_BYTES = 4096;
/** Access lines still waiting for their answer; bounded so a stray one cannot pile up. */
const MAX_PENDING = 256;
/** Entries kept: far more than any challenge reads, few enough that a request loop cannot grow it. */
const MAX_ENTRIES = 2000;

export class RequestLog {
  private entries: LogEntry[] = [];
  private last = 0;
  private readonly pending = new Map<string, AccessFields>();
  private readonly listeners = new Set<() => void>();

  /** The API's access line (the logger's `access`). */
  access(fields: AccessFields): void {
    if (this.pending.size >= MAX_PENDING) {
      const oldest = this.pending.keys().next().value;
      if (oldest !== undefined) this.pending.delete(oldest);
    }
    this.pending.set(fields.request_id, fields);
  }

  /**
   * The answer the client got, for the access line with its request id; `form` is an unread
   * copy of the request when its body is a form (`formCopy`).
   */
  async answered(request: Request, response: Response, form?: Request): Promise<void> {
    const id = response.headers.get("x-request-id") ?? "";
    const fields = this.pending.get(id);
    if (!fields) return;
    this.pending.delete(id);
    const headers: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const value = response.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    const url = request.url;
    const q = url.indexOf("?");
    const entry: LogEntry = {
      seq: 0,
      method: fields.method,
      path: fields.path,
      status: fields.status,
      request_id: fields.request_id,
      query: q === -1 ? "" : url.slice(q + 1),
      form: await keptFields(form, response),
      headers,
    };
    if (/problem\+json/.test(response.headers.get("content-type") ?? "")) {
      try {
        const body = (await response.clone().json()) as { detail?: unknown };
        if (typeof body.detail === "string") entry.detail = body.detail;
      } catch {
        // Not the JSON it claims to be: the check then sees no detail, which is what it is.
      }
    }
    entry.seq = ++this.last;
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries = this.entries.slice(-MAX_ENTRIES / 2);
    for (const listener of this.listeners) listener();
  }

  /** The position a challenge starts counting after. */
  mark(): number {
    return this.last;
  }

  since(mark: number): LogEntry[] {
    return this.entries.filter((entry) => entry.seq > mark);
  }

  /** Calls `listener` after each new entry; returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves at the next entry (or at once if the log is already past `mark`). */
  next(mark: number): Promise<void> {
    if (this.last > mark) return Promise.resolve();
    return new Promise((resolve) => {
      const off = this.subscribe(() => {
        off();
        resolve();
      });
    });
  }
}

/** A copy of `request` to read its form from later, when it is a small HTML form. */
function formCopy(request: Request): Request | undefined {
  const type = request.headers.get("content-type")?.toLowerCase() ?? "";
  const length = Number(request.headers.get("content-length") ?? Number.NaN);
  if (!type.startsWith("application/x-www-form-urlencoded") || !(length <= MAX_FORM_BYTES)) {
    return undefined;
  }
  return request.clone();
}

/**
 * The kept fields of the copied form. Read only when the API answered from the body (2xx, or a
 * 401 for the credentials in it): after a 408 the client stalled, and its copy would never end.
 */
async function keptFields(
  copy: Request | undefined,
  response: Response,
): Promise<Record<string, string>> {
  const kept: Record<string, string> = {};
  if (!copy || (!response.ok && response.status !== 401)) return kept;
  try {
    const fields = new URLSearchParams(await copy.text());
    for (const name of KEPT_FORM_FIELDS) {
      const value = fields.get(name);
      if (value !== null) kept[name] = value;
    }
  } catch {
    // A body cut short: the check then sees no fields, as the API saw no form.
  }
  return kept;
}

/** The API's logger, silent but for the access lines, which go to `log`. */
export function loggerInto(log: RequestLog): Logger {
  return { info() {}, warn() {}, error() {}, access: (fields) => log.access(fields) };
}

// biome-ignore lint/complexity/noBannedTypes: Elysia's higher-order functions take and give `Function`
type Handler = Function;

/** An `app.wrap` that hands every answer to `log`, unchanged, after it was made. */
export function watchAnswers(log: RequestLog) {
  return (handler: Handler, request: Request): Handler =>
    async (...args: unknown[]) => {
      const form = formCopy(request);
      const response = await handler(...args);
      if (response instanceof Response) await log.answered(request, response, form);
      return response;
    };
}
