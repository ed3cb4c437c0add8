/**
 * The in-process API's request log, kept in memory for the challenges. Each entry starts as
 * the API's own access line (the `logger` the runner passes to `createApp`); an `app.wrap`
 * the runner adds then reads the answer the client got for the few things that line leaves
 * out (the query, the problem `detail`, headers such as `Allow`, a small body's `grant_type`
 * or `email`, the bearer token sent and the access token issued), joined by the request id.
 * An entry is published only once it is whole, so a check never sees half of it.
 */
import type { AppOptions } from "@statuslab/api";
import { extractBearerToken } from "@statuslab/auth";
import { type JwtParts, jwtParts } from "../forge-token.ts";
import type { LogEntry } from "./model.ts";

type Logger = NonNullable<AppOptions["logger"]>;
/** The fields of the API's access line (method, path, status, duration_ms, request_id). */
export type AccessFields = Parameters<NonNullable<Logger["access"]>>[0];

/** Headers a challenge may ask about; no other header is kept. */
const KEPT_HEADERS = ["allow", "retry-after", "www-authenticate", "location", "ratelimit"];
/**
 * Fields of a request body a challenge may ask about (which grant `POST /token` got, which
 * address a sign-up gave); never a password or a token.
 */
const KEPT_BODY_FIELDS = ["grant_type", "email"];
/**
 * Larger bodies are not read twice. A sign-up or a login is far smaller, and this stays under
 * the size from which curl sends `Expect: 100-continue` and holds the body back.
 */
const MAX_BODY_BYTES = 1024;
/**
 * Answers the API gives only after reading the body, so its copy is whole (credentials, a
 * clashing address, a write the database refused): never a 408's, whose client stalled.
 */
const FROM_THE_BODY = (status: number) =>
  (status >= 200 && status < 300) || status === 401 || status === 409 || status === 503;
/** Access lines still waiting for their answer; bounded so a stray one cannot pile up. */
const MAX_PENDING = 256;
/** Entries kept: far more than any challenge reads, few enough that a request loop cannot grow it. */
const MAX_ENTRIES = 2000;
/** Access tokens remembered for `presentedOriginal`: a token from before a challenge counts too. */
const MAX_ISSUED = 2000;

const signed = (token: JwtParts) => `${token.header}.${token.signature}`;

export class RequestLog {
  private entries: LogEntry[] = [];
  private last = 0;
  private readonly pending = new Map<string, AccessFields>();
  private readonly issued = new Map<string, JwtParts>();
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
   * The answer the client got, for the access line with its request id; `body` is an unread
   * copy of the request when its body is a small form or JSON (`bodyCopy`).
   */
  async answered(request: Request, response: Response, body?: Request): Promise<void> {
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
      fields: await keptFields(body, response),
      headers,
    };
    const presented = presentedToken(request);
    if (presented) {
      entry.presented = presented;
      const original = this.issued.get(signed(presented));
      if (original) entry.presentedOriginal = original;
    }
    const issued = await issuedToken(request, response);
    if (issued) {
      entry.issued = issued;
      this.issued.set(signed(issued), issued);
      if (this.issued.size > MAX_ISSUED) this.issued.delete(this.issued.keys().next().value ?? "");
    }
    if (/problem\+json/.test(response.headers.get("content-type") ?? "")) {
      try {
        const problem = (await response.clone().json()) as { detail?: unknown };
        if (typeof problem.detail === "string") entry.detail = problem.detail;
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

/** A copy of `request` to read its body from later, when it is a small form or JSON. */
function bodyCopy(request: Request): Request | undefined {
  const type = request.headers.get("content-type")?.toLowerCase() ?? "";
  const length = Number(request.headers.get("content-length") ?? Number.NaN);
  const readable = /^application\/(x-www-form-urlencoded|json)\b/.test(type);
  return readable && length <= MAX_BODY_BYTES ? request.clone() : undefined;
}

/** The kept fields of the copied body, when the answer shows the API read all of it. */
async function keptFields(
  copy: Request | undefined,
  response: Response,
): Promise<Record<string, string>> {
  const kept: Record<string, string> = {};
  if (!copy || !FROM_THE_BODY(response.status)) return kept;
  try {
    const text = await copy.text();
    const json = /json/i.test(copy.headers.get("content-type") ?? "");
    const fields: Record<string, unknown> = json
      ? JSON.parse(text)
      : Object.fromEntries(new URLSearchParams(text));
    for (const name of KEPT_BODY_FIELDS) {
      const value = fields?.[name];
      if (typeof value === "string") kept[name] = value;
    }
  } catch {
    // Not the JSON it claims to be: the check then sees no fields, as the API saw none.
  }
  return kept;
}

/** The bearer token of the request, read as the API reads it, when it is a JWT. */
function presentedToken(request: Request): JwtParts | undefined {
  try {
    return jwtParts(extractBearerToken(request.headers.get("authorization")));
  } catch {
    return undefined; // no bearer credential at all
  }
}

/** The access token a successful `POST` (sign-up, login, refresh) answered with, if any. */
async function issuedToken(request: Request, response: Response): Promise<JwtParts | undefined> {
  const json = /^application\/json\b/.test(response.headers.get("content-type") ?? "");
  if (request.method !== "POST" || !response.ok || !json) return undefined;
  try {
    const body = (await response.clone().json()) as { token?: unknown; access_token?: unknown };
    const token = body.token ?? body.access_token;
    return typeof token === "string" ? jwtParts(token) : undefined;
  } catch {
    return undefined;
  }
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
      const body = bodyCopy(request);
      const response = await handler(...args);
      if (response instanceof Response) await log.answered(request, response, body);
      return response;
    };
}
