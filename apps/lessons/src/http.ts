/**
 * A step's request as data → the exact bytes to send, and the answer as data. The same
 * PreparedRequest feeds fetch, the on-the-wire rendering and the curl command, so what the
 * learner reads is what was sent.
 */
import type { RequestSpec } from "./model.ts";
import { fill, fillDeep, type Vars } from "./template.ts";

export type BodyKind = "json" | "form" | "raw" | "oversized";

export interface PreparedRequest {
  method: string;
  /** Absolute URL. */
  url: string;
  /** Path and query, as in the request line. */
  target: string;
  host: string;
  /** In the order they are shown; `Host` and `Content-Length` are added when rendering. */
  headers: [string, string][];
  body?: string;
  bodyKind?: BodyKind;
  /** Form fields as filled, for `curl --data-urlencode`. */
  form?: [string, string][];
  /** The variable that holds the bearer token (its name becomes a shell variable in curl). */
  bearerVar?: string;
}

export interface ReceivedResponse {
  status: number;
  statusText: string;
  headers: [string, string][];
  text: string;
  /** The parsed body when it is JSON; `undefined` otherwise. */
  json?: unknown;
  durationMs: number;
  /** `performance.now()` when the answer arrived: a Retry-After counts from then. */
  receivedAt?: number;
}

/** `{"pad":"   …"}`: exactly `bytes` bytes of valid JSON, as small as a file gets. */
export function oversizedJson(bytes: number): string {
  return `{"pad":"${" ".repeat(Math.max(0, bytes - 10))}"}`;
}

export function joinUrl(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, "") + (path.startsWith("/") ? path : `/${path}`);
}

export function prepareRequest(spec: RequestSpec, vars: Vars, baseUrl: string): PreparedRequest {
  const url = new URL(joinUrl(baseUrl, fill(spec.path, vars)));
  const headers: [string, string][] = [];
  const setHeader = (name: string, value: string) => {
    const at = headers.findIndex(([n]) => n.toLowerCase() === name.toLowerCase());
    if (at === -1) headers.push([name, value]);
    else headers[at] = [name, value];
  };

  const prepared: PreparedRequest = {
    method: spec.method,
    url: url.href,
    target: url.pathname + url.search,
    host: url.host,
    headers,
  };
  if (spec.json !== undefined) {
    setHeader("Content-Type", "application/json");
    prepared.body = JSON.stringify(fillDeep(spec.json, vars));
    prepared.bodyKind = "json";
  } else if (spec.form) {
    setHeader("Content-Type", "application/x-www-form-urlencoded");
    prepared.form = Object.entries(spec.form).map(([k, v]) => [k, fill(v, vars)]);
    prepared.body = new URLSearchParams(prepared.form).toString();
    prepared.bodyKind = "form";
  } else if (spec.raw) {
    setHeader("Content-Type", fill(spec.raw.contentType, vars));
    prepared.body = fill(spec.raw.body, vars);
    prepared.bodyKind = "raw";
  } else if (spec.oversizedJsonBytes !== undefined) {
    setHeader("Content-Type", "application/json");
    prepared.body = oversizedJson(spec.oversizedJsonBytes);
    prepared.bodyKind = "oversized";
  }
  if (spec.bearer) {
    setHeader("Authorization", `Bearer ${fill(`{{${spec.bearer}}}`, vars)}`);
    prepared.bearerVar = spec.bearer;
  }
  // The lesson's own headers last: they may deliberately override the ones above.
  for (const [name, value] of Object.entries(spec.headers ?? {}))
    setHeader(name, fill(value, vars));
  return prepared;
}

export function contentLength(request: PreparedRequest): number | undefined {
  return request.body === undefined ? undefined : Buffer.byteLength(request.body);
}

/** Sends it with fetch; never follows redirects, so the learner sees the 3xx itself. */
export async function send(
  request: PreparedRequest,
  timeoutMs = 30_000,
): Promise<ReceivedResponse> {
  const started = performance.now();
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    redirect: "manual",
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  const durationMs = Math.round(performance.now() - started);
  let json: unknown;
  if (text !== "" && /json/i.test(response.headers.get("content-type") ?? "")) {
    try {
      json = JSON.parse(text);
    } catch {
      // Left undefined: a JSON content type with a broken body is itself worth seeing as text.
    }
  }
  return {
    status: response.status,
    statusText: response.statusText,
    headers: [...response.headers.entries()],
    text,
    json,
    durationMs,
    receivedAt: performance.now(),
  };
}

export function header(response: ReceivedResponse, name: string): string | undefined {
  const lower = name.toLowerCase();
  return response.headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}
