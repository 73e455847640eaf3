/** One hour of a subscription's attempts, for the portal's 24-hour chart. */
export interface HourStats {
  hour: string;
  succeeded: number;
  failed: number;
  /** Latency of the hour's attempts; null when there were none. */
  avgMs: number | null;
  p95Ms: number | null;
}

export interface HourRow {
  hour: Date | string;
  succeeded: string | number;
  failed: string | number;
  avg_ms: string | number | null;
  p95_ms: string | number | null;
}

const HOUR_MS = 3_600_000;
export const STATS_HOURS = 24;

/** The first hour of the window: the 23 whole hours before the current one, and the current one. */
export function windowStart(now: Date): Date {
  return new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - (STATS_HOURS - 1) * HOUR_MS);
}

const numberOrNull = (value: string | number | null) => (value === null ? null : Math.round(Number(value)));

/** Every hour of the window, the empty ones as zeros, oldest first. */
export function fillHours(rows: readonly HourRow[], now: Date): HourStats[] {
  const byHour = new Map(rows.map((row) => [new Date(row.hour).getTime(), row]));
  const start = windowStart(now).getTime();
  return Array.from({ length: STATS_HOURS }, (_, i) => {
    const at = start + i * HOUR_MS;
    const row = byHour.get(at);
    return {
      hour: new Date(at).toISOString(),
      succeeded: row ? Number(row.succeeded) : 0,
      failed: row ? Number(row.failed) : 0,
      avgMs: row ? numberOrNull(row.avg_ms) : null,
      p95Ms: row ? numberOrNull(row.p95_ms) : null,
    };
  });
}
