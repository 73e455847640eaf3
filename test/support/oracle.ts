import { Webhook } from 'standardwebhooks';
import { dispatchIdOf } from '@hookstream/contracts';
import { matchesAny } from '@hookstream/webhooks';
import type { ReceivedRequest } from '@hookstream/testing';
import type { Tenant } from './stack';

/** An event the API acknowledged (202): the platform owes its delivery to every matching subscription. */
export interface PublishedEvent {
  id: string;
  type: string;
}

/** A subscription as the oracle needs it: where its requests land and how they are signed. */
export interface WatchedSubscription {
  id: string;
  events: string[];
  secret: string;
  /** The receiver path its URL points at. */
  path: string;
}

/** One entry of the read model (GET /webhooks/:id/logs). */
export interface LogRecord {
  dispatchId: string;
  status: string;
}

export type PairVerdict = 'delivered' | 'lost' | 'duplicated' | 'unexpected';

export interface OracleResult {
  scenario: string;
  expected: number;
  delivered: number;
  lost: number;
  duplicated: number;
  unexpected: number;
  /** webhook-ids of requests whose Standard Webhooks signature does not verify. */
  badSignatures: string[];
  /** Dispatch ids delivered to the receiver that the read model does not show as succeeded. */
  unrecorded: string[];
  /** Dispatch ids of lost pairs and of unexpected requests, for failure messages. */
  lostIds: string[];
  unexpectedIds: string[];
}

export interface OracleInput {
  scenario: string;
  events: readonly PublishedEvent[];
  subscriptions: readonly WatchedSubscription[];
  requests: readonly ReceivedRequest[];
  /** The read model; when given, every delivered pair must be recorded as succeeded. */
  logs?: readonly LogRecord[];
}

function verifies(secret: string, request: ReceivedRequest): boolean {
  try {
    new Webhook(secret).verify(request.body, request.headers);
    return true;
  } catch {
    return false;
  }
}

/**
 * Classifies every (event, matching subscription) pair: delivered once, duplicated (the same
 * webhook-id and the same body more than once: allowed by at-least-once), lost (never received),
 * and counts requests nobody owed (unknown webhook-id, or one id with different bodies) as unexpected.
 */
export function judge(input: OracleInput): OracleResult {
  const result: OracleResult = {
    scenario: input.scenario,
    expected: 0,
    delivered: 0,
    lost: 0,
    duplicated: 0,
    unexpected: 0,
    badSignatures: [],
    unrecorded: [],
    lostIds: [],
    unexpectedIds: [],
  };
  const succeeded = new Set(
    (input.logs ?? []).filter((l) => l.status === 'succeeded').map((l) => l.dispatchId),
  );
  for (const subscription of input.subscriptions) {
    const received = input.requests.filter((r) => r.path === subscription.path);
    const owed = new Set<string>();
    for (const event of input.events) {
      if (!matchesAny(subscription.events, event.type)) continue;
      const dispatchId = dispatchIdOf(event.id, subscription.id);
      owed.add(dispatchId);
      result.expected += 1;
      const copies = received.filter((r) => r.headers['webhook-id'] === dispatchId);
      const bodies = new Set(copies.map((r) => r.body));
      if (copies.length === 0) {
        result.lost += 1;
        result.lostIds.push(dispatchId);
        continue;
      }
      if (bodies.size > 1) {
        result.unexpected += 1;
        result.unexpectedIds.push(dispatchId);
        continue;
      }
      result.delivered += 1;
      if (copies.length > 1) result.duplicated += 1;
      if (input.logs && !succeeded.has(dispatchId)) result.unrecorded.push(dispatchId);
    }
    for (const request of received) {
      const id = request.headers['webhook-id'] ?? '(none)';
      if (!owed.has(id)) {
        result.unexpected += 1;
        result.unexpectedIds.push(id);
      }
      if (!verifies(subscription.secret, request)) result.badSignatures.push(id);
    }
  }
  return result;
}

/** The read model of some subscriptions, every page. */
export async function readLogs(tenant: Tenant, subscriptionIds: readonly string[]): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  for (const id of subscriptionIds) {
    for (let offset = 0; ; offset += 200) {
      const page = await tenant.call<{ items: LogRecord[]; total: number }>(
        'GET',
        `/webhooks/${id}/logs?limit=200&offset=${offset}`,
      );
      if (page.status !== 200) throw new Error(`logs of ${id}: ${page.status} ${JSON.stringify(page.body)}`);
      records.push(...page.body.items);
      if (page.body.items.length < 200) break;
    }
  }
  return records;
}

const COLUMNS = ['scenario', 'expected', 'delivered', 'lost', 'duplicated', 'unexpected'] as const;

export function formatRow(r: OracleResult): string {
  return [r.scenario.padEnd(48), ...COLUMNS.slice(1).map((c) => String(r[c]).padStart(10))].join(' ');
}

export function formatTable(results: readonly OracleResult[]): string {
  const header = [COLUMNS[0].padEnd(48), ...COLUMNS.slice(1).map((c) => c.padStart(10))].join(' ');
  return [header, ...results.map(formatRow)].join('\n');
}
