import { MalformedBodyError, PayloadTooLargeError, UnsupportedMediaTypeError } from "./problems.ts";

/** 64 KiB: a hundred times the largest valid body this API accepts. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/**
 * Reads at most `limit` bytes. Content-Length is only a hint (it may be absent with
 * chunked encoding, or lie), so the stream itself is counted and abandoned at the limit.
 */
export async function readLimitedText(request: Request, limit = BODY_LIMIT_BYTES): Promise<string> {
  const declared = Number(request.headers.get("content-length"));
  if (declared > limit) throw new PayloadTooLargeError(limit);
  if (!request.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new PayloadTooLargeError(limit);
    }
    chunks.push(read.value);
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
export async function parseJsonBody({ request }: { request: Request }): Promise<unknown> {
  const type = mediaType(request);
  if (type !== "application/json" && !type.endsWith("+json")) {
    throw new UnsupportedMediaTypeError("application/json");
  }
  const text = await readLimitedText(request);
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
export async function parseFormBody({ request }: { request: Request }): Promise<unknown> {
  if (mediaType(request) !== "application/x-www-form-urlencoded") {
    throw new UnsupportedMediaTypeError("application/x-www-form-urlencoded");
  }
  // No prototype: a field named `__proto__` must stay a field.
  const fields: Record<string, string | string[]> = Object.create(null);
  for (const [key, value] of new URLSearchParams(await readLimitedText(request))) {
    const seen = fields[key];
    if (seen === undefined) fields[key] = value;
    else fields[key] = Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return fields;
}
