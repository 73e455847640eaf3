import { fillHours, windowStart } from './portal-stats.rows';

describe('portal hourly stats', () => {
  const now = new Date('2026-12-02T18:40:00Z');

  it('covers the current hour and the 23 before it', () => {
    expect(windowStart(now).toISOString()).toBe('2026-12-01T19:00:00.000Z');
    const hours = fillHours([], now);
    expect(hours).toHaveLength(24);
    expect(hours[23]).toEqual({
      hour: '2026-12-02T18:00:00.000Z',
      succeeded: 0,
      failed: 0,
      avgMs: null,
      p95Ms: null,
    });
  });

  it('places the database rows at their hour, as numbers', () => {
    const rows = [
      { hour: new Date('2026-12-02T17:00:00Z'), succeeded: '3', failed: '1', avg_ms: '12.6', p95_ms: 40.2 },
    ];
    expect(fillHours(rows, now)[22]).toEqual({
      hour: '2026-12-02T17:00:00.000Z',
      succeeded: 3,
      failed: 1,
      avgMs: 13,
      p95Ms: 40,
    });
  });
});
