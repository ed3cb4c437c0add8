/**
 * Reason phrases. The lessons' own status-code pages come first (they follow RFC 9110's
 * current names, e.g. 413 Content Too Large); Node's table covers any other code an API
 * might send by mistake.
 */
import { STATUS_CODES } from "node:http";
import type { StatusCodeDoc } from "./model.ts";

let pages: readonly StatusCodeDoc[] = [];

/** Called once at start with `statusCodes`, so every message uses the documented names. */
export function usePhrases(docs: readonly StatusCodeDoc[]): void {
  pages = docs;
}

export function reasonPhrase(code: number, docs: readonly StatusCodeDoc[] = pages): string {
  return docs.find((d) => d.code === code)?.phrase ?? STATUS_CODES[code] ?? "Unknown";
}
