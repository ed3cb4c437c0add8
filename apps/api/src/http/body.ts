import {
  MalformedBodyError,
  PayloadTooLargeError,
  RequestTimeoutError,
  UnsupportedMediaTypeError,
} from "./problems.ts";

/** 64 KiB: room for every valid body, even each field at its longest and fully escaped. */
export const BODY_LIMIT_BYTES = 64 * 1024;
/** BODY_TIMEOUT's default, for a parser called without the app's configuration. */
export const BODY_TIMEOUT_MS = 10_000;

/**
 * What a body parser reads from Elysia's context: the request, and BODY_TIMEOUT, which the app
 * provides to every route (`decorate` in app.ts) since these parsers are shared functions.
 */
export interface BodyContext {
  request: Request;
  bodyTimeoutMs?: number;
}

/**
 * Reads at most `limit` bytes within `timeoutMs`. Content-Length is only a hint (it may be
 * absent with chunked encoding, or lie), so the stream itself is counted and abandoned at the
 * limit. The deadline covers the whole body: a client sending a byte now and then would
 * otherwise hold its connection (and this read) for as long as it likes.
 */
export async function readLimitedText(
  request: Request,
  limit = BODY_LIMIT_BYTES,
  timeoutMs = BODY_TIMEOUT_MS,
): Promise<string> {
  const declared = Number(request.headers.get("content-length"));
  if (declared > limit) throw new PayloadTooLargeError(limit);
  if (!request.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), timeoutMs);
  });
  try {
    for (;;) {
      const read = await Promise.race([reader.read(), late]);
      if (read === "late") {
        await reader.cancel();
        throw new RequestTimeoutError(timeoutMs);
      }
      if (read.done) break;
      size += read.value.byteLength;
      if (size > limit) {
        await reader.cancel();
        throw new PayloadTooLargeError(limit);
      }
      chunks.push(read.value);
    }
  } finally {
    clearTimeout(timer);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new MalformedBodyError("UTF-8");
  }
}

const mediaType = (request: Request) =>
  (request.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";

/** Route-level `parse` hook for JSON bodies: 415 for another media type, 400 for bad JSON. */
export async function parseJsonBody({ request, bodyTimeoutMs }: BodyContext): Promise<unknown> {
  const type = mediaType(request);
  if (type !== "application/json" && !type.endsWith("+json")) {
    throw new UnsupportedMediaTypeError("application/json", request.method);
  }
  const text = await readLimitedText(request, BODY_LIMIT_BYTES, bodyTimeoutMs);
  try {
    return JSON.parse(text, keepPrintable);
  } catch {
    throw new MalformedBodyError("JSON");
  }
}

const printable = () => "[object Object]";

/**
 * JSON may give an object its own `toString` or `valueOf` key, which makes it impossible
 * to turn into a string: Elysia's validation message does exactly that with a rejected
 * value, so `{"title": {"toString": ""}}` would be a 500 instead of a 422. Such objects get
 * a hidden `Symbol.toPrimitive` (invisible to JSON, `Object.keys` and the schema check).
 */
function keepPrintable(_key: string, value: unknown): unknown {
  if (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    (Object.hasOwn(value, "toString") || Object.hasOwn(value, "valueOf"))
  ) {
    Object.defineProperty(value, Symbol.toPrimitive, { value: printable });
  }
  return value;
}

/**
 * Route-level `parse` hook for HTML-form bodies (the OAuth2 token endpoint). A repeated
 * field becomes an array, which the schema then rejects with a 422: a client that sends
 * two passwords has a bug worth hearing about.
 */
export async function parseFormBody({ request, bodyTimeoutMs }: BodyContext): Promise<unknown> {
  if (mediaType(request) !== "application/x-www-form-urlencoded") {
    throw new UnsupportedMediaTypeError("application/x-www-form-urlencoded", request.method);
  }
  // No prototype: a field named `__proto__` must stay a field.
  const fields: Record<string, string | string[]> = Object.create(null);
  const text = await readLimitedText(request, BODY_LIMIT_BYTES, bodyTimeoutMs);
  for (const [key, value] of new URLSearchParams(text)) {
    const seen = fields[key];
    if (seen === undefined) fields[key] = value;
    else fields[key] = Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return fields;
}
