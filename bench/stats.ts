// Small statistics for the bench: exact percentiles of recorded samples (autocannon's own
// histogram has 1 ms resolution, too coarse for sub-millisecond differences), medians and
// the mean absolute deviation used for SSE event spacing.

/** The p-th percentile (0–100) by nearest rank; NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Mean absolute deviation of `values` from `target`. */
export function meanAbsDeviation(values: readonly number[], target: number): number {
  return mean(values.map((v) => Math.abs(v - target)));
}

/** Rounds for display and JSON; NaN and infinities become null. */
export function round(value: number, digits = 3): number | null {
  if (!Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
