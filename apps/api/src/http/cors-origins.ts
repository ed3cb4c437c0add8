/**
 * CORS_ORIGINS: which web pages may read the API's answers from a browser. Parsed once, at
 * start (config.ts); the plugin that applies it is in cors.ts.
 */
import { type Parsed, quoted } from "../config-value.ts";

/** `*` (any page), or origins exactly as browsers send them in `Origin`. */
export type CorsOrigins = "*" | readonly string[];

const refuse = (
  entry: string,
  rule = "be * or comma-separated origins like https://app.example.com or http://localhost:5173",
): Parsed<never> => ({
  ok: false,
  message: `CORS_ORIGINS must ${rule} (got ${quoted(entry)})`,
});

/** Scheme, `://`, then an authority with no path, query, fragment or credentials. */
const ORIGIN = /^https?:\/\/[^/?#@\\\s]+$/i;

/**
 * Unset or empty: no CORS at all. Each origin is checked and kept the way a browser spells it
 * (`new URL(…).origin`: lower-case host, no default port), so `https://App.Example.com:443`
 * matches the `https://app.example.com` a browser sends.
 */
export function parseCorsOrigins(raw: string | undefined): Parsed<CorsOrigins | undefined> {
  const value = raw?.trim() ?? "";
  if (value === "") return { ok: true, value: undefined };
  if (value === "*") return { ok: true, value: "*" };
  const origins = new Set<string>();
  for (const part of value.split(",")) {
    const entry = part.trim();
    if (entry === "") continue; // a trailing comma
    if (entry === "*") return refuse(entry, "be * alone or a list of origins, not both");
    if (entry.endsWith("/")) return refuse(entry, "list origins without a path, not even /");
    if (!ORIGIN.test(entry)) return refuse(entry);
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      return refuse(entry);
    }
    if (url.hostname.includes("*")) return refuse(entry, "list each origin: no wildcards");
    origins.add(url.origin);
  }
  if (origins.size === 0) return refuse(value);
  return { ok: true, value: [...origins] };
}
