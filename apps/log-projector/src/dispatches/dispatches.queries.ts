import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DispatchRow } from '../projection/delivery-log.rows';
import { DISPATCH_VIEW, fromDispatchRecord, type DispatchRecord } from '../tables/projection.sql';

/** A stored dispatch and the request body of its current round (null until that round is recorded). */
export interface DispatchWithRequestBody {
  row: DispatchRow;
  requestBody: string | null;
}

/** The reads a manual retry needs from the projected `dispatches` and `dispatch_rounds`. */
@Injectable()
export class DispatchesQueries {
  constructor(private readonly dataSource: DataSource) {}

  /** The organization's dispatch; null when it has none of that id. */
  async withRequestBody(organizationId: string, dispatchId: string): Promise<DispatchWithRequestBody | null> {
    const rows = await this.dataSource.query<Array<DispatchRecord & { request_body: string | null }>>(
      `${DISPATCH_VIEW} WHERE d.id = $1 AND d.organization_id = $2`,
      [dispatchId, organizationId],
    );
    const record = rows[0];
    if (!record) return null;
    return { row: fromDispatchRecord(record), requestBody: record.request_body };
  }
}
