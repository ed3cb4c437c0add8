/**
 * Reason phrases: the status catalog's (RFC 9110's current names, e.g. 413 Content Too
 * Large); Node's table covers any other code a remote API might send by mistake.
 */
import { STATUS_CODES } from "node:http";
import { statusEntry } from "@statuslab/contracts";

export function reasonPhrase(code: number): string {
  return statusEntry(code)?.phrase ?? STATUS_CODES[code] ?? "Unknown";
}
