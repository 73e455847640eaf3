/**
 * Whether the platform kept up with an offered rate: what arrived at the receiver while the
 * measured events were published matches the offered rate within `rateTolerance`, and once the
 * producer stops, the last delivery follows the last publish within `settleMs` (a queue that
 * grew during the run would take longer to drain).
 */
export const KEEP_UP = { rateTolerance: 0.03, settleMs: 1_000 };

/** Deliveries received in [fromMs, toMs], per second; NaN for an empty window. */
export function deliveredPerSecond(receivedAt: readonly number[], fromMs: number, toMs: number): number {
  if (!(toMs > fromMs)) return Number.NaN;
  const within = receivedAt.filter((at) => at >= fromMs && at <= toMs).length;
  return (within / (toMs - fromMs)) * 1000;
}

/** Earliest and latest publish time of the events whose key starts with the prefix. */
export function publishWindow(
  publishedAt: ReadonlyMap<string, number>,
  prefix: string,
): { fromMs: number; toMs: number } {
  let fromMs = Number.POSITIVE_INFINITY;
  let toMs = Number.NEGATIVE_INFINITY;
  for (const [key, at] of publishedAt)
    if (key.startsWith(prefix)) {
      fromMs = Math.min(fromMs, at);
      toMs = Math.max(toMs, at);
    }
  return { fromMs, toMs };
}

export function keptUp(
  run: { offeredPerSecond: number; deliveredPerSecond: number; settleMs: number },
  limits = KEEP_UP,
): boolean {
  const off = Math.abs(run.deliveredPerSecond - run.offeredPerSecond) / run.offeredPerSecond;
  return off <= limits.rateTolerance && run.settleMs <= limits.settleMs;
}
