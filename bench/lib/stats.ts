/** Small numeric helpers shared by the benchmark scripts. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export const min = (values: readonly number[]) => Math.min(...values);
export const max = (values: readonly number[]) => Math.max(...values);

/** 12345.6 → "12,346". */
export const int = (n: number) =>
  Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "n/a";

/** A rate with 3 significant digits: 123,456 → "123k", 1,234,567 → "1.23M", 12.3 → "12.3". */
export function rate(n: number): string {
  if (!Number.isFinite(n)) return "n/a";
  if (n >= 1e6) return `${(n / 1e6).toPrecision(3)}M`;
  if (n >= 1e4) return `${Math.round(n / 1e3)}k`;
  if (n >= 1e3) return `${(n / 1e3).toPrecision(3)}k`;
  return n.toPrecision(3);
}

/** Microseconds as "63 µs", "1.41 ms" or "2.31 s". */
export function micros(us: number): string {
  if (!Number.isFinite(us)) return "n/a";
  if (us < 1000) return `${Math.round(us)} µs`;
  if (us < 1_000_000) return `${(us / 1000).toPrecision(3)} ms`;
  return `${(us / 1_000_000).toPrecision(3)} s`;
}

/** Nanoseconds per operation from operations per second. */
export const nsPerOp = (opsPerSecond: number) => 1e9 / opsPerSecond;

export const mib = (bytes: number) => bytes / 1024 / 1024;

/** A ratio as "0.53×"; tiny ones keep 2 significant digits ("0.00012×"). */
export function ratio(r: number): string {
  if (!Number.isFinite(r)) return "n/a";
  return r >= 0.01 ? `${r.toFixed(2)}×` : `${r.toPrecision(2)}×`;
}

/** A share as a whole percentage: 0.987 → "99%". */
export const percent = (share: number) =>
  Number.isFinite(share) ? `${(share * 100).toFixed(0)}%` : "n/a";
