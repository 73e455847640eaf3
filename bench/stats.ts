export interface Percentiles {
  count: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

/** Nearest-rank percentiles of finite samples (NaN dropped); all NaN when there is none. */
export function percentiles(samples: readonly number[]): Percentiles {
  const sorted = Float64Array.from(samples.filter(Number.isFinite)).sort();
  const rank = (p: number): number =>
    sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
  return {
    count: sorted.length,
    p50: rank(0.5),
    p99: rank(0.99),
    p999: rank(0.999),
    max: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!,
  };
}

export const round = (value: number, digits = 1): number => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};
