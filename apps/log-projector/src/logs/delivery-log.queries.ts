import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AttemptStatus } from '../projection/delivery-log.rows';
import {
  ATTEMPT_COLUMNS,
  ATTEMPT_VIEW,
  DISPATCH_COLUMNS,
  names,
  type AttemptRecord,
  type AttemptView,
  type DispatchRecord,
} from '../tables/projection.sql';
import { SubscriptionDirectory } from '../subscriptions/subscription-directory.consumer';

export interface LogFilter {
  organizationId: string;
  subscriptionId?: string;
  eventType?: string;
  status?: AttemptStatus;
  limit: number;
  offset: number;
}

export interface DispatchFilter {
  organizationId: string;
  subscriptionId?: string;
  limit: number;
  offset: number;
  desc: boolean;
}

export interface DispatchWithCalls {
  dispatch: DispatchRecord;
  /** HTTP attempts of every round, oldest first (an abandoned round's attempt 0 is not a call). */
  calls: AttemptRecord[];
}

/** The reads behind the logs and dispatch APIs; every query is scoped to one organization. */
@Injectable()
export class DeliveryLogQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: SubscriptionDirectory,
  ) {}

  /**
   * A subscription is known to an organization while it exists there (SUBSCRIPTIONS), and
   * afterwards as long as it has deliveries there: a deleted subscription's logs stay readable.
   */
  async subscriptionKnown(organizationId: string, subscriptionId: string): Promise<boolean> {
    if (this.directory.exists(organizationId, subscriptionId)) return true;
    const rows = await this.dataSource.query<unknown[]>(
      'SELECT 1 FROM dispatches WHERE organization_id = $1 AND subscription_id = $2 LIMIT 1',
      [organizationId, subscriptionId],
    );
    return rows.length > 0;
  }

  async listLogs(filter: LogFilter): Promise<{ items: AttemptView[]; total: number }> {
    const params: unknown[] = [filter.organizationId];
    const where = ['a.organization_id = $1'];
    const add = (column: string, value: string | undefined) => {
      if (value === undefined) return;
      params.push(value);
      where.push(`a.${column} = $${params.length}`);
    };
    add('subscription_id', filter.subscriptionId);
    add('event_type', filter.eventType);
    add('status', filter.status);
    const condition = where.join(' AND ');
    const [items, count] = await Promise.all([
      this.dataSource.query<AttemptView[]>(
        `${ATTEMPT_VIEW} WHERE ${condition}
         ORDER BY a.started_at DESC, a.id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, filter.limit, filter.offset],
      ),
      this.dataSource.query<Array<{ total: string }>>(
        `SELECT count(*) AS total FROM attempts a WHERE ${condition}`,
        params,
      ),
    ]);
    return { items, total: Number(count[0]?.total ?? 0) };
  }

  async getDispatch(organizationId: string, dispatchId: string): Promise<DispatchWithCalls | null> {
    const rows = await this.dataSource.query<DispatchRecord[]>(
      `SELECT ${names(DISPATCH_COLUMNS)} FROM dispatches WHERE id = $1 AND organization_id = $2`,
      [dispatchId, organizationId],
    );
    const dispatch = rows[0];
    if (!dispatch) return null;
    const calls = await this.callsOf(organizationId, [dispatch.id]);
    return { dispatch, calls: calls.get(dispatch.id) ?? [] };
  }

  async listDispatches(filter: DispatchFilter): Promise<{ items: DispatchWithCalls[]; total: number }> {
    const params: unknown[] = [filter.organizationId];
    let condition = 'organization_id = $1';
    if (filter.subscriptionId !== undefined) {
      params.push(filter.subscriptionId);
      condition += ' AND subscription_id = $2';
    }
    const direction = filter.desc ? 'DESC' : 'ASC';
    const [rows, count] = await Promise.all([
      this.dataSource.query<DispatchRecord[]>(
        `SELECT ${names(DISPATCH_COLUMNS)} FROM dispatches WHERE ${condition}
         ORDER BY created_at ${direction}, id ${direction} LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, filter.limit, filter.offset],
      ),
      this.dataSource.query<Array<{ total: string }>>(
        `SELECT count(*) AS total FROM dispatches WHERE ${condition}`,
        params,
      ),
    ]);
    const calls = await this.callsOf(
      filter.organizationId,
      rows.map((row) => row.id),
    );
    return {
      items: rows.map((dispatch) => ({ dispatch, calls: calls.get(dispatch.id) ?? [] })),
      total: Number(count[0]?.total ?? 0),
    };
  }

  private async callsOf(
    organizationId: string,
    dispatchIds: string[],
  ): Promise<Map<string, AttemptRecord[]>> {
    const byDispatch = new Map<string, AttemptRecord[]>();
    if (dispatchIds.length === 0) return byDispatch;
    // Rounds sort as strings ('' first, then time-sortable rnd_ ids): this is chronological order.
    const rows = await this.dataSource.query<AttemptRecord[]>(
      `SELECT ${names(ATTEMPT_COLUMNS)} FROM attempts
        WHERE dispatch_id = ANY($1::text[]) AND organization_id = $2 AND attempt > 0
        ORDER BY dispatch_id, round COLLATE "C", attempt`,
      [dispatchIds, organizationId],
    );
    for (const row of rows) {
      const list = byDispatch.get(row.dispatch_id) ?? [];
      list.push(row);
      byDispatch.set(row.dispatch_id, list);
    }
    return byDispatch;
  }
}
