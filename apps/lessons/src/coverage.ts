import { SENT_STATUS_CODES, type SentStatusCode } from "@statuslab/contracts";

/**
 * Sent codes that no lesson replays, each for a reason. Everything else the status catalog
 * says this API sends must be shown by a passing step.
 */
export const NOT_REPLAYED: ReadonlySet<SentStatusCode> = new Set<SentStatusCode>([
  // 408 takes a client that stalls mid-body for BODY_TIMEOUT seconds: too slow and too
  // raw for a lesson (fetch sends whole bodies). apps/api/src/http/body-timeout.test.ts does it.
  408,
]);

/**
 * The status codes the lessons must show: the catalog's sent codes minus NOT_REPLAYED.
 * `--auto` fails unless each one has a page in status-codes.ts and was answered by at least
 * one passing step: a lesson set that stops showing a code is caught, not silently shrunk.
 * Pages beyond these (500, which this API must never send; 408) are not required to be shown.
 */
export const REPLAYED_STATUS_CODES: readonly SentStatusCode[] = SENT_STATUS_CODES.filter(
  (code) => !NOT_REPLAYED.has(code),
);

export interface Coverage {
  /** Codes some passing step answered with. */
  covered: number[];
  /** Codes that should be covered and are not. */
  missing: number[];
  /** Replayed codes that have no page in status-codes.ts. */
  undocumented: number[];
}

export function coverage(
  passingStatuses: Iterable<number>,
  documented: readonly number[],
): Coverage {
  const covered = [...new Set(passingStatuses)].sort((a, b) => a - b);
  return {
    covered,
    missing: REPLAYED_STATUS_CODES.filter((code) => !covered.includes(code)),
    undocumented: REPLAYED_STATUS_CODES.filter((code) => !documented.includes(code)),
  };
}
