/**
 * The status codes the contract (CONTRACT.md, "Routes" and "Errors") promises. `--auto`
 * fails unless each one has a page in status-codes.ts and was answered by at least one
 * passing step: a lesson set that stops showing a code is caught, not silently shrunk.
 * Pages beyond these (500, which this API must never send) are not required to be shown.
 * Transcribed here because the contract is a document, not data.
 */
export const CONTRACT_STATUS_CODES = [
  200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 422, 429, 503,
] as const;

export interface Coverage {
  /** Codes some passing step answered with. */
  covered: number[];
  /** Codes that should be covered and are not. */
  missing: number[];
  /** Contract codes that have no page in status-codes.ts. */
  undocumented: number[];
}

export function coverage(
  passingStatuses: Iterable<number>,
  documented: readonly number[],
): Coverage {
  const covered = [...new Set(passingStatuses)].sort((a, b) => a - b);
  return {
    covered,
    missing: CONTRACT_STATUS_CODES.filter((code) => !covered.includes(code)),
    undocumented: CONTRACT_STATUS_CODES.filter((code) => !documented.includes(code)),
  };
}
