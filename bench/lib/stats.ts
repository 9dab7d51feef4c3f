/** Medians and the repeat counts every group uses. */

/** BENCH_QUICK=1: a smoke run with few repeats; figures from it are not for BENCHMARKS.md. */
export const QUICK = process.env.BENCH_QUICK === '1';

/** Warm-up and measured repeats: `full` normally, `quick` under BENCH_QUICK=1. */
export function repeats(full: number, quick: number): number {
  return QUICK ? quick : full;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** One measured figure, as printed in the table and stored in latest.json. */
export interface Row {
  readonly group: string;
  readonly name: string;
  /** Median in ms unless `unit` says otherwise. */
  readonly value: number;
  readonly unit?: string;
  readonly n?: number;
  readonly min?: number;
  readonly max?: number;
  readonly note?: string;
}

export function timingRow(group: string, name: string, times: readonly number[], note?: string): Row {
  return {
    group,
    name,
    value: round(median(times), 2),
    n: times.length,
    min: round(Math.min(...times), 2),
    max: round(Math.max(...times), 2),
    ...(note ? { note } : {}),
  };
}

/** A row for something that could not be measured, with the reason. */
export function skippedRow(group: string, name: string, note: string): Row {
  return { group, name, value: NaN, note };
}
