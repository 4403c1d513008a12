import type { LatencySummary } from "./loadProtocol.ts";

/** The nearest-rank percentile (`fraction` of 1) of samples sorted in ascending order. */
export function nearestRank(sorted: ArrayLike<number>, fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

/** Exact percentiles (nearest rank) over every recorded sample. */
export function summarizeLatencies(samples: readonly number[]): LatencySummary {
  if (samples.length === 0) return { p50: 0, p95: 0, p99: 0, mean: 0, max: 0 };
  const sorted = Float64Array.from(samples).sort();
  const at = (fraction: number) => nearestRank(sorted, fraction);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    p99: round(at(0.99)),
    mean: round(total / sorted.length),
    max: round(sorted[sorted.length - 1]!),
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
