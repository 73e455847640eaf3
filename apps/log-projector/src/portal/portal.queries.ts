import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { HourRow } from './portal-stats.rows';

/** Served by attempts_by_subscription (organization, subscription, started_at). */
const HOURLY_STATS_SQL = `
  SELECT date_trunc('hour', started_at) AS hour,
         count(*) FILTER (WHERE status = 'SUCCEEDED') AS succeeded,
         count(*) FILTER (WHERE status <> 'SUCCEEDED') AS failed,
         avg(duration_ms) AS avg_ms,
         percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95_ms
    FROM attempts
   WHERE organization_id = $1 AND subscription_id = $2 AND started_at >= $3
   GROUP BY 1`;

/** The portal's reads of the projected `attempts` and `dispatches`. */
@Injectable()
export class PortalQueries {
  constructor(private readonly dataSource: DataSource) {}

  /** The subscription's attempts per hour, from `since` on; hours without attempts have no row. */
  hourlyStats(organizationId: string, subscriptionId: string, since: Date): Promise<HourRow[]> {
    return this.dataSource.query<HourRow[]>(HOURLY_STATS_SQL, [organizationId, subscriptionId, since]);
  }

  /** The subscription of the organization's dispatch; null when it has none of that id. */
  async subscriptionOfDispatch(organizationId: string, dispatchId: string): Promise<string | null> {
    const rows = await this.dataSource.query<Array<{ subscription_id: string }>>(
      'SELECT subscription_id FROM dispatches WHERE id = $1 AND organization_id = $2',
      [dispatchId, organizationId],
    );
    return rows[0]?.subscription_id ?? null;
  }
}
