/** `--url` aimed at something that is not this API is found out before any step runs. */

/** The title this API's OpenAPI document carries (apps/api's docs module). */
export const API_TITLE = "Status Code Lab API";

/**
 * Whether `baseUrl` is this API, from its `/openapi.json`, before any step runs: an unrelated
 * server would otherwise fail every step. Undefined when it is; else one line saying what is
 * there, and whether anything answered at all (nothing running is not a usage error).
 */
export async function notThisApi(
  baseUrl: string,
  timeoutMs = 5000,
): Promise<{ message: string; reachable: boolean } | undefined> {
  const where = `${baseUrl}/openapi.json`;
  let response: Response;
  try {
    response = await fetch(where, { signal: AbortSignal.timeout(timeoutMs) });
  } catch {
    return { message: `cannot reach the API at ${baseUrl} (is it running?)`, reachable: false };
  }
  const body = await response.text().catch(() => "");
  let title: unknown;
  try {
    title = (JSON.parse(body) as { info?: { title?: unknown } })?.info?.title;
  } catch {
    // Not JSON: not an OpenAPI document.
  }
  if (title === API_TITLE) return undefined;
  const found =
    typeof title === "string"
      ? `its /openapi.json describes ${JSON.stringify(title)}`
      : `GET /openapi.json answered ${response.status} without an OpenAPI document`;
  return { message: `${baseUrl} is not the Status Code Lab API: ${found}`, reachable: true };
}
